"""The study roles as rows: investigator, research coordinator, blinded outcome assessor,
a researcher of the clinic outside the study, the participant's therapist, and the
participant. A blinded assessor sees the research measures but never the arm, the plan
or the messages (404s), and the arm's name appears nowhere on their pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_user, sign_in
from tests.research.fixtures import build_study, new_participant
from tests.snapshot import shared, shared_data

KINDS = ["investigator", "coordinator", "assessor", "outsider", "therapist", "participant"]
OK, DENY, REDIRECT = 200, "deny", 302

# name: (kwargs key, method, {kind: outcome}); kinds not named are denied.
ROWS = {
    "study_detail": ("study", "get", {"investigator": OK, "coordinator": OK, "assessor": OK}),
    "study_participants": (
        "study",
        "get",
        {"investigator": OK, "coordinator": OK, "assessor": OK},
    ),
    "study_consort": ("study", "get", {"investigator": OK, "coordinator": OK}),
    "study_export": ("study", "get", {"investigator": OK}),
    "study_open": ("study", "post", {"investigator": REDIRECT}),
    "participant_detail": (
        "participant",
        "get",
        {"investigator": OK, "coordinator": OK, "assessor": OK},
    ),
    "participant_deviation": (
        "participant",
        "post",
        {"investigator": REDIRECT, "coordinator": REDIRECT},
    ),
    "participant_unblind": ("participant", "post", {"investigator": REDIRECT}),
    "episode_messages": ("episode", "get", {"therapist": OK}),
    "plan": ("patient", "get", {"therapist": OK}),
    "patient_detail": ("patient", "get", {"therapist": OK}),
    "patient_measures": ("patient", "get", {"therapist": OK}),
    "my_studies": (None, "get", {"participant": OK}),
}


@shared_data("access_trial", extends="world")
def build_trial(world):
    """The running study, a randomised participant and a researcher outside the study,
    built once per process on the shared world and rolled back to for each test
    (tests/snapshot.py; decision 0104: it was built again for each of the 16 tests)."""
    ns = build_study(world)
    participant = new_participant(world, 1)
    participant.refresh_from_db()
    outsider = make_user("outsider@alpha.test", second_factor=True)
    from tessera.core import actions as core_actions
    from tessera.core.roles import Role

    core_actions.do_grant_role(outsider, world.clinic, Role.RESEARCHER)
    users = {
        "investigator": ns.investigator,
        "coordinator": ns.coordinator,
        "assessor": ns.assessor,
        "outsider": outsider,
        "therapist": world["therapist"],
        "participant": participant.episode.patient.user,
    }
    keys = {
        "study": {"pk": ns.study.pk},
        "participant": {"pk": participant.pk},
        "episode": {"episode_id": participant.episode_id},
        "patient": {"pk": participant.episode.patient_id},
        None: {},
    }
    return ns, participant, users, keys


@pytest.fixture
def access_trial(request, _snapshots, db):
    """The test's own copy of the study, its people and the keys of its pages (the
    fixture's name is the shared data's: tests/snapshot.py finds it by name)."""
    return shared(request, "access_trial")


@pytest.fixture
def trial(access_trial):
    return access_trial


@pytest.mark.parametrize("name", sorted(ROWS))
def test_study_roles(name, trial, client):
    _ns, _participant, users, keys = trial
    key, method, allowed = ROWS[name]
    url = reverse(name, kwargs=keys[key])
    failures = []
    for kind in KINDS:
        sign_in(client, users[kind])
        data = {"ub-reason": "test", "dv-description": "test"} if method == "post" else {}
        response = getattr(client, method)(url, data)
        expected = allowed.get(kind, DENY)
        got = response.status_code
        fine = got in (403, 404) if expected == DENY else got == expected
        if not fine:
            failures.append(f"{kind}: expected {expected}, got {got}")
        client.logout()
    assert not failures, f"{name}:\n" + "\n".join(failures)


def test_the_blinded_assessor_never_reads_the_arm(trial, client):
    ns, participant, users, keys = trial
    sign_in(client, users["assessor"])
    pages = [
        reverse("study_detail", kwargs=keys["study"]),
        reverse("study_participants", kwargs=keys["study"]),
        reverse("participant_detail", kwargs=keys["participant"]),
    ]
    for url in pages:
        text = client.get(url).content.decode()
        for arm in ns.arms.values():
            assert arm.label not in text, url
            assert arm.programme_version.title not in text, url
        assert participant.episode.patient.first_name not in text
    text = client.get(reverse("participant_detail", kwargs=keys["participant"])).content.decode()
    assert "PHQ-9" in text and "Blinded" in text


def test_unblinding_reveals_the_arm_with_its_reason(trial, client):
    from tessera.core.models import AuditEvent
    from tessera.research import actions

    ns, participant, users, keys = trial
    actions.do_unblind(participant, acting_user=ns.investigator, reason="Serious adverse event")
    assert AuditEvent.objects.filter(action="research.unblinded").get().changes["reason"] == (
        "Serious adverse event"
    )
    sign_in(client, users["assessor"])
    text = client.get(reverse("participant_detail", kwargs=keys["participant"])).content.decode()
    participant.refresh_from_db()
    assert participant.arm.label in text and "Serious adverse event" in text


def test_reads_by_study_staff_are_audited(trial, client):
    from tessera.core.models import AuditEvent

    _ns, participant, users, keys = trial
    sign_in(client, users["assessor"])
    client.get(reverse("participant_detail", kwargs=keys["participant"]))
    event = AuditEvent.objects.filter(action="research.measures_viewed").get()
    assert event.patient_id == participant.episode.patient_id and event.purpose == "research"
