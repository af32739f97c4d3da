"""The Celery application: configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Tesseract's OpenMP threads fight each other on small machines: one thread per process,
# and parallelism comes from worker processes instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

app = Celery("mitigation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
