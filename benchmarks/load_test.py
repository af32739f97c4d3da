"""Load test on loopback: concurrent users browse a 5,000-event timeline and save narrative sections against
gunicorn while a worker extracts 200 pages of records. Run on demand, never in the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loadtest CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python benchmarks/load_test.py [--users 50] [--seconds 60] [--events 5000]

It creates the database's tables, a load-test case (its own docket number, so it never touches other data),
starts gunicorn and one worker, and prints p50/p95 latency per kind of request, errors, and lost saves (a save
the server acknowledged whose text is not what the section holds at the end). Each user pauses about --think
seconds between steps, as a person reading does. Targets (issue 7): p95 under
500 ms for timeline pages, zero errors, zero lost saves."""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("LOGIN_MAX_FAILURES", "1000")
DOCKET = "LOAD-TEST-0001"
PASSWORD = "load-test-password-2026"


def seed(events: int, users: int) -> tuple[int, int, list[tuple[str, int]]]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from audit.services import Actor
    from cases.models import Case
    from cases.services import case_create, case_member_set
    from evidence.models import Document
    from narratives.models import Consent, EventSource, TimelineEvent
    from narratives.services import narrative_create, section_add

    call_command("migrate", verbosity=0)
    User = get_user_model()
    # An earlier run's case goes first (sources protect the records they cite, so they go before the case).
    EventSource.objects.filter(event__case__docket_number=DOCKET).delete()
    Case.objects.filter(docket_number=DOCKET).delete()
    owner, _ = User.objects.get_or_create(username="load-owner")
    owner.set_password(PASSWORD)
    owner.save()
    case = case_create(actor=Actor(user=owner), creator_role="attorney", client_name="Load Test Client", docket_number=DOCKET)
    categories = ["birth_family", "trauma_abuse", "child_welfare", "education", "health", "mental_health",
                  "substance_use", "employment", "housing", "justice_involvement"]
    import datetime

    rows = [
        TimelineEvent(case=case, kind="life_event", category=categories[i % len(categories)],
                      summary=f"Synthetic event number {i} for the load test.", date=str(1980 + i % 44),
                      date_sort=datetime.date(1980 + i % 44, 1 + i % 12, 1), consent=Consent.APPROVED, created_by=owner)
        for i in range(events)
    ]
    TimelineEvent.objects.bulk_create(rows, batch_size=1000)
    from django.core.files.base import ContentFile

    holder = Document(case=case, original_name="load.txt", file_kind="text", size_bytes=4, sha256="0" * 64,
                      uploaded_by=owner, status=Document.Status.READY, page_count=1, pages_done=1)
    holder.file.save("load.txt", ContentFile(b"load"), save=False)
    holder.save()
    EventSource.objects.bulk_create(
        [EventSource(event=e, document=holder, page_number=1, start=0, end=4, quote="load") for e in TimelineEvent.objects.filter(case=case)],
        batch_size=1000,
    )
    narrative = narrative_create(case=case, title="Load test narrative", created_by=owner)
    sessions = []
    for n in range(users):
        user, _ = User.objects.get_or_create(username=f"load-user-{n}")
        user.set_password(PASSWORD)
        user.save()
        case_member_set(case=case, user=user, role="mitigation_specialist", actor=Actor(user=owner))
        section = section_add(narrative=narrative, title=f"Section of user {n}", added_by=owner)
        sessions.append((user.username, section.pk))
    return case.pk, narrative.pk, sessions


def queue_extraction(case_id: int, pages: int) -> list[int]:
    """Upload records totalling `pages` pages through the real upload path; the worker reads them."""
    import tempfile

    from django.contrib.auth import get_user_model
    from django.core.files import File

    from audit.services import Actor
    from benchmarks.extraction_benchmark import build_pdfs
    from cases.models import Case
    from evidence.services import document_upload

    case = Case.objects.get(pk=case_id)
    owner = get_user_model().objects.get(username="load-owner")
    folder = Path(tempfile.mkdtemp(prefix="load-records-"))
    ids = []
    for path in build_pdfs(folder, pages, pages_per_record=20):
        with path.open("rb") as handle:
            ids.append(document_upload(case=case, file=File(handle, name=path.name), actor=Actor(user=owner)).pk)
    return ids


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes, float]:
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + "/", **(headers or {})})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=30) as response:
                body = response.read()
                return response.status, body, time.perf_counter() - started
        except urllib.error.HTTPError as error:
            return error.code, error.read(), time.perf_counter() - started

    def login(self, username: str) -> None:
        self.request("/accounts/login/")
        form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()})
        status, _body, _t = self.request("/accounts/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200 or not any(c.name == "sessionid" for c in self.jar):
            raise RuntimeError(f"login failed for {username}: {status}")


def run_user(base, username, case_id, narrative_id, section_id, pages, stop, results, lock, think):
    client = Client(base)
    client.login(username)
    version, last_saved, n = 0, None, 0
    timings: dict[str, list[float]] = {"timeline": [], "save": []}
    errors: list[str] = []
    while not stop.is_set():
        n += 1
        page = random.randint(1, pages)
        status, _body, seconds = client.request(f"/cases/{case_id}/timeline/?page={page}")
        timings["timeline"].append(seconds)
        if status != 200:
            errors.append(f"timeline {status}")
        body = f"<p>Saved by {username}, save {n}.</p>"
        payload = json.dumps({"body": body, "version": version}).encode()
        status, response, seconds = client.request(
            f"/cases/{case_id}/narratives/{narrative_id}/sections/{section_id}/save/", payload,
            {"Content-Type": "application/json", "X-CSRFToken": client.csrf()},
        )
        timings["save"].append(seconds)
        stop.wait(random.uniform(0.5, 1.5) * think)  # a person reads and types between requests
        if status == 200:
            version, last_saved = json.loads(response)["version"], body
        else:
            errors.append(f"save {status}")
    with lock:
        results.append((username, section_id, last_saved, timings, errors))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--pages", type=int, default=200, help="pages of records the worker extracts meanwhile")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds a user pauses between steps")
    args = parser.parse_args()

    print(f"seeding {args.events} events and {args.users} users …", flush=True)
    case_id, narrative_id, sessions = seed(args.events, args.users)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.gunicorn_workers), "--threads", "4", "--log-level", "warning"], cwd=ROOT, env=env)
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "1",
                               "--loglevel", "WARNING"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        document_ids = queue_extraction(case_id, args.pages)
        stop, lock, results = threading.Event(), threading.Lock(), []
        pages = max(1, -(-args.events // 50))
        threads = [threading.Thread(target=run_user, args=(base, u, case_id, narrative_id, s, pages, stop, results, lock, args.think))
                   for u, s in sessions]
        print(f"{len(threads)} users for {args.seconds} s against gunicorn ({args.gunicorn_workers} processes) "
              f"while a worker reads {args.pages} pages …", flush=True)
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)

    from evidence.models import Document
    from narratives.models import NarrativeSection

    timeline = [t for _u, _s, _b, timings, _e in results for t in timings["timeline"]]
    saves = [t for _u, _s, _b, timings, _e in results for t in timings["save"]]
    errors = [e for *_rest, errs in results for e in errs]
    lost = [u for u, section_id, body, _t, _e in results if body and NarrativeSection.objects.get(pk=section_id).body != body]
    read = Document.objects.filter(pk__in=document_ids, status="ready").count()
    print(f"timeline pages: {len(timeline)} requests, p50 {percentile(timeline, .5):.0f} ms, p95 {percentile(timeline, .95):.0f} ms")
    print(f"section saves:  {len(saves)} requests, p50 {percentile(saves, .5):.0f} ms, p95 {percentile(saves, .95):.0f} ms")
    print(f"errors: {len(errors)} {sorted(set(errors))[:5]}   lost saves: {len(lost)}")
    print(f"records read by the worker during the run: {read} of {len(document_ids)}")


if __name__ == "__main__":
    main()
