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
