"""The demo's history reads as a year of a real service: nothing happens before what it
follows, and the intake queue holds what a clinic would still have open.

Walking the demo found a Fjordside intake queue of fifteen referrals, twelve of them
"waiting" five to eleven months, untriaged; applications sent before they were made and
decided on the day the demo was seeded, months after they were sent; courses opened on
seeding day months after they began; and phone sessions "attended" in the last month of
courses that had ended in the spring (decision 0107)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from tessera.appointments.models import Appointment
from tessera.core.models import Episode
from tessera.intake.models import Application, Source, Status
from tessera.intake.models.applications import OPEN_STATUSES
from tessera.messaging.models import Message


def test_no_open_application_has_waited_longer_than_a_month(seeded_demo):
    month_ago = timezone.now() - dt.timedelta(days=31)
    old = Application.objects.filter(status__in=OPEN_STATUSES, submitted_at__lt=month_ago)
    assert not old.exists(), list(old.values_list("reference", "submitted_at"))


def test_applications_are_made_then_sent_then_decided(seeded_demo):
    # A referral is made and sent in one action (a few milliseconds apart).
    made = F("created_at") - dt.timedelta(seconds=1)
    assert not Application.objects.filter(submitted_at__lt=made).exists()
    assert not Application.objects.filter(decided_at__lt=F("submitted_at")).exists()
    turned_away = Application.objects.filter(
        status__in=[Status.DECLINED, Status.REDIRECTED], submitted_at__isnull=False
    )
    waits = [(a.decided_at - a.submitted_at).days for a in turned_away]
    assert waits and max(waits) <= 14, waits


def test_every_course_of_the_history_came_through_the_clinics_intake(seeded_demo):
    """The history's courses had no application behind them: the dashboard's reach was
    the last weeks' handful, its waits empty, and adoption by GPs a quarter old."""
    history = Episode.objects.filter(
        patient__email__startswith="history", started_on__isnull=False
    ).select_related("clinic")
    behind = {a.episode_id: a for a in Application.objects.filter(episode__in=history)}
    assert history.count() > 100
    assert set(behind) == {episode.pk for episode in history}
    for episode in history:
        application = behind[episode.pk]
        assert application.status == Status.ACCEPTED
        assert application.patient_id == episode.patient_id
        assert application.clinic_id == episode.clinic_id
        assert application.created_at < application.submitted_at < application.assessed_at
        assert application.assessed_at < application.started_at
        assert timezone.localtime(application.started_at).date() == episode.started_on
        if application.source == Source.SELF:
            assert episode.clinic.accepts_self_referral
        else:
            assert episode.clinic.accepts_professional_referral
            assert application.referral.organisation


def test_courses_are_opened_before_they_begin(seeded_demo):
    # On the clinic's calendar: just after midnight in Stockholm a course begun today in
    # Inverness was opened "tomorrow" on Stockholm's.
    late = [
        (e.pk, e.created_at, e.started_on)
        for e in Episode.objects.filter(started_on__isnull=False).select_related("clinic")
        if e.created_at.astimezone(ZoneInfo(e.clinic.time_zone)).date() > e.started_on
    ]
    assert not late, late


def test_attended_sessions_lie_within_their_course(seeded_demo):
    attended = Appointment.objects.filter(status=Appointment.Status.ATTENDED).select_related(
        "episode"
    )
    outside = [
        (a.pk, a.starts_at.date(), a.episode.started_on, a.episode.ended_on)
        for a in attended
        if a.episode.started_on
        and (
            a.starts_at.date() < a.episode.started_on
            or (a.episode.ended_on and a.starts_at.date() > a.episode.ended_on)
        )
    ]
    assert attended.exists() and not outside, outside


def test_the_history_courses_messages_lie_within_them_and_in_the_past(seeded_demo):
    """The guided courses' weekly questions and their therapists' answers (decision 0114):
    sent within the course, on the clinic's calendar, each answered after it was asked
    (by the episode's therapist, at the moment the question is marked answered), and
    nothing of the demo's messages dated after now."""
    now = timezone.now()
    history = Message.objects.filter(episode__patient__email__startswith="history")
    assert history.filter(from_patient=True).count() >= 60
    assert not Message.objects.filter(sent_at__gt=now).exists()
    assert not Message.objects.filter(answered_at__gt=now).exists()
    answers = {(m.episode_id, m.sent_at): m.author_id for m in history.filter(from_patient=False)}
    wrong = []
    for m in history.select_related("episode__clinic"):
        episode = m.episode
        day = m.sent_at.astimezone(ZoneInfo(episode.clinic.time_zone)).date()
        if day < episode.started_on or (episode.ended_on and day > episode.ended_on):
            wrong.append(("outside", m.pk, day, episode.started_on, episode.ended_on))
        if m.from_patient and m.answered_at is not None:
            if m.answered_at <= m.sent_at:
                wrong.append(("answered first", m.pk))
            if answers.get((m.episode_id, m.answered_at)) != episode.therapist_id:
                wrong.append(("no answer from the therapist", m.pk))
        if m.from_patient and m.answered_at is None and episode.ended_on:
            wrong.append(("waiting on an ended course", m.pk))
    assert not wrong, wrong[:10]
