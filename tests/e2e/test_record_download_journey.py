"""The patient (on a phone) finds "Your record" in the menu and downloads their
treatment as a PDF summary and as FHIR JSON; the therapist downloads the episode as a
FHIR document from the patient overview."""

from __future__ import annotations

import json
import re

import pytest
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import expect

from tessera.core.models import AuditEvent
from tests.e2e.conftest import cookie_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("warm_pdf")]  # downloads PDFs


def test_the_patient_downloads_their_record(phone_page, e2e_world):
    page = phone_page
    cookie_sign_in(page, "patient@alpha.test", "/")
    page.get_by_text("Menu", exact=True).click()  # the menu folds on a phone
    page.get_by_role("link", name="Your record").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your record")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download a summary (PDF)").click()
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    with page.expect_download() as fhir:
        page.get_by_role("link", name=re.compile("FHIR JSON")).click()
    bundle = json.loads(open(fhir.value.path(), encoding="utf-8").read())
    Bundle.model_validate(bundle)
    assert bundle["type"] == "document"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"episode.fhir.viewed", "episode.summary.viewed"} <= actions


def test_the_therapist_downloads_the_episode_from_the_overview(page, e2e_world):
    cookie_sign_in(page, e2e_world.therapist.email)
    episode = e2e_world.patient.episodes.get()
    page.goto(f"/episodes/{episode.pk}/")
    with page.expect_download() as document:
        page.get_by_role("link", name=re.compile("Download this episode")).click()
    bundle = json.loads(open(document.value.path(), encoding="utf-8").read())
    Bundle.model_validate(bundle)
    assert bundle["entry"][1]["resource"]["id"] == str(e2e_world.patient.pk)
    assert bundle["entry"][2]["resource"]["id"] == str(episode.pk)
