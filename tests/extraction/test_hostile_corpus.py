"""Every file of the hostile corpus (tests/data/hostile, made by scripts/make_hostile_corpus.py) is refused
with the right reason or read safely, and neither hangs nor exhausts memory.

Each file is checked (`check_record`, the upload-time check) and then read (`iter_pages`, OCR on) in a
child process of its own, under a wall-clock limit and a 1.5 GB address-space limit, so a hang or a memory
blow-up fails that file's test instead of killing the run. Children run two at a time (one per core).
The child sets its own limit as its first statement, before any library loads (the same effect as a
`preexec_fn`, which is not safe to use from the threads that start the children).
No database and no Django: the children import only the pipeline.

A refusal is expected from check_record, or (manifest `"stage": "read"`) at the latest from iter_pages;
either way its message must be non-empty and carry no file path, upload name or record text.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "hostile"
GENERATOR = ROOT / "scripts" / "make_hostile_corpus.py"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
BY_NAME = {entry["name"]: entry for entry in MANIFEST}

LIMITS = {"max_bytes": 100 * 1024 * 1024, "max_pages": 5000, "max_unzipped_bytes": 300 * 1024 * 1024}
MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of a child: a decoder that tries to take more fails
WALL_CLOCK = 60  # seconds a child may run before it is killed
CHECK_SECONDS = 5  # check_record runs inside the upload request: it must answer fast, whatever the file
# Reasons that depend on a limit passed to check_record, not on the content: iter_pages (no such
# limits) is not required to refuse those files too. Every other refusal it must repeat.
LIMIT_REASONS = {"too_large", "too_many_pages", "zip_bomb"}
WORKERS = 2

# The child: limits first (before any library is imported), then check, then read every page.
CHILD = r"""
import json, resource, sys, time
request = json.loads(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
from extraction.pipeline.text import UnreadableRecord, check_record, iter_pages

path, result = request["path"], {}
def refusal(error):
    return {"reason": error.reason, "message": error.message}
start = time.monotonic()
try:
    result["kind"] = str(check_record(path, **request["limits"]))
except UnreadableRecord as error:
    result["rejected"] = refusal(error)
except BaseException as error:
    result["check_error"] = f"{type(error).__name__}: {error}"[:500]
result["check_seconds"] = round(time.monotonic() - start, 2)
reason = result.get("rejected", {}).get("reason")
if "check_error" not in result and reason not in request["limit_reasons"]:
    pages, chars, texts = 0, 0, []
    try:
        for page in iter_pages(path):
            pages += 1
            chars += len(page.text)
            if sum(map(len, texts)) < 200_000:
                texts.append(page.text[:200_000])
    except UnreadableRecord as error:
        result["read_rejected"] = refusal(error)
    except BaseException as error:
        result["read_error"] = f"{type(error).__name__}: {error}"[:500]
    text = "\f".join(texts)
    result.update(pages=pages, chars=chars, sample=text[:300],
                  found=[t for t in request["expect"] if t in text],
                  forbidden=[t for t in request["forbid"] if t in text])
result["seconds"] = round(time.monotonic() - start, 2)
result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
with open(request["out"], "w") as out:
    json.dump(result, out)
"""


@cache
def load_generator():
    spec = importlib.util.spec_from_file_location("make_hostile_corpus", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def _usable_name(name: str) -> bool:
    """Whether this system can hold a file under the upload name as given (one path component)."""
    return "/" not in name and "\x00" not in name and name not in (".", "..") and len(name.encode()) <= 255


def _stage(entry: dict, folder: Path) -> Path:
    """The file to check: generated now if it is too big to keep, under its upload name where possible."""
    folder.mkdir(parents=True, exist_ok=True)
    source = (
        load_generator().generate(entry["name"], folder) if entry.get("generated") else CORPUS / entry["name"]
    )
    upload_name = entry.get("upload_name")
    target = folder / (upload_name if upload_name and _usable_name(upload_name) else entry["name"])
    if source != target:
        shutil.copyfile(source, target)
    return target


def _wall_clock(entry: dict) -> int:
    """How long a child may run: a read gets its time budget and some slack; a refusal, a fixed limit."""
    return min(WALL_CLOCK, entry["expected"].get("max_seconds", WALL_CLOCK // 2) + 15)


def run_child(entry: dict, folder: Path) -> dict:
    path = _stage(entry, folder)
    out = folder / "result.json"
    request = {
        "path": str(path),
        "out": str(out),
        "limits": LIMITS,
        "memory": MEMORY_LIMIT,
        "limit_reasons": sorted(LIMIT_REASONS),
        "expect": [entry["expect_text"]] if entry.get("expect_text") else [],
        "forbid": entry.get("forbid_text", []),
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(request)],
            cwd=ROOT,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            capture_output=True,
            timeout=_wall_clock(entry),
            check=False,  # a child that dies is reported, not raised
        )
    except subprocess.TimeoutExpired:
        return {"path": str(path), "timeout": _wall_clock(entry)}
    if not out.exists():  # killed by a signal, or died of memory
        return {
            "path": str(path),
            "died": done.returncode,
            "stderr": done.stderr.decode(errors="replace")[-1500:],
        }
    return {"path": str(path), **json.loads(out.read_text())}


@pytest.fixture(scope="module")
def outcomes(request) -> dict[str, dict]:
    """Run the selected corpus files, two children at a time, slowest first; results by file name."""
    selected = [
        item.callspec.params["name"]
        for item in request.session.items
        if item.originalname == "test_hostile_file" and hasattr(item, "callspec")
    ]
    order = sorted(selected, key=lambda n: -BY_NAME[n]["expected"].get("max_seconds", 0))
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp, ThreadPoolExecutor(WORKERS) as pool:
        futures = {
            name: pool.submit(run_child, BY_NAME[name], Path(tmp) / f"{index:03d}")
            for index, name in enumerate(order)
        }
        return {name: future.result() for name, future in futures.items()}


def _leaks(message: str, entry: dict, result: dict) -> list[str]:
    """Parts of a refusal message that must never be there: the file's path or names, record text."""
    path = Path(result["path"])
    banned = [str(path), str(path.parent), path.name, entry["name"], "Quillfeather", "Marrowbone", "7731"]
    if entry.get("upload_name"):
        banned += [entry["upload_name"], entry["upload_name"].replace("\\", "/").rsplit("/", 1)[-1]]
    return [item for item in banned if item and item in message]


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_hostile_file(name, outcomes):
    entry, result = BY_NAME[name], outcomes[name]
    expected = entry["expected"]
    context = json.dumps({k: v for k, v in result.items() if k != "path"}, ensure_ascii=False)[:2000]

    assert "timeout" not in result, f"hung: killed after {result.get('timeout')} s"
    assert "died" not in result, f"child died (signal or out of memory): {context}"
    assert "check_error" not in result, f"check_record crashed: {context}"
    assert result["check_seconds"] <= CHECK_SECONDS, f"check_record too slow for an upload: {context}"

    if expected["outcome"] == "rejected":
        if expected.get("stage", "check") == "check":
            assert "rejected" in result, f"check_record accepted it: {context}"
        assert "read_error" not in result, f"iter_pages crashed: {context}"
        if "rejected" in result:
            refusals = [result["rejected"]]
            if expected["reason"] not in LIMIT_REASONS:  # reading refuses it too, with the same reason
                refusals.append(
                    result.get("read_rejected", {"reason": "(read without refusal)", "message": ""})
                )
        else:  # stage "read": accepted at upload, refused by iter_pages
            assert "read_rejected" in result, f"read without refusal: {context}"
            refusals = [result["read_rejected"]]
        for refusal in refusals:
            assert refusal["reason"] == expected["reason"], context
            assert refusal["message"].strip(), context
            assert not _leaks(refusal["message"], entry, result), context
        return

    assert "rejected" not in result, f"refused: {context}"
    assert "read_error" not in result, f"iter_pages crashed: {context}"
    assert "read_rejected" not in result, f"iter_pages refused what check_record accepted: {context}"
    assert result["seconds"] <= expected["max_seconds"], f"too slow: {context}"
    assert result["pages"] >= 1, context
    if entry.get("pages") is not None:
        assert result["pages"] == entry["pages"], context
    if entry.get("expect_text"):
        assert result["found"] == [entry["expect_text"]], context
    assert result["forbidden"] == [], context


# ---- The corpus itself ----------------------------------------------------------------------------


def test_manifest_covers_the_corpus():
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "manifest.json"}
    kept = {e["name"] for e in MANIFEST if not e.get("generated")}

    assert len(MANIFEST) >= 40
    assert on_disk == kept  # every file listed, every listed file present
    for entry in MANIFEST:
        assert set(entry) >= {"name", "kind", "description", "expected"}, entry["name"]
        expected = entry["expected"]
        assert expected["outcome"] in ("rejected", "read"), entry["name"]
        assert ("reason" in expected) == (expected["outcome"] == "rejected"), entry["name"]
        assert expected.get("max_seconds", 1) <= WALL_CLOCK, entry["name"]
    sizes = [(CORPUS / name).stat().st_size for name in kept]
    assert sum(sizes) < 5 * 1024 * 1024 and max(sizes) < 512 * 1024


def test_corpus_is_reproducible(tmp_path):
    """The generator, run again, writes the very same bytes (so the corpus can be regenerated and diffed)."""
    load_generator().build(tmp_path)

    made = sorted(p.name for p in tmp_path.iterdir())
    kept = sorted(p.name for p in CORPUS.iterdir())
    assert made == kept
    changed = [name for name in made if (tmp_path / name).read_bytes() != (CORPUS / name).read_bytes()]
    assert changed == []


@cache
def _pdfium():
    import pypdfium2

    return pypdfium2


@pytest.mark.parametrize("name", sorted(e["name"] for e in MANIFEST if e.get("password")))
def test_encrypted_pdfs_are_real(name):
    """A password-protected file opens with its password: it is refused for the password, not as damaged."""
    pdfium = _pdfium()
    pdf = pdfium.PdfDocument(CORPUS / name, password=BY_NAME[name]["password"])
    try:
        textpage = pdf[0].get_textpage()
        assert "Quillfeather" in textpage.get_text_range()
    finally:
        pdf.close()
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(CORPUS / name)
