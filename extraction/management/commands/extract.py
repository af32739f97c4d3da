"""``manage.py extract PATH [PATH ...] [--json] [--dob YYYY-MM-DD]``: propose events from record files.

The command of shared/eval/CONTRACT.md. It reads files (or folders of them, recursively and in sorted
order), runs the extraction pipeline and prints the result; it needs no database rows and writes none.
A file it cannot read is reported with a message a person can act on, and the run goes on; the command
exits non-zero only for bad arguments (a PATH that does not exist, a malformed --dob).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import resource
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from extraction.pipeline.events import find_events
from extraction.pipeline.model import EventModel, load_model
from extraction.pipeline.taxonomy import category_label
from extraction.pipeline.text import UnreadableRecord, check_record, extract_text

logger = logging.getLogger(__name__)

# Generous limits: the command reads what a person points it at, but no file may exhaust memory.
MAX_BYTES = 100 * 1024 * 1024
MAX_PAGES = 5000
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
EVENT_FIELDS = (
    "kind",
    "category",
    "status",
    "date",
    "date_end",
    "age",
    "start",
    "end",
    "sentence",
    "page",
    "provider",
    "subject",
    "confidence",
    "cue",
)
GENERIC_ERROR = (
    "This file could not be read because of an unexpected problem. Try opening it and saving it "
    "again as a PDF, then extract it again."
)
TIMEOUT_ERROR = (
    "Reading this file took longer than {seconds} seconds and was stopped. Split it into smaller "
    "files or save it again as a PDF, then extract it again."
)
MEMORY_ERROR = "This file needs too much memory to read. Split it into smaller files, then extract it again."
DEFAULT_TIMEOUT = 300  # seconds per file
MEMORY_LIMIT = 3 * 1024**3  # address space of the process that reads one file


def record_files(path: Path) -> list[Path]:
    """The files a PATH names: the file itself, or every non-hidden file under a folder in sorted order."""
    if path.is_file():
        return [path]
    files: list[Path] = []
    for child in sorted(path.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            files.extend(record_files(child))
        elif child.is_file():
            files.append(child)
    return files


def extract_document(path: Path, *, dob: dt.date | None, model: EventModel | None = None,
                     threshold: float | None = None) -> dict[str, Any]:
    """One entry of the "documents" list: the text and events of a file, or the reason it was not read."""
    shown = path.as_posix()
    try:
        check_record(path, max_bytes=MAX_BYTES, max_pages=MAX_PAGES, max_unzipped_bytes=MAX_UNZIPPED_BYTES)
        record = extract_text(path)
        events = find_events(record, dob=dob, model=model, threshold=threshold)
    except UnreadableRecord as exc:
        return {"path": shown, "error": exc.message, "events": []}
    except MemoryError:
        return {
            "path": shown,
            "error": "This file is too large to read here. Split it into smaller files.",
            "events": [],
        }
    except Exception:  # one bad file must never stop the run
        logger.exception("extraction.command_file_failed", extra={"suffix": path.suffix.lower()})
        return {"path": shown, "error": GENERIC_ERROR, "events": []}
    return {
        "path": shown,
        "text": record.text,
        "events": [{k: v for k, v in asdict(e).items() if k in EVENT_FIELDS} for e in events],
    }


def _child(conn, path: Path, dob: dt.date | None, memory_limit: int) -> None:
    """Read one file in a forked process, so that a file that hangs or blows up memory cannot stop the run."""
    try:
        if memory_limit:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        result = extract_document(path, dob=dob, model=load_model())
    except MemoryError:
        result = {"path": path.as_posix(), "error": MEMORY_ERROR, "events": []}
    except BaseException:  # noqa: BLE001 - the parent must always get an answer
        result = {"path": path.as_posix(), "error": GENERIC_ERROR, "events": []}
    try:
        conn.send(result)
    except MemoryError:
        conn.send({"path": path.as_posix(), "error": MEMORY_ERROR, "events": []})
    finally:
        conn.close()


def extract_isolated(
    path: Path, *, dob: dt.date | None, timeout: float, memory_limit: int = MEMORY_LIMIT
) -> dict:
    """extract_document in a child process with a wall-clock and a memory limit (Linux: fork)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, path, dob, memory_limit), daemon=True)
    process.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                return parent.recv()
            except (EOFError, OSError):
                pass
            process.join(5)
            return {
                "path": path.as_posix(),
                "error": MEMORY_ERROR if process.exitcode else GENERIC_ERROR,
                "events": [],
            }
        return {"path": path.as_posix(), "error": TIMEOUT_ERROR.format(seconds=int(timeout)), "events": []}
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()


class Command(BaseCommand):
    help = "Propose life-history events and service engagements from record files (PDF, DOCX, text)."
    requires_system_checks: list[str] = []  # no checks: the command must not touch the database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a record file or a folder of records")
        parser.add_argument("--json", action="store_true", help="print the JSON of shared/eval/CONTRACT.md")
        parser.add_argument(
            "--dob",
            metavar="YYYY-MM-DD",
            help="the client's date of birth, for ages when a record does not state it",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help=f"stop reading a file after this many seconds (default {DEFAULT_TIMEOUT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dob = None
        if options.get("dob"):
            try:
                dob = dt.date.fromisoformat(options["dob"])
            except ValueError:
                raise CommandError(
                    f"--dob must be a date written YYYY-MM-DD, not {options['dob']!r}"
                ) from None
        paths = [Path(p) for p in options["paths"]]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError("no such file or folder: " + ", ".join(missing))
        if options["timeout"] <= 0:
            raise CommandError("--timeout must be a positive number of seconds")
        load_model()  # loaded once here; each forked child inherits it
        documents = []
        for path in paths:
            for file in record_files(path):
                documents.append(extract_isolated(file, dob=dob, timeout=options["timeout"]))
        if options["json"]:
            self.stdout.write(json.dumps({"documents": documents}, ensure_ascii=False))
        else:
            self.stdout.write(self._table(documents))

    def _table(self, documents: list[dict[str, Any]]) -> str:
        """A short, human-readable table per document."""
        lines: list[str] = []
        for doc in documents:
            lines.append(doc["path"])
            if "error" in doc:
                lines.append(f"  not read: {doc['error']}")
                lines.append("")
                continue
            events = doc["events"]
            if not events:
                lines.append("  no events found")
            else:
                lines.append(f"  {'page':>4}  {'date':10}  {'category':34}  {'status':12}  {'conf':>4}  text")
            for e in events:
                label = category_label(e["category"])
                if e["kind"] == "service_engagement":
                    label = "service: " + label
                snippet = doc["text"][e["start"] : e["end"]].replace("\n", " ").replace("\t", " ")
                if len(snippet) > 70:
                    snippet = snippet[:67] + "..."
                lines.append(
                    f"  {e['page']:>4}  {e['date'] or '-':10}  {label[:34]:34}  {e['status'] or '':12}  "
                    f"{e['confidence']:>4.2f}  {snippet}"
                )
            lines.append(f"  {len(events)} event(s)")
            lines.append("")
        return "\n".join(lines)
