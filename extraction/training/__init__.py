"""Training and measuring the event model: gold sets, labels per reading unit, the training loop.

Training needs PyTorch and transformers, which production does not install: ``./dev train`` sets up that
environment. ``gold.py`` (sets and labels) is plain Python and is also used by ``manage.py evaluate``.
"""
