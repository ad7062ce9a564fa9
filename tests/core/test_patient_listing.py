"""The patient list sorted and searched from the scope's episode entries (issue 16): the
same patients as the access scope, never one outside it, and the episodes' copies of
the patients' names kept by the database whatever writes the rows."""

import pytest
from django.urls import reverse

from tessera.core import access, actions
from tessera.core.models import Episode, Patient
from tessera.feedback.actions import do_create_training_patient
from tessera.treatment.actions import do_open_episode
from tests.conftest import make_patient
from tests.core.test_scale import EPISODE_LIST_INDEXES, _plan, explain, postgres_only
from tests.snapshot import shared, shared_data

KINDS = ["therapist", "colleague", "manager", "intake", "supervisor", "other_therapist"]


def _listed(client, **params):
    response = client.get(reverse("patient_list"), params)
    assert response.status_code == 200
    return [p.pk for p in response.context["page"].object_list]


def _expected(user, query=""):
    patients = Patient.objects.visible_to(user).real()
    if query:
        patients = [
            p
            for p in patients
            if query.lower() in p.first_name.lower()
            or query.lower() in p.last_name.lower()
            or p.national_id == query
        ]
    return [p.pk for p in patients]  # in Patient.Meta.ordering


@shared_data("crowd", extends="world")
def _crowd(world):
    """More patients than a page: the colleague's caseload, a second episode of the
    therapist's patient, the other clinic's, and a practice patient of the therapist.
    Built once on the shared world and rolled back to for each test that asks for it
    (tests/snapshot.py, decision 0093)."""
    for n in range(30):
        make_patient(
            world.clinic, f"c{n}@alpha.test", therapist=world["colleague"], last=f"Lar{n:02d}"
        )
    do_open_episode(world.patient, world.clinic, status="waiting", therapist=world["therapist"])
    make_patient(world.other_clinic, "beta2@beta.test", therapist=world["other_therapist"])
    for patient, number in [(world.other_patient, "111"), (world.far_patient, "222")]:
        Patient.objects.filter(pk=patient.pk).update(national_id_country="SE", national_id=number)
    training = do_create_training_patient(
        world["therapist"], world.clinic, acting_user=world["therapist"]
    )
    return training.patient


@pytest.fixture
def crowd(request, _snapshots, db):
    """The test's own copy of the practice patient (and of the world it was built on)."""
    return shared(request, "crowd")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("query", ["", "lar", "LAR0", "111", "222", "Practice"])
def test_the_list_and_search_show_exactly_the_scopes_real_patients(
    world, login, crowd, kind, query
):
    user = world[kind]
    client = login(user)
    got = _listed(client, q=query) if query else _listed(client)
    got += _listed(client, q=query, page=2) if len(got) == 25 else []
    assert got == _expected(user, query)[: len(got)]
    assert len(got) == min(len(_expected(user, query)), 50)
    assert crowd.pk not in got  # the practice patient, found by its name or not


def test_a_therapist_never_lists_or_finds_another_caseloads_patient(world, login, crowd):
    client = login(world["therapist"])
    assert _listed(client) == [world.patient.pk]  # once, though two episodes
    assert _listed(client, q="Berg") == []  # the colleague's patient, by name
    assert _listed(client, q="111") == []  # and by identity number
    assert _listed(client, q="222") == []  # the other clinic's
    assert _listed(client, q="Lar03") == []
    assert _listed(client, q="Practice") == []  # the practice patient
    assert _listed(client, q="Larsson") == [world.patient.pk]
    manager = login(world["manager"])
    assert _listed(manager, q="111") == [world.other_patient.pk]
    assert _listed(manager, q="222") == []
    assert world.far_patient.pk not in _listed(manager, q="Ient")


def test_a_count_of_the_list_is_the_scopes_count(world, login, crowd):
    for kind in ["therapist", "manager"]:
        page = login(world[kind]).get(reverse("patient_list")).context["page"]
        assert page.paginator.count == len(_expected(world[kind]))
        assert page.paginator.count == access.count_real_patients_visible_to(world[kind])


def _names(patient):
    return set(
        Episode.objects.filter(patient=patient).values_list(
            "patient_last_name", "patient_first_name"
        )
    )


def test_the_episodes_keep_their_patients_name_however_written(world, login):
    assert _names(world.patient) == {("Larsson", "Pia")}
    actions.do_update_patient_details(
        world.patient, acting_user=world["manager"], last_name="Öberg", first_name="Pia"
    )
    assert _names(world.patient) == {("Öberg", "Pia")}
    # A stale copy in memory does not overwrite the database's own on a later save.
    world.episode.patient_last_name = "Larsson"
    world.episode.status = Episode.Status.WAITING
    world.episode.save()
    assert _names(world.patient) == {("Öberg", "Pia")}
    # Rows written in bulk, and a patient's rename by a plain update, too.
    Episode.objects.bulk_create([Episode(patient=world.other_patient, clinic=world.clinic)])
    Patient.objects.filter(pk=world.other_patient.pk).update(last_name="Ahl")
    assert _names(world.other_patient) == {("Ahl", "Olle")}
    client = login(world["manager"])
    assert _listed(client, q="Larsson") == []
    # Every letter found without regard to case, on SQLite too (decision 0156).
    assert _listed(client, q="öberg") == [world.patient.pk]
    assert _listed(client, q="ÖBERG") == [world.patient.pk]
    assert _listed(client)[:2] == [world.other_patient.pk, world.patient.pk]


@postgres_only
@pytest.mark.parametrize("kind", ["therapist", "manager"])
@pytest.mark.parametrize("query", ["", "lar"])
def test_the_list_reads_no_patient_row_to_sort_search_or_show(world, kind, query):
    """Sorting, searching and showing a page read the scope's episode entries; no
    patient row is read (only the training ones and the identity number, by index)."""
    entries = access.real_patient_listing(world[kind], query)
    for queryset in (entries[:25], entries):
        plan = _plan(queryset, only={"treatment_episode": EPISODE_LIST_INDEXES})
        assert "Seq Scan on treatment_episode" not in plan, plan
        for node in ("core_patient_pkey", "Join on core_patient"):
            assert node not in plan, plan
        assert "episode_clinic_patient" in plan or "episode_therapist_patient" in plan, plan


@postgres_only
@pytest.mark.parametrize("kind", ["therapist", "manager"])
def test_each_arm_of_the_scope_is_one_index_only_range(world, kind):
    """Decision 0080: the arms of the scope are read on their own (a UNION), the role's
    arm from its covering index alone (no episode row read, however many clinics the
    country has), and a grant's arm joined from the live grants to the primary key
    (a plain IN, not an array weighed against the clinic's whole range)."""
    sql, params = access.real_patient_listing(world[kind])[:25].query.sql_with_params()
    assert " UNION " in sql
    assert "= ANY(ARRAY" not in sql.split(" UNION ")[1], sql
    # (The covering indexes and the primary key alone: on a few rows the (clinic, status)
    # index and the rows read from the table cost as little.)
    plan = explain(
        sql, params, off=["seqscan", "bitmapscan"], only={"treatment_episode": EPISODE_LIST_INDEXES}
    )
    role_index = "episode_therapist_patient" if kind == "therapist" else "episode_clinic_patient"
    assert f"Index Only Scan using {role_index} on treatment_episode" in plan, plan
    assert "core_patient_pkey" not in plan, plan


@postgres_only
@pytest.mark.parametrize("kind", ["therapist", "manager"])
def test_a_grants_arm_enters_by_the_grants_alone(world, kind):
    """Decision 0080: in a grant's arm the clinics only filter (``+ 0``, no index's key),
    so PostgreSQL cannot read the clinic's range of the covering index instead of joining
    from the few live grants (it did at 100k patients, estimating the demo clinic at 4 of
    its 355 episodes). The role's arm still reads its clinic's range."""
    sql, _params = access.real_patient_listing(world[kind], "lar").query.sql_with_params()
    arms = sql.split(" UNION ")
    grant = [arm for arm in arms if "consultation_consultationrequest" in arm]
    assert len(grant) == 1, sql
    assert '("treatment_episode"."clinic_id" + 0) = ANY(' in grant[0], grant[0]
    assert '"treatment_episode"."id" IN (SELECT' in grant[0], grant[0]
    roles = [arm for arm in arms if arm not in grant]
    assert roles and all('"clinic_id" + 0' not in arm for arm in roles), sql


def test_the_list_shows_the_episodes_copy_of_the_date_of_birth(world, login):
    """The page's patients are made from their episode entries: the date of birth is
    the episodes' copy, kept by the database when it changes (core 0026)."""
    import datetime

    client = login(world["manager"])
    Patient.objects.filter(pk=world.patient.pk).update(date_of_birth=datetime.date(1970, 2, 3))
    listed = client.get(reverse("patient_list")).context["page"].object_list
    mine = next(p for p in listed if p.pk == world.patient.pk)
    assert mine.date_of_birth == datetime.date(1970, 2, 3)
    assert set(
        Episode.objects.filter(patient=world.patient).values_list(
            "patient_date_of_birth", flat=True
        )
    ) == {datetime.date(1970, 2, 3)}
    new = Episode.objects.create(patient=world.patient, clinic=world.other_clinic)
    new.refresh_from_db()
    assert new.patient_date_of_birth == datetime.date(1970, 2, 3)
