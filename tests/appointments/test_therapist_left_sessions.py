"""A session booked with a therapist who has since left (offboarded, role removed, account
closed) will not take place as booked (decision 0096): the patient reads that it is to be
booked again and not to come, no link, calendar file or request promises it, and the
clinic's managers and the episode's new therapist see it to book again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.appointments import actions
from tessera.appointments.models import Appointment
from tessera.core.actions import do_grant_role
from tessera.core.actions import staff as staff_actions
from tessera.core.models import ClinicRole, User
from tessera.core.roles import Role
from tests.appointments.test_appointments import book

LINK = "https://video.example/room-tove"


def _gone(world, how="role_removed"):
    therapist = world["therapist"]
    if how == "role_removed":
        ClinicRole.objects.filter(user=therapist, clinic=world.clinic, role=Role.THERAPIST).delete()
    else:
        User.objects.filter(pk=therapist.pk).update(is_active=False)


def _coming(world):
    return book(world, kind="video", hours=48, place="", video_link=LINK)


def _section(text, start, end):
    return text.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.parametrize("how", ["role_removed", "account_closed"])
def test_the_patient_is_told_the_session_is_to_be_booked_again_and_not_to_come(world, login, how):
    session = _coming(world)
    past = book(world, hours=-48)
    name = str(world["therapist"])
    client = login(world.patient.user)
    home = _section(client.get("/").content.decode(), 'id="sessions-heading"', "</section>")
    assert f"with {name}" in home and LINK in home
    _gone(world, how)

    home = _section(client.get("/").content.decode(), 'id="sessions-heading"', "</section>")
    assert name not in home and LINK not in home
    assert "to be booked again" in home and "Do not come to it" in home
    assert "Add to my calendar" not in home and "Ask to move or cancel" not in home

    mine = client.get(reverse("my_sessions")).content.decode()
    card = _section(mine, f'id="session-{session.pk}"', "</li>")
    assert name not in card and LINK not in card
    assert "Do not come to it" in card and "The clinic will contact you" in card
    assert "Add to my calendar" not in card and "my_session_change" not in card
    assert reverse("my_session_change", args=[session.pk]) not in card
    assert "Take it out of my calendar" in card
    # A session that took place still says whom it was with.
    assert f"with {name}" in _section(mine, f'id="session-{past.pk}"', "</li>")


def test_the_calendar_file_takes_it_out_and_promises_nothing(world, login):
    session = _coming(world)
    client = login(world.patient.user)
    url = reverse("my_session_calendar", args=[session.pk])
    assert "STATUS:CANCELLED" not in client.get(url).content.decode()
    _gone(world)

    body = client.get(url).content.decode()
    assert f"UID:session-{session.pk}@" in body
    assert "METHOD:CANCEL" in body and "STATUS:CANCELLED" in body and "SEQUENCE:1" in body
    assert LINK not in body and "LOCATION" not in body
    assert "SUMMARY:Cancelled: Appointment at" in body


def test_the_patient_cannot_ask_to_move_a_session_nobody_holds(world, login):
    session = _coming(world)
    _gone(world)
    with pytest.raises(ValidationError):
        actions.do_ask_to_change_session(
            session, acting_user=world.patient.user, kind="cancel", note=""
        )
    client = login(world.patient.user)
    page = client.post(
        reverse("my_session_change", args=[session.pk]), {"kind": "cancel"}, follow=True
    )
    assert "Do not come to it" in page.content.decode()
    assert not session.change_requests.exists()


def test_the_managers_and_the_new_therapist_see_it_to_book_again(world, client, login):
    session = _coming(world)
    _gone(world)
    assert list(Appointment.objects.needing_new_clinician()) == [session]

    login(world["manager"])
    staff = client.get(reverse("clinic_staff", args=["alpha"])).content.decode()
    rebook = _section(staff, 'id="sessions-to-rebook"', "</section>")
    assert f'data-session="{session.pk}"' in rebook and "Pia Larsson" in rebook
    assert reverse("episode_sessions", args=[world.episode.pk]) in rebook

    # Handed over: the new therapist finds the session marked on the episode's sessions.
    new = world["supervisor"]
    do_grant_role(new, world.clinic, Role.THERAPIST, acting_user=world["manager"])
    staff_actions.do_hand_over_caseload(
        world.clinic, acting_user=world["manager"], from_user=world["therapist"], to_user=new
    )
    login(new)
    page = client.get(reverse("episode_sessions", args=[world.episode.pk])).content.decode()
    assert f'data-rebook="{session.pk}"' in page and "this session needs a new therapist" in page


def test_the_region_administrator_sees_the_session_without_the_patient(world, login):
    session = _coming(world)
    _gone(world)
    staff = login(world["region_admin"]).get(reverse("clinic_staff", args=["alpha"]))
    rebook = _section(staff.content.decode(), 'id="sessions-to-rebook"', "</section>")
    assert f'data-session="{session.pk}"' in rebook
    assert "Pia Larsson" not in rebook and "/sessions/" not in rebook
