from django.core.management.base import BaseCommand

from tessera.safety.actions import escalate_overdue, tell_whoever_can_act_now


class Command(BaseCommand):
    help = (
        "Escalate risk alerts nobody acknowledged in time, and tell whoever an open "
        "alert is theirs now. Run every few minutes."
    )

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        told = tell_whoever_can_act_now()
        self.stdout.write(f"{len(escalated)} alert(s) escalated, {told} person(s) told now")
