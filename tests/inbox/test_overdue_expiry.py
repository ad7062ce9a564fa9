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
    # Two days back, not one: on the day after the autumn night (25 hours), 24 hours
    # before 23:30 is the same local day, not yet overdue (decision 0123).
    late = _due(world.episode, 1, due_days_ago=2, expires_in_days=3)
    expired = _due(world.episode, 2, due_days_ago=30, expires_in_days=-20)
    now = timezone.now()
    overdue = set(DueMeasure.objects.filter(episode=world.episode).overdue(now))
    assert late in overdue and expired not in overdue
    assert late.is_overdue(now) and not expired.is_overdue(now)
    keys = {item.key for item in collect.overdue_questionnaires([world.episode.pk], now)}
    assert f"due-{late.pk}" in keys and f"due-{expired.pk}" not in keys


def test_the_measures_page_lists_neither_expired_as_overdue_nor_as_upcoming(world, login):
    late = _due(world.episode, 1, due_days_ago=2, expires_in_days=3)  # two: as above
    expired = _due(world.episode, 2, due_days_ago=30, expires_in_days=-20)
    page = login(world["therapist"]).get(reverse("patient_measures", args=[world.patient.pk]))
    assert late in page.context["overdue"]
    assert expired not in page.context["overdue"] and expired not in page.context["upcoming"]


def _evening_in(clinic, zone: str):
    """23:30 today in the clinic's time zone, with one questionnaire due at the start of
    today there and one due at the start of yesterday."""
    import zoneinfo

    type(clinic).objects.filter(pk=clinic.pk).update(time_zone=zone)
    tz = zoneinfo.ZoneInfo(zone)
    evening = timezone.now().astimezone(tz).replace(hour=23, minute=30, second=0, microsecond=0)
    midnight = evening.replace(hour=0, minute=0)
    return evening, midnight, midnight - dt.timedelta(days=1)


def _due_at(episode, sequence, due_at):
    return DueMeasure.objects.create(
        episode=episode,
        instrument="GAD-7",
        time_point="weekly",
        sequence=200 + sequence,
        opens_at=due_at - dt.timedelta(days=2),
        due_at=due_at,
        expires_at=due_at + dt.timedelta(days=7),
    )


def test_due_today_in_the_clinics_time_zone_is_overdue_nowhere(world, login):
    """Issue 20, item 9: every 'overdue' (the queryset, the instance, the staff home and the
    patient's measures page) counts days in the clinic's time zone, not the server's: at
    23:30 in Auckland (UTC+12/13) a questionnaire due at the start of today is due today,
    yesterday's is overdue."""
    import time_machine

    evening, today, yesterday = _evening_in(world.clinic, "Pacific/Auckland")
    due_today = _due_at(world.episode, 1, today)
    due_yesterday = _due_at(world.episode, 2, yesterday)
    with time_machine.travel(evening, tick=False):
        mine = DueMeasure.objects.filter(pk__in=[due_today.pk, due_yesterday.pk])
        assert set(mine.overdue()) == {due_yesterday}
        fresh = DueMeasure.objects.select_related("episode__clinic")
        assert not fresh.get(pk=due_today.pk).is_overdue()
        assert fresh.get(pk=due_yesterday.pk).is_overdue()
        client = login(world["therapist"])
        home = client.get(reverse("home"))
        assert due_yesterday in home.context["overdue"]
        assert due_today not in home.context["overdue"]
        page = client.get(reverse("patient_measures", args=[world.patient.pk]))
        assert due_yesterday in page.context["overdue"]
        assert due_today not in page.context["overdue"]
        assert due_today in page.context["upcoming"]


def test_treatment_starts_on_the_clinics_day_not_the_servers(world):
    """Issue 20 (time zones, as a class): started at 23:30 in London, when it is already
    tomorrow in Stockholm (the server's zone), treatment starts today in London, and its
    'before treatment' questionnaire is due at the start of London's today."""
    import zoneinfo

    import time_machine

    from tessera.treatment import actions as treatment
    from tests.conftest import make_patient

    evening, today, _yesterday = _evening_in(world.clinic, "Europe/London")
    world.clinic.refresh_from_db()
    _patient, episode = make_patient(world.clinic, "late@alpha.test", therapist=world["therapist"])
    with time_machine.travel(evening, tick=False):
        assert timezone.localdate() != evening.date()  # the server is past midnight
        treatment.do_start_treatment(episode, acting_user=world["therapist"])
    episode.refresh_from_db()
    assert episode.started_on == evening.date()
    london = zoneinfo.ZoneInfo("Europe/London")
    pre = DueMeasure.objects.filter(episode=episode, time_point="pre")
    assert pre.exists()
    for due in pre:
        assert due.due_at.astimezone(london) == today
