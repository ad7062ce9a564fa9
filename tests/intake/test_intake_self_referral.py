"""A person applies themself: sign-up opened for this flow only, consent, details,
screening with crisis contacts after a risk answer, sending, the status page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tessera.intake.models import Application, Status
from tests.intake.intake_helpers import PHQ_RISK, consent_for, make_application
from tests.outbox import drain

PASSWORD = "a-long-test-password-17"


def _answers(answers: dict[int, int], **extra) -> dict:
    return {f"item{k}": str(v) for k, v in answers.items()} | extra


def _sign_up(client, mailoutbox, email="new.person@apply.test") -> None:
    start = reverse("intake_start", args=["alpha"])
    response = client.get(start)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signup/")
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    drain()  # the confirmation goes through the outbox (docs/decisions/0029)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    client.post(path)
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == start  # back where they started
    response = client.get(start)
    assert response.status_code == 302 and "/consent/" in response["Location"]


def test_sign_up_is_closed_except_through_an_application(world, client):
    body = client.get("/accounts/signup/").content.decode()
    assert 'name="password1"' not in body
    client.get(reverse("intake_start", args=["alpha"]))
    body = client.get("/accounts/signup/").content.decode()
    assert 'name="password1"' in body


def test_the_whole_self_referral(world, consent, client, mailoutbox):
    _sign_up(client, mailoutbox)
    application = Application.objects.get(applicant__email="new.person@apply.test")
    pk = application.pk
    # consent: the version is stored
    response = client.post(
        reverse("intake_consent", args=[pk]), {"agree": "on", "consent_text": consent.pk}
    )
    assert response["Location"] == reverse("intake_details", args=[pk])
    # details: a bad identity number gets a message beside the field, input is kept
    details = {
        "first_name": "Nina",
        "last_name": "New",
        "date_of_birth": "1990-05-06",
        "national_id_country": "SE",
        "national_id": "19900506-2387",
        "email": "new.person@apply.test",
        "language": "en",
    }
    response = client.post(reverse("intake_details", args=[pk]), details)
    body = response.content.decode()
    assert response.status_code == 200 and "check digit" in body and 'value="Nina"' in body
    response = client.post(
        reverse("intake_details", args=[pk]), details | {"national_id": "9005062386"}
    )
    assert response["Location"] == reverse("intake_screening", args=[pk, "PHQ-9"])
    # leaving and coming back: the resume link goes to the next step
    assert client.get(reverse("intake_resume", args=[pk]))["Location"].endswith("/PHQ-9/")
    # PHQ-9 with a missing answer: kept, and asked for
    partial = _answers({k: v for k, v in PHQ_RISK.items() if k != 3}, send="1")
    body = client.post(reverse("intake_screening", args=[pk, "PHQ-9"]), partial).content.decode()
    assert "Please answer this question." in body
    response = client.post(
        reverse("intake_screening", args=[pk, "PHQ-9"]), _answers(PHQ_RISK, send="1")
    )
    assert response["Location"] == reverse("intake_screening", args=[pk, "GAD-7"])
    # the very next page shows the clinic's crisis contacts
    body = client.get(response["Location"]).content.decode()
    assert "If you are thinking about harming yourself" in body and "112" in body
    application.refresh_from_db()
    assert application.urgent and application.consent == consent
    assert application.national_id == "19900506-2386"
    response = client.post(
        reverse("intake_screening", args=[pk, "GAD-7"]),
        _answers(dict.fromkeys(range(1, 8), 3), send="1"),
    )
    assert response["Location"] == reverse("intake_submit", args=[pk])
    response = client.post(reverse("intake_submit", args=[pk]))
    assert response["Location"] == reverse("intake_status", args=[pk])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.submitted_at
    body = client.get(reverse("intake_status", args=[pk])).content.decode()
    assert "Received" in body
    # never a score: PHQ-9 total 9 "mild", GAD-7 total 21 "severe"
    for score in ["mild", "severe", ">21<", " 21 ", "PHQ-9 9"]:
        assert score not in body
    assert all("Nina" not in m.body and "PHQ" not in m.body for m in mailoutbox)


def test_a_sent_applications_details_and_consent_are_not_changed_from_an_old_page(
    world, consent, login
):
    """Found at the edges: back from the status page to "Your details" (or an old tab),
    and the sent application's name, birth date and consent were changed without a word
    while the intake team worked from them."""
    application = make_application(world.clinic, "ada@apply.test")
    client = login(application.applicant)
    status = reverse("intake_status", args=[application.pk])
    details = {
        "first_name": "Changed",
        "last_name": "Later",
        "date_of_birth": "1970-01-01",
        "email": "ada@apply.test",
        "language": "en",
    }
    for url, data in [
        (reverse("intake_details", args=[application.pk]), details),
        (
            reverse("intake_consent", args=[application.pk]),
            {"agree": "on", "consent_text": consent.pk},
        ),
    ]:
        assert client.get(url)["Location"] == status
        response = client.post(url, data)
        assert response["Location"] == status
        page = client.get(status).content.decode()
        assert "Your application has been sent, so this can no longer be changed here." in page
    before = application.consent_accepted_at
    application.refresh_from_db()
    assert (application.first_name, application.last_name) == ("Ada", "Applicant")
    assert application.consent_accepted_at == before


def test_screening_can_be_saved_and_resumed(world, consent, login):
    application = make_application(world.clinic, "ada@apply.test", phq=None, gad=None, submit=False)
    client = login(application.applicant)
    url = reverse("intake_screening", args=[application.pk, "PHQ-9"])
    response = client.post(url, _answers({1: 2, 2: 3}, save="1"))
    assert response["Location"] == reverse("intake_status", args=[application.pk])
    body = client.get(url).content.decode()
    assert 'id="item1-2" value="2" checked' in body and 'id="item2-3" value="3" checked' in body


def test_the_status_page_follows_triage(world, consent, login):
    from tessera.intake import actions

    application = make_application(world.clinic, "ada@apply.test")
    client = login(application.applicant)
    url = reverse("intake_status", args=[application.pk])
    assert "Received" in client.get(url).content.decode()
    actions.do_ask_for_information(
        application, acting_user=world["intake"], message="Do you see a GP now?"
    )
    body = client.get(url).content.decode()
    assert "Being assessed" in body and "Do you see a GP now?" in body
    actions.do_decline(application, acting_user=world["assessor"], reason="Needs other care")
    body = client.get(url).content.decode()
    assert "Decision" in body and "Needs other care" not in body


def test_ask_for_information_email_says_nothing_clinical(
    world, consent, mailoutbox, django_capture_on_commit_callbacks
):
    from tessera.intake import actions

    application = make_application(world.clinic, "ada@apply.test", first="Ada", last="Lund")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_ask_for_information(
            application, acting_user=world["intake"], message="Tell us about your drinking"
        )
    mail = mailoutbox[-1]
    assert mail.to == ["ada@apply.test"]
    text = mail.subject + mail.body
    for secret in ["drinking", "Ada", "Lund", "Clinic alpha", "PHQ", "depress"]:
        assert secret not in text


def test_self_referral_pages_do_not_exist_without_self_referral(world, client):
    world.clinic.referral_model = "professional"
    world.clinic.save()
    page = client.get(reverse("intake_how_to_apply", args=["alpha"]))
    assert page.status_code == 200 and "ask your GP" in page.content.decode()
    assert client.get(reverse("intake_start", args=["alpha"])).status_code == 404
    assert client.get(reverse("intake_clinic", args=["alpha"])).status_code == 200


def test_without_a_consent_text_nobody_can_apply(world, login):
    from tests.conftest import make_user

    client = login(make_user("ada@apply.test"))
    response = client.get(reverse("intake_start", args=["alpha"]), follow=True)
    assert "not published its consent text" in response.content.decode()


def test_staff_cannot_apply(world, login):
    consent_for(world.clinic)
    response = login(world["therapist"]).get(reverse("intake_start", args=["alpha"]))
    assert response.status_code == 302
    assert not Application.objects.exists()


@pytest.mark.parametrize("language", ["sv"])
def test_crisis_contacts_are_in_the_applicants_language(world, consent, login, language):
    from tessera.core import actions as core_actions

    core_actions.do_add_crisis_contact(
        world.clinic, acting_user=world["manager"], language="sv", label="Självmordslinjen"
    )
    application = make_application(
        world.clinic, "ada@apply.test", phq=PHQ_RISK, gad=None, submit=False, language=language
    )
    body = login(application.applicant).get(reverse("intake_status", args=[application.pk]))
    text = body.content.decode()
    assert "Självmordslinjen" in text and "Emergency" not in text


def test_a_risk_answer_saved_for_later_shows_the_crisis_contacts_at_once(world, consent, login):
    application = make_application(world.clinic, "ada@apply.test", phq=None, gad=None, submit=False)
    client = login(application.applicant)
    url = reverse("intake_screening", args=[application.pk, "PHQ-9"])
    # a draft without a risk answer: no crisis box
    client.post(url, _answers({1: 2}, save="1"))
    body = client.get(reverse("intake_status", args=[application.pk])).content.decode()
    assert "If you are thinking about harming yourself" not in body
    # item 9 "several days", saved and not sent: the status page and the form show it
    response = client.post(url, _answers({9: 1}, save="1"), follow=True)
    body = response.content.decode()
    assert "If you are thinking about harming yourself" in body and "112" in body
    assert "If you are thinking about harming yourself" in client.get(url).content.decode()
    application.refresh_from_db()
    assert application.screening_drafts["PHQ-9"] == {"1": 2, "9": 1}
    assert not application.urgent  # a draft is not yet an application the clinic sees


def test_a_clinic_threshold_decides_for_a_saved_draft_too(world, consent, login):
    from tessera.treatment.actions import do_set_risk_threshold

    do_set_risk_threshold(world.clinic, "PHQ-9", "phq9_item9", 2, acting_user=world["manager"])
    application = make_application(world.clinic, "ada@apply.test", phq=None, gad=None, submit=False)
    client = login(application.applicant)
    url = reverse("intake_screening", args=[application.pk, "PHQ-9"])
    body = client.post(url, _answers({9: 1}, save="1"), follow=True).content.decode()
    assert "If you are thinking about harming yourself" not in body
    body = client.post(url, _answers({9: 2}, save="1"), follow=True).content.decode()
    assert "If you are thinking about harming yourself" in body


def test_an_applicant_with_a_risk_answer_is_told_an_unsent_application_is_seen_by_no_one(
    world, consent, login
):
    """Issue 12: beside the crisis contacts, before the application is sent."""
    from tests.intake.intake_helpers import PHQ_RISK, make_application

    application = make_application(
        world.clinic, "ada@apply.test", phq=PHQ_RISK, gad=None, submit=False
    )
    client = login(application.applicant)
    page = client.get(reverse("intake_submit", args=[application.pk]), follow=True)
    text = page.content.decode()
    assert "If you are thinking about harming yourself" in text
    assert "nobody at the clinic sees your answers until you send it" in text
