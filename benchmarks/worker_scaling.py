"""What a second worker process adds: one, then two worker processes on this machine read and extract the same
records (2,000 text-PDF pages by default) through Redis and PostgreSQL; prints pages per second for each and the
ratio of two to one. Run on demand, never in the test suite, against a scratch database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benchmark CELERY_BROKER_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python benchmarks/worker_scaling.py [--pages 2000] [--pages-per-record 50] [--timeout 3600]

It migrates the database, works in a case of its own (docket WORKER-SCALING-0001, removed before each round, so
other data is never touched), uploads the records through the real upload path for each round, and times from the
first upload until every record is read and its events found. Each worker is a separate `celery worker
--concurrency 1` process (as on two machines), with one OCR thread. On a 2-core machine the ratio is bounded by
the cores the web-free benchmark leaves to the workers and by what else runs there; with `AWS_STORAGE_BUCKET_NAME`
set, the records go through the bucket as in a deployment of several machines."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
DOCKET = "WORKER-SCALING-0001"


def setup_django() -> None:
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "CELERY_BROKER_URL", ""
    ).startswith("redis"):
        sys.exit("Set DATABASE_URL (PostgreSQL, a scratch database) and CELERY_BROKER_URL (Redis): see the docstring.")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fresh_case():
    from django.contrib.auth import get_user_model

    from audit.services import Actor
    from cases.models import Case
    from narratives.models import EventSource

    EventSource.objects.filter(event__case__docket_number=DOCKET).delete()
    for case in Case.objects.filter(docket_number=DOCKET):
        for document in case.documents.all():
            document.file.delete(save=False)
        case.delete()
    owner, _ = get_user_model().objects.get_or_create(username="worker-scaling")
    from cases.services import case_create

    return case_create(actor=Actor(user=owner), creator_role="attorney", client_name="Scaling Test Client",
                       docket_number=DOCKET), owner


def start_workers(count: int, log_folder: Path) -> list[subprocess.Popen]:
    from config.celery import app

    app.control.purge()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "REMAP_SIGTERM": "SIGQUIT"}
    workers = []
    for number in range(1, count + 1):
        log = log_folder / f"worker-{count}-{number}.log"
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1", "--loglevel", "INFO",
             "--hostname", f"scaling{number}@%h", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        ))
        deadline = time.monotonic() + 120
        while b"ready." not in log.read_bytes():
            if workers[-1].poll() is not None or time.monotonic() > deadline:
                stop_workers(workers)
                sys.exit(f"worker {number} did not start: see {log}")
            time.sleep(0.2)
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def run_round(count: int, records: list[Path], timeout: float, log_folder: Path) -> tuple[float, int]:
    """Seconds from the first upload until every record is read and extracted, and the pages read."""
    from django.core.files import File

    from audit.services import Actor
    from evidence.models import Document
    from evidence.services import document_upload
    from extraction.models import DocumentExtraction

    case, owner = fresh_case()
    workers = start_workers(count, log_folder)
    try:
        started = time.monotonic()
        ids = []
        for path in records:
            with path.open("rb") as handle:
                ids.append(document_upload(case=case, file=File(handle, name=path.name), actor=Actor(user=owner)).pk)
        while True:
            documents = Document.objects.filter(pk__in=ids)
            failed = documents.filter(status=Document.Status.FAILED).count()
            extracted = DocumentExtraction.objects.filter(
                document_id__in=ids, status__in=[DocumentExtraction.Status.DONE, DocumentExtraction.Status.FAILED]
            ).count()
            if failed or extracted == len(ids):
                break
            if time.monotonic() - started > timeout:
                sys.exit(f"{count} worker(s): not finished after {timeout:.0f} s ({extracted} of {len(ids)} records)")
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        if failed:
            sys.exit(f"{count} worker(s): {failed} record(s) failed; see the worker logs in {log_folder}")
        pages = sum(documents.values_list("page_count", flat=True))
        return elapsed, pages
    finally:
        stop_workers(workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--pages-per-record", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds each round may take")
    options = parser.parse_args()
    setup_django()
    from benchmarks.extraction_benchmark import build_pdfs

    folder = Path(tempfile.mkdtemp(prefix="worker-scaling-"))
    print(f"building {options.pages} pages of text PDFs in {folder} ...", flush=True)
    records = build_pdfs(folder, options.pages, pages_per_record=options.pages_per_record)
    results = {}
    for count in (1, 2):
        elapsed, pages = run_round(count, records, options.timeout, folder)
        results[count] = pages / elapsed
        print(f"{count} worker process(es): {pages} pages read and extracted in {elapsed:.1f} s "
              f"= {results[count]:.1f} pages/s", flush=True)
    fresh_case()[0].delete()
    print(f"ratio two workers / one: {results[2] / results[1]:.2f} (ideal 2.00 with a free core for each)")


if __name__ == "__main__":
    main()
