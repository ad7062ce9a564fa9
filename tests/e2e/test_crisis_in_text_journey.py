"""On a 320 px phone, the demo patient reads the welcome module of their course: where
the text sends them to the crisis contacts, their clinic's contacts and the emergency
number of its country are right there, as links they can call (decision 0134)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tessera.core import crisis
from tessera.core.models import Patient
from tessera.programs.models import Step
from tessera.treatment import plans
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def _open_module_with_a_crisis_block(patient):
    """The first open module of the patient's course whose text has a crisis block, and
    the number of that step."""
    episode = plans.patient_reading_episode(patient.user)
    for state in plans.episode_states(episode):
        if not state.is_open:
            continue
        steps = Step.objects.filter(module_version=state.entry.module_version).order_by("position")
        for number, step in enumerate(steps, start=1):
            if "::: crisis" in step.body:
                return episode, state.entry, number
    raise AssertionError("the demo patient has no open module with a crisis block")


def test_the_crisis_contacts_are_in_the_text_on_a_phone(phone_page, demo):
    episode, entry, number = _open_module_with_a_crisis_block(demo)
    emergency = crisis.emergency_number(episode.clinic.country)
    own = list(episode.clinic.crisis_contacts.all())
    assert emergency and own

    page = phone_page
    cookie_sign_in(page, demo.user, reverse("module_reader", args=[entry.pk]) + f"?step={number}")
    box = page.locator(".crisis-in-text")
    expect(box).to_be_visible()
    expect(box.locator(f'a[href="tel:{emergency}"]')).to_be_visible()
    calls = box.locator("a[href^='tel:']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(f"tel:{c.phone}" in calls for c in own if c.phone), calls  # the clinic's own
    assert "::: crisis" not in page.content()

    # Nothing in it, nor the page, runs off the side of a 320 px screen.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide at 320px"
    edge = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('.crisis-in-text, .crisis-in-text *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert edge <= 320, f"the crisis block reaches {edge}px at 320px"
