"""Issue 19's leftovers in the browser, on the demo's CALM trial at Riverside:

- a person applying to Riverside sees the study on their application's page, reads its
  consent text and consents, apart from the application, which is unchanged;
- the investigator starts a study, edits its protocol while it is planned, takes a
  study role away, and extends a stratum of CALM's sequence (counts only)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from playwright.sync_api import expect

from tessera.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tessera.core.models import AuditEvent, Clinic
from tessera.intake.models import Application
from tessera.research.models import AllocationSlot, ApplicationAnswer, Study
from tests.conftest import PASSWORD
from tests.e2e.conftest import current_totp_code, sign_in
from tests.intake.intake_helpers import make_application

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.DEMO = True
    settings.TESSERA_FHIR_DEMO_CLIENT_DIR = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Study.objects.get(key="calm")


def _staff(page, local: str) -> None:
    sign_in(page, f"{local}@demo.tessera.test", DEMO_PASSWORD)
    page.get_by_label(re.compile("code", re.I)).fill(current_totp_code(DEMO_TOTP_SECRET))
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_an_applicant_consents_to_the_study_apart_from_the_application(page, demo):
    riverside = Clinic.objects.get(slug="riverside")
    application = make_application(riverside, "sam.applicant@example.test", first="Sam")
    before = model_to_dict(Application.objects.get(pk=application.pk))

    sign_in(page, "sam.applicant@example.test", PASSWORD)
    page.goto(f"/apply/{application.pk}/status/")
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


def test_the_investigator_edits_a_protocol_and_extends_a_stratum(page, demo):
    _staff(page, "researcher")
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
