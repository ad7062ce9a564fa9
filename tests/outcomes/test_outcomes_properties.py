"""Properties that hold for every episode, whatever its scores (hypothesis)."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from tessera.instruments.scoring.talking_therapies import outcome
from tessera.outcomes.cli import COLUMNS, main
from tessera.outcomes.measures import entries
from tessera.outcomes.rules import Tally, classify

USABLE = [e for e in entries() if e.status != "unconfirmed"]
DEPRESSION = [e for e in USABLE if e.role == "depression"]
ANXIETY = [e for e in USABLE if e.role == "anxiety"]


def scores(entry):
    if entry.whole_numbers:
        value = st.integers(int(entry.min), int(entry.max))
    else:
        value = st.integers(int(entry.min * 100), int(entry.max * 100)).map(lambda n: n / 100)
    return st.one_of(st.none(), value)


@st.composite
def episodes(draw):
    dep = draw(st.one_of(st.none(), st.sampled_from(DEPRESSION)))
    anx = draw(st.one_of(st.none(), st.sampled_from(ANXIETY)))
    dep_scores = [draw(scores(dep)) if dep else None for _ in range(2)]
    anx_scores = [draw(scores(anx)) if anx else None for _ in range(2)]
    contacts = draw(st.one_of(st.none(), st.integers(0, 30)))
    return dep, *dep_scores, anx, *anx_scores, contacts


@settings(max_examples=200, deadline=None)
@given(episodes())
def test_the_labels_are_consistent(episode):
    c = classify(*episode)
    assert not (c.reliable_improvement and c.reliable_deterioration)
    if c.recovered is not None:
        assert c.finished and c.caseness_start
    if c.reliable_recovery:
        assert c.recovered and c.reliable_improvement
    assert (c.reliable_recovery is None) == (c.recovered is None)
    if not c.finished:
        assert (c.recovered, c.reliable_improvement, c.reliable_deterioration) == (None,) * 3
    else:
        assert c.caseness_start is not None
        assert c.reliable_improvement is not None and c.reliable_deterioration is not None
        assert episode[-1] >= 2 and None not in episode


@settings(max_examples=200, deadline=None)
@given(episodes())
def test_a_finished_course_gets_the_labels_of_the_shared_outcome_rule(episode):
    dep, d1, d2, anx, a1, a2, contacts = episode
    c = classify(*episode)
    if not c.finished:
        return
    shared = outcome(
        d1, d2, a1, a2,
        measure=anx.measure,
        depression_measure=dep.measure,
        deterioration_excludes_improvement=True,
    )  # fmt: skip
    assert c[1:6] == (
        shared.caseness_first,
        shared.recovered,
        shared.reliable_improvement,
        shared.reliable_deterioration,
        shared.reliable_recovery,
    )


def cell(value):
    if value is None:
        return ""
    return value.code if hasattr(value, "code") else str(value)


@settings(max_examples=40, deadline=None)
@given(st.lists(episodes(), min_size=1, max_size=30))
def test_the_command_agrees_with_the_rules_and_the_summary_with_the_rows(rows):
    text = (
        ",".join(COLUMNS)
        + "\n"
        + "".join(f"e{n},p," + ",".join(cell(v) for v in row) + "\n" for n, row in enumerate(rows))
    )
    path = io.StringIO(text)
    expected = [classify(*row) for row in rows]

    out = io.StringIO()
    assert main(["classify", "-"], stdout=out, stderr=io.StringIO(), stdin=path) == 0
    flags = [line.split(",")[-6:] for line in out.getvalue().splitlines()[1:]]
    wanted = {True: "1", False: "0", None: ""}
    assert flags == [[wanted[v] for v in c[:6]] for c in expected]

    tally = Tally()
    for c in expected:
        tally.add(c)
    out = io.StringIO()
    assert main(["summarise", "-"], stdout=out, stderr=io.StringIO(), stdin=io.StringIO(text)) == 0
    assert out.getvalue().splitlines()[0] == f"episodes: {len(rows)}"
    assert f"finished: {tally.finished}/{len(rows)}" in out.getvalue()
