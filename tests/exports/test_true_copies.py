"""End to end: records with private data in unusual phrasings, one of them scanned, imported with
`import_records --now` and exported public (`--all-records --accept-defaults`) and sealed. Every public record page
is its sealed twin (paired by Bates number) outside the burned boxes, and no private string is in any text layer."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pypdfium2 as pdfium
import pytest
from django.core.management import call_command
from PIL import ImageChops, ImageFilter

from audit.services import Actor
from narratives.services import narrative_create, section_save
from tests.exports.unusual_records import write_all
from tests.factories import CaseFactory

PRIVATE = ["11-Jun-1995", "June 11th, 1995", "078 05 1120", "4421-8830-1957", "4455-2210-99", "Maya", "Jaden",
           "Amira", "Elijah", "77 Birch Court", "9 Larkspur Lane"]
LETTERHEADS = ["500 Commerce Way", "12 State Street"]


def _stamped_pages(pdf: bytes) -> dict[str, tuple]:
    document = pdfium.PdfDocument(pdf)
    pages = {}
    for index in range(len(document)):
        text = document[index].get_textpage().get_text_range()
        found = re.search(r"Ex\. \w+ · ([A-Z]+-\d{6})", text)
        if found:
            pages[found[1]] = (document[index], text)
    return pages


def _picture(page):
    return page.render(scale=100 / 72).to_pil().convert("L")


@pytest.mark.django_db
def test_unusual_records_imported_and_exported_come_out_as_true_copies(tmp_path):
    case = CaseFactory(client_name="Devon Michael Ashby", client_dob=dt.date(1995, 6, 11))
    write_all(tmp_path / "delivery")
    narrative = narrative_create(case=case, title="Mitigation", created_by=case.created_by)
    section = narrative.sections.first()
    section_save(section=section, body="<p>Mr. Ashby has kept his lease and his benefits current.</p>",
                 expected_version=0, actor=Actor(user=case.created_by))
    imported = io.StringIO()

    call_command("import_records", "--case", case.docket_number, "--now", str(tmp_path / "delivery"), stdout=imported)
    # --draft: the imported records' proposals still wait for review, which the filing checks refuse; the
    # exhibits are what this test is about, and a draft's packet is the same packet
    call_command("export_narrative", "--case", case.docket_number, "--all-records", "--accept-defaults", "--draft",
                 "--out", str(tmp_path / "public"), stdout=io.StringIO())
    call_command("export_narrative", "--case", case.docket_number, "--all-records", "--sealed", "--draft",
                 "--out", str(tmp_path / "sealed"), stdout=io.StringIO())

    assert imported.getvalue().count("stored  ") == 3
    public = _stamped_pages((tmp_path / "public" / "exhibits.pdf").read_bytes())
    sealed = _stamped_pages((tmp_path / "sealed" / "exhibits.pdf").read_bytes())
    assert len(public) == len(sealed) == 3
    for bates, (page, text) in public.items():
        assert not [p for p in PRIVATE if p in text], bates
        twin, twin_text = sealed[bates]
        original, copy = _picture(twin), _picture(page)
        assert original.size == copy.size
        changed = ImageChops.difference(original.filter(ImageFilter.GaussianBlur(1.5)),
                                        copy.filter(ImageFilter.GaussianBlur(1.5))).point(lambda v: 255 if v > 48 else 0)
        boxes = copy.point(lambda v: 255 if v < 60 else 0).filter(ImageFilter.MaxFilter(9))
        assert ImageChops.multiply(changed, ImageChops.invert(boxes)).getbbox() is None, bates  # only in boxes
        assert changed.getbbox() is not None, bates  # and every page here had something to reduce
    everything = " ".join(text for _page, text in public.values())
    assert all(letterhead in everything for letterhead in LETTERHEADS)
    for name in ("narrative.pdf", "narrative.docx"):
        path = tmp_path / "public" / name
        text = ("\n".join(p.text for p in docx.Document(path).paragraphs) if name.endswith(".docx") else
                "\n".join(pdfium.PdfDocument(path)[i].get_textpage().get_text_range()
                          for i in range(len(pdfium.PdfDocument(path)))))
        assert not [p for p in PRIVATE if p in text]
