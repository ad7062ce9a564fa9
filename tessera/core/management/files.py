"""Files named on a command line: read or written with a plain message when they cannot
be, never a traceback (decision 0126).

A file is written whole or not at all: the bytes go to a hidden file beside it, which
replaces the named file only once it is complete, so that a full disk or an interrupted
command never leaves half a backup or half a package under the name an operator will
trust. The folder is checked before the work that produces the bytes starts, so that a
mistyped folder is found before a dump of the whole database, not after it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import CommandError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_writable(path: Path | str, what: str) -> Path:
    """``path`` as a Path, once it is known that a file can be written there: its folder
    exists and is writable, and the name is not a folder's."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise CommandError(f"Cannot write the {what} to {path}: it is a folder; give a file name.")
    if not folder.is_dir():
        raise CommandError(f"Cannot write the {what} to {path}: there is no folder {folder}.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CommandError(
            f"Cannot write the {what} to {path}: the folder {folder} is not writable."
        )
    return path


def write_whole(path: Path | str, data: bytes, what: str) -> Path:
    """Write ``data`` to ``path`` whole (a hidden file beside it, then renamed over it)."""
    path = check_writable(path, what)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError as exc:
        Path(partial).unlink(missing_ok=True)
        raise CommandError(f"Cannot write the {what} to {path}: {_reason(exc)}.") from exc
    return path


def read_bytes(path: Path | str, what: str) -> bytes:
    """The file's bytes, or a message saying why it cannot be read."""
    path = Path(path)
    if path.is_dir():
        raise CommandError(f"Cannot read the {what} {path}: it is a folder, not a file.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read the {what} {path}: {_reason(exc)}.") from exc


def read_text(path: Path | str, what: str) -> str:
    """The file's text (UTF-8), or a message saying why it cannot be read."""
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(f"Cannot read the {what} {path}: it is not UTF-8 text.") from exc
