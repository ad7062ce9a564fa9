"""An overdue questionnaire stops being overdue when it expires (issue 16): a weekly
questionnaire never answered must not stay in the worklists for ever."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tessera.inbox import collect
from tessera.treatment.models import DueMeasure


def _due(episode, sequence, *, due_days_ago, expires_in_days):
    now = timezone.now()
    return DueMeasure.objects.create(
        episode=episode,
        instrument="PHQ-9",
        time_point="weekly",
        sequence=100 + sequence,
        opens_at=now - dt.timedelta(days=due_days_ago + 2),
        due_at=now - dt.timedelta(days=due_days_ago),
        expires_at=now + dt.timedelta(days=expires_in_days),
    )


def test_expired_questionnaires_are_not_overdue(world):
    late = _due(world.episode, 1, due_days_ago=1, expires_in_days=3)
    expired = _due(world.episode, 2, due_days_ago=30, expires_in_days=-20)
    now = timezone.now()
    overdue = set(DueMeasure.objects.filter(episode=world.episode).overdue(now))
    assert late in overdue and expired not in overdue
    assert late.is_overdue(now) and not expired.is_overdue(now)
    keys = {item.key for item in collect.overdue_questionnaires([world.episode.pk], now)}
    assert f"due-{late.pk}" in keys and f"due-{expired.pk}" not in keys


def test_the_measures_page_lists_neither_expired_as_overdue_nor_as_upcoming(world, login):
    late = _due(world.episode, 1, due_days_ago=1, expires_in_days=3)
    expired = _due(world.episode, 2, due_days_ago=30, expires_in_days=-20)
    page = login(world["therapist"]).get(reverse("patient_measures", args=[world.patient.pk]))
    assert late in page.context["overdue"]
    assert expired not in page.context["overdue"] and expired not in page.context["upcoming"]
