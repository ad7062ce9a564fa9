import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tessera.core import audit
from tessera.core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; name the first row that does not hold."

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            default="",
            help="the newest chain hash recorded outside the database (e.g. at the last "
            "backup): it must be in this database, or newer events were lost",
        )
        parser.add_argument(
            "--expect-heads",
            type=Path,
            default=None,
            help="the file of every chain's head written beside a backup "
            "(BACKUP.heads.json): each must be in this database, or newer events of that "
            "clinic were lost",
        )

    def handle(self, *args, expect_head: str = "", expect_heads=None, **options):
        if expect_head and not AuditEvent.objects.filter(hash=expect_head).exists():
            raise CommandError(
                "The audit trail does not contain the expected head "
                f"{expect_head}: events recorded after it are missing (an older backup?)."
            )
        if expect_heads is not None:
            try:
                heads = json.loads(expect_heads.read_text(encoding="utf-8"))
            except OSError as exc:
                raise CommandError(
                    f"Cannot read the heads file {expect_heads}: {exc.strerror}."
                ) from exc
            except ValueError as exc:
                raise CommandError(
                    f"The heads file {expect_heads} is not the JSON written beside a backup: {exc}."
                ) from exc
            heads = heads.get("chain_heads", heads) if isinstance(heads, dict) else None
            if not isinstance(heads, dict) or not all(
                str(chain).isdigit() and isinstance(head, dict) for chain, head in heads.items()
            ):
                raise CommandError(
                    f"The heads file {expect_heads} is not the JSON written beside a backup."
                )
            missing = audit.missing_heads(heads)
            if missing:
                raise CommandError(
                    "The audit trail does not contain the expected head of chain(s) "
                    f"{', '.join(missing)}: events recorded after them are missing (an "
                    "older backup?)."
                )
        first = next(audit.verify_chain(), None)
        if first is not None:
            raise CommandError(
                f"The audit trail is broken at event {first.event_id}: {first.reason}."
            )
        self.stdout.write(f"The audit trail holds: {AuditEvent.objects.count()} events checked.")
