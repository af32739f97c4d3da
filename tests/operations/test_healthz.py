"""GET /healthz: for load balancers and monitoring, no login, no case data, 200 only when everything is up."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from operations.services import worker_heartbeat_forget, worker_heartbeat_record
from tests.conftest import wait_until
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _health(client, **headers):
    response = client.get("/healthz", **headers)
    return response, json.loads(response.content)


def test_all_up_answers_200_without_login(client):
    worker_heartbeat_record(hostname="celery@web-1")

    response, body = _health(client)

    assert response.status_code == 200
    assert body["ok"] is True
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "up", "broker": "up", "storage": "up", "worker": "up",
    }
    assert body["checks"]["worker"]["workers_up"] == 1
    assert response["Cache-Control"].startswith("max-age=0")


def test_no_worker_heartbeat_answers_503_naming_the_worker(client):
    response, body = _health(client)

    assert response.status_code == 503
    assert body["ok"] is False
    assert body["checks"]["worker"] == {**body["checks"]["worker"], "status": "down", "last_heartbeat": None}
    assert body["checks"]["database"]["status"] == "up"


def test_a_stale_heartbeat_is_a_worker_down(client, settings):
    worker_heartbeat_record(hostname="celery@old", at=timezone.now() - timedelta(seconds=4 * settings.WORKER_HEARTBEAT_SECONDS))

    response, body = _health(client)

    assert response.status_code == 503
    assert body["checks"]["worker"]["status"] == "down"
    assert body["checks"]["worker"]["seconds_ago"] >= 4 * settings.WORKER_HEARTBEAT_SECONDS


def test_a_worker_that_stopped_cleanly_is_forgotten(client):
    worker_heartbeat_record(hostname="celery@web-1")
    worker_heartbeat_forget(hostname="celery@web-1")

    response, body = _health(client)

    assert response.status_code == 503
    assert body["checks"]["worker"]["workers_up"] == 0


def test_an_unreachable_broker_answers_503_without_revealing_its_address(client, settings):
    worker_heartbeat_record(hostname="celery@web-1")
    settings.CELERY_BROKER_URL = "redis://:s3cret-password@127.0.0.1:9/0"  # port 9 (discard): nothing listens
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response, body = _health(client)

    assert response.status_code == 503
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["broker"]["error"]
    assert "s3cret" not in response.content.decode() and "127.0.0.1" not in response.content.decode()


def test_storage_that_cannot_take_a_file_answers_503(client, settings, tmp_path):
    worker_heartbeat_record(hostname="celery@web-1")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked

    response, body = _health(client)

    assert response.status_code == 503
    assert body["checks"]["storage"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "up"


def test_no_case_data_in_the_answer(client):
    case = CaseFactory(client_name="Fictional Clientname")
    worker_heartbeat_record(hostname="celery@web-1")

    response, body = _health(client)

    assert case.client_name not in response.content.decode()
    assert set(body) == {"ok", "checks"}
    assert all(set(check) <= {"status", "seconds", "error", "vendor", "transport", "backend", "last_heartbeat",
                              "seconds_ago", "workers_up"} for check in body["checks"].values())


def test_plain_http_probe_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    worker_heartbeat_record(hostname="celery@web-1")

    response, _ = _health(client)

    assert response.status_code == 200


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.worker
def test_a_real_worker_beats_and_is_forgotten_when_it_stops(worker_process, client):
    """The heartbeat comes from the worker process itself, not from the test."""
    def up():
        return _health(client)[0].status_code == 200

    wait_until(up, timeout=30)
    worker_process.terminate()
    worker_process.wait(timeout=20)

    _, body = _health(client)
    assert body["checks"]["worker"]["workers_up"] == 0
