from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tessera.core.backup import BackupError, restore_backup
from tessera.core.management.files import read_bytes


class Command(BaseCommand):
    help = (
        "Restore an encrypted backup into a new, empty PostgreSQL database and the media "
        "folder. Then point DATABASE_URL at it and run verify_audit_trail --expect-heads "
        "BACKUP.heads.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path)
        parser.add_argument("--database-url", required=True, help="the new, empty database")
        parser.add_argument("--media-root", type=Path, default=None)

    def handle(self, *args, input: Path, database_url: str, media_root, **options):
        blob = read_bytes(input, "backup")
        try:
            manifest = restore_backup(
                blob,
                settings.TESSERA_BACKUP_KEY,
                database_url,
                media_root or settings.MEDIA_ROOT,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: audit chain head "
            f"{manifest['head_hash']} (event {manifest['last_event_id']}), "
            f"{len(manifest.get('chain_heads', {}))} chain heads recorded."
        )
