"""Backups encrypted with a passphrase, as a stream: GnuPG's symmetric encryption (AES-256, with its integrity check),
so an archive is never written to disk in the clear and can be decrypted on any machine with `gpg` alone.

The passphrase comes from BACKUP_PASSPHRASE or a file (`--passphrase-file`, or BACKUP_PASSPHRASE_FILE), never from
the command line, where every user of the machine could read it in the process list. It reaches gpg through a pipe."""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

# The first byte of a symmetrically encrypted OpenPGP message (old and new packet formats).
GPG_MAGIC = (b"\x8c", b"\xc3")


class EncryptionError(Exception):
    pass


def passphrase_read(*, passphrase_file: Path | None = None) -> bytes:
    """The passphrase from the file named (or BACKUP_PASSPHRASE_FILE), else BACKUP_PASSPHRASE."""
    path = passphrase_file or (Path(os.environ["BACKUP_PASSPHRASE_FILE"]) if os.environ.get("BACKUP_PASSPHRASE_FILE")
                               else None)
    if path is not None:
        try:
            value = path.read_bytes().rstrip(b"\r\n")
        except OSError as error:
            raise EncryptionError(f"Cannot read the passphrase file {path}: {error.strerror}") from error
    else:
        value = os.environ.get("BACKUP_PASSPHRASE", "").encode("utf-8")
    if not value:
        raise EncryptionError("No passphrase: set BACKUP_PASSPHRASE, or BACKUP_PASSPHRASE_FILE / --passphrase-file.")
    if b"\n" in value:
        raise EncryptionError("The passphrase must be one line.")
    return value


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(1) in GPG_MAGIC


@contextmanager
def _gpg(args: list[str], passphrase: bytes, **popen) -> Iterator[subprocess.Popen]:
    if shutil.which("gpg") is None:
        raise EncryptionError("gpg is not installed: apt-get install gnupg (see README, Operations).")
    # A home of its own: nothing read from or left in the service user's keyrings. gpg starts an agent there, which
    # is stopped afterwards.
    home = tempfile.mkdtemp(prefix="backup-gnupg-")
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, passphrase + b"\n")  # far smaller than a pipe's buffer: this never blocks
        os.close(write_end)
        command = ["gpg", "--homedir", home, "--batch", "--yes", "--quiet", "--no-tty", "--pinentry-mode", "loopback",
                   "--passphrase-fd", str(read_end), "--no-symkey-cache", *args]
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(command, pass_fds=(read_end,), stderr=errors, **popen)
            os.close(read_end)
            read_end = -1

            def failure() -> EncryptionError | None:
                if process.wait(timeout=60) == 0:
                    return None
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()
                return EncryptionError(f"gpg failed ({process.returncode}): {message or 'no message'}")

            try:
                yield process
            except BaseException as error:
                gpg_error = failure()
                # A wrong passphrase or a damaged file shows first as an unreadable archive, a gpg that stopped as a
                # broken pipe: say what gpg said instead. Any other error (a database that is not empty) is the cause.
                if gpg_error is not None and isinstance(error, (tarfile.TarError, EOFError, OSError, zlib.error)):
                    raise gpg_error from error
                raise
            if (gpg_error := failure()) is not None:
                raise gpg_error
    finally:
        if read_end != -1:
            os.close(read_end)
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"], capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def encrypting_writer(out: Path, passphrase: bytes) -> Iterator[IO[bytes]]:
    """A stream whose bytes are encrypted into `out` as they are written."""
    with _gpg(["--symmetric", "--cipher-algo", "AES256", "--s2k-digest-algo", "SHA512", "--compress-algo", "none",
               "--output", str(out)], passphrase, stdin=subprocess.PIPE) as process:
        try:
            yield process.stdin
        finally:
            process.stdin.close()


@contextmanager
def decrypting_reader(path: Path, passphrase: bytes) -> Iterator[IO[bytes]]:
    """A stream of the decrypted bytes of `path`; gpg's integrity check fails the block at its end if it was altered."""
    with _gpg(["--decrypt", str(path)], passphrase, stdout=subprocess.PIPE) as process:
        try:
            yield process.stdout
            process.stdout.read()  # the rest, so gpg reaches its integrity check
        finally:
            process.stdout.close()
