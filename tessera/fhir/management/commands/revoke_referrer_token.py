from django.core.management.base import BaseCommand, CommandError

from tessera.fhir.actions import do_revoke_referrer_token
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
        client = do_revoke_referrer_token(matches[0])
        self.stdout.write(f"Revoked {client}.")
