"""Decision 0141, in the browser: a therapist writes a letter and downloads its PDF just
as the PDF maker fails (WeasyPrint raising). They stay on the letter, are told in plain
words that the PDF could not be made and the letter is kept, can print it from the page,
and the download works once the PDF maker is back."""

from __future__ import annotations

import re

import pytest
import weasyprint
from playwright.sync_api import expect

from tessera.core.actions import do_update_patient_details
from tessera.letters.models import Letter
from tests.e2e.conftest import cookie_sign_in, wait_for_scripts

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("warm_pdf")]  # downloads a PDF


def pdf_refused(*args, **kwargs):
    raise RuntimeError("Pango could not find a font")


def test_a_pdf_that_fails_leaves_the_letter_to_print(page, e2e_world, monkeypatch):
    therapist, patient = e2e_world.therapist, e2e_world.patient
    do_update_patient_details(
        patient, acting_user=therapist, gp_name="Dr Eva Ek", letters_to_gp=True
    )
    episode = patient.episodes.get()
    cookie_sign_in(page, therapist.email, f"/episodes/{episode.pk}/letters/")
    main = page.get_by_role("main")
    main.get_by_role("combobox", name=re.compile(r"^Letter\b")).select_option("started")
    main.get_by_role("button", name="Write the letter").click()
    page.wait_for_load_state()
    letter = Letter.objects.get()

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", pdf_refused)
    main = page.get_by_role("main")
    main.get_by_role("link", name="Download as PDF").click()
    page.wait_for_url(re.compile(rf"/letters/{letter.pk}/$"))
    wait_for_scripts(page)
    main = page.get_by_role("main")
    expect(page.get_by_text("The PDF could not be made just now")).to_be_visible()
    expect(main.locator("article.letter")).to_be_visible()  # the letter, to print
    expect(main.get_by_role("button", name="Print")).to_be_visible()

    monkeypatch.undo()  # the PDF maker is back: the same link downloads it
    with page.expect_download() as download:
        main.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == f"letter-{letter.pk}.pdf"
