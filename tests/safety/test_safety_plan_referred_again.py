"""A patient referred again keeps sight of their safety plan (decision 0148).

"My safety plan" shows the open course's plan: a patient who began a new course at the
clinic read "not filled in" where their plan had been, with the plan kept "for good"
only on the ended course, which no patient page opens any more."""

from django.test import Client
from django.urls import reverse

from tessera.portal.ending import do_end_episode
from tessera.safety.actions.plans import do_save_safety_plan, plan_for
from tessera.safety.models import SAFETY_PLAN_KEYS, SafetyPlan
from tessera.treatment.actions import do_open_episode
from tests.conftest import sign_in


def _parts(**given):
    return {key: given.get(key, "") for key in SAFETY_PLAN_KEYS}


def _referred_again(world):
    do_save_safety_plan(
        world.episode,
        acting_user=world["therapist"],
        parts=_parts(warning_signs="I stop answering my phone"),
        based_on=0,
    )
    do_end_episode(world.episode, acting_user=world["therapist"], reason="completed")
    return do_open_episode(
        world.patient, world.clinic, status="active", therapist=world["colleague"]
    )


def test_the_patient_reads_the_earlier_plan_in_the_new_course(world):
    _referred_again(world)
    page = sign_in(Client(), world.patient.user).get(reverse("my_safety_plan"))
    body = page.content.decode()
    assert "I stop answering my phone" in body
    assert 'id="carried-notice"' in body


def test_saving_it_makes_it_the_new_courses_own_and_leaves_the_earlier_one(world):
    later = _referred_again(world)
    carried = plan_for(later)
    assert carried.pk is None and carried.version == 0
    assert carried.parts["warning_signs"] == "I stop answering my phone"
    do_save_safety_plan(
        later,
        acting_user=world.patient.user,
        parts=_parts(warning_signs="I stop answering my phone", people="Anna"),
        based_on=carried.version,
    )
    assert SafetyPlan.objects.get(episode=later).parts["people"] == "Anna"
    assert SafetyPlan.objects.get(episode=world.episode).parts["people"] == ""


def test_a_plan_from_another_clinic_is_not_carried(world):
    do_save_safety_plan(
        world.episode,
        acting_user=world["therapist"],
        parts=_parts(coping="Walk"),
        based_on=0,
    )
    do_end_episode(world.episode, acting_user=world["therapist"], reason="completed")
    elsewhere = do_open_episode(world.patient, world.other_clinic, status="active")
    assert plan_for(elsewhere).is_empty
