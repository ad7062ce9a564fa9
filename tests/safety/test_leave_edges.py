"""The edges of leave and its cover (decision 0155, after 0146): a change during a leave
that breaks its cover still has the alert reach someone who can act, by the next sweep;
a cover away on the same days is passed over; a clinic whose people are all away is
told of that ahead; the sweep's routing and the routing of a single alert are one rule."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tessera.core import actions as core_actions
from tessera.core import on_call
from tessera.core.models import ClinicRole, OnCallShift, StaffLeave
from tessera.core.roles import Role
from tessera.notifications.models import Notification
from tessera.safety import actions, recipients
from tessera.safety.models import RiskAlert

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=STOCKHOLM)
TUESDAY = TUESDAY_10.date()
LATER = TUESDAY_10 + dt.timedelta(minutes=5)


def leave(world, who, cover=None, first=TUESDAY, last=TUESDAY + dt.timedelta(days=6)):
    return core_actions.do_record_leave(
        world.clinic,
        acting_user=world["manager"],
        user=who,
        first_day=first,
        last_day=last,
        cover=cover,
    )


def concern(world, capture) -> RiskAlert:
    with time_machine.travel(TUESDAY_10, tick=False), capture(execute=True):
        return actions.do_raise_concern(
            world.episode, acting_user=world["intake"], concern="Worried", severity="moderate"
        )


def told(user, alert) -> bool:
    return Notification.objects.filter(recipient=user, params__alert=alert.pk).exists()


def both_paths(world, alert, at=LATER, level=0) -> list:
    """Who is told of the alert at ``level`` now, read alone and as the sweep reads it;
    they must be the same people."""
    alert = RiskAlert.objects.select_related("episode__clinic", "episode__therapist").get(
        pk=alert.pk
    )
    alone = recipients.for_level(alert, level, at)
    people = recipients.people_at([alert.episode.clinic], at)[world.clinic.pk]
    swept = recipients.for_level(alert, level, at, people=people)
    assert alone == swept
    return alone


def mark_on_call(world, user):
    grant = ClinicRole.objects.get(user=user, clinic=world.clinic)
    core_actions.do_update_role(grant, acting_user=world["manager"], on_call=True)


def test_a_cover_on_leave_the_same_days_is_passed_over(world, django_capture_on_commit_callbacks):
    """Before: the colleague covering was told although away themself the same days;
    nobody at work heard of the alert until its window ran out. Now the managers are."""
    mark_on_call(world, world["colleague"])
    leave(world, world["therapist"], cover=world["colleague"])
    leave(world, world["colleague"], first=TUESDAY, last=TUESDAY)
    alert = concern(world, django_capture_on_commit_callbacks)
    assert not told(world["colleague"], alert)
    managers = on_call.managers(world.clinic)
    assert both_paths(world, alert, TUESDAY_10) == managers
    # The day after, the cover is back, and is the one told.
    assert both_paths(world, alert, TUESDAY_10 + dt.timedelta(days=1)) == [world["colleague"]]


def offboard_cover(world):
    core_actions.do_offboard_staff(
        world["colleague"], acting_user=world["manager"], clinics=[world.clinic]
    )


def remove_covers_role(world):
    grant = ClinicRole.objects.get(user=world["colleague"], clinic=world.clinic)
    core_actions.do_remove_role(grant, acting_user=world["manager"])


def untick_covers_mark(world):
    grant = ClinicRole.objects.get(user=world["colleague"], clinic=world.clinic)
    core_actions.do_update_role(grant, acting_user=world["manager"], on_call=False)


def cover_goes_on_leave(world):
    leave(world, world["colleague"])


def offboard_the_absent_therapist(world):
    core_actions.do_offboard_staff(
        world["therapist"], acting_user=world["manager"], clinics=[world.clinic]
    )


@pytest.mark.parametrize(
    "change",
    [
        offboard_cover,
        remove_covers_role,
        untick_covers_mark,
        cover_goes_on_leave,
        offboard_the_absent_therapist,
    ],
)
def test_a_change_during_a_leave_still_has_the_sweep_tell_someone_who_can_act(
    world, django_capture_on_commit_callbacks, change
):
    """The cover is told when the alert opens; then a change breaks the leave. The next
    sweep tells the managers (nobody is on the rota): the alert is never left with only
    someone who cannot open it, or who is away. Before, the cover going on leave over the
    same days kept them as the only one told; the other four were followed already."""
    mark_on_call(world, world["colleague"])
    leave(world, world["therapist"], cover=world["colleague"])
    alert = concern(world, django_capture_on_commit_callbacks)
    assert told(world["colleague"], alert)
    change(world)
    with time_machine.travel(LATER, tick=False), django_capture_on_commit_callbacks(execute=True):
        actions.tell_whoever_can_act_now(LATER)
    managers = on_call.managers(world.clinic)
    assert managers and both_paths(world, alert) == managers
    assert all(told(manager, alert) for manager in managers)


def everyone_away(world, cover=None, last=TUESDAY + dt.timedelta(days=6)):
    for role in ClinicRole.objects.filter(clinic=world.clinic).select_related("user"):
        if not StaffLeave.objects.filter(user=role.user, clinic=world.clinic).exists():
            cover_here = cover if role.user == world["therapist"] else None
            leave(world, role.user, cover=cover_here, last=last)


def test_with_everyone_away_and_no_cover_the_managers_are_told(
    world, django_capture_on_commit_callbacks
):
    """Every person of the clinic on leave at once, no cover: the managers are told (leave
    does not route around the last fallback). Before, one on the rota but on leave was
    told alone, and nobody at work heard of the alert; now the managers are, and the one
    on the rota again once back."""
    everyone_away(world, last=TUESDAY)
    OnCallShift.objects.create(
        clinic=world.clinic, user=world["supervisor"], weekday=2, starts_hour=0, ends_hour=24
    )
    OnCallShift.objects.create(
        clinic=world.clinic, user=world["supervisor"], weekday=3, starts_hour=0, ends_hour=24
    )
    mark_on_call(world, world["supervisor"])
    alert = concern(world, django_capture_on_commit_callbacks)
    managers = on_call.managers(world.clinic)
    assert both_paths(world, alert, TUESDAY_10) == managers
    assert all(told(manager, alert) for manager in managers)
    assert not told(world["supervisor"], alert)
    wednesday = TUESDAY_10 + dt.timedelta(days=1)
    assert world["supervisor"] in both_paths(world, alert, wednesday)
    # Escalated to the supervisors (level 1), the one on leave is not told either.
    assert recipients.for_level(alert, 1, TUESDAY_10) == managers


def test_with_everyone_away_and_no_manager_the_last_resort_still_names_someone(
    world, django_capture_on_commit_callbacks
):
    """No active manager (a closed login the guards did not see): the existing last
    resort names the absent therapist rather than nobody, also with their cover away."""
    everyone_away(world, cover=world["supervisor"])
    alert = concern(world, django_capture_on_commit_callbacks)
    for role in ClinicRole.objects.filter(clinic=world.clinic, role=Role.CLINIC_MANAGER):
        role.user.is_active = False
        role.user.save(update_fields=["is_active"])
    assert both_paths(world, alert, TUESDAY_10) == [world["therapist"]]


def test_offboarding_a_cover_names_the_leave_it_breaks_first(world, login):
    """Before, the offboarding page said nothing of the leave the person covered. Now it
    names it and asks: a post without the confirmation offboards nobody."""
    from django.urls import reverse

    from tessera.core.clinic_dates import clinic_today

    today = clinic_today(world.clinic)
    leave(world, world["therapist"], cover=world["colleague"], first=today, last=today)
    client = login(world["manager"])
    url = reverse("staff_offboard", args=["alpha", world["colleague"].pk])
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert f"{world['colleague']} covers {world['therapist']}'s leave at" in page
    assert "Offboard colleague@alpha.test anyway" in page and "Keep them" in page
    assert client.post(url).status_code == 200
    assert ClinicRole.objects.filter(user=world["colleague"]).exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not ClinicRole.objects.filter(user=world["colleague"]).exists()


def test_removing_the_covers_role_or_unticking_their_mark_names_the_leave_first(world, login):
    """Before, both were saved at once (no rota gap: the managers are the fallback) and
    the leave silently lost a cover who could act. Now the page names it and asks."""
    from django.urls import reverse

    from tessera.core.clinic_dates import clinic_today

    today = clinic_today(world.clinic)
    mark_on_call(world, world["colleague"])
    leave(world, world["therapist"], cover=world["colleague"], first=today, last=today)
    grant = ClinicRole.objects.get(user=world["colleague"], clinic=world.clinic)
    client = login(world["manager"])
    settings = {f"role-{grant.pk}-max_caseload": "30", f"role-{grant.pk}-weekly_hours": "40"}
    edit = reverse("staff_role_edit", args=["alpha", grant.pk])
    remove = reverse("staff_role_remove", args=["alpha", grant.pk])
    for url, data in [(edit, settings), (remove, {})]:
        asked = client.post(url, data)
        assert asked.status_code == 200
        page = asked.content.decode().replace("&#x27;", "'")
        assert f"{world['colleague']} covers {world['therapist']}'s leave at" in page
        assert "Nothing has been changed yet." in page
        grant.refresh_from_db()
        assert grant.on_call
    # Confirmed, each is saved as before.
    assert client.post(edit, {**settings, "confirm": "yes"}).status_code == 302
    assert client.post(remove, {"confirm": "yes"}).status_code == 302
    assert not ClinicRole.objects.filter(user=world["colleague"], clinic=world.clinic).exists()
