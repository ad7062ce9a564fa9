"""A letter whose PDF cannot be made (WeasyPrint raising: a missing font, Pango, memory)
is still the letter: its page says so and offers to print it, instead of a server error
(decision 0141)."""

from __future__ import annotations

import logging

import pytest
import weasyprint
from django.urls import reverse

from tessera.letters.actions import do_write_letter
from tests.conftest import sign_in
from tests.gp_letters import agree_to_gp_letters


def pdf_refused(*args, **kwargs):
    raise RuntimeError("Pango could not find a font")


@pytest.fixture
def letter(world):
    agree_to_gp_letters(world)
    return do_write_letter(world.episode, "started", acting_user=world["therapist"])


def test_a_pdf_that_cannot_be_made_leaves_the_clinician_on_the_letter(
    client, world, letter, monkeypatch, caplog
):
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", pdf_refused)
    sign_in(client, world["therapist"])
    with caplog.at_level(logging.WARNING, logger="tessera.letters"):
        answer = client.get(reverse("letter_pdf", args=[letter.pk]), follow=True)
    assert answer.status_code == 200
    assert answer.redirect_chain == [(reverse("letter_detail", args=[letter.pk]), 302)]
    page = answer.content.decode()
    assert "The PDF could not be made just now" in page
    assert letter.html.split("<")[0] in page  # the letter is there to print
    assert f"letter.pdf_failed id={letter.pk} error=RuntimeError" in caplog.text
    assert "Pia" not in caplog.text  # nothing about the patient in the log
    monkeypatch.undo()
    again = client.get(reverse("letter_pdf", args=[letter.pk]))
    assert again.status_code == 200 and again.content.startswith(b"%PDF")
