"""The operations commands answer wrong input with a plain error, never a traceback
(found by calling them as docs/security.md writes them)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command


def test_restore_names_a_backup_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read the backup .*nothing\.backup"):
        call_command("restore", tmp_path / "nothing.backup", database_url="postgresql://x/y")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Cannot read the heads file"),
        ("{not json", "is not the JSON written beside a backup"),
        ("[1, 2]", "is not the JSON written beside a backup"),
        ('{"chain_heads": {"riverside": {"hash": "x"}}}', "is not the JSON written"),
        ('{"chain_heads": {"1": "abc"}}', "is not the JSON written beside a backup"),
    ],
)
def test_verify_audit_trail_refuses_a_heads_file_it_cannot_use(tmp_path, content, message):
    heads = tmp_path / "old.backup.heads.json"
    if content is not None:
        heads.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("verify_audit_trail", expect_heads=heads)


@pytest.mark.django_db
def test_verify_audit_trail_takes_an_empty_heads_file_of_a_new_database(tmp_path):
    heads = tmp_path / "new.backup.heads.json"
    heads.write_text('{"chain_heads": {}}', encoding="utf-8")
    call_command("verify_audit_trail", expect_heads=heads)
