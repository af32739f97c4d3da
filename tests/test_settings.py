from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # The test run's own relaxations (plain-HTTP test servers) must not leak into what is checked.
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_check_deploy_with_zero_warnings(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "a-real-secret-key-of-sufficient-length-and-variety-1234567890",
        DJANGO_ALLOWED_HOSTS="defender.example.org",
        DATA_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_default_settings_need_no_services(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL.split(':')[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "DATA_DIR": str(tmp_path)}, timeout=60,
    )

    assert result.stdout.split() == ["django.db.backends.sqlite3", "sqla+sqlite"], result.stderr
