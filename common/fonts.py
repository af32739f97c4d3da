"""The fonts the project draws with, shipped in `common/fonts/` so every PDF we write embeds the same files on any
machine. Records drawn at reading time (evidence's renditions) and court filings (exports) use them alike."""

from __future__ import annotations

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
SERIF_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}
MONO_FILE = "LiberationMono-Regular.ttf"
# Private family names for the shipped files, so a machine's own fonts can never stand in for them unnoticed
# (a missing file falls back to a visibly different font).
EMBEDDED_SERIF = "Narrative Liberation Serif"
EMBEDDED_MONO = "Narrative Liberation Mono"


def font_faces_css() -> str:
    faces = [
        f'@font-face {{ font-family: "{EMBEDDED_SERIF}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(FONTS_DIR / filename).as_uri()}"); }}'
        for (weight, style), filename in SERIF_FILES.items()
    ]
    faces.append(f'@font-face {{ font-family: "{EMBEDDED_MONO}"; src: url("{(FONTS_DIR / MONO_FILE).as_uri()}"); }}')
    return "\n".join(faces)
