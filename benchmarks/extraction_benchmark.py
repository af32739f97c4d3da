"""Extraction speed and memory, measured on demand (never in the test suite).

    .venv/bin/python benchmarks/extraction_benchmark.py [--pages 300] [--ocr-pages 6] [--memory-pages 1000]

1. Builds a synthetic set of text PDFs (default 300 pages) from the fictional sample records' texts.
2. Raw limit: the bare components alone over the same pages, i.e. pypdfium2 page text + `nlp.pipe`.
3. End to end: `extract_text` (the product's reading, with its layout work) + `find_events`, per record.
4. OCR pages per minute on the scanned sample (one thread, as the worker runs it).
5. Peak memory (max RSS) of reading and extracting one 1,000-page PDF, in a fresh process.
Targets (issue 3): end to end >= 0.7 x the raw limit, >= 20 pages/s, peak memory < 500 MB."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOLD = ROOT / "demo" / "client-a" / "gold"
SCANNED = ROOT / "demo" / "client-a" / "records" / "A06_substance_use_treatment_scan.pdf"


def sample_pages() -> list[str]:
    pages = []
    for path in sorted(GOLD.glob("*.txt")):
        if "scan" in path.name:
            continue
        pages += [page for page in path.read_text(encoding="utf-8").split("\f") if page.strip()]
    return pages


def build_pdfs(folder: Path, total_pages: int, pages_per_record: int = 30) -> list[Path]:
    """Text PDFs, one record page per PDF page, in a serif font like a typed record."""
    from html import escape

    from weasyprint import HTML

    source = sample_pages()
    paths, number = [], 0
    while number < total_pages:
        count = min(pages_per_record, total_pages - number)
        body = "".join(
            f'<pre style="page-break-after: always">{escape(source[(number + i) % len(source)])}</pre>' for i in range(count)
        )
        path = folder / f"record-{len(paths) + 1:03d}.pdf"
        HTML(string=f"<html><body style='font: 10pt Liberation Serif'>{body}</body></html>").write_pdf(path)
        paths.append(path)
        number += count
    return paths


def raw_limit(paths: list[Path]) -> tuple[float, int, int]:
    """Seconds for the bare components: page text from pypdfium2, then nlp.pipe over those pages."""
    import pypdfium2 as pdfium

    from extraction.pipeline.nlp import load_nlp

    nlp = load_nlp()
    started = time.perf_counter()
    texts = []
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        texts += [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
        pdf.close()
    for _doc in nlp.pipe(texts, batch_size=64):
        pass
    return time.perf_counter() - started, len(texts), sum(len(t.split()) for t in texts)


def end_to_end(paths: list[Path]) -> tuple[float, int, int, int]:
    from extraction.pipeline.events import find_events
    from extraction.pipeline.text import extract_text

    started = time.perf_counter()
    pages = words = events = 0
    for path in paths:
        record = extract_text(path, ocr=True)
        events += len(find_events(record))
        pages += len(record.pages)
        words += sum(len(page.split()) for page in record.pages)
    return time.perf_counter() - started, pages, words, events


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
        raw_seconds, raw_pages, raw_words = raw_limit(paths)
        e2e_seconds, pages, words, events = end_to_end(paths)
        raw_rate, e2e_rate = raw_pages / raw_seconds, pages / e2e_seconds
        print(f"raw limit (pypdfium2 text + nlp.pipe): {raw_rate:8.1f} pages/s {raw_words / raw_seconds:10.0f} words/s")
        print(f"end to end (extract_text + find_events): {e2e_rate:6.1f} pages/s {words / e2e_seconds:10.0f} words/s "
              f"({events} events from {pages} pages)")
        print(f"ratio end to end / raw limit: {e2e_rate / raw_rate:.2f}  (target >= 0.70; >= 20 pages/s)")
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
        print(f"peak memory, one {count}-page PDF read and extracted ({found} events): {peak} MB (target < 500 MB)")


if __name__ == "__main__":
    main()
