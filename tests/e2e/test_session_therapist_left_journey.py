"""A patient whose session was booked with a therapist who has since left, on a phone
(320 px), decision 0096: home and "My sessions" say the session will not take place and
not to come, with no "with <therapist>", no video link and no request form; the calendar
file takes it out of their calendar; the manager finds it on the staff page, where
patients are handed over, to book again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tessera.appointments import actions as appointments
from tessera.core import actions
from tessera.core.models import ClinicRole
from tessera.core.roles import Role
from tests.conftest import make_user
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

LINK = "https://video.example/room-tove"


def test_a_patient_is_told_not_to_come_and_the_manager_sees_the_session(
    page, phone_page, e2e_world
):
    manager = make_user("manager@alpha.test", second_factor=True, first_name="Maja")
    actions.do_grant_role(manager, e2e_world.clinic, Role.CLINIC_MANAGER)
    session = appointments.do_book_appointment(
        e2e_world.patient.episodes.get(),
        acting_user=e2e_world.therapist,
        therapist=e2e_world.therapist,
        kind="video",
        starts_at=timezone.now() + dt.timedelta(days=3),
        video_link=LINK,
    )
    ClinicRole.objects.filter(user=e2e_world.therapist, role=Role.THERAPIST).delete()

    patient = phone_page
    cookie_sign_in(patient, "patient@alpha.test", "/")
    sessions = patient.get_by_role("region", name="Your next sessions")
    expect(sessions.get_by_role("status")).to_contain_text("Do not come to it")
    expect(sessions).to_contain_text("to be booked again")
    expect(sessions).not_to_contain_text("Tove Terapeut")
    expect(sessions.get_by_role("link", name="Join the video session")).to_have_count(0)

    sessions.get_by_role("link", name="See the session").click()
    card = patient.locator(f"#session-{session.pk}")
    expect(card.get_by_role("status")).to_contain_text("The clinic will contact you")
    expect(card).not_to_contain_text("Tove Terapeut")
    expect(card.get_by_text("Ask to move or cancel")).to_have_count(0)
    with patient.expect_download() as download:
        card.get_by_role("link", name="Take it out of my calendar (.ics)").click()
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert "STATUS:CANCELLED" in text and LINK not in text
    # Nothing sticks out sideways at 320 px.
    assert patient.evaluate("document.documentElement.scrollWidth") <= 320

    cookie_sign_in(page, manager, "/clinics/alpha/staff/")
    rebook = page.get_by_role("region", name="Booked sessions that need a new therapist")
    expect(rebook).to_contain_text("booked with Tove Terapeut")
    rebook.get_by_role("link", name="Pia Larsson").click()
    expect(page.locator(f'[data-rebook="{session.pk}"]')).to_contain_text(
        "this session needs a new therapist"
    )
