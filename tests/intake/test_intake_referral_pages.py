"""Public pages and a professional's referral by the web form."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import signing
from django.urls import reverse

from tessera.intake import notify
from tessera.intake.models import Application, Source, Status
from tessera.programs.models import Programme, ProgrammeVersion
from tests.conftest import make_user
from tests.intake.intake_helpers import REFERRAL, consent_for

PERSON = {
    "first_name": "Gus",
    "last_name": "Holm",
    "date_of_birth": "1983-05-21",
    "national_id_country": "",
    "national_id": "",
    "email": "gus@person.test",
    "phone": "",
    "language": "en",
}


def _form(**changes) -> dict:
    data = {f"referrer-{k}": v for k, v in REFERRAL.items() if k != "consent_to_letters"}
    data["referrer-consent_to_letters"] = "on"
    data |= {f"patient-{k}": v for k, v in PERSON.items()}
    return data | changes


def _another(i: int) -> dict:
    """A referral of its own (the same one sent again is one application: decision 0067)."""
    return _form(**{"referrer-reason": f"Low mood and poor sleep, referral {i}."})


def _publish(world, status="published", evidence="Trials show most people improve."):
    programme = Programme.objects.create(region=world.region, key="mood")
    return ProgrammeVersion.objects.create(
        programme=programme,
        number=1,
        status=status,
        title="Getting going again",
        problem_area="depression",
        languages=["en"],
        weeks=8,
        eligibility={"min_age": 18},
        description_patient="For **low mood**.",
        description_professional="Behavioural activation for depression.",
        evidence=evidence,
    )


def test_the_clinic_page_describes_published_programmes(world, client):
    _publish(world)
    body = client.get(reverse("intake_clinic", args=["alpha"])).content.decode()
    assert "Getting going again" in body and "<strong>low mood</strong>" in body
    assert "About 8 weeks" in body and "People aged 18 or older." in body
    assert "Trials show most people improve." in body
    assert reverse("intake_how_to_apply", args=["alpha"]) in body
    body = client.get(reverse("intake_professionals", args=["alpha"])).content.decode()
    assert "Behavioural activation for depression." in body


def test_drafts_are_not_shown(world, client):
    _publish(world, status="draft")
    body = client.get(reverse("intake_clinic", args=["alpha"])).content.decode()
    assert "Getting going again" not in body


def test_professional_pages_exist_only_with_professional_referral(world, client):
    """At a clinic of self-referrals the clinic's page offers no referral, and a
    professional who comes to refer anyway (an address typed or kept) is told that their
    patient applies themselves, and where, not "Page not found"; a referral sent there
    is not read."""
    from tessera.intake.models import Application

    world.clinic.referral_model = "self"
    world.clinic.save()
    body = client.get(reverse("intake_clinic", args=["alpha"])).content.decode()
    assert reverse("intake_professionals", args=["alpha"]) not in body
    assert client.get(reverse("intake_refer_receipt", args=["alpha"])).status_code == 404
    apply = reverse("intake_how_to_apply", args=["alpha"])
    for name in ["intake_professionals", "intake_refer"]:
        response = client.get(reverse(name, args=["alpha"]))
        assert response.status_code == 200, name
        text = response.content.decode()
        assert "does not take referrals from professionals" in text and apply in text
    before = Application.objects.count()
    response = client.post(reverse("intake_refer", args=["alpha"]), _form())
    assert response.status_code == 200 and "does not take referrals" in response.content.decode()
    assert Application.objects.count() == before


def test_a_gp_refers_by_the_form(world, client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake_refer", args=["alpha"]), _form())
    assert response["Location"] == reverse("intake_refer_receipt", args=["alpha"])
    application = Application.objects.get()
    assert application.source == Source.PROFESSIONAL and application.status == Status.SUBMITTED
    assert application.referral.referrer_name == "Dr Eva Berg"
    body = client.get(response["Location"]).content.decode()
    assert application.reference in body
    mail = mailoutbox[-1]
    assert mail.to == ["gus@person.test"]
    text = mail.subject + mail.body
    for secret in ["Gus", "Holm", "Low mood", "Eva", "Clinic alpha", "depress"]:
        assert secret not in text
    assert "/apply/invite/" in mail.body


def test_bad_input_keeps_what_was_typed(world, client):
    response = client.post(
        reverse("intake_refer", args=["alpha"]),
        _form(**{"referrer-secure_email": "not-an-address", "patient-date_of_birth": ""}),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in body and 'value="Dr Eva Berg"' in body
    assert "Low mood and poor sleep" in body
    assert not Application.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False)
def test_the_form_is_throttled(world, client, settings):
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "referral_form": "2/h"}
    for i in range(2):
        response = client.post(reverse("intake_refer", args=["alpha"]), _another(i))
        assert response.status_code == 302
    response = client.post(reverse("intake_refer", args=["alpha"]), _another(2))
    assert response.status_code == 429
    assert Application.objects.count() == 2
    assert 'value="Dr Eva Berg"' in response.content.decode()


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False)
def test_the_21st_referral_in_an_hour_gets_429_with_retry_after(world, client):
    # The clock stands still, so all 21 fall in one window of the limit.
    url = reverse("intake_refer", args=["alpha"])
    for i in range(20):
        assert client.post(url, _another(i)).status_code == 302
    response = client.post(url, _another(20))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert "Too many referrals have been sent from here in the last hour." in body
    assert 'value="Dr Eva Berg"' in body and "Low mood and poor sleep" in body
    assert Application.objects.count() == 20


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False)
def test_the_referral_limit_is_per_address(world, client, settings):
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "referral_form": "1/h"}
    url = reverse("intake_refer", args=["alpha"])
    here, there = {"REMOTE_ADDR": "192.0.2.10"}, {"REMOTE_ADDR": "198.51.100.7"}
    assert client.post(url, _another(1), **here).status_code == 302
    assert client.post(url, _another(2), **here).status_code == 429
    assert client.post(url, _another(3), **there).status_code == 302
    assert Application.objects.count() == 2


def test_invalid_referrals_do_not_count_against_the_limit(world, client, settings):
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "referral_form": "1/h"}
    url = reverse("intake_refer", args=["alpha"])
    for _ in range(3):
        bad = _form(**{"referrer-secure_email": "not-an-address"})
        assert client.post(url, bad).status_code == 200
    assert client.post(url, _form()).status_code == 302


def test_the_referral_limit_can_be_switched_off(world, client, settings):
    settings.TESSERA_RATE_LIMITS = {**settings.TESSERA_RATE_LIMITS, "referral_form": None}
    url = reverse("intake_refer", args=["alpha"])
    for _ in range(3):
        assert client.post(url, _form()).status_code == 302


def test_the_receipt_shows_only_this_browsers_referral(world, client):
    response = client.get(reverse("intake_refer_receipt", args=["alpha"]))
    assert response.status_code == 302


def test_the_invited_person_takes_over_the_application(world, client, login):
    consent_for(world.clinic)
    client.post(reverse("intake_refer", args=["alpha"]), _form())
    application = Application.objects.get()
    url = reverse("intake_invite", args=[notify.invite_token(application)])
    body = client.get(url).content.decode()
    assert "Create an account" in body
    assert 'name="password1"' in client.get("/accounts/signup/").content.decode()
    person = make_user("gus@person.test")
    assert login(person).get(url).status_code == 200  # opening the link claims nothing
    response = login(person).post(url)
    assert response["Location"] == reverse("intake_consent", args=[application.pk])
    application.refresh_from_db()
    assert application.applicant == person
    other = make_user("someone@else.test")
    assert login(other).get(url).status_code == 403  # already claimed: "has been used"


def test_an_expired_or_forged_link_does_not_work(world, client, settings):
    consent_for(world.clinic)
    client.post(reverse("intake_refer", args=["alpha"]), _form())
    application = Application.objects.get()
    forged = signing.dumps({"a": application.pk}, salt="something else")
    assert client.get(reverse("intake_invite", args=[forged])).status_code == 404
    token = notify.invite_token(application)
    import time

    real = time.time
    try:
        time.time = lambda: real() + notify.INVITE_MAX_AGE + 60
        assert client.get(reverse("intake_invite", args=[token])).status_code == 404
    finally:
        time.time = real


@time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False)
def test_a_clinic_may_have_its_own_referral_limit(world, client, settings):
    settings.TESSERA_CLINIC_RATE_LIMITS = {"alpha": {"referral_form": "1/h"}}
    url = reverse("intake_refer", args=["alpha"])
    assert client.post(url, _another(1)).status_code == 302
    response = client.post(url, _another(2))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Application.objects.count() == 1


def test_an_over_long_reason_is_refused_with_a_clear_message(world, client):
    response = client.post(
        reverse("intake_refer", args=["alpha"]), _form(**{"referrer-reason": "x" * 10_001})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "at most 10000 characters" in body and 'maxlength="10000"' in body
    assert not Application.objects.exists()
