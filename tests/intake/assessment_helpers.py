"""Helpers for assessment tests: a published programme in the world's region."""

from __future__ import annotations

from tests.intake.matching_fixtures import DEPRESSION, publish_programme


def published_version(world, key="depression"):
    programme = publish_programme(
        world.region, world["author"], key, area="depression", eligibility=DEPRESSION
    )
    return programme.versions.get(status="published")


def assess_kwargs(**overrides):
    data = {
        "notes": "Low mood since spring; works part time.",
        "diagnoses": ["F32.1"],
        "risk_level": "low",
        "risk_note": "No thoughts of self-harm.",
        "decision": "accept",
        "reason": "",
        "care_model": "guided",
    }
    return data | overrides


def assessed(world, application, **overrides):
    """The application assessed by the world's assessor, for the world's therapist with
    the published depression programme (accepted unless ``decision`` says otherwise),
    read again."""
    from tessera.intake.actions import decisions

    decisions.do_assess(
        application,
        acting_user=world["assessor"],
        programme_version=published_version(world),
        therapist=world["therapist"],
        **assess_kwargs(**overrides),
    )
    application.refresh_from_db()
    return application


def accepted_episode(world, application):
    """The application assessed and accepted by the world's assessor, into the world's
    therapist's care with the published depression programme: its new episode."""
    from tessera.core.models import Episode

    return Episode.objects.get(pk=assessed(world, application).episode_id)
