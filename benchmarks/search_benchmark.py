"""Time full-text search of a case's records: a case of 5,000 pages (and another case of as many, which must never
show up), each query answered as the search page answers it (matching pages, grouped, with snippets).

Run on demand, never in the test suite, from the repository root:

    .venv/bin/python benchmarks/search_benchmark.py [--pages 5000] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/search_benchmark.py

It makes a scratch database of its own (Django's test database for the configured one: a temporary SQLite file, or
test_<name> on PostgreSQL), fills it with fictional pages made of the sentences below, and drops it at the end.
Prints, per query, the pages found and the median and slowest wall-clock milliseconds over --repeat runs, and exits
non-zero if any median is over the target (300 ms). Wall-clock, because that is what a person waits for; on a
shared machine run it when the machine is quiet.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="search-benchmark-"))  # never the dev app's database
TARGET_MS = 300.0

# Fictional sentences in the voices of the records a case holds; pages are random runs of them.
SENTENCES = [
    "In March 2009 he was retained in the fourth grade after missing forty-one days of school.",
    "The caseworker found the children alone in the apartment with no food in the refrigerator.",
    "He was placed in emergency shelter care and then in a licensed foster home in Arden County.",
    "Mother reports that he walked late and did not speak in sentences until he was three.",
    "The evaluation found a full scale IQ of 78 and deficits in working memory and processing speed.",
    "He was suspended for ten days for fighting and referred to the alternative school.",
    "Client was admitted for detoxification and completed twenty-eight days of residential treatment.",
    "Grandmother worked nights as a custodian and was the only steady adult in the home.",
    "The court adjudicated him delinquent and ordered probation with counseling and community service.",
    "He has worked at the warehouse for two years and his supervisor describes him as reliable.",
    "Attendance at the GED preparation class has been regular since the program began in May.",
    "The neighbor called the hotline after hearing the children crying for most of the night.",
    "Records show three emergency room visits for head injuries before the age of ten.",
    "He was diagnosed with attention deficit hyperactivity disorder and prescribed medication.",
    "The therapist notes symptoms of post-traumatic stress after the shooting he witnessed at fourteen.",
    "Father was incarcerated for most of his childhood and wrote to him twice.",
]
QUERIES = ["retained", "retain", '"fourth grade"', "foster home Arden", "hyperactivity", "warehouse supervisor",
           "the", "custodian nights", '"emergency room"', "zebra"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="pages in the case searched (default 5000)")
    parser.add_argument("--pages-per-record", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query (default 5)")
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return _run(options)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run(options: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from cases.models import Case
    from evidence.models import Document, Page
    from evidence.search import search_query_parse
    from evidence.selectors import record_search

    random.seed(12)
    user = get_user_model().objects.create(username="benchmark")
    searched, other = (
        Case.objects.create(client_name="Sample Client", docket_number=f"BENCH-{n}", created_by=user) for n in (1, 2)
    )
    started = time.perf_counter()
    for case in (searched, other):
        for record in range(0, options.pages, options.pages_per_record):
            pages = min(options.pages_per_record, options.pages - record)
            document = Document.objects.create(
                case=case, file=f"records/benchmark/{case.pk}-{record}.txt", original_name=f"record-{record}.txt",
                file_kind=Document.FileKind.TEXT, size_bytes=1, sha256=f"{case.pk:032d}{record:032d}",
                uploaded_by=user, status=Document.Status.READY, page_count=pages, pages_done=pages,
            )
            Page.objects.bulk_create(
                Page(document=document, number=n, text="\n".join(random.choices(SENTENCES, k=random.randint(12, 30))))
                for n in range(1, pages + 1)
            )
    print(f"{connection.vendor}: {2 * options.pages} pages in two cases, indexed in "
          f"{time.perf_counter() - started:.1f} s")

    slow = []
    print(f"{'query':24} {'pages':>6} {'median ms':>10} {'max ms':>8}")
    for text in QUERIES:
        query = search_query_parse(text)
        times = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            results = record_search(case=searched, query=query)
            times.append(1000 * (time.perf_counter() - start))
        median = statistics.median(times)
        print(f"{text:24} {results.page_total:>6} {median:>10.1f} {max(times):>8.1f}")
        if median > TARGET_MS:
            slow.append(text)
    if slow:
        print(f"over {TARGET_MS:.0f} ms: {', '.join(slow)}")
        return 1
    print(f"every query under {TARGET_MS:.0f} ms (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
