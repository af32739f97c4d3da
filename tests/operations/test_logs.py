"""Logs as JSON lines (LOG_FORMAT=json): the ids passed as `extra` come out as keys, and a record with a traceback
stays one line, so a log collector indexes every record whole."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from common.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log():
    """A logger writing JSON lines into a buffer; returns (logger, function giving the records written)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.json_log")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_an_extra_id_comes_out_as_a_json_key(json_log):
    logger, records = json_log

    logger.info("extraction.document_done", extra={"document_id": 7, "case_id": 3, "proposed": 12})

    (record,) = records()
    assert record["message"] == "extraction.document_done"
    assert (record["document_id"], record["case_id"], record["proposed"]) == (7, 3, 12)
    assert record["level"] == "INFO" and record["logger"] == "tests.json_log"
    assert record["time"].endswith("+00:00")


def test_an_exception_is_one_json_line_with_its_traceback(json_log):
    logger, records = json_log

    try:
        raise ValueError("the PDF library gave up")
    except ValueError:
        logger.exception("evidence.document_read_failed", extra={"document_id": 9})

    (record,) = records()  # one line, although a traceback has many
    assert record["level"] == "ERROR" and record["document_id"] == 9
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert "ValueError: the PDF library gave up" in record["exception"]


def test_a_request_passed_as_extra_gives_its_method_and_path_only(json_log):
    """django.request passes the request: its query string (a search for record text) and cookies stay out."""
    logger, records = json_log
    request = RequestFactory().get("/cases/4/search/?q=client+text", HTTP_COOKIE="sessionid=secret")

    logger.error("Internal Server Error: %s", request.path, extra={"status_code": 500, "request": request})

    (record,) = records()
    assert (record["request_method"], record["request_path"], record["status_code"]) == ("GET", "/cases/4/search/", 500)
    assert "client" not in json.dumps(record) and "secret" not in json.dumps(record)


def test_a_value_that_is_not_json_is_written_as_text(json_log):
    from datetime import date

    logger, records = json_log

    logger.info("engagements.created", extra={"path": Path("/tmp/x"), "when": date(2026, 1, 2)})

    (record,) = records()
    assert (record["path"], record["when"]) == ("/tmp/x", "2026-01-02")


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env})


LOG_ONE = ("import django, logging; django.setup(); "
           "logging.getLogger('evidence.services').info('evidence.document_read', extra={'document_id': 5})")


def test_log_format_json_makes_the_app_log_json_lines(tmp_path):
    result = _run(LOG_ONE, LOG_FORMAT="json", DATA_DIR=str(tmp_path))

    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["document_id"] == 5 and record["logger"] == "evidence.services"


def test_plain_text_stays_the_default(tmp_path):
    result = _run(LOG_ONE, DATA_DIR=str(tmp_path))

    assert result.stderr.strip().splitlines()[-1].endswith("INFO evidence.services evidence.document_read")


def test_a_worker_keeps_the_json_lines_and_adds_the_task_id(tmp_path):
    """Celery would replace the root handler with its own text format; with LOG_FORMAT=json it keeps ours, and a
    record logged inside a task carries the task's name and id."""
    code = (
        "import django, logging; django.setup(); from config.celery import app; app.log.setup(loglevel='INFO'); "
        "from celery import shared_task\n"
        "@shared_task(name='tests.log_inside')\n"
        "def log_inside(document_id):\n"
        "    logging.getLogger('extraction.services').info('extraction.document_done',\n"
        "                                                  extra={'document_id': document_id})\n"
        "log_inside.apply(args=(11,), task_id='job-1234')\n"
    )
    result = _run(code, LOG_FORMAT="json", DATA_DIR=str(tmp_path))

    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (done,) = [r for r in records if r["message"] == "extraction.document_done"]
    assert (done["document_id"], done["task_id"], done["task_name"]) == (11, "job-1234", "tests.log_inside")
    assert all(line.startswith("{") for line in result.stderr.splitlines() if line.strip()), result.stderr
