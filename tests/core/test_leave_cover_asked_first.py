"""Recording a leave whose cover cannot open the person's patients is asked about first
(decision 0155). Before, the leave was recorded and the cover silently passed over: the
alerts went to the rota and the managers, and nobody said so. Now the page says it,
names both people, and offers to choose another cover or record it anyway."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tessera.core.clinic_dates import clinic_today
from tessera.core.models import AuditEvent, StaffLeave


def days(world) -> dict:
    today = clinic_today(world.clinic)
    return {
        "first_day": (today + dt.timedelta(days=1)).isoformat(),
        "last_day": (today + dt.timedelta(days=5)).isoformat(),
    }


def test_it_asks_before_recording_a_cover_who_cannot_open_the_patients(world, login):
    client = login(world["manager"])
    url = reverse("staff_leave", args=["alpha", world["therapist"].pk])
    asked = client.post(url, {**days(world), "cover": world["colleague"].pk})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "cannot open" in page
    assert str(world["colleague"]) in page and str(world["therapist"]) in page
    assert "Nothing has been recorded yet." in page
    assert "Record it anyway" in page and "Choose another cover" in page
    assert not StaffLeave.objects.exists()
    # Choose another cover: the form again, its days kept.
    back = client.get(f"{url}?first_day={days(world)['first_day']}")
    assert f'value="{days(world)["first_day"]}"' in back.content.decode()
    # Record it anyway: recorded once, audited once.
    saved = client.post(url, {**days(world), "cover": world["colleague"].pk, "confirm": "yes"})
    assert saved.status_code == 302
    assert StaffLeave.objects.get().cover == world["colleague"]
    assert AuditEvent.objects.filter(action="staff.leave_recorded").count() == 1


def test_it_records_at_once_a_cover_who_can_open_them(world, login):
    client = login(world["manager"])
    url = reverse("staff_leave", args=["alpha", world["therapist"].pk])
    assert client.post(url, {**days(world), "cover": world["supervisor"].pk}).status_code == 302
    assert StaffLeave.objects.get().cover == world["supervisor"]


def test_it_does_not_ask_for_someone_with_no_patients_there(world, login):
    """An intake coordinator has no patients of their own: nothing is routed to a cover."""
    client = login(world["manager"])
    url = reverse("staff_leave", args=["alpha", world["intake"].pk])
    assert client.post(url, {**days(world), "cover": world["colleague"].pk}).status_code == 302


def test_it_asks_before_recording_the_leave_of_someone_covering_a_colleague_then(world, login):
    """The supervisor covers the therapist's leave; their own leave over some of those
    days names the leave it breaks before anything is recorded."""
    from tessera.core import actions as core_actions

    today = clinic_today(world.clinic)
    covered = core_actions.do_record_leave(
        world.clinic,
        acting_user=world["manager"],
        user=world["therapist"],
        first_day=today + dt.timedelta(days=2),
        last_day=today + dt.timedelta(days=8),
        cover=world["supervisor"],
    )
    client = login(world["manager"])
    url = reverse("staff_leave", args=["alpha", world["supervisor"].pk])
    asked = client.post(url, days(world))
    page = asked.content.decode()
    assert asked.status_code == 200
    assert f"{world['supervisor']} covers {world['therapist']}" in page.replace("&#x27;", "'")
    assert "Choose other days" in page and "Record it anyway" in page
    assert list(StaffLeave.objects.all()) == [covered]
    # Other days than the covered leave's: recorded at once.
    later = {
        "first_day": (today + dt.timedelta(days=9)).isoformat(),
        "last_day": (today + dt.timedelta(days=10)).isoformat(),
    }
    assert client.post(url, later).status_code == 302
    assert client.post(url, {**days(world), "confirm": "yes"}).status_code == 302
    assert StaffLeave.objects.filter(user=world["supervisor"]).count() == 2
