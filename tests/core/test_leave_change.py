"""A leave changed, not removed and recorded again (decision 0160): its days or its cover,
audited, with the refusals of recording one, the questions asked first when the change
makes the same risks (a cover who cannot open the patients or is away, everyone at the
clinic away), and a change drawn before another manager's refused, not saved over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core import actions
from tessera.core.clinic_dates import clinic_today
from tessera.core.drawn import digest
from tessera.core.models import AuditEvent, ClinicRole, StaffLeave


def day(world, n: int) -> dt.date:
    return clinic_today(world.clinic) + dt.timedelta(days=n)


def record(world, who=None, first=1, last=5, cover=None) -> StaffLeave:
    return actions.do_record_leave(
        world.clinic,
        acting_user=world["manager"],
        user=who or world["therapist"],
        first_day=day(world, first),
        last_day=day(world, last),
        cover=cover,
    )


def change(world, leave, first, last, cover=None, **kwargs) -> StaffLeave:
    return actions.do_change_leave(
        leave,
        acting_user=world["manager"],
        first_day=day(world, first),
        last_day=day(world, last),
        cover=cover,
        **kwargs,
    )


def test_a_leave_is_changed_in_place_and_audited(world):
    leave = record(world, cover=world["supervisor"])
    changed = change(world, leave, 2, 8, cover=world["manager"])
    assert StaffLeave.objects.get() == changed
    assert (changed.first_day, changed.last_day, changed.cover) == (
        day(world, 2),
        day(world, 8),
        world["manager"],
    )
    (event,) = AuditEvent.objects.filter(action="staff.leave_changed")
    assert event.changes["was_first_day"] == day(world, 1).isoformat()
    assert event.changes["was_cover"] == world["supervisor"].pk
    assert event.changes["cover"] == world["manager"].pk
    # The same change sent again finds its own: no second event.
    change(world, leave, 2, 8, cover=world["manager"])
    assert AuditEvent.objects.filter(action="staff.leave_changed").count() == 1


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [(5, 3, "last_day"), (20, 22, "first_day")],  # out of order; over their other leave
)
def test_the_refusals_of_recording_hold(world, first, last, field):
    leave = record(world)
    record(world, first=20, last=25)
    with pytest.raises(ValidationError) as refused:
        change(world, leave, first, last)
    assert field in refused.value.message_dict


def test_a_cover_must_be_a_colleague_here(world):
    leave = record(world)
    for cover in (world["therapist"], world["other_therapist"]):
        with pytest.raises(ValidationError) as refused:
            change(world, leave, 1, 5, cover=cover)
        assert "cover" in refused.value.message_dict


def test_a_begun_leave_keeps_its_first_day_and_an_ended_one_stays(world):
    begun = record(world, first=-2, last=3)
    with pytest.raises(ValidationError):
        change(world, begun, -1, 3)
    with pytest.raises(ValidationError):
        change(world, begun, -2, -1)  # ending it before today: not a change
    assert change(world, begun, -2, 9).last_day == day(world, 9)
    ended = record(world, first=-9, last=-5)
    with pytest.raises(ValidationError):
        change(world, ended, -9, -4)


def drawn(leave):
    from tessera.core.drawn import Drawn

    return Drawn(
        digest(leave, ("first_day", "last_day", "cover")), ("first_day", "last_day", "cover")
    )


def test_a_change_drawn_before_another_managers_is_refused(world):
    """Before there was no change: a manager removed and recorded it again. Now two
    managers change the same leave from pages drawn alike: the second is refused."""
    leave = record(world)
    as_drawn = drawn(leave)
    change(world, leave, 1, 5, cover=world["supervisor"], drawn=as_drawn)
    with pytest.raises(ValidationError) as refused:
        change(world, leave, 3, 6, drawn=as_drawn)
    assert refused.value.error_list[0].code == "changed_meanwhile"
    assert StaffLeave.objects.get().cover == world["supervisor"]
    # The first change sent twice (a double click) is its own, not refused.
    change(world, leave, 1, 5, cover=world["supervisor"], drawn=as_drawn)


def url(leave) -> str:
    return reverse("staff_leave_change", args=["alpha", leave.pk])


def post(world, leave, first, last, cover=None, **more) -> dict:
    return {
        "first_day": day(world, first).isoformat(),
        "last_day": day(world, last).isoformat(),
        "cover": cover.pk if cover else "",
        "drawn": drawn(leave).digest,
        **more,
    }


def test_the_page_asks_first_about_a_cover_who_cannot_open_the_patients(world, login):
    leave = record(world, cover=world["supervisor"])
    client = login(world["manager"])
    listed = client.get(reverse("staff_leave", args=["alpha", world["therapist"].pk]))
    assert url(leave) in listed.content.decode()
    assert client.get(url(leave)).status_code == 200
    asked = client.post(url(leave), post(world, leave, 1, 5, world["colleague"]))
    page = asked.content.decode()
    assert asked.status_code == 200 and "cannot open" in page
    assert "Nothing has been changed yet." in page and "Change it anyway" in page
    assert StaffLeave.objects.get().cover == world["supervisor"]
    saved = client.post(url(leave), post(world, leave, 1, 5, world["colleague"], confirm="yes"))
    assert saved.status_code == 302
    assert StaffLeave.objects.get().cover == world["colleague"]


def test_the_page_asks_first_about_a_cover_away_those_days(world, login):
    leave = record(world, cover=world["supervisor"])
    record(world, who=world["manager"], first=4, last=4)
    client = login(world["manager"])
    asked = client.post(url(leave), post(world, leave, 1, 5, world["manager"]))
    assert asked.status_code == 200 and "is on leave from" in asked.content.decode()
    assert StaffLeave.objects.get(pk=leave.pk).cover == world["supervisor"]


def test_the_page_asks_first_when_new_days_make_everyone_away(world, login):
    """Everyone else is away on day 10; moving the therapist's leave onto it asks."""
    leave = record(world)
    for role in ClinicRole.objects.filter(clinic=world.clinic).exclude(user=world["therapist"]):
        if not StaffLeave.objects.filter(user=role.user_id, clinic=world.clinic).exists():
            record(world, who=role.user, first=10, last=10)
    client = login(world["manager"])
    assert client.post(url(leave), post(world, leave, 2, 6)).status_code == 302
    leave.refresh_from_db()
    asked = client.post(url(leave), post(world, leave, 8, 12))
    assert asked.status_code == 200
    assert "everyone working there would be on leave" in asked.content.decode()
    assert StaffLeave.objects.get(pk=leave.pk).first_day == day(world, 2)


def test_the_page_refuses_a_change_drawn_before_another(world, login):
    leave = record(world)
    sent = post(world, leave, 2, 6)
    change(world, leave, 1, 5, cover=world["supervisor"])
    refused = login(world["manager"]).post(url(leave), sent)
    assert refused.status_code == 409
    assert "Someone else changed these details" in refused.content.decode()
    assert StaffLeave.objects.get().cover == world["supervisor"]
