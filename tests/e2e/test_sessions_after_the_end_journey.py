"""A course ended with a session still to come (decision 0164): the therapist reads on
the form that coming sessions are cancelled, and after ending, how many were; the
patient's sessions page no longer offers the video link or the form to move it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.appointments.models import Appointment
from tessera.core.models import Episode
from tests.e2e.axe_check import fits_and_passes_axe
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

LINK = "https://video.example.org/canal-room-2"


def test_ending_a_course_cancels_the_coming_video_session(page, seeded_demo):
    episode = (
        Episode.objects.filter(patient__user__email="patient7@demo.tessera.test")
        .exclude(status="ended")
        .get()
    )
    coming = Appointment.objects.filter(episode=episode).upcoming().get()
    cookie_sign_in(page, "canal.therapist@demo.tessera.test", f"/episodes/{episode.pk}/end/")
    expect(page.get_by_text("Sessions still to come are cancelled.")).to_be_visible()
    fits_and_passes_axe(page)
    page.get_by_label("completed treatment").check()
    page.get_by_role("button", name="End the episode").click()
    expect(page.get_by_text("1 coming session was cancelled.")).to_be_visible()
    fits_and_passes_axe(page)
    coming.refresh_from_db()
    assert coming.status == Appointment.Status.CANCELLED

    cookie_sign_in(page, "patient7@demo.tessera.test", "/me/sessions/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Join the video session")).to_have_count(0)
    assert LINK not in page.content()
    fits_and_passes_axe(page)
