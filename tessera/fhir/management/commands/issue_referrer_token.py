from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tessera.core import audit
from tessera.core.models import Clinic
from tessera.fhir.models import ReferrerClient


class Command(BaseCommand):
    help = (
        "Issue a bearer token with which a referring organisation may POST ServiceRequests "
        "to a clinic. The token is printed once and stored only as a hash."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="the clinic's short name (slug)")
        parser.add_argument("--organisation", required=True, help="who the token is for")

    def handle(self, *args, clinic, organisation, **options):
        found = Clinic.objects.filter(slug=clinic).first()
        if found is None:
            raise CommandError(f"No clinic with the short name {clinic!r}.")
        organisation = " ".join(organisation.split())
        longest = ReferrerClient._meta.get_field("organisation").max_length
        if not organisation or len(organisation) > longest:
            raise CommandError(
                f"Name the organisation the token is for, in at most {longest} characters."
            )
        # The token and its audit row together, or neither (no token nobody issued).
        with transaction.atomic():
            client, token = ReferrerClient.issue(found, organisation)
            audit.record(
                "referrer_token.issued",
                clinic=found,
                obj=client,
                purpose="administration",
                changes={"organisation": client.organisation, "prefix": client.token_prefix},
            )
        self.stdout.write(
            f"Token for {client.organisation} at {found.name} (shown once, store it safely):\n"
            f"{token}\n"
        )
