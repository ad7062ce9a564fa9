"""Issue 19's journey on the demo's two-arm trial at Riverside: the demo patient
(invited after assessment) consents on her own page, the research coordinator confirms
eligibility and she is randomised into an arm that seeds her plan and care model, she
appears in the CONSORT diagram; the blinded assessor sees her research measures but not
her arm (and a 404 for her messages); she withdraws and the next export says so."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tessera.core.models import Episode, Patient
from tessera.research.models import Participant, Study
from tests.e2e.conftest import cookie_sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(seeded_demo):
    return Patient.objects.get(user__email="patient@demo.tessera.test")


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_patient_consents_is_randomised_assessed_blind_and_withdraws(page, demo):
    study = Study.objects.get(key="calm")
    pia = Participant.objects.get(study=study, episode__patient=demo)

    # The patient reads the consent text (in English, her language) and consents.
    cookie_sign_in(page, "patient@demo.tessera.test")
    page.get_by_role("link", name="Research studies").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("CALM")
    expect(page.get_by_role("main")).to_contain_text("CALM compares two ways")
    page.get_by_role("button", name="I consent to take part").click()
    expect(page.get_by_role("main")).to_contain_text("you have consented to take part")
    _sign_out(page)

    # The research coordinator confirms eligibility: that is the moment of randomisation.
    cookie_sign_in(page, "research.coordinator@demo.tessera.test")
    page.get_by_role("link", name="Studies").click()
    page.get_by_role("link", name=re.compile("CALM")).click()
    page.get_by_role("link", name="Participants").click()
    page.get_by_role("link", name=pia.pseudonym).click()
    page.get_by_role("button", name="Confirm eligibility").click()
    expect(page.get_by_role("main")).to_contain_text("randomised")
    pia.refresh_from_db()
    assert pia.randomised_at is not None and pia.arm is not None
    expect(page.get_by_role("main")).to_contain_text(pia.arm.label)
    episode = Episode.objects.get(pk=pia.episode_id)
    assert episode.programme_version_id == pia.arm.programme_version_id
    assert episode.care_model == pia.arm.care_model
    page.get_by_role("link", name=re.compile("CALM")).first.click()
    page.get_by_role("link", name="CONSORT flow").click()
    expect(page.locator("svg text", has_text="Randomised").first).to_be_visible()
    expect(page.get_by_role("table", name="The flow in numbers")).to_contain_text("Randomised")
    assert page.locator("svg text", has_text="n = 2").count() >= 1
    _sign_out(page)

    # The blinded assessor sees the research measures, never the arm; her messages: 404.
    cookie_sign_in(page, "blinded.assessor@demo.tessera.test", f"/research/participants/{pia.pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("PHQ-9")
    expect(main).to_contain_text("Blinded")
    for arm in study.arms.all():
        expect(main).not_to_contain_text(arm.label)
    response = page.goto(f"/episodes/{pia.episode_id}/messages/")
    assert response.status == 404
    _sign_out(page)

    # The patient withdraws and asks to be removed from future exports.
    cookie_sign_in(page, "patient@demo.tessera.test", "/me/studies/")
    page.get_by_label("Also remove my data from future exports").check()
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("main")).to_contain_text("Your care continues unchanged")
    _sign_out(page)

    # The investigator's next export says so.
    cookie_sign_in(page, "researcher@demo.tessera.test", f"/research/{study.pk}/export/")
    expect(page.get_by_role("main")).to_contain_text("asked to be removed from exports")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the export").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    about = json.loads(archive.read("study.json"))
    assert about["removed_on_request"] == 1
    assert pia.pseudonym not in archive.read("participants.csv").decode()
