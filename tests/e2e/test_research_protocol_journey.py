"""Issue 19's leftovers in the browser, on the demo's CALM trial at Riverside:

- a person applying to Riverside (self-referral) sees the study on their application's
  page, reads its consent text and consents, apart from the application, which is
  unchanged; once the clinic accepts him, the research coordinator invites him, his
  consent comes along, confirming eligibility randomises him, he gets the arm's plan and
  care model, appears in the CONSORT diagram and sees on his own page that he takes part;
- the investigator starts a study, edits its protocol while it is planned, takes a
  study role away, and extends a stratum of CALM's sequence (counts only)."""

from __future__ import annotations

import re

import pytest
from django.forms.models import model_to_dict
from playwright.sync_api import expect

from tessera.core.models import AuditEvent, Clinic, User
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.models import Application
from tessera.research.models import AllocationSlot, ApplicationAnswer, Participant, Study
from tests.e2e.conftest import cookie_sign_in
from tests.intake.intake_helpers import make_application

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(seeded_demo):
    """The seeded demo, copied back (tests/demo_snapshot.py) rather than seeded again
    for each journey: the same committed rows in a fraction of the time (decision 0086)."""
    return Study.objects.get(key="calm")


def test_a_self_referred_applicant_consents_is_randomised_and_appears_in_consort(page, demo):
    riverside = Clinic.objects.get(slug="riverside")
    application = make_application(riverside, "sam.applicant@example.test", first="Sam")
    before = model_to_dict(Application.objects.get(pk=application.pk))

    cookie_sign_in(page, "sam.applicant@example.test", f"/apply/{application.pk}/status/")
    expect(page.get_by_role("heading", name="Research at the clinic")).to_be_visible()
    page.get_by_role("link", name="Read about the study and answer").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("your application and your care go on exactly the same")
    expect(main.get_by_role("heading", level=2)).to_contain_text(demo.title)
    expect(main).to_contain_text("CALM compares two ways")
    page.get_by_role("button", name="I consent to take part").click()
    expect(main).to_contain_text("Your application goes on as before")
    expect(main).to_contain_text("You consented on")

    answer = ApplicationAnswer.objects.get(application=application, study=demo)
    assert answer.answer == "consented" and answer.consent_version.language == "en"
    assert model_to_dict(Application.objects.get(pk=application.pk)) == before
    page.get_by_role("link", name="Your application").click()
    expect(page.locator("#phase")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # The clinic assesses and accepts Sam (through the actions: the intake journeys walk
    # those pages).
    first_arm = demo.arms.order_by("pk").first()
    decision_actions.do_assess(
        application,
        acting_user=User.objects.get(email="assessor@demo.tessera.test"),
        programme_version=first_arm.programme_version,
        notes="Low mood for months; fits guided iCBT.",
        diagnoses=["F32.1"],
        risk_level="low",
        decision="accept",
        care_model="guided",
        therapist=User.objects.get(email="therapist@demo.tessera.test"),
    )
    episode = Application.objects.get(pk=application.pk).episode
    randomised_before = demo.participants.filter(randomised_at__isnull=False).count()

    # The research coordinator invites Sam: his answer from the application comes along,
    # so confirming eligibility randomises him.
    cookie_sign_in(page, "research.coordinator@demo.tessera.test")
    page.get_by_role("link", name="Studies").click()
    page.get_by_role("link", name=re.compile("CALM")).click()
    page.get_by_role("link", name="Participants").click()
    # A search, not a list of every course (decision 0139).
    page.get_by_label("Search by name or identity number").fill("Sam")
    page.get_by_role("button", name="Search").click()
    page.locator(f'input[name="episode"][value="{episode.pk}"]').check()
    page.get_by_role("button", name="Invite", exact=True).click()
    participant = Participant.objects.get(study=demo, episode=episode)
    assert participant.consented_at is not None  # carried over from the application
    page.get_by_role("link", name=participant.pseudonym).click()
    page.get_by_role("button", name="Confirm eligibility").click()
    expect(page.get_by_role("main")).to_contain_text("randomised")
    participant.refresh_from_db()
    assert participant.randomised_at is not None and participant.arm is not None
    expect(page.get_by_role("main")).to_contain_text(participant.arm.label)
    episode.refresh_from_db()
    assert episode.programme_version_id == participant.arm.programme_version_id
    assert episode.care_model == participant.arm.care_model

    # He appears in the CONSORT diagram.
    page.get_by_role("link", name=re.compile("CALM")).first.click()
    page.get_by_role("link", name="CONSORT flow").click()
    randomised = f"n = {randomised_before + 1}"
    expect(page.locator("svg text", has_text=randomised).first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # Sam gets the arm's plan, and sees that he takes part.
    first_module = episode.plan.order_by("position").first().module_version.title
    cookie_sign_in(page, "sam.applicant@example.test")
    page.get_by_role("link", name="My modules").click()
    expect(page.get_by_role("main")).to_contain_text(first_module)
    page.get_by_role("link", name="Research studies").click()
    expect(page.get_by_role("main")).to_contain_text("You are taking part.")


def test_the_investigator_edits_a_protocol_and_extends_a_stratum(page, demo):
    cookie_sign_in(page, "researcher@demo.tessera.test")
    page.get_by_role("link", name="Studies").click()
    page.get_by_role("link", name="Start a new study").click()
    page.get_by_label("Short name").fill("sleep")
    page.get_by_label("Title").fill("SLEEP pilot")
    page.get_by_label("Riverside Internet Psychiatry").check()
    page.get_by_label("Planned number of participants").fill("20")
    page.get_by_role("button", name="Create the study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SLEEP pilot")

    page.get_by_role("link", name="Edit the protocol").click()
    page.get_by_label("Title").fill("SLEEP randomised pilot")
    page.get_by_label("Ethics approval id").fill("EPN 2026-77")
    page.get_by_role("button", name="Save the protocol").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SLEEP randomised pilot")
    expect(page.get_by_role("main")).to_contain_text("EPN 2026-77")
    assert AuditEvent.objects.filter(action="study.updated").exists()

    # CALM is recruiting: no protocol edit, but its staff and its sequence.
    page.goto(f"/research/{demo.pk}/")
    expect(page.get_by_role("link", name="Edit the protocol")).to_have_count(0)
    page.get_by_role("button", name=re.compile("^Take away Research coordinator")).click()
    expect(page.get_by_role("main")).to_contain_text("The study role was taken away.")
    table = page.get_by_role("table").filter(has_text="Places left")
    expect(table).to_be_visible()
    expect(table).not_to_contain_text("icbt")  # counts only, never an arm
    before = AllocationSlot.objects.filter(study=demo).count()
    page.get_by_label("Places to add").fill("4")
    page.get_by_role("button", name="Extend the sequence").click()
    expect(page.get_by_role("main")).to_contain_text("The allocation sequence was extended.")
    assert AllocationSlot.objects.filter(study=demo).count() >= before + 4
