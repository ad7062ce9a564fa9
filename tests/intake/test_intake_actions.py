"""Applicant, referral and triage actions: what they store, stamp, flag and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tessera.core.models import AuditEvent
from tessera.intake import actions
from tessera.intake.actions import apply as apply_actions
from tessera.intake.models import (
    Application,
    ConsentText,
    ScreeningAnswer,
    Source,
    Status,
    TriageAction,
)
from tessera.intake.screening import screening_set
from tessera.treatment.models import MeasureRule
from tests.conftest import make_user
from tests.intake.intake_helpers import (
    GAD,
    PHQ_RISK,
    REFERRAL,
    consent_for,
    make_application,
)


def test_consent_versions_grow_and_the_accepted_one_is_stored(world):
    first = consent_for(world.clinic)
    second = apply_actions.do_publish_consent_text(world.clinic, language="en", text="New text.")
    assert (first.version, second.version) == (1, 2)
    assert ConsentText.current(world.clinic, "en") == second
    assert ConsentText.current(world.clinic, "sv") == second  # falls back to any language
    application = make_application(world.clinic, "ada@apply.test")
    assert application.consent == second
    assert application.consent_accepted_at is not None
    event = AuditEvent.objects.get(action="application.consent_given", object_id=application.pk)
    assert event.changes["version"] == 2


def test_screening_is_scored_at_once_with_the_instrument_version(world, consent):
    application = make_application(world.clinic, "ada@apply.test", submit=False)
    phq = ScreeningAnswer.objects.get(application=application, instrument="PHQ-9")
    gad = ScreeningAnswer.objects.get(application=application, instrument="GAD-7")
    # hand-scored: PHQ-9 eight items of 1 and item 9 = 0 -> 8, mild (5-9);
    # GAD-7 seven items of 2 -> 14, moderate (10-14)
    assert (phq.total, phq.band, phq.risk_flagged) == (8, "mild", False)
    assert (gad.total, gad.band) == (14, "moderate")
    assert phq.instrument_version == "1.0.0"
    assert application.screened_at is not None
    assert application.status == Status.DRAFT and not application.urgent


def test_a_risk_answer_marks_the_application_urgent(world, consent):
    application = make_application(world.clinic, "ada@apply.test", phq=PHQ_RISK)
    answer = application.screening_answers.get(instrument="PHQ-9")
    assert answer.risk_flagged and answer.total == 9
    assert application.urgent and application.urgent_reason == "risk_item"


def test_sending_the_same_questionnaire_twice_changes_nothing(world, consent):
    application = make_application(world.clinic, "ada@apply.test", submit=False)
    again = apply_actions.do_submit_screening(
        application, "PHQ-9", PHQ_RISK, acting_user=application.applicant, language="en"
    )
    assert again.total == 8
    assert application.screening_answers.count() == 2
    application.refresh_from_db()
    assert not application.urgent


def test_screening_set_comes_from_the_clinics_screening_rules(world):
    assert screening_set(world.clinic) == ["PHQ-9", "GAD-7"]
    MeasureRule.objects.create(clinic=world.clinic, instrument="auditc", time_point="screening")
    assert screening_set(world.clinic) == ["AUDIT-C"]


def test_an_unfinished_application_cannot_be_sent(world, consent):
    application = make_application(world.clinic, "ada@apply.test", gad=None, submit=False)
    with pytest.raises(ValidationError):
        apply_actions.do_submit_application(application, acting_user=application.applicant)
    application.refresh_from_db()
    assert application.status == Status.DRAFT and application.submitted_at is None


def test_sending_stamps_the_time_once(world, consent):
    application = make_application(world.clinic, "ada@apply.test")
    assert application.status == Status.SUBMITTED
    first = application.submitted_at
    again = apply_actions.do_submit_application(application, acting_user=application.applicant)
    assert again.submitted_at == first


def test_starting_again_resumes_the_draft(world, consent):
    user = make_user("ada@apply.test")
    one = apply_actions.do_start_application(world.clinic, applicant=user)
    two = apply_actions.do_start_application(world.clinic, applicant=user)
    assert one == two and one.screening_set == ["PHQ-9", "GAD-7"]


def test_national_id_is_checked_and_kept_in_canonical_form(world, consent):
    user = make_user("ada@apply.test")
    application = apply_actions.do_start_application(world.clinic, applicant=user)
    with pytest.raises(ValidationError) as error:
        apply_actions.do_save_details(
            application, acting_user=user, national_id_country="SE", national_id="19900506-2387"
        )
    assert "national_id" in error.value.message_dict
    apply_actions.do_save_details(
        application,
        acting_user=user,
        date_of_birth=dt.date(1990, 5, 6),
        national_id_country="SE",
        national_id="9005062386",
    )
    application.refresh_from_db()
    assert application.national_id == "19900506-2386"


def test_same_national_id_is_a_possible_duplicate(world, consent):
    first = make_application(
        world.clinic, "one@apply.test", national_id_country="SE", national_id="199005062386"
    )
    second = make_application(
        world.clinic,
        "two@apply.test",
        first="Other",
        last="Name",
        national_id_country="SE",
        national_id="19900506-2386",
    )
    assert second.possible_duplicate_of == first
    assert first.possible_duplicate_of is None


def test_same_names_and_birth_date_is_a_possible_duplicate_only_at_the_same_clinic(world):
    consent_for(world.other_clinic)
    first = make_application(world.clinic, "one@apply.test", first="Ada", last="Lund")
    elsewhere = make_application(world.other_clinic, "far@apply.test", first="ada", last="LUND")
    again = make_application(world.clinic, "two@apply.test", first="ada", last="lund ")
    other_day = make_application(
        world.clinic, "three@apply.test", first="Ada", last="Lund", born=dt.date(1991, 1, 1)
    )
    assert elsewhere.possible_duplicate_of is None
    assert again.possible_duplicate_of == first
    assert other_day.possible_duplicate_of is None


def test_merge_keeps_the_older_and_moves_answers(world, consent):
    older = make_application(world.clinic, "one@apply.test", phq=None, gad=GAD, submit=False)
    older.screening_set = ["GAD-7"]
    older.save()
    older = apply_actions.do_submit_application(older, acting_user=older.applicant)
    newer = make_application(world.clinic, "two@apply.test", phq=PHQ_RISK)
    assert newer.possible_duplicate_of == older
    kept = actions.do_merge_duplicate(newer, acting_user=world["intake"])
    newer.refresh_from_db()
    assert kept == older
    assert newer.status == Status.DUPLICATE and newer.duplicate_of == older
    assert set(kept.screening_answers.values_list("instrument", flat=True)) == {"GAD-7", "PHQ-9"}
    assert newer.screening_answers.filter(instrument="GAD-7").exists()  # older had its own
    assert kept.urgent  # the risk answer moved with the newer application's flag
    assert TriageAction.objects.filter(application=kept, kind="merge").exists()
    assert AuditEvent.objects.filter(action="application.mark_duplicate").exists()


def test_merge_without_an_earlier_application_is_refused(world, consent):
    application = make_application(world.clinic, "one@apply.test")
    with pytest.raises(ValidationError):
        actions.do_merge_duplicate(application, acting_user=world["intake"])


def test_triage_actions_stamp_log_and_audit(world, consent, mailoutbox):
    application = make_application(world.clinic, "ada@apply.test")
    actions.do_ask_for_information(
        application, acting_user=world["intake"], message="Which medicines do you take?"
    )
    application.refresh_from_db()
    assert application.status == Status.NEEDS_INFO and application.triaged_at is not None
    triaged = application.triaged_at
    booking = actions.do_book_assessment(
        application,
        acting_user=world["intake"],
        mode="phone",
        starts_at=timezone.now() + dt.timedelta(days=2),
        assessor=world["assessor"],
    )
    application.refresh_from_db()
    assert application.status == Status.ASSESSMENT_BOOKED
    assert application.assessment_booked_at is not None and application.triaged_at == triaged
    assert booking.assessor == world["assessor"]
    actions.do_decline(application, acting_user=world["manager"], reason="Needs specialist care.")
    application.refresh_from_db()
    assert application.status == Status.DECLINED and application.decided_at is not None
    kinds = list(application.triage_actions.values_list("kind", "actor"))
    assert kinds == [
        ("ask_info", world["intake"].pk),
        ("book_assessment", world["intake"].pk),
        ("decline", world["manager"].pk),
    ]
    actions_audited = set(
        AuditEvent.objects.filter(object_type="Application", object_id=application.pk).values_list(
            "action", flat=True
        )
    )
    assert {"application.ask_info", "application.book_assessment", "application.decline"} <= (
        actions_audited
    )
    with pytest.raises(ValidationError):  # closed
        actions.do_redirect(application, acting_user=world["intake"], where="Elsewhere")


def test_booking_checks_assessor_time_and_link(world, consent):
    application = make_application(world.clinic, "ada@apply.test")
    later = timezone.now() + dt.timedelta(days=1)
    cases = [
        ({"assessor": world["therapist"], "mode": "phone", "starts_at": later}, "assessor"),
        (
            {"assessor": world["assessor"], "mode": "phone", "starts_at": timezone.now()},
            "starts_at",
        ),
        ({"assessor": world["assessor"], "mode": "video", "starts_at": later}, "where"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            actions.do_book_assessment(application, acting_user=world["intake"], **kwargs)
        assert field in error.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and not application.bookings.exists()


def test_staff_of_another_clinic_or_other_roles_cannot_triage(world, consent):
    application = make_application(world.clinic, "ada@apply.test")
    for kind in ["other_manager", "therapist", "supervisor", "staff_no_mfa"]:
        with pytest.raises(ValidationError):
            actions.do_decline(application, acting_user=world[kind], reason="no")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_redirect_needs_where(world, consent):
    application = make_application(world.clinic, "ada@apply.test")
    with pytest.raises(ValidationError):
        actions.do_redirect(application, acting_user=world["intake"], where=" ")
    actions.do_redirect(application, acting_user=world["intake"], where="The eating disorder unit")
    application.refresh_from_db()
    assert application.status == Status.REDIRECTED
    assert application.redirected_to == "The eating disorder unit"


def test_a_professional_referral_is_submitted_and_invites_the_person(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply_actions.do_refer(
            world.clinic,
            referral=REFERRAL,
            person={
                "first_name": "Gus",
                "last_name": "Holm",
                "date_of_birth": dt.date(1983, 5, 21),
                "email": "gus@person.test",
            },
            base_url="https://tessera.example/",
        )
    assert application.source == Source.PROFESSIONAL
    assert application.status == Status.SUBMITTED and application.applicant is None
    assert application.referral.consent_to_letters
    # the person's invitation, and the referrer's receipt (issue 20)
    (invitation,) = [m for m in mailoutbox if m.to == ["gus@person.test"]]
    assert "https://tessera.example/apply/invite/" in invitation.body
    (receipt,) = [m for m in mailoutbox if m.to == [REFERRAL["secure_email"]]]
    assert application.reference in receipt.body


def test_a_clinic_without_professional_referral_refuses_one(world):
    world.clinic.referral_model = "self"
    world.clinic.save()
    with pytest.raises(ValidationError):
        apply_actions.do_refer(world.clinic, referral=REFERRAL, person={"first_name": "A"})
    assert not Application.objects.exists()
