"""A pytest plugin loaded (with `-p`) before Django reads its settings: the environment of a test run.

Tests get data folders of their own, so they never touch a running dev app's database, records or
broker queue, and plain-HTTP test servers (the live server of the browser tests) work with DEBUG off."""

import os
from pathlib import Path

os.environ.setdefault("DATA_DIR", str(Path(__file__).resolve().parents[1] / "var" / "test"))
os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")  # no collectstatic before tests
