"""The deterioration check's one row per series (decision 0059): the database returns,
per episode and instrument, the latest scored response beside its baseline (the
"before treatment" one when there is one, else the first), only where the latest is
higher and later. Hand-built series, compared with the whole series checked in Python
(``baseline`` and ``reliable_change_for``, the rule's own definition), by the caseload's
ids and by the clinics' ranges; run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tessera.inbox import activity, worklist
from tessera.instruments.scoring import UnknownInstrumentError, load_definition
from tessera.instruments.scoring.change import reliable_change_for
from tessera.treatment.latest_scores import baseline
from tessera.treatment.models import DueMeasure, Response
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
WEEK = dt.timedelta(weeks=1)

# (instrument, [(total or None, weeks after T0, time point of its due or None)]), and
# whether the series is a reliable deterioration (PHQ-9: 6 points; GAD-7: 4).
SERIES = [
    ("rise of six from the first", "PHQ-9", [(5, 0, None), (8, 1, None), (11, 2, None)], True),
    ("rise of five: not reliable", "PHQ-9", [(5, 0, None), (10, 2, None)], False),
    ("a fall", "PHQ-9", [(20, 0, None), (3, 2, None)], False),
    ("one response", "PHQ-9", [(20, 0, None)], False),
    # The "before treatment" one is the baseline even when an earlier one exists.
    (
        "from the pre one, not the first",
        "PHQ-9",
        [(0, 0, None), (9, 1, "pre"), (14, 3, None)],
        False,
    ),
    ("pre one low, first high", "PHQ-9", [(20, 0, None), (2, 1, "pre"), (9, 3, None)], True),
    # Latest lower than an earlier peak but reliably above the baseline.
    ("peak then down, still up", "GAD-7", [(2, 0, None), (20, 1, None), (7, 2, None)], True),
    ("rose then back", "GAD-7", [(2, 0, None), (20, 1, None), (3, 2, None)], False),
    # Unscored answers are not part of the series.
    ("unscored latest", "PHQ-9", [(2, 0, None), (20, 1, None), (None, 2, None)], True),
    ("unknown instrument", "NO-SUCH-1", [(0, 0, None), (30, 2, None)], False),
    # The same moment: the later id is the latest, but it is not later than the baseline.
    ("same moment", "PHQ-9", [(0, 0, None), (20, 0, None)], False),
    # The pre one submitted last is both baseline and latest.
    ("pre one last", "PHQ-9", [(0, 0, None), (20, 1, "pre")], False),
]


def _respond(episode, instrument, total, at, time_point, sequence):
    due = None
    if time_point is not None:
        due = DueMeasure.objects.create(
            episode=episode,
            instrument=instrument,
            time_point=time_point,
            sequence=sequence,
            opens_at=at,
            due_at=at,
            expires_at=at + WEEK,
            completed_at=at,
        )
    return Response.objects.create(
        episode=episode,
        due=due,
        instrument=instrument,
        instrument_version="1",
        language="en",
        answers={},
        total=total,
        result={},
        submitted_at=at,
        submitted_by=episode.patient.user,
        submission_key=uuid.uuid4(),
    )


def _by_python(episodes) -> set[tuple[int, str, int, int]]:
    """(episode, instrument, baseline pk, latest pk) of the reliable rises, from every
    scored response of the series, in Python."""
    found = set()
    for episode in episodes:
        scored = Response.objects.filter(episode=episode, total__isnull=False).select_related("due")
        by_instrument: dict[str, list] = {}
        for response in scored.order_by("submitted_at", "id"):
            by_instrument.setdefault(response.instrument, []).append(response)
        for code, answers in by_instrument.items():
            first, latest = baseline(answers), answers[-1]
            if latest.pk == first.pk or latest.submitted_at <= first.submitted_at:
                continue
            try:
                definition = load_definition(code)
            except UnknownInstrumentError:
                continue
            change = reliable_change_for(definition, first.total, latest.total)
            if change is not None and change.direction == "deteriorated":
                found.add((episode.pk, code, first.pk, latest.pk))
    return found


@pytest.fixture
def series(world):
    episodes, expected = [], {}
    for index, (name, code, answers, deteriorated) in enumerate(SERIES):
        _patient, episode = make_patient(
            world.clinic, f"series{index}@example.org", therapist=world["therapist"]
        )
        for sequence, (total, weeks, point) in enumerate(answers):
            _respond(episode, code, total, T0 + weeks * WEEK, point, sequence)
        episodes.append(episode)
        expected[episode.pk] = (name, deteriorated)
    # A second instrument on the first episode, deteriorating too.
    _respond(episodes[0], "GAD-7", 1, T0, None, 0)
    _respond(episodes[0], "GAD-7", 9, T0 + WEEK, None, 1)
    return episodes, expected


@pytest.mark.parametrize("by_clinic", [False, True])
def test_the_series_found_are_those_the_whole_series_shows(world, series, by_clinic):
    episodes, expected = series
    caseload = worklist.counted_caseload(
        type(episodes[0]).objects.filter(pk__in=[e.pk for e in episodes])
    )
    clinics = [world.clinic.pk] if by_clinic else None
    found = {
        (latest.episode.pk, definition.code, first.pk, latest.pk)
        for definition, first, latest in activity._deteriorated(caseload, clinics)
    }
    assert found == _by_python(episodes)
    flagged = {episode_pk for episode_pk, *_rest in found}
    for pk, (name, deteriorated) in expected.items():
        assert (pk in flagged) == deteriorated, name
    assert sum(1 for e, code, *_r in found if e == episodes[0].pk) == 2  # PHQ-9 and GAD-7
    count = activity.count_deteriorations(caseload, None, clinics)
    assert count == len(found)


def test_the_rows_say_the_baseline_and_latest_scores(world, series):
    episodes, _expected = series
    pre_low = episodes[5]  # "pre one low, first high": 2 (pre) -> 9
    rows = activity.deteriorations([pre_low.pk], T0 + 10 * WEEK)
    assert len(rows) == 1
    assert rows[0].reason.startswith("PHQ-9 rose from 2 (")
    assert " to 9 (" in rows[0].reason
