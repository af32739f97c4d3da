"""Embedding the fonts a record's PDF only names.

Many agency PDFs name one of the standard fonts (Helvetica, Times, Courier) without embedding it, so each viewer
draws the page with whatever it substitutes, and a court's filing rules ask for embedded fonts. Before a PDF record
is copied into a packet, each such font is replaced by the metric-compatible Liberation font (Sans for Helvetica
and Arial, Serif for Times, Mono for Courier), subset to the Windows-1252 characters and embedded as TrueType: every
glyph keeps its width, so text stays where it was. Both versions of a filing copy (and the public one rasterises)
the same embedded copy, so a public page still matches its sealed twin. Symbol, ZapfDingbats and fonts with
other encodings are left as they are.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from common.fonts import FONTS_DIR

# Standard name (without subset prefix and style) -> Liberation family; style from the name's suffix.
_FAMILIES = {
    "helvetica": "LiberationSans", "arial": "LiberationSans", "arialmt": "LiberationSans",
    "times": "LiberationSerif", "timesnewroman": "LiberationSerif", "timesnewromanps": "LiberationSerif",
    "timesnewromanpsmt": "LiberationSerif", "courier": "LiberationMono", "couriernew": "LiberationMono",
    "couriernewpsmt": "LiberationMono",
}
_ENCODINGS = {"/WinAnsiEncoding": "cp1252", "/StandardEncoding": "cp1252"}


def _replacement(base_font: str) -> str | None:
    """The Liberation file standing in for a standard font name ("Helvetica-BoldOblique" -> Sans BoldItalic)."""
    name = base_font.lstrip("/").split("+")[-1]
    family, _, style = name.replace(",", "-").partition("-")
    target = _FAMILIES.get(family.lower().replace(" ", ""))
    if target is None:
        return None
    style = style.lower()
    bold = "bold" in style
    italic = "italic" in style or "oblique" in style
    if family.lower() == "times" and style == "roman":
        bold = italic = False
    suffix = "BoldItalic" if bold and italic else "Bold" if bold else "Italic" if italic else "Regular"
    return f"{target}-{suffix}.ttf"


@functools.cache
def _font_program(filename: str) -> tuple[bytes, dict]:
    """The font subset to Windows-1252, and its PDF metrics (widths per code 32-255, descriptor values)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path = FONTS_DIR / filename
    characters = {ord(ch) for code in range(32, 256) if (ch := bytes([code]).decode("cp1252", "ignore"))}
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.recalc_bounds = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a viewer reads
    font = TTFont(path)
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    full = TTFont(path)
    scale = 1000 / full["head"].unitsPerEm
    cmap = full.getBestCmap()
    metrics = full["hmtx"].metrics
    widths = []
    for code in range(32, 256):
        char = bytes([code]).decode("cp1252", "ignore")
        glyph = cmap.get(ord(char)) if char else None
        widths.append(round(metrics[glyph][0] * scale) if glyph in metrics else 0)
    head, os2, post = full["head"], full["OS/2"], full["post"]
    descriptor = {
        "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ascent": round(os2.sTypoAscender * scale),
        "descent": round(os2.sTypoDescender * scale),
        "cap_height": round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
        "italic_angle": float(post.italicAngle),
        "fixed": bool(post.isFixedPitch),
        "name": Path(filename).stem,
    }
    return out.getvalue(), {"widths": widths, **descriptor}


def _embedded_font(writer, filename: str):
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
    )

    program, metrics = _font_program(filename)
    stream = DecodedStreamObject()
    stream.set_data(program)
    stream[NameObject("/Length1")] = NumberObject(len(program))
    stream = stream.flate_encode()
    flags = 32 | (1 if metrics["fixed"] else 0) | (64 if metrics["italic_angle"] else 0)
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject(f"/{metrics['name']}"),
        NameObject("/Flags"): NumberObject(flags),
        NameObject("/FontBBox"): ArrayObject([NumberObject(v) for v in metrics["bbox"]]),
        NameObject("/ItalicAngle"): FloatObject(metrics["italic_angle"]),
        NameObject("/Ascent"): NumberObject(metrics["ascent"]),
        NameObject("/Descent"): NumberObject(metrics["descent"]),
        NameObject("/CapHeight"): NumberObject(metrics["cap_height"]),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): writer._add_object(stream),
    })
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/TrueType"),
        NameObject("/BaseFont"): NameObject(f"/{metrics['name']}"),
        NameObject("/FirstChar"): NumberObject(32),
        NameObject("/LastChar"): NumberObject(255),
        NameObject("/Widths"): ArrayObject([NumberObject(w) for w in metrics["widths"]]),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
    })


def _needs_embedding(font) -> str | None:
    if font.get("/Subtype") not in ("/Type1", "/TrueType", "/MMType1") or "/FontDescriptor" in font and any(
        key in font["/FontDescriptor"].get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
    ):
        return None
    encoding = font.get("/Encoding")
    if encoding is not None and not (isinstance(encoding, str) and encoding in _ENCODINGS):
        return None  # a Differences array or a symbolic font: its codes are not Windows-1252
    return _replacement(str(font.get("/BaseFont", "")))


def with_fonts_embedded(path: str | Path) -> bytes | None:
    """The PDF with every standard font it only names embedded, or None when it names none (or cannot be read)."""
    import pypdf
    from pypdf.generic import NameObject

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt("")
        writer = pypdf.PdfWriter(clone_from=reader)
    except Exception:  # a record pypdf cannot rewrite is copied as it is
        return None
    replaced: dict[int, object] = {}
    made: dict[str, object] = {}
    changed = False
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        fonts = fonts.get_object()
        for key in list(fonts):
            reference = fonts.raw_get(key)
            font = fonts[key].get_object()
            ident = getattr(reference, "idnum", id(font))
            if ident in replaced:
                fonts[NameObject(key)] = replaced[ident]
                continue
            filename = _needs_embedding(font)
            if filename is None:
                continue
            if filename not in made:
                made[filename] = writer._add_object(_embedded_font(writer, filename))
            replaced[ident] = made[filename]
            fonts[NameObject(key)] = made[filename]
            changed = True
    if not changed:
        return None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
