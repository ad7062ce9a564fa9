"""What people write is marked with the language it is written in (WCAG 3.1.2,
Language of Parts): a Swedish patient's message read on a therapist's English page, or
an English-speaking therapist's reply read on the patient's Swedish page, carries
``lang`` so a screen reader reads it with the right voice. Text in the page's own
language, or in a language nobody recorded, carries none."""

import re
import uuid

import pytest
from django.urls import reverse

from tessera.messaging import actions

ME = "/me/messages/"


def _send(world, author, body):
    actions.do_send_message(
        world.episode, acting_user=author, body=body, submission_key=uuid.uuid4()
    )


def _lang_of(html: str, text: str) -> str | None:
    """The ``lang`` of the element whose own content holds ``text`` (None: none)."""
    match = re.search(r"<(?:div|p|dd)\b([^>]*)>\s*(?:<p>)?" + re.escape(text), html)
    assert match, f"{text!r} not on the page"
    lang = re.search(r'lang="([^"]+)"', match.group(1))
    return lang.group(1) if lang else None


@pytest.fixture
def swedish_patient(world):
    patient = world.patient
    patient.preferred_language = "sv"
    patient.save(update_fields=["preferred_language"])
    therapist = world["therapist"]
    therapist.language = "en"
    therapist.save(update_fields=["language"])
    return world


def test_the_patients_message_is_marked_swedish_on_the_therapists_english_page(
    swedish_patient, client, login
):
    world = swedish_patient
    _send(world, world.patient.user, "Jag har haft en tung vecka")
    _send(world, world["therapist"], "Thank you for writing")
    login(world["therapist"])
    url = reverse("episode_messages", kwargs={"episode_id": world.episode.pk})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _lang_of(html, "Jag har haft en tung vecka") == "sv"
    assert _lang_of(html, "Thank you for writing") is None  # the page's own language


def test_the_therapists_reply_is_marked_english_on_the_patients_swedish_page(
    swedish_patient, client, login
):
    world = swedish_patient
    _send(world, world.patient.user, "Jag har haft en tung vecka")
    _send(world, world["therapist"], "Thank you for writing")
    login(world.patient.user)
    html = client.get(ME).content.decode()
    assert 'lang="sv"' in html[:300]  # the page is the patient's Swedish
    assert _lang_of(html, "Thank you for writing") == "en"
    assert _lang_of(html, "Jag har haft en tung vecka") is None


def test_a_staff_member_without_a_chosen_language_is_not_guessed(swedish_patient, client, login):
    world = swedish_patient
    world["therapist"].language = ""
    world["therapist"].save(update_fields=["language"])
    _send(world, world["therapist"], "Thank you for writing")
    login(world.patient.user)
    assert _lang_of(client.get(ME).content.decode(), "Thank you for writing") is None


def test_the_overview_marks_the_patients_latest_messages(swedish_patient, client, login):
    world = swedish_patient
    _send(world, world.patient.user, "Jag har haft en tung vecka")
    login(world["therapist"])
    url = reverse("episode_overview", kwargs={"episode_id": world.episode.pk})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _lang_of(html, "Jag har haft en tung vecka") == "sv"


@pytest.mark.parametrize("page", ["overview", "plan"])
def test_a_sent_worksheets_answers_are_marked_with_the_patients_language(
    swedish_patient, sent_answer, client, login, page
):
    """The answers in the patient's language; the worksheet's own labels in its
    module's (English here, the page's: unmarked)."""
    world = swedish_patient
    login(world["therapist"])
    if page == "overview":
        url = reverse("episode_overview", kwargs={"episode_id": world.episode.pk})
    else:
        url = reverse("plan", kwargs={"pk": world.patient.pk})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _lang_of(html, "Walked to the lake") == "sv"
    assert sent_answer.entry.module_version.language == "en"


def test_an_applicants_message_is_marked_with_the_language_they_applied_in(world, client, login):
    from tessera.intake.actions import do_write_to_clinic
    from tests.intake.intake_helpers import make_application

    application = make_application(world.clinic, "ada@apply.test")
    application.language = "nl"
    application.save(update_fields=["language"])
    do_write_to_clinic(
        application,
        acting_user=application.applicant,
        body="Kan het gesprek in de middag?",
        submission_key=uuid.uuid4(),
    )
    login(world["intake"])
    url = reverse("intake_application", args=[application.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _lang_of(html, "Kan het gesprek in de middag?") == "nl"


def test_languages_on_staff_pages_are_named_not_coded(world, client, login):
    """The consent an applicant accepted, and a clinic's crisis contacts, say which
    language by its name ("English"), not its code ("en")."""
    from tests.intake.intake_helpers import make_application

    application = make_application(world.clinic, "ada@apply.test")
    login(world["intake"])
    url = reverse("intake_application", args=[application.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(English)," in html and "(en)," not in html
    login(world["manager"])
    url = reverse("clinic_detail", args=[world.clinic.slug])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Emergency: 112 (English)" in html
