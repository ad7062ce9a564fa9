"""A backup restores into a new database whose audit trail holds, and restoring an older
backup is detected by the chain head (issue 13, #5 of "what to build"). PostgreSQL only."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from tessera.core import audit
from tessera.core.models import AuditChainHead
from tests.automation.test_automation_worker_crash import flushable  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="backups use pg_dump: run with DATABASE_URL set to PostgreSQL",
)


def _url(name: str) -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return f"postgresql://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@pytest.fixture
def new_database():
    name = f"restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _verify(name: str, *extra: str):
    env = {**os.environ, "DATABASE_URL": _url(name)}
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit_trail", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_backup_restores_and_an_older_one_is_detected(
    flushable,  # noqa: F811
    settings,
    tmp_path,
    new_database,
):
    settings.TESSERA_BACKUP_KEY = Fernet.generate_key().decode()
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "modules").mkdir(parents=True)
    (settings.MEDIA_ROOT / "modules" / "picture.txt").write_text("uploaded")
    audit.record("session.signed_in", purpose="administration")
    call_command("backup", tmp_path / "tessera.backup")
    assert b"session.signed_in" not in (tmp_path / "tessera.backup").read_bytes()  # encrypted
    audit.record("session.signed_out", purpose="administration")
    newest = AuditChainHead.objects.get(chain=0).last_hash

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore",
        tmp_path / "tessera.backup",
        database_url=_url(new_database),
        media_root=restored_media,
    )
    assert (restored_media / "modules" / "picture.txt").read_text() == "uploaded"
    result = _verify(new_database)
    assert result.returncode == 0, result.stderr
    assert "The audit trail holds" in result.stdout
    # The newest head recorded outside the database is not in the restored copy.
    result = _verify(new_database, "--expect-head", newest)
    assert result.returncode != 0 and "missing" in result.stderr


def test_a_restore_into_a_database_that_is_not_empty_says_so(
    flushable,  # noqa: F811
    settings,
    tmp_path,
    new_database,
):
    settings.TESSERA_BACKUP_KEY = Fernet.generate_key().decode()
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", tmp_path / "x.backup")
    call_command("restore", tmp_path / "x.backup", database_url=_url(new_database))
    with pytest.raises(CommandError, match="is not empty: restore needs a new, empty database"):
        call_command("restore", tmp_path / "x.backup", database_url=_url(new_database))


def test_a_backup_cannot_be_restored_with_another_key(settings, tmp_path):
    settings.TESSERA_BACKUP_KEY = Fernet.generate_key().decode()
    (tmp_path / "x.backup").write_bytes(Fernet(Fernet.generate_key()).encrypt(b"nothing"))
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("restore", tmp_path / "x.backup", database_url="postgresql://x/y")


def test_every_clinics_chain_head_is_kept_and_checked_after_a_restore(
    flushable,  # noqa: F811
    settings,
    tmp_path,
    new_database,
    world,
):
    """One chain per clinic (issue 16): the newest row of the whole trail says nothing
    of another clinic's chain, so the backup keeps every chain's head beside it, and a
    restore that lost one clinic's newer events is found by that head alone."""
    import json

    settings.TESSERA_BACKUP_KEY = Fernet.generate_key().decode()
    settings.MEDIA_ROOT = tmp_path / "media"
    audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    audit.record("audit.searched", purpose="audit", clinic=world.other_clinic)
    call_command("backup", tmp_path / "old.backup")
    old = json.loads((tmp_path / "old.backup.heads.json").read_text())["chain_heads"]
    assert {str(world.clinic.pk), str(world.other_clinic.pk)} <= set(old)
    # Newer events at one clinic only, then a later backup's heads.
    audit.record("audit.searched", purpose="audit", clinic=world.clinic)
    call_command("backup", tmp_path / "new.backup")
    new_heads = tmp_path / "new.backup.heads.json"
    assert json.loads(new_heads.read_text())["chain_heads"] != old

    call_command("restore", tmp_path / "old.backup", database_url=_url(new_database))
    assert (
        _verify(new_database, "--expect-heads", str(tmp_path / "old.backup.heads.json")).returncode
        == 0
    )
    result = _verify(new_database, "--expect-heads", str(new_heads))
    assert result.returncode != 0
    assert f"chain(s) {world.clinic.pk}:" in result.stderr
