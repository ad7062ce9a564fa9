import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tessera.core import audit
from tessera.core.management.files import read_text
from tessera.core.models import AuditChainHead, AuditEvent, Clinic


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains end to end, one per clinic; name each broken "
        "chain's clinic and its first row that does not hold (exit status 1)."
    )

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
        tables = set(connection.introspection.table_names())
        if not {AuditEvent._meta.db_table, AuditChainHead._meta.db_table} <= tables:
            raise CommandError(
                "This database has no audit trail: its tables are not there (run "
                "manage.py migrate first, or check DATABASE_URL)."
            )
        if expect_head and not AuditEvent.objects.filter(hash=expect_head).exists():
            raise CommandError(
                "The audit trail does not contain the expected head "
                f"{expect_head}: events recorded after it are missing (an older backup?)."
            )
        if expect_heads is not None:
            try:
                heads = json.loads(read_text(expect_heads, "heads file"))
            except ValueError as exc:
                raise CommandError(
                    f"The heads file {expect_heads} is not the JSON written beside a backup: {exc}."
                ) from exc
            except RecursionError as exc:
                raise CommandError(
                    f"The heads file {expect_heads} is nested too deeply to be the JSON "
                    "written beside a backup."
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
        chains = list(audit.check_chains())
        broken = sorted((c for c in chains if c.first), key=lambda c: c.first.event_id)
        if broken:
            names = _chain_names([c.chain for c in broken])
            for check in broken[:SHOWN]:
                self.stderr.write(
                    f"{names[check.chain]}: {check.breaks} of its {check.rows} rows "
                    f"{'does' if check.breaks == 1 else 'do'} not hold; the first is event "
                    f"{check.first.event_id}: {check.first.reason}."
                )
            if len(broken) > SHOWN:
                self.stderr.write(f"... and {len(broken) - SHOWN} more broken chains.")
            first = broken[0]
            raise CommandError(
                f"The audit trail is broken at event {first.first.event_id}: "
                f"{first.first.reason} ({names[first.chain]}). {len(broken)} of "
                f"{len(chains)} chains broken, {_rows(sum(c.breaks for c in broken))} in all."
            )
        self.stdout.write(
            f"The audit trail holds: {sum(c.rows for c in chains)} events checked in "
            f"{len(chains)} chains (one per clinic, and the shared one for events with no "
            "clinic)."
        )


SHOWN = 20  # broken chains listed one by one


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _chain_names(keys: list[int]) -> dict[int, str]:
    """Each chain's clinic in words, for the report: its name, address name and id."""
    clinics = Clinic.objects.filter(pk__in=keys).only("name", "slug").in_bulk()
    names = {}
    for key in keys:
        clinic = clinics.get(key)
        if key == 0:
            names[key] = "the shared chain (events with no clinic, and the oldest rows)"
        elif clinic is None:
            names[key] = f"chain {key} (no clinic with that id)"
        else:
            names[key] = f'clinic "{clinic.name}" ({clinic.slug}, id {key})'
    return names
