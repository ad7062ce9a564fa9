"""A running two-arm study at the world's clinic, built through the real actions.

Staff: the world's researcher is the investigator; a coordinator and a blinded outcome
assessor hold the researcher role at the clinic (no clinical role) and their study roles.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tessera.core import actions as core_actions
from tessera.core.roles import Role, StudyRole
from tessera.research import actions
from tests.conftest import make_patient, make_user
from tests.plan_fixtures import _module, _programme
from tests.snapshot import shared_data

SEED = "0123456789abcdef"


def build_study(world, *, seed: str = SEED, severity: bool = False, target: int = 40):
    region = world.region
    breathe = _module(region, "rs-breathe", "Breathing")
    steps = _module(region, "rs-steps", "Small steps")
    guided = _programme(region, "rs-guided", "Guided study programme", [breathe, steps])
    selfhelp = _programme(region, "rs-self", "Self-help study programme", [steps])
    investigator = world["researcher"]
    coordinator = make_user("coordinator@alpha.test", second_factor=True, first_name="Cora")
    core_actions.do_grant_role(coordinator, world.clinic, Role.RESEARCHER)
    assessor = make_user("blind@alpha.test", second_factor=True, first_name="Bo")
    core_actions.do_grant_role(assessor, world.clinic, Role.RESEARCHER)
    extra = {"severity_instrument": "PHQ-9", "severity_cutoff": 10} if severity else {}
    study = actions.do_create_study(
        acting_user=investigator,
        key="calm",
        title="CALM trial",
        clinics=[world.clinic],
        registry_id="NCT00000001",
        ethics_approval_id="EPN 2026-01",
        ethics_approved_on=dt.date(2026, 1, 10),
        eligibility={"min_age": 18},
        target_size=target,
        **extra,
    )
    actions.do_add_member(study, coordinator, StudyRole.COORDINATOR, acting_user=investigator)
    actions.do_add_member(study, assessor, StudyRole.BLINDED_ASSESSOR, acting_user=investigator)
    icbt = actions.do_save_arm(
        study,
        acting_user=investigator,
        code="icbt",
        label="Guided iCBT",
        programme_version=guided,
        care_model="guided",
        guidance="guided_weekly",
    )
    control = actions.do_save_arm(
        study,
        acting_user=investigator,
        code="selfhelp",
        label="Self-help",
        programme_version=selfhelp,
        care_model="unguided",
        guidance="unguided",
    )
    actions.do_add_measure(
        study, acting_user=investigator, instrument="PHQ-9", time_point="post", days=56
    )
    consent_en = actions.do_publish_consent(
        study, acting_user=investigator, language="en", text="You may take part in CALM."
    )
    actions.do_publish_consent(
        study, acting_user=investigator, language="sv", text="Du kan delta i CALM."
    )
    actions.do_open_recruitment(study, acting_user=investigator, seed=seed)
    ns = SimpleNamespace(
        study=study,
        investigator=investigator,
        coordinator=coordinator,
        assessor=assessor,
        arms={"icbt": icbt, "selfhelp": control},
        consent_en=consent_en,
        programmes={"icbt": guided, "selfhelp": selfhelp},
    )
    world.research = ns
    return ns


# The running study on the shared world (world.research is it), built once per process and
# rolled back to for each test whose fixture `research_study` asks for it (tests/snapshot.py
# finds shared data by the fixture's name; decision 0104).
shared_data("research_study", extends="world")(build_study)


def new_participant(world, n: int, *, consent=True, confirm=True):
    """A new patient at the world's clinic, invited, and (by default) consented and
    confirmed, so randomised."""
    ns = world.research
    patient, episode = make_patient(
        world.clinic, f"p{n}@alpha.test", therapist=world["therapist"], first=f"Patient{n}"
    )
    participant = actions.do_invite(ns.study, episode, acting_user=ns.coordinator)
    if consent:
        participant = actions.do_give_consent(participant, ns.consent_en, acting_user=patient.user)
    if confirm:
        participant = actions.do_confirm_eligibility(participant, acting_user=ns.coordinator)
    return participant
