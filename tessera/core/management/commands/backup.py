import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tessera.core import audit
from tessera.core.backup import BackupError, make_backup
from tessera.core.management.files import check_writable, write_whole


class Command(BaseCommand):
    help = "Write an encrypted backup (database dump and uploaded files) to a file."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path)

    def handle(self, *args, output: Path, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Backups need PostgreSQL (pg_dump).")
        # A mistyped folder is found before the dump, not after it.
        check_writable(output, "backup")
        heads = check_writable(output.with_name(output.name + ".heads.json"), "chain heads")
        # The newest row of the whole trail (one chain per clinic: the newest of all).
        head = audit.newest_event()
        manifest = {
            "head_hash": head.hash if head else "",
            "last_event_id": head.pk if head else None,
            # Every clinic's chain has its own head: each is checked after a restore.
            "chain_heads": audit.chain_heads(),
        }
        try:
            blob = make_backup(
                _url(connection.settings_dict),
                settings.MEDIA_ROOT,
                settings.TESSERA_BACKUP_KEY,
                manifest,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # Each file whole or not at all: never half a backup under the name to trust.
        write_whole(output, blob, "backup")
        chain_heads = json.dumps({"chain_heads": manifest["chain_heads"]}, indent=1)
        write_whole(heads, chain_heads.encode("utf-8"), "chain heads")
        self.stdout.write(_summary(output, heads, manifest))


def _summary(output: Path, heads: Path, manifest: dict) -> str:
    """What was written, and what to keep; an empty audit trail said so plainly (it
    printed "head  (event None)")."""
    if manifest["last_event_id"] is None:
        return (
            f"Backup written to {output}. The audit trail is empty (no events yet), so "
            f"there is no chain head to keep; {heads} lists no chains."
        )
    return (
        f"Backup written to {output}. Audit chain head {manifest['head_hash']} "
        f"(event {manifest['last_event_id']}), and the heads of all "
        f"{len(manifest['chain_heads'])} chains in {heads}: keep them outside the "
        "database, and after a restore run verify_audit_trail --expect-heads "
        f"{heads.name}."
    )


def _url(db: dict) -> str:
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{db['NAME']}"
