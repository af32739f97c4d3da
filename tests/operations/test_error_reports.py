"""Server errors reach the people who run the app, by mail to ADMINS or to Sentry when a DSN is set, without
anything from the request that could be a client's: no body, no query string, no file names, no cookies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import django
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

ROOT = Path(__file__).resolve().parents[2]
# What a failing request carries that must not leave the machine.
SECRETS = ("Roe-Jane-school-records", "history of abuse", "jane+roe", "s3ss10n-value")


def _post_boom(client):
    client.raise_request_exception = False
    client.cookies["sessionid"] = "s3ss10n-value"
    upload = SimpleUploadedFile("Roe-Jane-school-records.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    return client.post("/boom/?q=jane+roe", {"notes": "history of abuse", "file": upload})


@pytest.mark.django_db  # the report names the user, read through the session
@pytest.mark.urls("tests.operations.boom_urls")
def test_a_500_with_admins_set_sends_one_mail_without_the_request_data(client, settings):
    settings.ADMINS = [("Ops", "ops@defender.example.org")] if django.VERSION < (6,) else ["Ops <ops@defender.example.org>"]

    response = _post_boom(client)

    assert response.status_code == 500
    (message,) = mail.outbox
    assert message.to == ["ops@defender.example.org"]
    assert "/boom/" in message.subject and "RuntimeError" in message.body  # what failed, and where
    text = message.subject + message.body + "".join(str(a) for a in message.attachments)
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.mark.django_db
@pytest.mark.urls("tests.operations.boom_urls")
def test_no_mail_while_admins_is_empty(client, settings):
    settings.ADMINS = []

    assert _post_boom(client).status_code == 500
    assert mail.outbox == []


def test_admins_come_from_the_environment(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(repr(settings.ADMINS))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATA_DIR": str(tmp_path),
           "DJANGO_ADMINS": "Ops Desk <ops@defender.example.org>, jo@defender.example.org"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)

    assert "ops@defender.example.org" in result.stdout and "jo@defender.example.org" in result.stdout, result.stderr
    assert "Ops Desk" in result.stdout


# Run in a process of its own: the SDK patches Django and Celery for the life of the process.
SENTRY_SCRIPT = r"""
import json, django
django.setup()  # SENTRY_DSN is set: config/settings.py starts the SDK
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options
started = {"active": client.is_active(), "pii": options["send_default_pii"],
           "body": options["max_request_body_size"], "locals": options["include_local_variables"],
           "integrations": sorted(client.integrations)}

from sentry_sdk.transport import Transport

class Recording(Transport):
    # Records what would be sent instead of sending it: no network.
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []
    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)
    def flush(self, timeout, callback=None):
        pass

recording = Recording()
from config.observability import sentry_init
from django.conf import settings
sentry_init(dsn=settings.SENTRY_DSN, environment="test", transport=recording)

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.test import RequestFactory, override_settings
# Through the WSGI application, as gunicorn calls it: the SDK's Django integration hooks in there.
with override_settings(ROOT_URLCONF="tests.operations.boom_urls", ALLOWED_HOSTS=["testserver"]):
    upload = SimpleUploadedFile("Roe-Jane-school-records.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    environ = RequestFactory().post("/boom/?q=jane+roe", {"notes": "history of abuse", "file": upload},
                                    HTTP_COOKIE="remember=s3ss10n-value").environ  # no sessionid: no tables here
    statuses = []
    for _ in get_wsgi_application()(environ, lambda status, headers, exc_info=None: statuses.append(status)):
        pass
    status = int(statuses[0].split()[0])
sentry_sdk.flush()
events = [item.payload.json for envelope in recording.envelopes for item in envelope.items if item.type == "event"]
print("RESULT " + json.dumps({"started": started, "status": status, "events": events}, default=str))
"""


def test_with_sentry_dsn_set_the_sdk_starts_and_an_error_is_sent_without_the_request_data(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATA_DIR": str(tmp_path),
           "SENTRY_DSN": "http://public@127.0.0.1:9/1"}  # never contacted: the transport records
    result = subprocess.run([sys.executable, "-c", SENTRY_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=180)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, result.stderr[-3000:]
    outcome = json.loads(lines[-1][len("RESULT "):])

    started = outcome["started"]
    assert started["active"] and started["pii"] is False and started["locals"] is False
    assert started["body"] == "never"
    assert {"django", "celery"} <= set(started["integrations"])
    assert outcome["status"] == 500
    (event,) = [e for e in outcome["events"] if e.get("exception")]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["request"]["url"].endswith("/boom/") and event["request"]["method"] == "POST"
    sent = json.dumps(event)
    for secret in SECRETS:
        assert secret not in sent, secret
    assert "data" not in event["request"] and "query_string" not in event["request"]
