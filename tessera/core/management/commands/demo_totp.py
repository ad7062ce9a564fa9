import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tessera.core.demo import DEMO_TOTP_SECRET, current_counter


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of the demo staff accounts (demo only). "
        "Each code signs one person in once: a second sign-in of the same person (a second "
        "browser) waits for the next code, at most 30 seconds."
    )

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("Demo codes exist only in demo mode.")
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, current_counter())))
        # Beside the code, not in it: scripts read the code from the standard output.
        left = 30 - int(time.time()) % 30
        self.stderr.write(
            f"Valid for {left} more seconds. A code signs one person in once; the same "
            "person in a second browser needs the next code."
        )
