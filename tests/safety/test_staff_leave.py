"""A therapist on leave (decision 0146): while they are away, a risk alert of their
patients is told to the colleague covering them when that colleague can open the
patient, else to whoever the rules fall back to (the rota, the managers), never to the
absent therapist as the one told. A leave that begins while an alert waits is followed
by the next sweep. Leave is recorded in the clinic's calendar; bad input is refused with
a clear message; ending early and removing are audited."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tessera.automation.sweep import run_automation
from tessera.core import actions as core_actions
from tessera.core import on_call
from tessera.core.models import AuditEvent, ClinicRole, StaffLeave
from tessera.notifications import sms
from tessera.notifications.models import Notification
from tessera.safety import actions, recipients
from tessera.safety.models import RiskAlert

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)
TUESDAY = TUESDAY_10.date()
WEDNESDAY = TUESDAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.TESSERA_SMS_BACKEND = "tessera.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def told(user, alert) -> list[str]:
    return sorted(
        Notification.objects.filter(recipient=user, params__alert=alert.pk).values_list(
            "kind", flat=True
        )
    )


def leave(world, first=TUESDAY, last=TUESDAY + dt.timedelta(days=6), cover=None, who=None):
    return core_actions.do_record_leave(
        world.clinic,
        acting_user=world["manager"],
        user=who or world["therapist"],
        first_day=first,
        last_day=last,
        cover=cover,
    )


def concern(world, capture, at=TUESDAY_10) -> RiskAlert:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return actions.do_raise_concern(
            world.episode, acting_user=world["intake"], concern="Worried", severity="moderate"
        )


def test_the_cover_is_told_instead_of_the_therapist_on_leave(
    world, django_capture_on_commit_callbacks
):
    leave(world, cover=world["supervisor"])  # a supervisor opens any patient of the clinic
    alert = concern(world, django_capture_on_commit_callbacks)
    assert told(world["supervisor"], alert) == ["risk_alert"]
    assert told(world["therapist"], alert) == []


def test_a_cover_who_cannot_open_the_patient_is_passed_over_for_the_managers(
    world, django_capture_on_commit_callbacks
):
    """A therapist colleague without the on-call mark cannot open another's patient:
    told, they could not act, so the managers are (the existing last fallback)."""
    leave(world, cover=world["colleague"])
    alert = concern(world, django_capture_on_commit_callbacks)
    assert told(world["colleague"], alert) == []
    assert told(world["therapist"], alert) == []
    for manager in on_call.managers(world.clinic):
        assert told(manager, alert) == ["risk_alert"]
    # Marked on call, the colleague can open it, and is the one told.
    ClinicRole.objects.filter(user=world["colleague"], clinic=world.clinic).update(on_call=True)
    alert.episode.refresh_from_db()
    at = TUESDAY_10 + dt.timedelta(minutes=1)
    assert recipients.for_level(alert, 0, at) == [world["colleague"]]


def test_without_a_cover_the_managers_are_told(world, django_capture_on_commit_callbacks):
    leave(world)
    alert = concern(world, django_capture_on_commit_callbacks)
    assert told(world["therapist"], alert) == []
    assert set(recipients.for_level(alert, 0, TUESDAY_10)) == set(on_call.managers(world.clinic))


def test_leave_is_the_clinics_day_and_ends_with_its_last_day(world):
    leave(world, first=WEDNESDAY, last=WEDNESDAY, cover=world["supervisor"])
    alert = RiskAlert(episode=world.episode)
    # 23:30 UTC on Tuesday is already Wednesday 00:30 at the clinic: on leave.
    late_tuesday_utc = dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC)
    assert world["therapist"] not in recipients.for_level(alert, 0, late_tuesday_utc)
    assert world["therapist"] in recipients.for_level(alert, 0, TUESDAY_10)
    thursday = TUESDAY_10 + dt.timedelta(days=2)
    assert world["therapist"] in recipients.for_level(alert, 0, thursday)


def test_a_leave_that_begins_with_an_alert_open_is_followed_by_the_sweep(
    world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    alert = concern(world, capture)  # Tuesday: the therapist is told
    assert told(world["therapist"], alert) == ["risk_alert"]
    leave(world, first=WEDNESDAY, last=WEDNESDAY, cover=world["supervisor"])
    first_minutes = dt.datetime(2026, 11, 25, 0, 10, tzinfo=STOCKHOLM)
    with time_machine.travel(first_minutes, tick=False), capture(execute=True):
        run_automation(first_minutes)
    alert.refresh_from_db()
    assert alert.escalation_level == 0  # its window has not run out
    assert told(world["supervisor"], alert) == ["risk_alert"]


def test_bad_leave_is_refused_with_a_clear_message(world):
    def refused(**given) -> str:
        with pytest.raises(ValidationError) as error:
            leave(world, **given)
        return " ".join(error.value.messages)

    assert "cannot be before the first day" in refused(first=WEDNESDAY, last=TUESDAY)
    assert "not the person on leave" in refused(cover=world["therapist"])
    assert "must work at this clinic" in refused(cover=world["other_therapist"])
    assert "Only active staff of this clinic" in refused(who=world["other_therapist"])
    leave(world, first=TUESDAY, last=WEDNESDAY)
    assert "overlaps a leave already recorded" in refused(first=WEDNESDAY, last=WEDNESDAY)
    assert StaffLeave.objects.count() == 1
    assert AuditEvent.objects.filter(action="staff.leave_recorded").count() == 1


def test_a_leave_is_ended_early_or_removed_and_past_leave_is_kept(world):
    with time_machine.travel(TUESDAY_10, tick=False):
        begun = leave(world, first=TUESDAY - dt.timedelta(days=1))
        core_actions.do_end_leave(begun, acting_user=world["manager"])
        begun.refresh_from_db()
        assert begun.last_day == TUESDAY
        with pytest.raises(ValidationError, match="has begun and is kept"):
            core_actions.do_remove_leave(begun, acting_user=world["manager"])
        coming = leave(
            world, first=WEDNESDAY + dt.timedelta(days=7), last=WEDNESDAY + dt.timedelta(days=8)
        )
        with pytest.raises(ValidationError, match="has not begun"):
            core_actions.do_end_leave(coming, acting_user=world["manager"])
        core_actions.do_remove_leave(coming, acting_user=world["manager"])
        core_actions.do_remove_leave(coming, acting_user=world["manager"])  # a second click
    assert list(StaffLeave.objects.all()) == [begun]
    assert AuditEvent.objects.filter(action="staff.leave_ended").count() == 1
    assert AuditEvent.objects.filter(action="staff.leave_removed").count() == 1


def test_a_therapist_records_their_own_leave_and_the_staff_page_shows_it(world, login):
    from django.urls import reverse

    from tessera.core.clinic_dates import clinic_today

    today = clinic_today(world.clinic)
    client = login(world["therapist"])
    url = reverse("staff_leave", args=["alpha", world["therapist"].pk])
    refused = client.post(
        url,
        {"first_day": today.isoformat(), "last_day": (today - dt.timedelta(days=1)).isoformat()},
    )
    assert refused.status_code == 200
    assert "cannot be before the first day" in refused.content.decode()
    assert not StaffLeave.objects.exists()
    saved = client.post(
        url,
        {
            "first_day": today.isoformat(),
            "last_day": (today + dt.timedelta(days=6)).isoformat(),
            "cover": world["supervisor"].pk,
        },
    )
    assert saved.status_code == 302
    (recorded,) = StaffLeave.objects.all()
    assert (recorded.user, recorded.cover) == (world["therapist"], world["supervisor"])
    # Not someone else's leave.
    other = reverse("staff_leave", args=["alpha", world["colleague"].pk])
    assert client.get(other).status_code == 404
    # The managers' staff page says who is away, until when.
    page = login(world["manager"]).get(reverse("clinic_staff", args=["alpha"])).content.decode()
    assert "On leave until" in page and "covered by" in page
    # So does the team's workload page; the therapist's rows and patients stay.
    team = login(world["manager"]).get(reverse("team_workload", args=["alpha"])).content.decode()
    assert "On leave until" in team


def test_the_sweep_reads_a_covers_access_once_however_many_alerts_wait(
    world, django_capture_on_commit_callbacks
):
    """Measured: 5 queries for the sweep step without leave; with the therapist on leave
    and a cover, 15 for six waiting alerts when the cover's access was read per alert;
    now the same for one alert or six."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    capture = django_capture_on_commit_callbacks
    leave(world, cover=world["supervisor"])
    later = TUESDAY_10 + dt.timedelta(minutes=5)

    def queries_with(count):
        for n in range(RiskAlert.objects.count(), count):
            with time_machine.travel(TUESDAY_10, tick=False), capture(execute=True):
                actions.do_raise_concern(
                    world.episode,
                    acting_user=world["intake"],
                    concern=f"W {n}",
                    severity="moderate",
                )
        with time_machine.travel(later, tick=False), capture(execute=True):
            run_automation(later)
        with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as seen:
            assert actions.tell_whoever_can_act_now(later) == 0
        return len(seen)

    one = queries_with(1)
    assert queries_with(6) == one


def test_a_leave_sent_twice_is_recorded_once_and_says_so(world, login):
    """A double click on "Record the leave" (or back and send again): the second said
    "This overlaps a leave already recorded for this person", as if the first had not
    gone. The same leave is the one recorded (decision 0152)."""
    from django.urls import reverse

    from tessera.core.clinic_dates import clinic_today

    today = clinic_today(world.clinic)
    client = login(world["therapist"])
    url = reverse("staff_leave", args=["alpha", world["therapist"].pk])
    body = {
        "first_day": today.isoformat(),
        "last_day": (today + dt.timedelta(days=6)).isoformat(),
        "cover": world["supervisor"].pk,
    }
    assert client.post(url, body).status_code == 302
    again = client.post(url, body)
    assert again.status_code == 302  # was 200, "overlaps a leave already recorded"
    assert StaffLeave.objects.count() == 1
    assert AuditEvent.objects.filter(action="staff.leave_recorded").count() == 1
