from django.core.management.base import BaseCommand, CommandError

from tessera.fhir.actions import do_revoke_system_client
from tessera.fhir.models import SystemClient


class Command(BaseCommand):
    help = "Revoke a FHIR API client: its access tokens stop working at once."

    def add_arguments(self, parser):
        parser.add_argument("client_id")

    def handle(self, *args, client_id, **options):
        client = SystemClient.objects.filter(client_id=client_id).first()
        if client is None:
            raise CommandError(f"No client {client_id!r}.")
        do_revoke_system_client(client)
        self.stdout.write(f"Revoked {client.name} ({client.client_id}).\n")
