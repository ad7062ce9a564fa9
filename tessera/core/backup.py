"""Encrypted backups: a PostgreSQL dump, the uploaded files and a manifest naming the
audit chains' heads, in one tar archive encrypted with Fernet (TESSERA_BACKUP_KEY).

The heads in the manifest (the newest row of the trail, and the head of every clinic's
chain, also written beside the backup as BACKUP.heads.json by `manage.py backup`) are
kept outside the database; `verify_audit_trail --expect-heads BACKUP.heads.json` (or
`--expect-head HASH`) then shows whether a restored database lost events newer than the
heads recorded, in any clinic's chain."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.utils import timezone

DUMP = "database.dump"
MANIFEST = "manifest.json"
MEDIA = "media"


class BackupError(Exception):
    pass


def _fernet(key: str) -> Fernet:
    if not key:
        raise BackupError("Set TESSERA_BACKUP_KEY (a Fernet key: Fernet.generate_key()).")
    try:
        return Fernet(key)
    except ValueError as exc:
        raise BackupError("TESSERA_BACKUP_KEY is not a valid Fernet key.") from exc


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools).")
    return path


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def make_backup(database_url: str, media_root: Path, key: str, manifest: dict) -> bytes:
    # A fixed argument list, no shell: the URL is one argument, never parsed by a shell.
    dump = subprocess.run(  # noqa: S603
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--dbname", database_url],
        capture_output=True,
        check=False,
    )
    if dump.returncode != 0:
        raise BackupError(f"pg_dump failed: {dump.stderr.decode(errors='replace')[:500]}")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        _add(tar, DUMP, dump.stdout)
        manifest = manifest | {"created_at": timezone.now().isoformat()}
        _add(tar, MANIFEST, json.dumps(manifest).encode())
        if media_root.is_dir():
            tar.add(media_root, arcname=MEDIA)
    return _fernet(key).encrypt(buffer.getvalue())


def restore_backup(blob: bytes, key: str, database_url: str, media_root: Path) -> dict:
    """Restore into an existing, empty database and the media folder; the manifest."""
    try:
        data = _fernet(key).decrypt(blob)
    except InvalidToken as exc:
        raise BackupError("The backup cannot be decrypted with this key.") from exc
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
        dump = tar.extractfile(DUMP).read()
        restored = subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", database_url],
            input=dump,
            capture_output=True,
            check=False,
        )
        if restored.returncode != 0:
            if b"already exists" in restored.stderr:
                raise BackupError(
                    "The database to restore into is not empty: restore needs a new, empty "
                    "database (createdb NAME); it stopped at the first object already there."
                )
            raise BackupError(
                f"pg_restore failed: {restored.stderr.decode(errors='replace')[:500]}"
            )
        media = [m for m in tar.getmembers() if m.name.startswith(MEDIA + "/")]
        for member in media:
            member.name = member.name[len(MEDIA) + 1 :]
        media_root.mkdir(parents=True, exist_ok=True)
        tar.extractall(media_root, members=media, filter="data")
    return manifest
