"""Stored files as libraries that read paths need them: originals and exports live in the configured storage (a
local folder, or an S3-compatible bucket shared by every machine), which has no path to hand out. Code never uses
`FieldFile.path`; it asks for a local copy, read through the storage API, that is gone when the block ends."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import Storage, default_storage

CHUNK = 1 << 20


@contextlib.contextmanager
def stored_file_local_copy(name: str, *, storage: Storage | None = None) -> Iterator[Path]:
    """A temporary local file holding the stored file `name` (FileNotFoundError if it is not stored)."""
    storage = storage or default_storage
    if not name or not storage.exists(name):  # a bucket answers a missing key only when the body is read
        raise FileNotFoundError(name)
    with tempfile.TemporaryDirectory(prefix="stored-") as folder:
        path = Path(folder) / Path(name).name
        with storage.open(name, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        yield path


def stored_folder_delete(folder: str, *, storage: Storage | None = None) -> int:
    """Delete every stored file under `folder`, its subfolders included, through the storage API (a bucket has
    "folders" only as key prefixes); returns how many were deleted. A folder that is not there has none."""
    storage = storage or default_storage
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    for name in names:
        storage.delete(f"{folder}/{name}")
    return len(names) + sum(stored_folder_delete(f"{folder}/{sub}", storage=storage) for sub in folders)
