"""Periodic safety work for the task worker (and `manage.py safety_checks`)."""

from django_tasks import task

from .actions import escalate_overdue


@task()
def check_escalations() -> int:
    return len(escalate_overdue())
