"""Decision 0138 in a real browser on a phone (320 px): the demo therapist opens Pia's
overview (the page the inbox and caseload link to) and reads how she came in (her
screening at intake, her assessment and working diagnoses, the programme chosen) before
the first contact; the section fits the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tessera.core.models import Episode
from tessera.intake.models import Application
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


def test_the_demo_therapist_reads_how_pia_came_in_on_a_phone(phone_page, seeded_demo):
    page = phone_page
    episode = (
        Episode.objects.filter(patient__user__email="patient@demo.tessera.test")
        .exclude(status=Episode.Status.ENDED)
        .get()
    )
    application = Application.objects.select_related("assessment").get(episode=episode)
    cookie_sign_in(page, "therapist@demo.tessera.test", f"/episodes/{episode.pk}/")
    main = page.get_by_role("main")
    main.get_by_role("link", name="How they came in").click()
    section = page.locator("#arrival")
    expect(section.get_by_role("heading", name="How they came in")).to_be_visible()
    expect(section).to_contain_text("Self-referral")
    for code in application.assessment.diagnoses:
        expect(section).to_contain_text(code)
    for answer in application.screening_answers.all():
        expect(section).to_contain_text(f"{answer.instrument} {answer.total}")
    section.get_by_text("Assessment notes").click()
    expect(section).to_contain_text(application.assessment.notes.splitlines()[0][:40])
    # No link to the application: the therapist holds no intake role at Riverside.
    expect(section.get_by_role("link", name="Open the full application")).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
