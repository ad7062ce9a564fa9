"""The read API for record systems: $everything, searches with paging and the
OperationOutcome errors; a token's scopes and its client's clinic or region limit what
it sees."""

from __future__ import annotations

import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle

from tessera.core.models import AuditEvent
from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure
from tests.fhir.record_fixtures import fill_episode
from tests.fhir.smart_helpers import KeyPair, get_token, register


@pytest.fixture
def filled(world):
    fill_episode(world)
    due = DueMeasure.objects.get(episode=world.episode, instrument="PHQ-9", time_point="pre")
    world.phq = treatment.do_submit_response(
        due,
        dict.fromkeys(range(1, 10), 2) | {10: 1},
        acting_user=world.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )
    return world


def _bearer(client, world, *, scope="system/*.rs", clinic="clinic", region=None):
    keys = KeyPair()
    where = {"region": world.region} if region else {"clinic": getattr(world, clinic)}
    registered = register(keys=keys, scope=scope, **where)
    return {"HTTP_AUTHORIZATION": f"Bearer {get_token(client, keys, registered, scope)}"}


def _get(client, url, auth, status=200, **params):
    response = client.get(url, params, **auth)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/fhir+json"
    return response.json()


def test_everything_holds_the_patients_record_and_validates(client, filled):
    auth = _bearer(client, filled)
    bundle = _get(client, f"/fhir/Patient/{filled.patient.pk}/$everything", auth)
    Bundle.model_validate(bundle)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds >= {
        "Patient",
        "EpisodeOfCare",
        "Condition",
        "CarePlan",
        "QuestionnaireResponse",
        "Observation",
        "Encounter",
        "Communication",
        "Flag",
        "DocumentReference",
    }
    assert bundle["total"] == len(bundle["entry"])
    event = AuditEvent.objects.filter(action="fhir.api_read").latest("id")
    assert event.patient == filled.patient and event.changes["client"] == "EHR Norr"


def test_everything_leaves_out_what_the_scopes_do_not_allow(client, filled):
    auth = _bearer(client, filled, scope="system/Patient.r system/Observation.rs")
    bundle = _get(client, f"/fhir/Patient/{filled.patient.pk}/$everything", auth)
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {"Patient", "Observation"}


def test_observation_search_pages_with_next_links(client, filled):
    auth = _bearer(client, filled)
    first = _get(client, "/fhir/Observation", auth, patient=filled.patient.pk, _count=1)
    assert first["total"] == 2 and len(first["entry"]) == 1
    (following,) = [link["url"] for link in first["link"] if link["relation"] == "next"]
    second = _get(client, following.removeprefix("http://testserver"), auth)
    assert len(second["entry"]) == 1
    assert not [link for link in second["link"] if link["relation"] == "next"]
    ids = {first["entry"][0]["resource"]["id"], second["entry"][0]["resource"]["id"]}
    assert ids == {f"total-{filled.response.pk}", f"total-{filled.phq.pk}"}


def test_observation_search_by_code_and_date(client, filled):
    auth = _bearer(client, filled)
    gad = _get(client, "/fhir/Observation", auth, code="http://loinc.org|70274-6")
    assert [e["resource"]["valueInteger"] for e in gad["entry"]] == [7]
    phq = _get(client, "/fhir/Observation", auth, code="44261-6")
    assert [e["resource"]["valueInteger"] for e in phq["entry"]] == [18]
    later = _get(client, "/fhir/Observation", auth, date="ge2100-01-01")
    assert later["total"] == 0
    earlier = _get(client, "/fhir/Observation", auth, date="ge2000-01-01")
    assert earlier["total"] == 2
    assert _get(client, "/fhir/Observation", auth, _since="2100-01-01T00:00:00Z")["total"] == 0


def test_questionnaire_response_and_episode_searches(client, filled):
    auth = _bearer(client, filled)
    responses = _get(client, "/fhir/QuestionnaireResponse", auth, patient=filled.patient.pk)
    assert {e["resource"]["resourceType"] for e in responses["entry"]} == {"QuestionnaireResponse"}
    assert responses["total"] == 2
    episodes = _get(client, "/fhir/EpisodeOfCare", auth)
    assert episodes["total"] == 2  # the clinic's two patients, not the far clinic's
    mine = _get(client, "/fhir/EpisodeOfCare", auth, patient=f"Patient/{filled.patient.pk}")
    assert [e["resource"]["id"] for e in mine["entry"]] == [str(filled.episode.pk)]


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"colour": "blue"}, "colour"),
        ({"_count": "many"}, "_count"),
        ({"_count": "0"}, "_count"),
        ({"date": "yesterday"}, "date"),
        ({"_since": "2026-01-01T10:00:00"}, "_since"),
        ({"patient": "Group/1"}, "patient"),
        ({"code": "http://snomed.info/sct|123"}, "code"),
    ],
)
def test_bad_parameters_get_400_with_an_outcome(client, filled, params, where):
    auth = _bearer(client, filled)
    outcome = _get(client, "/fhir/Observation", auth, 400, **params)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == [where]


def test_a_wrong_scope_gets_403_with_an_outcome(client, filled):
    auth = _bearer(client, filled, scope="system/Patient.rs")
    outcome = _get(client, "/fhir/Observation", auth, 403)
    assert outcome["issue"][0]["code"] == "forbidden"
    assert AuditEvent.objects.filter(action="security.fhir_scope_refused").count() == 1


def test_without_a_token_401(client, filled):
    for url in ["/fhir/Observation", f"/fhir/Patient/{filled.patient.pk}/$everything"]:
        outcome = _get(client, url, {}, 401)
        assert outcome["issue"][0]["code"] == "login"
    referral_token = {"HTTP_AUTHORIZATION": "Bearer tsr_a-referrer-token"}
    _get(client, "/fhir/Observation", referral_token, 401)


def test_a_client_of_another_clinic_sees_nothing_of_this_one(client, filled):
    auth = _bearer(client, filled, clinic="other_clinic")
    assert _get(client, "/fhir/Observation", auth)["total"] == 0
    assert _get(client, "/fhir/EpisodeOfCare", auth)["total"] == 1  # its own patient
    _get(client, f"/fhir/Patient/{filled.patient.pk}/$everything", auth, 404)
    _get(client, f"/fhir/Patient/{filled.patient.pk}", auth, 404)
    assert not AuditEvent.objects.filter(action="fhir.api_read", patient=filled.patient).exists()


def test_a_region_client_sees_every_clinic_of_the_region(client, filled):
    auth = _bearer(client, filled, region=True)
    assert _get(client, "/fhir/EpisodeOfCare", auth)["total"] == 3
    patient = _get(client, f"/fhir/Patient/{filled.far_patient.pk}", auth)
    assert patient["id"] == str(filled.far_patient.pk)


def test_since_on_episodes_follows_their_audited_changes(client, filled):
    """_since on EpisodeOfCare: an episode counts once opened, changed by an audited
    action, or assessed at or after the instant; being read does not change it."""
    import datetime as dt

    import time_machine
    from django.test import Client
    from django.utils import timezone

    from tessera.appointments.actions import do_change_care_model
    from tessera.core.models import Episode
    from tests.conftest import sign_in

    auth = _bearer(client, filled)
    now = timezone.now()
    since = (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _get(client, "/fhir/EpisodeOfCare", auth, _since=since)["total"] == 0
    with time_machine.travel(now + dt.timedelta(hours=2)):
        auth = _bearer(client, filled)  # the first token has expired
        # a read of the episode is audited too, but is no change
        _get(client, f"/fhir/Patient/{filled.patient.pk}/$everything", auth)
        staff = Client()
        sign_in(staff, filled["therapist"])
        assert staff.get(f"/episodes/{filled.episode.pk}/fhir/").status_code == 200
        other = next(v for v in Episode.CareModel.values if v != filled.episode.care_model)
        assert _get(client, "/fhir/EpisodeOfCare", auth, _since=since)["total"] == 0
        do_change_care_model(
            filled.episode, acting_user=filled["therapist"], to_model=other, reason="Prefers video"
        )
        found = _get(client, "/fhir/EpisodeOfCare", auth, _since=since)
        assert [e["resource"]["id"] for e in found["entry"]] == [str(filled.episode.pk)]
        assert found["entry"][0]["resource"]["type"][0]["coding"][0]["code"] == other
        assert _get(client, "/fhir/EpisodeOfCare", auth, _since="2000-01-01")["total"] == 2


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/fhir/Condition"),
        ("get", "/fhir/Patient/abc/$everything"),
        ("get", "/fhir/Banana/1"),
        ("post", "/fhir/Observation/1/$validate"),
    ],
)
def test_what_is_not_served_gets_an_operation_outcome_not_a_page(client, method, url):
    """Found by hand against runserver: these answered with the site's HTML 404."""
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == "not-supported"


def test_a_patient_id_past_the_largest_key_is_not_found(client, filled):
    """Found by the fuzzer: ``/fhir/Patient/9223372036854775808`` (one past a bigint)
    answered 500 on SQLite (the id did not fit the query); it is no patient."""
    auth = _bearer(client, filled)
    for url in [
        "/fhir/Patient/9223372036854775808",
        "/fhir/Patient/99999999999999999999/$everything",
    ]:
        outcome = _get(client, url, auth, 404)
        assert outcome["issue"][0]["code"] == "not-found"


def test_a_moment_at_the_end_of_the_calendar_is_a_bad_request(client, filled):
    """Found by the fuzzer: ``_since=0001-01-01T00:00:00+14:00`` is before the first
    moment a timestamp holds in UTC (and 9999-12-31T23:00:00-14:00 after the last): 500."""
    auth = _bearer(client, filled)
    for query in [
        "_since=0001-01-01T00:00:00%2B14:00",
        "_since=9999-12-31T23:00:00-14:00",
        "date=ge0001-01-01T00:00:00%2B14:00",
    ]:
        outcome = _get(client, f"/fhir/Observation?{query}", auth, 400)
        assert "outside the dates" in outcome["issue"][0]["diagnostics"]
    _get(client, "/fhir/QuestionnaireResponse?_since=0001-01-01T00:00:00%2B14:00", auth, 400)
