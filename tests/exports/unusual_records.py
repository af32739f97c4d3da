"""Three fictional records that say private things in unusual ways, one of them a scan, made on the fly.

Every name, number and address here is invented."""

from __future__ import annotations

import io
import random
from pathlib import Path

from docx import Document as new_docx
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from common.fonts import FONTS_DIR

LEASE_HTML = """
<h1 style="text-align:center;font-size:16pt;margin:0">HARBOR PROPERTY MANAGEMENT LLC</h1>
<p style="text-align:center;font-size:9pt;margin:0">500 Commerce Way, Suite 200, Wexbridge, AD 40910 · Tel (555) 014-9000</p>
<hr>
<h2 style="font-size:13pt">Residential Lease — Tenant Summary</h2>
<table style="font-size:11pt">
<tr><td>Tenant</td><td>Devon M. Ashby</td></tr>
<tr><td>Social Security #</td><td>078 05 1120</td></tr>
<tr><td>D.O.B.</td><td>11-Jun-1995</td></tr>
<tr><td>Deposit paid from</td><td>checking acct # 4421-8830-1957</td></tr>
</table>
<p style="font-size:11pt">On March 2, 2024 the tenant signed a lease for a flat at 77 Birch Court, Apt. 2, Wexbridge, AD 40911
for twelve months. Rent is due on the first of each month. The tenant's daughter, Maya, will live in the unit.</p>
"""

BENEFITS_LINES = [
    "ARDEN DEPARTMENT OF HUMAN SERVICES",
    "Benefits Office, 12 State Street, Wexbridge, AD 40910  Fax (555) 014-3300",
    "",
    "NOTICE OF SNAP ELIGIBILITY - 01/15/2024",
    "",
    "Household member: Devon Ashby",
    "Date of birth: June 11th, 1995",
    "SNAP case # 4455-2210-99",
    "",
    "Household: his children Jaden (6) and Amira (4) stay",
    "with him on weekends.",
    "",
    "Benefits are loaded on the EBT card each month.",
]


def lease_pdf(path: Path) -> Path:
    from weasyprint import HTML

    HTML(string=f"<html><body style='font-family: serif'>{LEASE_HTML}</body></html>").write_pdf(path)
    return path


def benefits_scan(path: Path) -> Path:
    """A letter-sized page at 200 dpi, slightly noisy and blurred, as a fax or a phone scan looks."""
    image = Image.new("L", (1700, 2200), 250)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONTS_DIR / "LiberationSerif-Regular.ttf"), 40)
    y = 200
    for line in BENEFITS_LINES:
        draw.text((180, y), line, font=font, fill=20)
        y += 62
    noise = random.Random(7)
    for _ in range(3000):
        image.putpixel((noise.randrange(1700), noise.randrange(2200)), noise.choice((120, 180)))
    image.filter(ImageFilter.GaussianBlur(0.6)).save(path, dpi=(200, 200))
    return path


def case_note_docx(path: Path) -> Path:
    document = new_docx()
    document.add_paragraph("BRIDGEWAY ADVOCACY PARTNERS — CONTACT NOTE")
    document.add_paragraph("04/10/2024. Client shares a room at 9 Larkspur Lane with his cousin since March.")
    document.add_paragraph("His son, Elijah, turned 3 this spring; the client sees him on Sundays.")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [lease_pdf(folder / "lease.pdf"), benefits_scan(folder / "benefits_scan.png"),
            case_note_docx(folder / "contact_note.docx")]
