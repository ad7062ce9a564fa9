from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tessera.core.management.files import read_text
from tessera.core.models import Clinic
from tessera.fhir.actions import do_register_record_endpoint


class Command(BaseCommand):
    help = (
        "Send the clinic's letters to an organisation to that organisation's record "
        "system (a FHIR base URL) as DocumentReferences."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="the clinic's short name (slug)")
        parser.add_argument(
            "--organisation", required=True, help="as letters name it (the GP practice)"
        )
        parser.add_argument("--url", required=True, help="the FHIR base URL")
        parser.add_argument("--token-file", help="a file holding a bearer token it needs")

    def handle(self, *args, clinic, organisation, url, token_file, **options):
        found = Clinic.objects.filter(slug=clinic).first()
        if found is None:
            raise CommandError(f"No clinic with the short name {clinic!r}.")
        token = read_text(token_file, "token file").strip() if token_file else ""
        try:
            endpoint = do_register_record_endpoint(
                clinic=found, organisation=organisation, base_url=url, token=token
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Letters to {endpoint.organisation} go to {endpoint.base_url}\n")
