"""The extraction benchmark reads a pinned list of documents laid out as typed pages (benchmarks/)."""

import importlib.util
import os
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]


def _benchmark():
    spec = importlib.util.spec_from_file_location("extraction_benchmark", ROOT / "benchmarks" / "extraction_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ):  # it sets a worker's thread limits on import; keep them out of the suite
        spec.loader.exec_module(module)
    return module


def test_every_pinned_document_is_in_the_repository_and_gives_300_pages():
    bench = _benchmark()
    paths = bench.manifest_paths()  # exits naming the first missing file
    assert len(paths) == len(set(paths))
    genres = {p.parent.name for p in paths if "corpus" in p.parts}
    assert genres == {"casenote", "clinical", "form", "letter", "opinion", "presentence"}
    assert len(bench.sample_pages()) >= 300


def test_pages_are_wrapped_and_broken_like_typed_pages():
    bench = _benchmark()
    text = ("word " * 60 + "\n") * 100 + "\fsecond record page"
    pages = bench.paginate(text)
    assert all(len(line) <= bench.CHARS_PER_LINE for page in pages for line in page.splitlines())
    assert all(len(page.splitlines()) <= bench.LINES_PER_PAGE for page in pages)
    assert pages[-1] == "second record page"
    assert sum(len(page.split()) for page in pages) == 60 * 100 + 3
