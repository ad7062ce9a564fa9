from django.core.management.base import BaseCommand

from tessera.fhir.models import SystemClient


class Command(BaseCommand):
    help = "List the record systems registered for the FHIR API (SMART Backend Services)."

    def handle(self, *args, **options):
        clients = SystemClient.objects.select_related("clinic", "region")
        for client in clients:
            state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
            used = f"{client.last_used_at:%Y-%m-%d %H:%M}" if client.last_used_at else "never"
            keys = f"keys from {client.jwks_uri}" if client.jwks_uri else "registered keys"
            self.stdout.write(
                f"{client.client_id}  {client.name}  [{client.scopes}]  {client.limit}  "
                f"{keys}  {state}  last used {used}\n"
            )
        if not clients:
            self.stdout.write("No clients registered.\n")
