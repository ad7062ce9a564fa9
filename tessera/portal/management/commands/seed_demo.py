from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tessera.portal import demo


class Command(BaseCommand):
    help = "Load the demo region, clinics, staff and patients (safe to run again)."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("Demo data is only loaded in demo mode (TESSERA_DEBUG=1).")
        logins = demo.seed()
        self.stdout.write(demo.describe_logins(logins))
