from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tessera.core.demo import DEMO_TOTP_SECRET, current_counter


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo staff accounts (demo only)."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("Demo codes exist only in demo mode.")
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, current_counter())))
