"""Log records as JSON lines, for a log collector (journald, Loki, CloudWatch, ELK) to index without parsing text.

Each line is one object: time, level, logger, message, every id the code passed as `extra`
(`logger.info("extraction.document_done", extra={"document_id": 7})` gives `"document_id": 7`), the running Celery
task's name and id, and the exception's traceback as one string, so a multi-line traceback never splits a record.
Chosen by `LOG_FORMAT=json` (config/settings.py); plain text stays the default for development and tests."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

# What every LogRecord carries by itself; anything else on a record came from `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def _request_fields(request) -> dict:
    """Django passes the request itself as `extra` (django.request). Only its method and path go out: the query
    string may hold a search for record text, and the body, headers and cookies are the client's or a session's."""
    return {"request_method": getattr(request, "method", None), "request_path": getattr(request, "path", None)}


def _celery_task() -> dict:
    try:
        from celery import current_task
    except ImportError:  # the formatter must work wherever logging does
        return {}
    task = current_task
    request = getattr(task, "request", None) if task else None
    if not task or request is None or not getattr(request, "id", None):
        return {}
    return {"task_name": task.name, "task_id": request.id}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key == "request":
                entry.update(_request_fields(value))
            else:
                entry.setdefault(key, value)  # an extra named like a built-in field never hides it
        entry.update({k: v for k, v in _celery_task().items() if k not in entry})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an extra that is not JSON (a date, a path, a model instance) is written as its text, never
        # dropped and never a reason to lose the line.
        return json.dumps(entry, default=str, ensure_ascii=False)
