"""Extraction speed and memory, measured on demand (never in the test suite).

    .venv/bin/python benchmarks/extraction_benchmark.py [--pages 300] [--ocr-pages 6] [--memory-pages 1000]

1. Builds a synthetic set of text PDFs (default 300 pages) from the fictional demo records' and the
   annotated corpus's texts listed in extraction_pages.txt (records and opinions), laid out as typed pages.
2. Reading alone: `extract_text` (pypdfium2 text with the product's layout work) over those PDFs.
3. End to end: `extract_text` + `find_events` (segmentation, the learned model, dates), per record, with
   the model on one thread as one worker process runs it.
4. OCR pages per minute on the scanned sample (one thread, as the worker runs it).
5. Peak memory (max RSS) of reading and extracting one 1,000-page PDF, in a fresh process.
Targets (issue 10): end to end >= 10 pages/s for one worker; peak memory <= 1 GB per worker."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as a worker runs (config/celery.py)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCANNED = ROOT / "demo" / "client-a" / "records" / "A06_substance_use_treatment_scan.pdf"


# The documents the pages are cut from, in order: the demo records, then corpus documents taken a genre at a
# time in turn, so records and opinions are both read. Pinned, so the benchmark reads the same text as the
# corpus grows (before the list, it read whatever sorted first, and each new document changed the measure).
MANIFEST = Path(__file__).with_name("extraction_pages.txt")
LINES_PER_PAGE = 54  # 10-point type on a letter page with 0.75-inch margins
CHARS_PER_LINE = 96


def manifest_paths() -> list[Path]:
    paths = []
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path = ROOT / line.strip()
            if not path.exists():
                raise SystemExit(f"{MANIFEST.name} lists {line.strip()}, which is not in the repository")
            paths.append(path)
    return paths


def paginate(text: str) -> list[str]:
    """A record's text laid out as typed pages: long lines wrapped, a page every LINES_PER_PAGE lines, a
    form feed in the text kept as a page break. (A text line wider than the page would run off its edge
    unseen and still be read, making pages denser than any real one.)"""
    import textwrap

    pages = []
    for chunk in text.split("\f"):
        lines: list[str] = []
        for line in chunk.expandtabs(8).splitlines():
            lines += textwrap.wrap(line, CHARS_PER_LINE, break_on_hyphens=False) or [""]
        for k in range(0, len(lines), LINES_PER_PAGE):
            page = "\n".join(lines[k : k + LINES_PER_PAGE])
            if page.strip():
                pages.append(page)
    return pages


def sample_pages() -> list[str]:
    return [page for path in manifest_paths() for page in paginate(path.read_text(encoding="utf-8"))]


def build_pdfs(folder: Path, total_pages: int, pages_per_record: int = 30) -> list[Path]:
    """Text PDFs, one typed page per PDF page, in a serif font like a typed record."""
    from html import escape

    from weasyprint import HTML

    source = sample_pages()
    paths, number = [], 0
    while number < total_pages:
        count = min(pages_per_record, total_pages - number)
        body = "".join(
            f'<pre style="page-break-after: always; margin: 0">{escape(source[(number + i) % len(source)])}</pre>'
            for i in range(count)
        )
        path = folder / f"record-{len(paths) + 1:03d}.pdf"
        HTML(string="<html><head><style>@page { size: letter; margin: 0.75in }</style></head>"
                    f"<body style='font: 10pt Liberation Serif; margin: 0'>{body}</body></html>").write_pdf(path)
        paths.append(path)
        number += count
    return paths


def reading_only(paths: list[Path]) -> tuple[float, int]:
    """Seconds to read the PDFs' text as the product does, without finding events."""
    from extraction.pipeline.text import extract_text

    started = time.perf_counter()
    pages = 0
    for path in paths:
        pages += len(extract_text(path, ocr=True).pages)
    return time.perf_counter() - started, pages


def end_to_end(paths: list[Path]) -> tuple[float, float, int, int, int]:
    """Wall seconds, CPU seconds (on a busy machine the CPU time is what one worker would take on an idle
    core), pages, words, events."""
    from extraction.pipeline.events import find_events
    from extraction.pipeline.text import extract_text

    started, cpu = time.perf_counter(), time.process_time()
    pages = words = events = 0
    for path in paths:
        record = extract_text(path, ocr=True)
        events += len(find_events(record))
        pages += len(record.pages)
        words += sum(len(page.split()) for page in record.pages)
    return time.perf_counter() - started, time.process_time() - cpu, pages, words, events


def ocr_rate(pages: int) -> float:
    from extraction.pipeline.text import iter_pages

    done, started = 0, time.perf_counter()
    while done < pages:
        for _page in iter_pages(SCANNED, ocr=True):
            done += 1
    return done / (time.perf_counter() - started) * 60


MEMORY_PROBE = """
import resource, sys
sys.path.insert(0, {root!r})
from extraction.pipeline.text import iter_pages
from extraction.pipeline.events import find_events
from extraction.pipeline.types import ExtractedText
pages = [page.text for page in iter_pages({path!r}, ocr=False)]
events = find_events(ExtractedText({path!r}, tuple(pages)))
print(len(pages), len(events), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_memory(path: Path) -> tuple[int, int, int]:
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE.format(root=str(ROOT), path=str(path))],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--ocr-pages", type=int, default=6)
    parser.add_argument("--memory-pages", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="extraction-bench-") as temp:
        folder = Path(temp)
        print(f"building {args.pages} pages of text PDFs …", flush=True)
        paths = build_pdfs(folder, args.pages)
        from extraction.pipeline.model import load_model

        load_model()  # loaded once per worker process, as in production; not part of the per-page cost
        read_seconds, read_pages = reading_only(paths)
        e2e_seconds, e2e_cpu, pages, words, events = end_to_end(paths)
        e2e_rate = pages / e2e_seconds
        print(f"reading alone (extract_text):             {read_pages / read_seconds:8.1f} pages/s")
        print(f"end to end (extract_text + find_events):  {e2e_rate:8.1f} pages/s {words / e2e_seconds:10.0f} words/s "
              f"({events} events from {pages} pages, {words / pages:.0f} words a page)")
        print(f"  per CPU-second (one worker on an idle core): {pages / e2e_cpu:8.1f} pages/s "
              f"({e2e_cpu / e2e_seconds:.0%} of the wall time was this process on a CPU)")
        print(f"target: >= 10 pages/s end to end for one worker: {'met' if e2e_rate >= 10 else 'NOT met'}")
        print(f"OCR: {ocr_rate(args.ocr_pages):.1f} pages/minute on one thread (scanned, faxed sample)")
        big = folder / "big.pdf"
        import pypdfium2 as pdfium

        merged = pdfium.PdfDocument.new()
        while len(merged) < args.memory_pages:
            for path in paths:
                source = pdfium.PdfDocument(path)
                merged.import_pages(source)
                source.close()
                if len(merged) >= args.memory_pages:
                    break
        while len(merged) > args.memory_pages:
            merged.del_page(len(merged) - 1)
        merged.save(big)
        merged.close()
        count, found, peak = peak_memory(big)
        print(f"peak memory, one {count}-page PDF read and extracted ({found} events): {peak} MB (target <= 1024 MB)")


if __name__ == "__main__":
    main()
