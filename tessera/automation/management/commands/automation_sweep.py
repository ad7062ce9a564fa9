from django.core.management.base import BaseCommand

from tessera.automation.sweep import run_automation


class Command(BaseCommand):
    help = (
        "Send due automated messages and reminders, escalate unacknowledged risk alerts "
        "and deliver held notifications. Run every few minutes."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(run_automation()))
