"""Production on one machine: `./dev serve` and the settings it relies on.

These start real processes (gunicorn, a worker, beat) as an office would, each on its own SQLite database and
broker file in a temporary folder, so they run the same whichever database the rest of the suite uses."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
A_SECRET_KEY = "x" * 20 + "a-real-secret-key-of-sufficient-length-and-variety-1234567890"


def _clean_env(**extra: str) -> dict[str, str]:
    """The machine's environment without the test run's relaxations (DJANGO_*) or its services."""
    drop = ("DJANGO_", "DATABASE_URL", "CELERY_BROKER_URL", "DATA_DIR", "MEDIA_ROOT", "AWS_", "PORT", "HOST")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(drop)}, **extra}


def test_serve_refuses_to_start_without_a_secret_key():
    result = subprocess.run(["./dev", "serve"], cwd=ROOT, env=_clean_env(), capture_output=True, text=True, timeout=30)

    assert result.returncode == 2
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_serve_refuses_the_built_in_key():
    from django.conf import settings

    result = subprocess.run(["./dev", "serve"], cwd=ROOT, env=_clean_env(DJANGO_SECRET_KEY=settings.BUILT_IN_SECRET_KEY),
                            capture_output=True, text=True, timeout=30)

    assert result.returncode == 2


def test_check_deploy_fails_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=_clean_env(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="defender.example.org", DATA_DIR=str(tmp_path)),
    )

    assert result.returncode != 0
    assert "operations.E001" in result.stderr


@pytest.mark.parametrize(("env", "starts"), [
    ({"DJANGO_DEBUG": "0"}, False),
    ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": A_SECRET_KEY}, True),
    ({"DJANGO_DEBUG": "1"}, True),  # development may use the built-in key
])
def test_the_web_application_refuses_the_built_in_key_in_production(tmp_path, env, starts):
    result = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env=_clean_env(DATA_DIR=str(tmp_path), **env))

    assert (result.returncode == 0) is starts, result.stderr
    if not starts:
        assert "Refusing to serve with the built-in secret key" in result.stderr


def test_supervise_stops_every_other_process_when_one_ends(tmp_path):
    """What `./dev run` and `./dev serve` do when the web server exits on its own: the worker goes too."""
    marker = tmp_path / "still-running"
    script = (
        "source ./dev; "
        f"start_child bash -c 'trap \"exit 0\" TERM; while true; do touch {marker}; sleep 0.1; done'; "
        "start_child bash -c 'sleep 0.5; exit 3'; "
        "supervise"
    )
    started = time.monotonic()
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30)

    assert result.returncode == 3  # the status of the process that ended
    assert time.monotonic() - started < 10
    marker.unlink()
    time.sleep(0.5)
    assert not marker.exists()  # the other one was stopped, not orphaned


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, **headers: str) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _descendants(pid: int) -> set[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    found = {int(child) for child in children}
    for child in list(found):
        found |= _descendants(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state not in {"Z", "X"}


@pytest.mark.worker
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="uses a SQLite database of its own whatever the run's "
                    "database: it runs once, in the default run")
def test_serve_runs_the_app_behind_a_tls_proxy_and_stops_whole(tmp_path):
    port = _free_port()
    env = _clean_env(
        DJANGO_SECRET_KEY=A_SECRET_KEY, DATA_DIR=str(tmp_path), PORT=str(port), WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="1", VENV=sys.prefix, WORKER_HEARTBEAT_SECONDS="5",
    )
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(["./dev", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        # Migrations and collectstatic (compressing 40 MB of editor files) first: about a minute on an idle 2-core
        # machine, several when it is shared.
        deadline = time.monotonic() + 480
        status = None
        while time.monotonic() < deadline and serve.poll() is None:
            try:
                status, body, _ = _get(f"{base}/healthz")
            except OSError:
                status = None
            if status == 200:
                break
            time.sleep(1)
        assert status == 200, (tmp_path / "serve.log").read_text(errors="replace")[-3000:]

        # Without the proxy's header, plain HTTP is sent to HTTPS; with it, the page is served, DEBUG off.
        status, _, headers = _get(f"{base}/accounts/login/")
        assert status == 301 and headers["Location"].startswith("https://")
        status, page, headers = _get(f"{base}/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert status == 200 and b'name="password"' in page
        assert "Strict-Transport-Security" in headers
        stylesheet = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "static files are collected and named by their hashes"
        status, css, headers = _get(base + stylesheet.group(1).decode(), **{"X-Forwarded-Proto": "https"})
        assert status == 200 and len(css) > 100
        status, _, _ = _get(f"{base}/no-such-page/", **{"X-Forwarded-Proto": "https"})
        assert status == 404  # DEBUG off: no debug page

        # The web server ends on its own: the worker and beat must not outlive it.
        processes = _descendants(serve.pid)
        gunicorn_master = int(subprocess.run(["pgrep", "-P", str(serve.pid), "-f", "gunicorn"],
                                             capture_output=True, text=True).stdout.split()[0])
        os.kill(gunicorn_master, signal.SIGTERM)
        serve.wait(timeout=20)
        time.sleep(0.5)
        assert not [pid for pid in processes if _alive(pid)]
    finally:
        if serve.poll() is None:
            for pid in _descendants(serve.pid):
                os.kill(pid, signal.SIGKILL)
            serve.kill()
        log.close()
