import os

# numpy's OpenBLAS starts a thread per core and keeps them spinning after each product: for the head's small
# matrices that doubled the CPU one extraction burns, and a worker has one process per core already.
# Only effective when numpy is not imported yet; config/celery.py sets it too, first thing in a worker.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
