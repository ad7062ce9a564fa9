"""The assessment and its decision, accepting (patient, episode, plan, measures), the
waiting list, and therapist capacity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tessera.core import actions as core_actions
from tessera.core.models import AuditEvent, ClinicRole, Episode, Patient
from tessera.core.roles import Role
from tessera.intake import diagnoses
from tessera.intake.actions import decisions as decision_actions
from tessera.intake.capacity import suggested_therapist, therapist_loads
from tessera.intake.models import Assessment, Status
from tessera.intake.waiting import expected_start, position_of
from tessera.treatment.actions import do_open_episode
from tests.conftest import make_user
from tests.intake.assessment_helpers import assess_kwargs, published_version
from tests.intake.intake_helpers import make_application


def test_icd10_list_is_data_with_labels_and_source():
    assert "F32.1" in diagnoses.codes()
    assert all(code[:2] in ("F3", "F4", "F5") for code in diagnoses.codes())
    assert diagnoses.label("F41.0", "sv") == "Paniksyndrom"
    assert diagnoses.label("F41.0", "en") == "Panic disorder"
    assert "WHO ICD-10" in diagnoses.source()


def test_accept_creates_patient_episode_plan_and_measures(world):
    version = published_version(world)
    application = make_application(world.clinic, "acc@apply.test")
    assessment = decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert application.assessed_at and application.decided_at and application.started_at
    patient = application.patient
    assert patient.user == application.applicant
    assert (patient.first_name, patient.date_of_birth) == ("Ada", application.date_of_birth)
    episode = application.episode
    assert episode.status == Episode.Status.ACTIVE
    assert episode.therapist == world["therapist"]
    assert episode.programme_version == version
    assert episode.care_model == "guided"
    assert episode.plan.count() == 1
    assert assessment.diagnoses == ["F32.1"]
    actions = set(AuditEvent.objects.filter(purpose="intake").values_list("action", flat=True))
    assert {"application.assess", "application.accept", "patient.created"} <= actions


def test_accept_reuses_a_patient_with_the_same_national_id(world):
    version = published_version(world)
    existing = core_actions.do_create_patient(
        first_name="Old",
        last_name="Record",
        date_of_birth=dt.date(1990, 5, 6),
        national_id_country="SE",
        national_id="199005062386",
    )
    application = make_application(
        world.clinic,
        "same@apply.test",
        national_id_country="SE",
        national_id="199005062386",
    )
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(),
    )
    application.refresh_from_db()
    assert application.patient == existing
    existing.refresh_from_db()
    assert existing.user == application.applicant  # the login is linked


def test_waiting_list_then_start_now(world):
    version = published_version(world)
    application = make_application(world.clinic, "wait@apply.test")
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        **assess_kwargs(decision="wait"),
    )
    application.refresh_from_db()
    assert application.status == Status.WAITING_LIST
    assert application.episode.status == Episode.Status.WAITING
    assert application.started_at is None
    assert not application.episode.plan.exists()
    with pytest.raises(ValidationError):  # no therapist yet
        decision_actions.do_start_from_waiting_list(application, acting_user=world["intake"])
    episode = decision_actions.do_start_from_waiting_list(
        application, acting_user=world["intake"], therapist=world["therapist"]
    )
    application.refresh_from_db()
    assert episode.status == Episode.Status.ACTIVE
    assert application.status == Status.ACCEPTED and application.started_at
    assert episode.plan.count() == 1


@pytest.mark.parametrize("decision", ["decline", "redirect"])
def test_decline_or_refer_on_needs_a_reason(world, decision):
    application = make_application(world.clinic, f"{decision}@apply.test")
    with pytest.raises(ValidationError) as err:
        decision_actions.do_assess(
            application, acting_user=world["assessor"], **assess_kwargs(decision=decision)
        )
    assert "reason" in err.value.message_dict
    assert not Assessment.objects.exists()
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        **assess_kwargs(decision=decision, reason="Needs a specialist eating disorder unit."),
    )
    application.refresh_from_db()
    expected = Status.DECLINED if decision == "decline" else Status.REDIRECTED
    assert application.status == expected and application.decided_at


def test_bad_input_is_refused_with_messages_per_field(world):
    application = make_application(world.clinic, "bad@apply.test")
    with pytest.raises(ValidationError) as err:
        decision_actions.do_assess(
            application,
            acting_user=world["assessor"],
            **assess_kwargs(notes=" ", diagnoses=["Z99.9"], risk_level="", care_model=""),
        )
    assert {"notes", "diagnoses", "risk_level", "programme_version", "care_model"} <= set(
        err.value.message_dict
    )


def test_only_assessors_and_managers_of_the_clinic_assess(world):
    version = published_version(world)
    application = make_application(world.clinic, "who@apply.test")
    for user in (world["intake"], world["therapist"], world["other_manager"]):
        with pytest.raises(ValidationError):
            decision_actions.do_assess(
                application,
                acting_user=user,
                programme_version=version,
                therapist=world["therapist"],
                **assess_kwargs(),
            )


def test_a_programme_of_another_region_is_refused(world):
    from tessera.core.actions import do_create_region
    from tests.intake.matching_fixtures import DEPRESSION, publish_programme

    other = do_create_region(name="Elsewhere", country="SE")
    programme = publish_programme(
        other, world["author"], "far", area="depression", eligibility=DEPRESSION
    )
    application = make_application(world.clinic, "far@apply.test")
    with pytest.raises(ValidationError) as err:
        decision_actions.do_assess(
            application,
            acting_user=world["assessor"],
            programme_version=programme.versions.get(),
            therapist=world["therapist"],
            **assess_kwargs(),
        )
    assert "programme_version" in err.value.message_dict


def _therapist(world, email, max_caseload, patients):
    user = make_user(email)
    core_actions.do_grant_role(user, world.clinic, Role.THERAPIST)
    ClinicRole.objects.filter(user=user).update(max_caseload=max_caseload)
    for i in range(patients):
        patient = core_actions.do_create_patient(
            first_name="P", last_name=str(i), date_of_birth=world.patient.date_of_birth
        )
        do_open_episode(patient, world.clinic, status=Episode.Status.ACTIVE, therapist=user)
    return user


def test_capacity_order_free_first_no_maximum_next_full_last(world, django_assert_num_queries):
    ClinicRole.objects.filter(clinic=world.clinic, role=Role.THERAPIST).update(max_caseload=1)
    roomy = _therapist(world, "roomy@clinic.test", 10, 2)  # 8 free
    tight = _therapist(world, "tight@clinic.test", 3, 2)  # 1 free
    unknown = _therapist(world, "unknown@clinic.test", None, 0)
    full = _therapist(world, "full@clinic.test", 2, 2)
    with django_assert_num_queries(2):
        loads = therapist_loads(world.clinic)
    order = [load.user for load in loads]
    assert order.index(roomy) < order.index(tight) < order.index(unknown) < order.index(full)
    assert suggested_therapist(loads).user == roomy
    # world's therapist (1 patient, max 1) is full too: after the one without a maximum
    assert order.index(world["therapist"]) > order.index(unknown)


def test_a_full_therapist_only_when_confirmed(world):
    version = published_version(world)
    full = _therapist(world, "full2@clinic.test", 1, 1)
    application = make_application(world.clinic, "cap@apply.test")
    with pytest.raises(ValidationError) as err:
        decision_actions.do_assess(
            application,
            acting_user=world["assessor"],
            programme_version=version,
            therapist=full,
            **assess_kwargs(),
        )
    assert "maximum" in " ".join(err.value.message_dict["therapist"])
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=full,
        over_capacity_ok=True,
        **assess_kwargs(),
    )
    assert Episode.objects.filter(therapist=full).count() == 2


def test_waiting_list_order_urgent_first_then_decision_time(world):
    version = published_version(world)
    apps = []
    for i, urgent in enumerate([False, False, True]):
        application = make_application(world.clinic, f"w{i}@apply.test", last=f"W{i}")
        if urgent:
            type(application).objects.filter(pk=application.pk).update(urgent=True)
            application.refresh_from_db()
        decision_actions.do_assess(
            application,
            acting_user=world["assessor"],
            programme_version=version,
            **assess_kwargs(decision="wait"),
        )
        application.refresh_from_db()
        apps.append(application)
    assert [position_of(a) for a in apps] == [2, 3, 1]


def test_expected_start_from_pace():
    today = dt.date(2026, 1, 5)
    assert expected_start(3, 0.0, today) is None
    assert expected_start(1, 2.0, today) == dt.date(2026, 1, 12)  # ceil(1/2) = 1 week
    assert expected_start(5, 2.0, today) == dt.date(2026, 1, 26)  # ceil(5/2) = 3 weeks


def test_patient_count_unchanged_when_applicant_already_a_patient(world):
    version = published_version(world)
    user = world.patient.user
    application = make_application(world.clinic, "not-used@apply.test")
    type(application).objects.filter(pk=application.pk).update(applicant=user)
    application.refresh_from_db()
    before = Patient.objects.count()
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(decision="wait"),
    )
    application.refresh_from_db()
    assert Patient.objects.count() == before
    assert application.patient == world.patient


def test_a_risk_assessed_as_high_excludes_a_programme_whose_rules_say_so(world):
    """Issue 12: a risk answer only asks for an assessment; the clinician's assessment of
    high risk is what rules out a programme that excludes "high_risk"."""
    version = published_version(world)
    assert "high_risk" in version.eligibility["exclude"]
    application = make_application(world.clinic, "risk@apply.test")
    with pytest.raises(ValidationError, match="risk is assessed as high"):
        decision_actions.do_assess(
            application,
            acting_user=world["assessor"],
            programme_version=version,
            therapist=world["therapist"],
            **assess_kwargs(risk_level="high"),
        )
    assert not Assessment.objects.filter(application=application).exists()
    decision_actions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=version,
        therapist=world["therapist"],
        **assess_kwargs(risk_level="moderate"),
    )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
