"""Unguided courses that start at once after a clean screening (issue 14): at a clinic
that allows it, no risk answer and scores within a programme's rules start the course
without an assessment; anything else goes to the intake queue as before."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tessera.core.actions import do_update_clinic_settings
from tessera.core.models import AuditEvent, Episode
from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import Status, TriageAction
from tessera.letters.models import Letter
from tessera.treatment import plans
from tessera.treatment.actions.schedule import do_add_measure_rule
from tests.conftest import make_user, sign_in
from tests.intake.assessment_helpers import published_version
from tests.intake.intake_helpers import GAD, PHQ_RISK, REFERRAL, make_application

PHQ_CLEAN = {**dict.fromkeys(range(1, 8), 2), 8: 0, 9: 0}  # 14, moderate, no risk answer
PHQ_TOO_HIGH = {**dict.fromkeys(range(1, 9), 3), 9: 0}  # 24: above the programme's 23
AUDIT_LOW = dict.fromkeys(range(1, 11), 0)  # zone I


def screen_for_the_rules(clinic):
    """The programme excludes AUDIT zone IV: a screening without AUDIT cannot settle
    that, so the clinic screens with PHQ-9, GAD-7 and AUDIT."""
    for code in ("PHQ-9", "GAD-7", "AUDIT"):
        do_add_measure_rule(clinic, acting_user=None, instrument=code, time_point="screening")


def apply_with_audit(clinic, email, *, phq, submit=True, **details):
    application = make_application(clinic, email, phq=phq, gad=GAD, submit=False, **details)
    user = application.applicant
    apply_actions.do_submit_screening(
        application, "AUDIT", AUDIT_LOW, acting_user=user, language="en"
    )
    if submit:
        apply_actions.do_submit_application(application, acting_user=user)
    application.refresh_from_db()
    return application


@pytest.fixture
def self_start(world, consent):
    clinic = world.clinic
    clinic.offers_unguided = True
    clinic.start_unguided_after_clean_screening = True
    clinic.save()
    screen_for_the_rules(clinic)
    return published_version(world)


def test_a_clean_screening_starts_an_unguided_course_with_module_one_open(
    world, self_start, client
):
    application = apply_with_audit(world.clinic, "clean@apply.test", phq=PHQ_CLEAN)
    assert application.status == Status.ACCEPTED and application.assessed_at is None
    episode = application.episode
    assert episode.status == Episode.Status.ACTIVE
    assert (episode.care_model, episode.therapist_id) == ("unguided", None)
    assert episode.programme_version == self_start
    first = plans.next_step(plans.episode_states(episode))
    assert first is not None and first.is_open
    action = TriageAction.objects.get(application=application)
    assert action.kind == TriageAction.Kind.ACCEPT and action.details["without_assessment"]
    assert action.actor == application.applicant
    event = AuditEvent.objects.get(action="application.accept")
    assert event.changes["without_assessment"] is True
    assert event.changes["programme"] == "depression"
    sign_in(client, application.applicant)
    home = client.get(reverse("home")).content.decode()
    assert reverse("module_reader", args=[first.entry.pk]) in home


@pytest.mark.parametrize(
    ("phq", "why"),
    [(PHQ_RISK, "a risk answer"), (PHQ_TOO_HIGH, "a score above the programme's range")],
)
def test_anything_not_clean_goes_to_the_queue(world, self_start, phq, why):
    application = apply_with_audit(world.clinic, "queue@apply.test", phq=phq)
    assert application.status == Status.SUBMITTED, why
    assert application.episode_id is None
    assert not TriageAction.objects.filter(application=application).exists()
    assert application.urgent == (phq is PHQ_RISK)


def test_without_the_clinic_option_a_clean_screening_waits_for_the_assessment(world, consent):
    world.clinic.offers_unguided = True
    world.clinic.save()
    screen_for_the_rules(world.clinic)
    published_version(world)
    application = apply_with_audit(world.clinic, "off@apply.test", phq=PHQ_CLEAN)
    assert application.status == Status.SUBMITTED and application.episode_id is None


def test_a_referred_persons_clean_screening_starts_the_course_and_the_gp_is_told(world, self_start):
    person = {
        "first_name": "Rut",
        "last_name": "Ref",
        "email": "rut@apply.test",
        "date_of_birth": "1990-05-06",
    }
    application = apply_actions.do_refer(world.clinic, referral=dict(REFERRAL), person=person)
    user = make_user("rut@apply.test")
    application = apply_actions.do_claim_invitation(application, user=user)
    from tests.intake.intake_helpers import consent_for

    apply_actions.do_accept_consent(application, consent_for(world.clinic), acting_user=user)
    for code, answers in (("PHQ-9", PHQ_CLEAN), ("GAD-7", GAD), ("AUDIT", AUDIT_LOW)):
        apply_actions.do_submit_screening(
            application, code, answers, acting_user=user, language="en"
        )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    kinds = list(Letter.objects.filter(application=application).values_list("kind", flat=True))
    # received at referral, started now; no "assessed and accepted" letter
    assert sorted(kinds) == ["received", "started"]
    started = Letter.objects.get(application=application, kind="started")
    assert "utan bedömning" in started.html  # the clinic writes in Swedish


def test_the_submit_page_takes_the_applicant_to_their_course(world, self_start, client):
    application = apply_with_audit(world.clinic, "page@apply.test", phq=PHQ_CLEAN, submit=False)
    sign_in(client, application.applicant)
    response = client.post(reverse("intake_submit", args=[application.pk]), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your self-help course has started" in body


def test_the_option_needs_unguided_care_and_its_change_is_audited(world):
    clinic = world.clinic
    with pytest.raises(ValidationError):
        do_update_clinic_settings(
            clinic, acting_user=world["manager"], start_unguided_after_clean_screening=True
        )
    clinic.refresh_from_db()
    # unguided care needs someone on call in the working hours (issue 12)
    from tessera.core.actions import do_add_on_call_shifts

    do_add_on_call_shifts(
        clinic,
        acting_user=world["manager"],
        user=world["manager"],
        weekdays=[1, 2, 3, 4, 5],
        starts_hour=8,
        ends_hour=16,
    )
    do_update_clinic_settings(
        clinic,
        acting_user=world["manager"],
        offers_unguided=True,
        start_unguided_after_clean_screening=True,
    )
    event = AuditEvent.objects.filter(action="clinic.settings_changed").latest("pk")
    assert "start_unguided_after_clean_screening" in str(event.changes)


def test_the_manager_sets_the_option_in_the_clinic_settings(world, client):
    sign_in(client, world["manager"])
    page = client.get(reverse("clinic_edit", args=[world.clinic.slug])).content.decode()
    assert 'name="start_unguided_after_clean_screening"' in page


def test_a_returning_patient_goes_to_the_queue(world, self_start):
    """Someone with a patient record already (the same identity number) is the intake
    team's to see: a course never starts on a record the applicant cannot open."""
    from tessera.core.actions import do_create_patient

    do_create_patient(
        clinic=world.clinic,
        first_name="Ada",
        last_name="Before",
        date_of_birth="1990-05-06",
        national_id_country="SE",
        national_id="199005062386",
    )
    application = apply_with_audit(
        world.clinic,
        "back@apply.test",
        phq=PHQ_CLEAN,
        national_id_country="SE",
        national_id="199005062386",
    )
    assert application.status == Status.SUBMITTED and application.episode_id is None


def test_the_public_pages_say_what_happens_and_name_the_emergency_number(world, client):
    from tessera.core.actions import do_create_clinic

    clinic = do_create_clinic(
        region=world.region,
        name="Glen Self-Help",
        slug="glen",
        country="GB-SCT",
        languages=["en"],
        time_zone="Europe/London",
        offers_guided=False,
        offers_unguided=True,
        start_unguided_after_clean_screening=True,
        crisis_contacts=[{"language": "en", "label": "Emergency 999", "phone": "999"}],
    )
    page = client.get(reverse("intake_clinic", args=[clinic.slug])).content.decode()
    assert "call 999 now" in page and "call the emergency number" not in page
    apply = client.get(reverse("intake_how_to_apply", args=[clinic.slug])).content.decode()
    assert "the course starts as soon as you send the application" in apply
    assert "call 999 now" in apply


def test_a_start_that_is_refused_leaves_the_application_sent_and_in_the_queue(
    world, self_start, monkeypatch
):
    from tessera.intake.actions import self_start as module

    def refuse(*args, **kwargs):
        raise ValidationError("no")

    monkeypatch.setattr(module, "do_open_episode", refuse)
    application = apply_with_audit(world.clinic, "refused@apply.test", phq=PHQ_CLEAN)
    assert application.status == Status.SUBMITTED and application.submitted_at is not None
    assert application.patient_id is None and application.episode_id is None
    assert not TriageAction.objects.filter(application=application).exists()
