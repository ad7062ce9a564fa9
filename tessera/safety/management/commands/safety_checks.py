from django.core.management.base import BaseCommand

from tessera.safety.actions import escalate_overdue


class Command(BaseCommand):
    help = "Escalate risk alerts nobody acknowledged in time. Run every few minutes."

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        self.stdout.write(f"{len(escalated)} alert(s) escalated")
