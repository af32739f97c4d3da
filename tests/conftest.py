from __future__ import annotations

import pytest
from celery.app.task import Task


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is slow by design; tests create many users and do not test the hash itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def sent_tasks(request, monkeypatch) -> list[tuple[str, tuple]]:
    """Tasks that code sent to the broker, recorded instead of sent.

    Unit tests call services directly; tests marked `worker` send for real to a real worker."""
    sent: list[tuple[str, tuple]] = []
    if request.node.get_closest_marker("worker") is None:

        def record(self, args=None, kwargs=None, **options):
            sent.append((self.name, tuple(args or ())))

        monkeypatch.setattr(Task, "apply_async", record)
    return sent


def _database_url_for_subprocess() -> str:
    """The URL of the database this test is using, so a child process sees the same rows."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def start_worker(*, settings, media_root, log_path):
    """Start a real `celery worker` process on the configured broker, reading the test database."""
    import os
    import subprocess
    import sys
    import time

    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_subprocess(),
        "MEDIA_ROOT": str(media_root),
        "DATA_DIR": str(settings.DATA_DIR),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "OMP_THREAD_LIMIT": "1",
    }
    media_root.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log_path = log_path
    deadline = time.monotonic() + 60
    while b"ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the worker did not start:\n" + log_path.read_text(errors="replace"))
        time.sleep(0.2)
    return process


@pytest.fixture
def worker_process(transactional_db, settings, media_root):
    """A real worker for the test; messages left by an interrupted earlier run are purged first."""
    import subprocess

    from config.celery import app as celery_app

    celery_app.control.purge()
    process = start_worker(settings=settings, media_root=media_root, log_path=media_root.parent / "worker.log")
    try:
        yield process
    finally:
        print("---- worker log ----\n" + process.log_path.read_text(errors="replace"))  # shown when a test fails
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until(predicate, *, timeout: float = 60.0, interval: float = 0.25):
    """Poll until predicate() is truthy; return its value or fail with the timeout."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture(scope="session")
def s3_endpoint():
    """An S3-compatible server on loopback: the one `.ci/run` starts (TEST_S3_ENDPOINT_URL), or else moto's
    server started here for the session. A real HTTP server either way: the bucket is reached as in production."""
    import os
    import socket

    url = os.environ.get("TEST_S3_ENDPOINT_URL")
    if url:
        yield url
        return
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(settings, s3_endpoint, monkeypatch):
    """Originals, pages' sources and exports in a fresh bucket of the S3-compatible server, configured as an office
    would (the environment variables too, so a worker process started by the test uses the same bucket)."""
    import uuid

    import boto3

    bucket = f"test-{uuid.uuid4().hex[:16]}"
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=bucket)
    environment = {"AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": s3_endpoint,
                   "AWS_S3_REGION_NAME": "us-east-1", **credentials}
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
        setattr(settings, name, value)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}

    class Bucket:
        name = bucket

        @staticmethod
        def keys() -> list[str]:
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    yield Bucket
    for key in Bucket.keys():
        client.delete_object(Bucket=bucket, Key=key)
    client.delete_bucket(Bucket=bucket)
