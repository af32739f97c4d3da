"""The files for running on several machines say what they promise: every process shares the database, the broker
and the bucket, none shares a disk, there is exactly one beat, and workers stop quickly.

`docker compose config` validates the compose file where Docker's compose plugin exists; everywhere else (this CI
included) the file is parsed and its services checked here."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
APP_SERVICES = {"web", "worker", "beat", "migrate"}
SHARED = {"DATABASE_URL", "CELERY_BROKER_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY", "DJANGO_SECRET_KEY"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_web_workers_one_beat_and_the_shared_services(compose):
    services = compose["services"]

    assert {"web", "worker", "beat", "postgres", "redis", "minio"} <= set(services)
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["worker"]["deploy"]["replicas"] == "${WORKERS:-2}"
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert "-B" not in services["worker"]["command"]  # the one beat is its own service


def test_compose_app_services_share_database_broker_and_bucket_and_no_disk(compose):
    services = compose["services"]
    environments = [services[name]["environment"] for name in APP_SERVICES]

    for environment in environments:
        assert SHARED <= set(environment)
        assert environment == environments[0]  # one deployment: the same values everywhere
    assert environments[0]["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert "@postgres:" in environments[0]["DATABASE_URL"]
    assert environments[0]["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    for name in APP_SERVICES:
        assert "volumes" not in services[name], f"{name} must not need a disk: everything is in the bucket"


def test_compose_workers_stop_quickly_and_web_is_health_checked(compose):
    services = compose["services"]

    assert services["worker"]["environment"]["REMAP_SIGTERM"] == "SIGQUIT"
    assert services["worker"]["stop_grace_period"] == "10s"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


@pytest.mark.skipif(shutil.which("docker") is None or subprocess.run(["docker", "compose", "version"],
                    capture_output=True).returncode != 0, reason="Docker's compose plugin is not installed here")
def test_docker_compose_accepts_the_file():
    env_file = DEPLOY / "mitigation.env.example"
    result = subprocess.run(["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "--env-file", str(env_file),
                             "config", "--quiet"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string((DEPLOY / "systemd" / name).read_text().replace("\\\n", " "))
    return unit


def test_systemd_units_match_the_compose_file():
    web, worker, beat = (_unit(f"mitigation-{name}.service") for name in ("web", "worker", "beat"))

    assert "gunicorn config.wsgi:application" in web["Service"]["ExecStart"]
    assert "celery -A config worker" in worker["Service"]["ExecStart"] and " -B" not in worker["Service"]["ExecStart"]
    assert "celery -A config beat" in beat["Service"]["ExecStart"]
    assert "EXACTLY ONE" in (DEPLOY / "systemd" / "mitigation-beat.service").read_text()
    for unit in (web, worker, beat):
        assert unit["Service"]["EnvironmentFile"] == "/etc/mitigation/mitigation.env"
        assert int(unit["Service"]["TimeoutStopSec"]) <= 10
    assert "Environment=REMAP_SIGTERM=SIGQUIT" in (DEPLOY / "systemd" / "mitigation-worker.service").read_text()


def test_the_example_environment_names_every_shared_setting_the_app_reads():
    names = {line.split("=", 1)[0] for line in (DEPLOY / "mitigation.env.example").read_text().splitlines()
             if line and not line.startswith("#")}
    settings_source = (ROOT / "config" / "settings.py").read_text()

    assert SHARED <= names
    assert "dj_database_url.config(" in settings_source  # which reads DATABASE_URL
    for name in SHARED - {"DATABASE_URL"}:
        assert f'"{name}"' in settings_source, f"{name} is not read by config/settings.py"


def test_production_logs_json_lines_wherever_it_is_started(compose):
    """`./dev serve`, compose and systemd log JSON lines by default; `./dev run` and the tests stay plain text."""
    assert "export LOG_FORMAT=${LOG_FORMAT:-json}" in (ROOT / "dev").read_text()
    assert "LOG_FORMAT=json" in (DEPLOY / "mitigation.env.example").read_text().splitlines()
    for name in APP_SERVICES:
        assert compose["services"][name]["environment"]["LOG_FORMAT"] == "${LOG_FORMAT:-json}"
    for name in ("web", "worker", "beat", "migrate"):
        assert "Environment=LOG_FORMAT=json" in (DEPLOY / "systemd" / f"mitigation-{name}.service").read_text()
