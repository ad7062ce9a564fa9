"""Periodic safety work for the task worker (and `manage.py safety_checks`)."""

from django_tasks import task

from .actions import escalate_overdue, tell_whoever_can_act_now


@task()
def check_escalations() -> int:
    escalated = len(escalate_overdue())
    tell_whoever_can_act_now()
    return escalated
