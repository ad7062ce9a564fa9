from django.core.management.base import BaseCommand

from tessera.reports.tasks import build_quarterly_reports


class Command(BaseCommand):
    help = "Queue the build of every clinic's report of the last complete quarter."

    def handle(self, *args, **options):
        result = build_quarterly_reports.enqueue()
        self.stdout.write(f"Queued the quarterly reports ({result.id}).")
