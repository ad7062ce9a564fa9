"""On a phone (320 px), the demo's research coordinator invites a patient to CALM by a
search (decision 0139): no list before the search, the words out of the address, a short
list of the patients found, and no one from outside the study's sites."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tessera.core import access
from tessera.core.models import Episode, User
from tessera.research.models import Participant, Study
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e

COORDINATOR = "research.coordinator@demo.tessera.test"


def test_the_coordinator_invites_a_patient_by_a_search_on_a_phone(phone_page, seeded_demo):
    page = phone_page
    calm = Study.objects.get(key="calm")
    coordinator = User.objects.get(email=COORDINATOR)
    taken = calm.participants.values("episode")
    invitable = Episode.objects.filter(access.recruitable_episode_q(coordinator, calm)).exclude(
        pk__in=taken
    )
    episode = invitable.order_by("patient_last_name", "pk").first()
    assert episode is not None, "the demo has someone to invite"
    elsewhere = (
        Episode.objects.exclude(clinic__in=calm.clinics.all())
        .exclude(patient_last_name="")
        .order_by("pk")
        .first()
    )

    cookie_sign_in(page, COORDINATOR, reverse("study_participants", args=[calm.pk]))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Invite a patient")).to_be_visible()
    expect(main.get_by_role("radio")).to_have_count(0)  # nobody listed before a search

    if elsewhere is not None:
        # Someone at a clinic that is not a site of the study is never found.
        box = page.get_by_label("Search by name or identity number")
        box.fill(elsewhere.patient_last_name)
        box.press("Enter")
        expect(page.locator("#invite-found")).to_be_visible()
        found = page.locator("#invite-found")
        labels = found.locator("label").all_inner_texts()
        assert not any(
            f"{elsewhere.patient_first_name} {elsewhere.patient_last_name}" in label
            and "Riverside" not in label
            for label in labels
        ), labels

    box = page.get_by_label("Search by name or identity number")
    box.fill(episode.patient_last_name)
    page.get_by_role("button", name="Search").click()
    name = f"{episode.patient_first_name} {episode.patient_last_name}"
    assert episode.patient_last_name not in page.url
    choice = page.get_by_role("radio", name=re.compile(re.escape(name))).first
    expect(choice).to_be_visible()
    assert page.get_by_role("radio").count() <= 20
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways at 320 px: {width}"
    page.locator(f'input[name="episode"][value="{episode.pk}"]').check()
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(main).to_contain_text("The patient was invited")
    assert Participant.objects.filter(study=calm, episode=episode).exists()
