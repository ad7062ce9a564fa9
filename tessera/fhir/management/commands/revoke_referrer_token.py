from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tessera.core import audit
from tessera.fhir.models import ReferrerClient


class Command(BaseCommand):
    help = "Revoke a referrer's token, given its prefix (as printed when issued and listed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "prefix", nargs="?", help="the token's first characters, e.g. tsr_Ab12Cd"
        )
        parser.add_argument("--list", action="store_true", help="list tokens and their state")

    def handle(self, *args, prefix=None, **options):
        if options["list"] or not prefix:
            for c in ReferrerClient.objects.select_related("clinic"):
                state = f"revoked {c.revoked_at:%Y-%m-%d}" if c.revoked_at else "active"
                self.stdout.write(
                    f"{c.token_prefix}  {c.clinic.slug:12} {c.organisation} ({state})"
                )
            return
        matches = list(ReferrerClient.objects.filter(token_prefix=prefix, revoked_at__isnull=True))
        if len(matches) != 1:
            raise CommandError(
                f"{len(matches)} active tokens start with {prefix!r}; need exactly one."
            )
        client = matches[0]
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record(
            "referrer_token.revoked",
            clinic=client.clinic,
            obj=client,
            purpose="administration",
            changes={"prefix": client.token_prefix},
        )
        self.stdout.write(f"Revoked {client}.")
