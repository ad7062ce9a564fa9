"""Issue 20 item 10, in the browser: a therapist writes a letter in the clinic's second
language with a few words of their own; the letter shows them (escaped), the clinic's
contact details and postal address, and its PDF downloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tessera.core.actions import do_update_patient_details
from tessera.letters.models import Letter
from tests.e2e.conftest import cookie_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("warm_pdf")]  # downloads PDFs


def test_a_letter_in_the_chosen_language_with_the_therapists_words(page, e2e_world):
    clinic, therapist, patient = e2e_world.clinic, e2e_world.therapist, e2e_world.patient
    clinic.languages = ["sv", "en"]
    clinic.contact_phone = "08-123 45 67"
    clinic.contact_email = "kontakt@alpha.test"
    clinic.postal_address = "Storgatan 1\n111 22 Stockholm"
    clinic.save(update_fields=["languages", "contact_phone", "contact_email", "postal_address"])
    do_update_patient_details(
        patient, acting_user=therapist, gp_name="Dr Eva Ek", letters_to_gp=True
    )
    episode = patient.episodes.get()

    cookie_sign_in(page, therapist.email, f"/episodes/{episode.pk}/letters/")
    main = page.get_by_role("main")
    language = main.get_by_label("Language of the letter")
    expect(language).to_have_value("sv")  # the clinic's first language, as before
    main.get_by_role("combobox", name=re.compile(r"^Letter\b")).select_option("started")
    language.select_option("en")
    main.get_by_label(re.compile("A few words of your own")).fill(
        "Pia <b>works</b> hard; call us any time."
    )
    main.get_by_role("button", name="Write the letter").click()
    page.wait_for_load_state()

    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Treatment has started")).to_be_visible()
    expect(main).to_contain_text("Pia <b>works</b> hard; call us any time.")
    expect(main).to_contain_text("08-123 45 67")
    expect(main).to_contain_text("kontakt@alpha.test")
    # The clinic's postal address heads the letter, line by line (and so its PDF).
    address = main.locator("article.letter header .letter-address")
    expect(address).to_have_text(re.compile(r"Storgatan 1\s*111 22 Stockholm"))
    letter = Letter.objects.get()
    assert letter.language == "en" and letter.note.startswith("Pia <b>works</b>")
    with page.expect_download() as download:
        main.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == f"letter-{letter.pk}.pdf"
