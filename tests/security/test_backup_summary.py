"""What ``manage.py backup`` prints (no database needed: the backup itself is tested on
PostgreSQL in test_backup_restore.py)."""

from pathlib import Path

from tessera.core.management.commands.backup import _summary

OUT, HEADS = Path("/b/backup.bin"), Path("/b/backup.bin.heads.json")


def test_an_empty_audit_trail_is_said_plainly():
    """Stop 27: an empty trail printed "head  (event None)"."""
    text = _summary(OUT, HEADS, {"head_hash": "", "last_event_id": None, "chain_heads": {}})
    assert "audit trail is empty" in text and "None" not in text and "head  (" not in text


def test_a_trail_names_its_head_and_how_to_check_it():
    manifest = {"head_hash": "ab12", "last_event_id": 7, "chain_heads": {"1": "ab12"}}
    text = _summary(OUT, HEADS, manifest)
    assert "head ab12 (event 7)" in text and "all 1 chains" in text
    assert "verify_audit_trail --expect-heads backup.bin.heads.json" in text
