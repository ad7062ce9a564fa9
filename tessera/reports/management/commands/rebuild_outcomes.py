from django.core.management.base import BaseCommand

from tessera.reports.outcome_table import rebuild


class Command(BaseCommand):
    help = "Write every episode's row of the outcome table from scratch."

    def handle(self, *args, **options):
        self.stdout.write(f"{rebuild()} episodes written.")
