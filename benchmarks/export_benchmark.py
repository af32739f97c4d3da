"""Time a whole export: a ~40-page narrative (DOCX and PDF) and a ~300-page exhibit packet.

Run from the repository root:  .venv/bin/python benchmarks/export_benchmark.py [--redact]

Prints seconds (wall clock and CPU) and pages for render_docx, render_pdf and render_exhibit_packet,
checks that the packet's cost grows linearly (the 300-page packet should cost about 3x the 100-page
one: per-page CPU time within 1.5x), and exits non-zero if the whole export takes longer than the
target (15 s) or growth is not linear. The checks use CPU seconds, because this machine is shared
(2 cores, other sessions' test runs): wall-clock time then measures the neighbours as much as us.
The records are the fictional samples in demo/client-a, repeated.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium

from exports.document import Caption, Exhibit, NarrativeDocument, Section, SignatureBlock, exhibit_letter
from exports.packet import PacketExhibit, render_exhibit_packet
from exports.privacy import find_private_data
from exports.redaction import redactions_from_findings
from exports.render import render_docx, render_pdf
from narratives.richtext import cited_event_ids, parse_html_blocks

SAMPLE = ROOT / "demo" / "client-a"
KINDS = {".pdf": "pdf", ".docx": "docx", ".txt": "text"}
TARGET_SECONDS = 15.0

CITE = '<a class="citation" data-event="{%s}" href="#">(record, p. 1)</a>'
PARAGRAPHS = [
    (
        "<p>Devon was born at thirty-five weeks and spent nine days in the neonatal unit, "
        "<strong>withdrawing</strong> from the cocaine his mother had used through the pregnancy "
        + CITE
        % "a"
        + ". His father was in the county jail and never saw him as an infant; his grandmother, who "
        "worked nights as a custodian, became the one steady adult of his early years.</p>"
    ),
    (
        "<p>When he was four, a neighbor called the hotline: Devon and his brother had been left alone "
        "for about <em>two days</em> without food "
        + CITE
        % "b"
        + ". Over the next three years he lived in an emergency shelter, a foster home where he was "
        "struck with a belt, and finally with his grandmother, changing schools each time.</p>"
    ),
    (
        "<ul><li>Emergency shelter care, November 1999</li><li>Foster home, 2000–2001<ul><li>physical "
        "abuse substantiated</li></ul></li><li>Kinship care until 2003</li></ul>"
    ),
    (
        '<blockquote><p>"Devon is a quiet child who tries very hard and becomes frustrated when he '
        'cannot read the words."</p></blockquote>'
    ),
    (
        "<p>The school district found a specific learning disability in 2005 and he was held back in "
        "fourth grade "
        + CITE
        % "c"
        + ". By middle school the frustration had become fighting, and after his grandmother died in "
        "2008 the suspensions turned into an expulsion and his first juvenile case " + CITE % "d" + ".</p>"
    ),
]


def record_exhibits() -> list[tuple[str, Path, str, tuple[str, ...]]]:
    """(name, path, kind, page texts) of every sample record."""
    records = []
    for path in sorted((SAMPLE / "records").iterdir()):
        texts = tuple((SAMPLE / "gold" / f"{path.stem}.txt").read_text().split("\f"))
        records.append((path.stem, path, KINDS[path.suffix], texts))
    return records


def narrative(target_pages: int = 40) -> NarrativeDocument:
    records = record_exhibits()
    sections = []
    html_by_section = []
    event = 0
    for number in range(1, 200):
        parts = [f"<h2>Part {number}</h2>"]
        for template in PARAGRAPHS:
            ids = {}
            for key in "abcd":
                event += 1
                ids[key] = event
            parts.append(template.format(**ids))
        html_by_section.append((f"{number}. Chapter {number}", "".join(parts)))
        if number * 1.05 >= target_pages:  # one section is about one page and a bit
            break
    event_document = {e: records[e % len(records)][0] for e in range(1, event + 1)}
    letters: dict[str, str] = {}  # exhibit letters by first citation, as exports.assemble gives them
    for _title, html in html_by_section:
        for event_id in cited_event_ids(html):
            letters.setdefault(event_document[event_id], exhibit_letter(len(letters)))
    by_name = {name: texts for name, _path, _kind, texts in records}

    def resolve(event_id: int):
        name = event_document[event_id]
        return [
            (
                letters[name],
                name.split("_", 1)[1].replace("_", " ").title(),
                [1 + event_id % len(by_name[name])],
            )
        ]

    for title, html in html_by_section:
        sections.append(Section(title, parse_html_blocks(html, resolve_citation=resolve)))
    exhibits = tuple(
        Exhibit(
            letter,
            name.split("_", 1)[1].replace("_", " ").title(),
            "Record",
            "Brennan County",
            len(by_name[name]),
            by_name[name],
        )
        for name, letter in sorted(letters.items(), key=lambda item: (len(item[1]), item[1]))
    )
    return NarrativeDocument(
        caption=Caption(
            "IN THE SUPERIOR COURT OF THE STATE OF ARDEN\nIN AND FOR THE COUNTY OF BRENNAN",
            "STATE OF ARDEN v. DEVON M. ASHBY",
            "23-CF-00417",
            "DEFENDANT'S SENTENCING MEMORANDUM",
        ),
        title="MITIGATION NARRATIVE",
        sections=tuple(sections),
        exhibits=exhibits,
        signature=SignatureBlock(
            "Elaine Kroft",
            "027431",
            "Assistant Public Defender",
            "Brennan County Office of the Public Defender",
            ("410 Courthouse Square, Suite 300", "Wexbridge, AD 40910"),
            date="May 6, 2024",
        ),
        certificate_of_service="I certify that I served this memorandum on the prosecuting attorney.",
    )


def packet_exhibits(target_pages: int) -> list[PacketExhibit]:
    """Sample records repeated until the packet (slip sheets included) has at least `target_pages` pages."""
    records = record_exhibits()
    exhibits: list[PacketExhibit] = []
    pages = 0
    index = 0
    while pages < target_pages:
        name, path, kind, texts = records[index % len(records)]
        count = len(pdfium.PdfDocument(path)) if kind == "pdf" else len(texts)
        letter = exhibit_letter(index)
        exhibits.append(
            PacketExhibit(letter, name.split("_", 1)[1].replace("_", " ").title(), path, kind, texts)
        )
        pages += count + 1
        index += 1
    return exhibits


CPU: dict[str, float] = {}


def timed(function, *args, **kwargs):
    """The result and wall-clock seconds; the call's CPU seconds go to CPU[name] (robust to load)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    CPU[function.__name__] = time.process_time() - cpu
    return result, time.perf_counter() - start


def pdf_pages(data: bytes) -> int:
    return len(pdfium.PdfDocument(data))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--redact", action="store_true", help="apply the 49.1 pass to the packet (pages with a finding get boxes burned in)"
    )
    args = parser.parse_args()

    document = narrative(40)
    docx, docx_seconds = timed(render_docx, document)
    pdf, pdf_seconds = timed(render_pdf, document)
    docx_cpu = CPU["render_docx"]
    print(
        f"render_docx            {docx_seconds:6.2f} s (cpu {docx_cpu:5.2f} s)   {len(docx) / 1024:7.0f} KiB"
    )
    pdf_cpu = CPU["render_pdf"]
    print(
        f"render_pdf             {pdf_seconds:6.2f} s (cpu {pdf_cpu:5.2f} s)   {pdf_pages(pdf):4d} pages  "
        f"{len(pdf) / 1024:7.0f} KiB"
    )

    results = {}
    for target in (100, 300):
        exhibits = packet_exhibits(target)
        redactions = None
        redact_seconds = 0.0
        if args.redact:
            start = time.perf_counter()
            findings = [
                f
                for e in exhibits
                for text in e.page_texts
                for f in find_private_data(text, known_dobs=["1995-06-11"], minors=["Maya Durant"])
            ]
            redactions = redactions_from_findings(findings)
            redact_seconds = time.perf_counter() - start
        result, seconds = timed(render_exhibit_packet, exhibits, bates_prefix="ASHBY", redactions=redactions)
        results[target] = (seconds, CPU["render_exhibit_packet"] + redact_seconds, result.page_count)
        packet_cpu = CPU["render_exhibit_packet"]
        privacy = f", privacy pass {redact_seconds:.2f} s" if args.redact else ""
        print(
            f"render_exhibit_packet  {seconds:6.2f} s (cpu {packet_cpu:5.2f} s)   "
            f"{result.page_count:4d} pages  "
            f"{len(result.pdf) / 1024 / 1024:5.1f} MiB  ({len(exhibits)} exhibits, "
            f"{len(result.bates)} Bates numbers, {len(result.redacted)} pages redacted{privacy})"
        )

    (_small_wall, small_cpu, small_pages), (large_seconds, large_cpu, large_pages) = (
        results[100],
        results[300],
    )
    per_page_small, per_page_large = small_cpu / small_pages, large_cpu / large_pages
    growth = per_page_large / per_page_small
    total = docx_seconds + pdf_seconds + large_seconds
    total_cpu = docx_cpu + pdf_cpu + large_cpu
    print(
        f"packet CPU per page: {per_page_small * 1000:.1f} ms ({small_pages} pages), "
        f"{per_page_large * 1000:.1f} ms ({large_pages} pages): ratio {growth:.2f} (1.0 = linear)"
    )
    print(
        f"whole export (DOCX + PDF + {large_pages}-page packet): {total:.2f} s wall, {total_cpu:.2f} s cpu "
        f"(target < {TARGET_SECONDS:.0f} s; load average now {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores)"
    )
    linear = growth < 1.5
    if not linear:
        print("NOT LINEAR: the per-page cost grows with the packet size")
    return 0 if total_cpu < TARGET_SECONDS and linear else 1


if __name__ == "__main__":
    raise SystemExit(main())
