import logging

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from tessera.portal import demo

# The demo's history goes through the real actions, and they send what they would send
# (an application's decision, a new message, a questionnaire waiting): over a hundred
# e-mails that in demo mode would fill the screen above the logins. They are kept in
# memory and counted instead; what the demo sends once it runs is shown as before. The
# same for the history's log lines at INFO and below (each e-mail, text message and task
# it queued: some 350 lines above the logins in demo mode's console); warnings and errors
# are still shown.
_HELD = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Load the demo region, clinics, staff and patients (safe to run again)."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("Demo data is only loaded in demo mode (TESSERA_DEBUG=1).")
        outbox = getattr(mail, "outbox", None)
        mail.outbox = []
        quiet_before = logging.root.manager.disable
        logging.disable(max(quiet_before, logging.INFO))
        try:
            with override_settings(EMAIL_BACKEND=_HELD):
                logins = demo.seed()
            held = len(mail.outbox)
        finally:
            logging.disable(quiet_before)
            if outbox is None:
                del mail.outbox
            else:
                outbox.extend(mail.outbox)
                mail.outbox = outbox
        self.stdout.write(demo.describe_logins(logins))
        if held:
            self.stdout.write(
                f"The demo's history would have sent {held} e-mail{'' if held == 1 else 's'}; "
                "not sent. E-mails from now on are shown here."
            )
