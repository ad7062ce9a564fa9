from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tessera.core.models import Clinic
from tessera.fhir.actions import do_issue_referrer_token


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
        try:
            client, token = do_issue_referrer_token(found, organisation)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Token for {client.organisation} at {found.name} (shown once, store it safely):\n"
            f"{token}\n"
        )
