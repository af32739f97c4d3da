"""The Celery application: configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Tesseract's OpenMP threads fight each other on small machines: one thread per process,
# and parallelism comes from worker processes instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
# Likewise numpy's OpenBLAS: its idle threads spin after every product and burn a second core per process.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

app = Celery("mitigation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _limit_worker_memory(**kwargs) -> None:
    import resource

    from django.conf import settings

    limit = settings.WORKER_MEMORY_LIMIT_MB * 1024 * 1024
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
