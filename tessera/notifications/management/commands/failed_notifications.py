"""The failed notifications that no clinic or region answers for, for the service's
operators (docs/operations.md, "E-mail")."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tessera.notifications.models import Notification

MAX_DAYS = 3660  # ten years: further back than any notification is kept


class Command(BaseCommand):
    help = (
        "List the notifications given up in the last days that no clinic's managers or "
        "region's administrators see (sent for no clinic, to an address with no account or "
        "a person with no role, episode or region role). --check exits 1 when there are any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="how far back (default 7)")
        parser.add_argument(
            "--check", action="store_true", help="exit 1 if any is listed (for monitoring)"
        )

    def handle(self, *args, days: int = 7, check: bool = False, **options):
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--days is a number of days from 1 to {MAX_DAYS}.")
        since = timezone.now() - dt.timedelta(days=days)
        rows = (
            Notification.objects.filter(state=Notification.State.FAILED, failed_at__gte=since)
            .unowned()
            .select_related("recipient")
            .order_by("failed_at", "pk")
        )
        count = 0
        # A day's outage of a mail or SMS provider fails every notification of the
        # country: read in chunks, never all at once (decision 0147).
        for row in rows.iterator(chunk_size=1000):
            count += 1
            self.stdout.write(
                f"{row.failed_at:%Y-%m-%d %H:%M} id={row.pk} kind={row.kind} "
                f"channel={row.channel} to={row.to_address} tries={row.attempts} "
                f"error={row.error_code}"
            )
        self.stdout.write(f"{count} failed notification(s) seen by no clinic or region.")
        if check and count:
            raise CommandError(f"{count} failed notification(s) need the operators.")
