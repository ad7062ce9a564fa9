import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from tessera.fhir.bulk import build
from tessera.fhir.letters_out import deliver, due_deliveries
from tessera.fhir.models import AccessToken, ExportJob
from tessera.fhir.smart.assertion import forget_expired as forget_assertions
from tessera.fhir.tasks import run_export, work_on_export

LOST_AFTER = dt.timedelta(minutes=10)


class Command(BaseCommand):
    help = (
        "The FHIR interface's periodic work (run it every five minutes beside "
        "automation_sweep): letters due for another try at the recipient's record, "
        "exports whose task was lost, export parts whose worker died (a worker is sent "
        "to take them again), and forgetting expired exports, tokens and "
        "client assertions."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        sent = sum(1 for pk in list(due_deliveries(now)) if deliver(pk, now=now) == "sent")
        lost = ExportJob.objects.filter(
            status=ExportJob.Status.QUEUED, created_at__lt=now - LOST_AFTER
        ).values_list("pk", flat=True)
        for job_id in lost:
            run_export.enqueue(str(job_id))
        stalled = build.stalled_jobs()
        for job_id in stalled:
            work_on_export.enqueue(str(job_id))
        expired = build.forget_expired(now)
        tokens, _rows = AccessToken.objects.filter(expires_at__lt=now).delete()
        assertions = forget_assertions(now)
        self.stdout.write(
            f"letters sent {sent}, exports re-queued {len(lost)}, stalled exports resumed "
            f"{len(stalled)}, exports forgotten {expired}, "
            f"tokens forgotten {tokens}, assertions forgotten {assertions}\n"
        )
