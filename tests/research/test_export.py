"""The de-identified export: pseudonyms only, days since randomisation, long and wide
scores, codebook types that hold, the allocation log, withdrawals as chosen, audited,
investigators only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile
import zoneinfo

import pandas as pd
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tessera.core.models import AuditEvent, Clinic, Episode
from tessera.research import actions
from tessera.research.models import Participant, ResearchMeasure
from tessera.treatment import actions as treatment
from tessera.treatment.models import DueMeasure, Response
from tests.conftest import sign_in
from tests.research.fixtures import build_study, new_participant
from tests.snapshot import shared, shared_data

FILES = [
    "participants.csv",
    "scores_long.csv",
    "scores_wide.csv",
    "routine_long.csv",
    "allocation_log.csv",
]
CASTS = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": lambda v: {"true": True, "false": False}[v],
}


def read(data: bytes) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(data))
    files = {}
    for name in archive.namelist():
        text = archive.read(name).decode()
        files[name] = (
            json.loads(text) if name.endswith(".json") else list(csv.DictReader(io.StringIO(text)))
        )
    return files


def answer(participant, total_each: int = 1):
    rm = ResearchMeasure.objects.get(participant=participant)
    with time_machine.travel(rm.due.due_at, tick=False):
        treatment.do_submit_response(
            rm.due,
            dict.fromkeys(range(1, 10), total_each),
            acting_user=participant.episode.patient.user,
            submission_key=uuid.uuid4(),
            language="en",
        )


@shared_data("exported", extends="world")
def _exported(world):
    """A study with five participants (three answered, one stopped, one removed) and its
    export: built once on the shared world and rolled back to for each test that asks
    for it (tests/snapshot.py, decision 0098); the tests read it, and what one writes
    (another export, its audit row) is rolled back after it."""
    ns = build_study(world)
    people = [new_participant(world, n) for n in range(1, 6)]
    for p in people[:3]:
        p.refresh_from_db()
        answer(p)
    actions.do_withdraw(
        people[3], acting_user=people[3].episode.patient.user, choice="stop_new_data"
    )
    actions.do_withdraw(
        people[4], acting_user=people[4].episode.patient.user, choice="remove_from_exports"
    )
    files = read(actions.do_export(ns.study, acting_user=ns.investigator))
    return ns, people, files


@pytest.fixture
def exported(request, _snapshots, db):
    """The test's own copy of the study, its participants and the export's files."""
    return shared(request, "exported")


def test_it_names_participants_only_by_pseudonym(exported):
    ns, people, files = exported
    everything = json.dumps(files)
    for p in people:
        patient = p.episode.patient
        assert patient.first_name not in everything
        assert patient.email not in everything
    rows = files["participants.csv"]
    assert {r["pseudonym"] for r in rows} == {p.pseudonym for p in people[:4]}
    assert not {"episode", "episode_id", "patient", "national_id"} & set(rows[0])


def test_dates_are_days_since_randomisation_and_scores_come_long_and_wide(exported):
    _ns, people, files = exported
    long_rows = files["scores_long.csv"]
    first = [r for r in long_rows if r["pseudonym"] == people[0].pseudonym]
    assert len(first) == 10  # nine items and the total
    total = next(r for r in first if r["item"] == "total")
    assert total["value"] == "9" and total["day"] == "56" and total["time_point"] == "post"
    wide = {r["pseudonym"]: r for r in files["scores_wide.csv"]}
    assert wide[people[0].pseudonym]["phq9_post_total"] == "9"
    assert wide[people[0].pseudonym]["phq9_post_i01"] == "1"
    assert wide[people[3].pseudonym]["phq9_post_total"] == ""


def test_withdrawals_are_handled_as_the_patient_chose(exported):
    _ns, people, files = exported
    rows = {r["pseudonym"]: r for r in files["participants.csv"]}
    assert rows[people[3].pseudonym]["withdrawn"] == "true"
    assert people[4].pseudonym not in json.dumps(files)
    assert files["study.json"]["removed_on_request"] == 1
    log = files["allocation_log.csv"]
    assert len(log) == 5 and sum(1 for r in log if r["pseudonym"] == "") == 1


def test_every_value_has_the_codebooks_type(exported):
    _ns, _people, files = exported
    book = {(r["file"], r["variable"]): r["type"] for r in files["codebook.json"]}
    assert [(r["file"], r["variable"], r["type"]) for r in files["codebook.csv"]] == [
        (r["file"], r["variable"], r["type"]) for r in files["codebook.json"]
    ]
    for name in FILES:
        for row in files[name]:
            for column, value in row.items():
                kind = book[(name, column)]
                if value != "":
                    CASTS[kind](value)


def test_the_allocation_log_matches_the_sequence(exported):
    ns, people, files = exported
    log = files["allocation_log.csv"]
    assert [r["position"] for r in log] == ["1", "2", "3", "4", "5"]
    assert files["study.json"]["randomisation"]["seed"] == ns.study.seed


def test_the_export_is_audited_and_only_for_investigators(exported, client):
    ns, _people, _files = exported
    event = AuditEvent.objects.filter(action="study.exported").get()
    assert event.changes == {"participants": 4, "withdrawn": 1, "removed_on_request": 1}
    with pytest.raises(PermissionDenied):
        actions.do_export(ns.study, acting_user=ns.coordinator)
    sign_in(client, ns.investigator)
    response = client.post(reverse("study_export", args=[ns.study.pk]))
    assert response["Content-Type"] == "application/zip"
    assert (
        f"{ns.study.key}-export-{timezone.localdate():%Y%m%d}.zip"
        in response["Content-Disposition"]
    )


def test_it_opens_in_pandas_with_the_codebooks_types(exported):
    ns, _people, _files = exported
    data = actions.do_export(ns.study, acting_user=ns.investigator)
    archive = zipfile.ZipFile(io.BytesIO(data))
    book = pd.read_csv(archive.open("codebook.csv"))
    dtypes = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
    for name in FILES:
        types = book[book.file == name].set_index("variable").type.map(dtypes).to_dict()
        frame = pd.read_csv(archive.open(name), dtype=types)
        assert list(frame.columns) == list(types)
        assert {str(t) for t in frame.dtypes} <= set(dtypes.values())
    assert len(pd.read_csv(archive.open("participants.csv"))) == 4
    scores = pd.read_csv(archive.open("scores_long.csv"), dtype={"value": "Int64"})
    assert scores[scores.item == "total"].value.sum() == 27  # three participants, 9 each


def _answer_baseline_gad(p):
    """The participant answers the GAD-7 before treatment (all 2s): its due measure."""
    gad = DueMeasure.objects.get(episode=p.episode, instrument="GAD-7", time_point="pre")
    treatment.do_submit_response(
        gad,
        dict.fromkeys(range(1, 8), 2),
        acting_user=p.episode.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )
    return gad


def test_routine_measures_come_long_before_withdrawal_only(world):
    ns = build_study(world)
    stays, leaves = new_participant(world, 1), new_participant(world, 2)
    for p in (stays, leaves):
        treatment.do_start_treatment(p.episode, acting_user=world["therapist"])
        _answer_baseline_gad(p)
    actions.do_withdraw(leaves, acting_user=leaves.episode.patient.user, choice="stop_new_data")
    phq = DueMeasure.objects.get(episode=leaves.episode, instrument="PHQ-9", time_point="pre")
    treatment.do_submit_response(
        phq,
        dict.fromkeys(range(1, 10), 1) | {10: 0},
        acting_user=leaves.episode.patient.user,
        submission_key=uuid.uuid4(),
        language="en",
    )
    files = read(actions.do_export(ns.study, acting_user=ns.investigator))
    rows = files["routine_long.csv"]
    totals = {(r["pseudonym"], r["instrument"]): r for r in rows if r["item"] == "total"}
    assert set(totals) == {(stays.pseudonym, "GAD-7"), (leaves.pseudonym, "GAD-7")}
    gad = totals[(stays.pseudonym, "GAD-7")]
    assert gad["value"] == "14" and gad["time_point"] == "pre" and gad["day"] == "0"
    assert gad["arm"] == stays.arm.code
    assert len([r for r in rows if r["pseudonym"] == stays.pseudonym]) == 8  # 7 items, total


def test_a_scottish_participants_days_are_counted_on_its_clinics_calendar(world):
    """Randomised at 23:30 in Scotland (00:30 the next day in Stockholm), started that
    same day there, and answered at 00:30 two days later: day 0 and day 2 on the
    clinic's calendar, not day -1 and 1 on the server's (decision 0116)."""
    Clinic.objects.filter(pk=world.clinic.pk).update(time_zone="Europe/London")
    ns = build_study(world)
    p = new_participant(world, 1)
    london = zoneinfo.ZoneInfo("Europe/London")
    randomised = dt.datetime(2027, 3, 1, 23, 30, tzinfo=london)
    treatment.do_start_treatment(p.episode, acting_user=world["therapist"])
    Participant.objects.filter(pk=p.pk).update(randomised_at=randomised)
    Episode.objects.filter(pk=p.episode_id).update(started_on=dt.date(2027, 3, 1))
    gad = _answer_baseline_gad(p)
    answered = dt.datetime(2027, 3, 3, 0, 30, tzinfo=london)
    Response.objects.filter(due=gad).update(submitted_at=answered)  # test data
    files = read(actions.do_export(ns.study, acting_user=ns.investigator))
    (row,) = files["participants.csv"]
    assert row["treatment_started_day"] == "0"
    (total,) = [r for r in files["routine_long.csv"] if r["item"] == "total"]
    assert total["day"] == "2"
