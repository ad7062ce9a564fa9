"""Recruiting and randomising: once, at the defined moment, audited, the arm seeds care."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tessera.core.clinic_dates import clinic_date
from tessera.core.models import AuditEvent, Episode
from tessera.research import actions, randomisation
from tessera.research.models import AllocationSlot, Participant, ResearchMeasure
from tests.conftest import make_patient
from tests.research.fixtures import SEED, build_study, new_participant


def test_opening_recruitment_stores_the_sequence_from_its_recorded_seed(world, study):
    s = study.study
    s.refresh_from_db()
    assert s.status == "recruiting" and s.seed == SEED and s.method == randomisation.METHOD
    stored = list(AllocationSlot.objects.filter(study=s).order_by("stratum", "position"))
    expected = randomisation.sequence(
        SEED, [f"site={world.clinic.pk}"], [("icbt", 1), ("selfhelp", 1)], 40, (1, 2, 3)
    )
    assert [(x.stratum, x.position, x.block, x.arm.code) for x in stored] == [
        (p.stratum, p.position, p.block, p.arm) for p in expected
    ]
    event = AuditEvent.objects.filter(action="study.recruitment_opened").get()
    assert event.changes["seed"] == SEED


def test_it_cannot_open_recruitment_twice(world, study):
    with pytest.raises(ValidationError):
        actions.do_open_recruitment(study.study, acting_user=study.investigator)


def test_it_randomises_once_consent_and_eligibility_are_both_there(world, study):
    participant = new_participant(world, 1, confirm=False)
    assert participant.randomised_at is None
    participant = actions.do_confirm_eligibility(participant, acting_user=study.coordinator)
    participant.refresh_from_db()
    first_slot = AllocationSlot.objects.get(study=study.study, position=1)
    assert participant.slot == first_slot and participant.arm == first_slot.arm
    with pytest.raises(ValidationError):
        actions.do_randomise(participant, acting_user=study.coordinator)
    assert AuditEvent.objects.filter(action="research.randomised").count() == 1


def test_the_arm_seeds_plan_care_model_and_research_measures(world, study):
    participant = new_participant(world, 2)
    participant.refresh_from_db()
    episode = Episode.objects.get(pk=participant.episode_id)
    arm = participant.arm
    assert episode.programme_version == arm.programme_version
    assert episode.care_model == arm.care_model
    assert episode.plan.count() == arm.programme_version.entries.count()
    research = ResearchMeasure.objects.get(participant=participant)
    assert research.due.instrument == "PHQ-9" and research.due.time_point == "post"
    days = clinic_date(world.clinic, research.due.due_at) - clinic_date(
        world.clinic, participant.randomised_at
    )
    assert days.days == 56  # on the clinic's calendar (decision 0121), whatever DST does


def test_allocations_follow_the_sequence_in_order(world, study):
    participants = [new_participant(world, n) for n in range(3, 15)]
    arms = [Participant.objects.get(pk=p.pk).arm.code for p in participants]
    places = randomisation.stratum_sequence(
        SEED, f"site={world.clinic.pk}", [("icbt", 1), ("selfhelp", 1)], 12
    )[:12]
    assert arms == [p.arm for p in places]
    # Balanced within each whole block. Twelve places may end inside a block: the
    # sequence, and so where its blocks end, depends on the clinic's key.
    whole = 0
    for block in {p.block for p in places}:
        inside = [arm for place, arm in zip(places, arms, strict=True) if place.block == block]
        if len(inside) == next(p.block_size for p in places if p.block == block):
            whole += 1
            assert Counter(inside)["icbt"] == Counter(inside)["selfhelp"]
    assert whole >= 2


def test_nobody_randomises_without_consent(world, study):
    participant = new_participant(world, 20, consent=False, confirm=False)
    actions.do_confirm_eligibility(participant, acting_user=study.coordinator)
    participant.refresh_from_db()
    assert participant.randomised_at is None
    with pytest.raises(ValidationError):
        actions.do_randomise(participant, acting_user=study.coordinator)


def test_an_ineligible_patient_cannot_be_confirmed(world, study):
    s = study.study
    type(s).objects.filter(pk=s.pk).update(eligibility={"min_age": 80})
    participant = new_participant(world, 21, confirm=False)
    with pytest.raises(ValidationError, match="lowest age"):
        actions.do_confirm_eligibility(participant, acting_user=study.coordinator)


def test_study_staff_need_the_researcher_role_at_a_site(world, study):
    with pytest.raises(ValidationError, match="researcher role"):
        actions.do_add_member(
            study.study, world["therapist"], "coordinator", acting_user=study.investigator
        )


def test_only_study_recruiters_invite(world, study):
    _patient, episode = make_patient(world.clinic, "x@alpha.test", therapist=world["therapist"])
    for user in [world["therapist"], world["manager"], study.assessor]:
        with pytest.raises(PermissionDenied):
            actions.do_invite(study.study, episode, acting_user=user)


def test_a_blinded_assessor_may_hold_no_clinical_role(world, study):
    from tessera.core import actions as core_actions
    from tessera.core.roles import Role

    core_actions.do_grant_role(world["assessor"], world.clinic, Role.RESEARCHER)
    with pytest.raises(ValidationError, match="clinical role"):
        actions.do_add_member(
            study.study, world["assessor"], "blinded_assessor", acting_user=study.investigator
        )
    with pytest.raises(ValidationError):
        actions.do_add_member(
            study.study, study.assessor, "coordinator", acting_user=study.investigator
        )


def test_stratified_by_baseline_severity(world):
    ns = build_study(world, severity=True)
    keys = sorted(
        set(AllocationSlot.objects.filter(study=ns.study).values_list("stratum", flat=True))
    )
    assert keys == [f"site={world.clinic.pk}|severity=high", f"site={world.clinic.pk}|severity=low"]
    participant = new_participant(world, 30, confirm=False)
    with pytest.raises(ValidationError, match="baseline"):
        actions.do_confirm_eligibility(participant, acting_user=ns.coordinator)
    participant.refresh_from_db()
    assert participant.randomised_at is None
