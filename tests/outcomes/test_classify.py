"""Hand-scored episodes through the outcome engine (tessera.outcomes), one row each.

Every expected row below was worked out by hand from the rules in docs/outcomes.md:
PHQ-9 caseness 10 / reliable change 6, GAD-7 8 / 4, PDSS 8 / 5, Mobility Inventory
(alone) 2.3 / 0.73. The columns of an expected row are finished, caseness_start,
recovered, reliable_improvement, reliable_deterioration, reliable_recovery.
"""

import csv
import io

import pytest

from tessera.outcomes.cli import COLUMNS, OUTCOME_COLUMNS, main

HEADER = ",".join(COLUMNS) + "\n"

CASES = [
    pytest.param(
        "e1,depression,PHQ-9,15,8,GAD-7,12,6,1",
        "0,1,,,,",
        # One attended contact: not a finished course, whatever the scores did. Caseness
        # at start is still known (PHQ-9 15 >= 10); every other label is empty.
        id="not-finished-one-contact",
    ),
    pytest.param(
        "e2,depression,PHQ-9,8,4,GAD-7,6,2,4",
        "1,0,,1,0,",
        # Finished, but below both cut-offs at the start (8 < 10, 6 < 8): recovery does not
        # apply (empty), and neither does reliable recovery. GAD-7 fell 4 (= its reliable
        # change), PHQ-9 fell 4 (< 6): reliable improvement, no deterioration.
        id="finished-not-at-caseness",
    ),
    pytest.param(
        "e3,depression,PHQ-9,15,8,GAD-7,12,6,6",
        "1,1,1,1,0,1",
        # At caseness at the start (15 >= 10); at the end below both (8 < 10, 6 < 8):
        # recovered. PHQ-9 fell 7 (>= 6), GAD-7 fell 6 (>= 4): reliable improvement, so
        # reliable recovery.
        id="recovered-and-reliably",
    ),
    pytest.param(
        "e4,depression,PHQ-9,16,9,GAD-7,5,10,6",
        "1,1,0,0,0,0",
        # PHQ-9 fell 7 (reliable improvement) but GAD-7 rose 5 (reliable deterioration):
        # the labels are exclusive, so neither. At the end GAD-7 10 >= 8 is at caseness:
        # not recovered, so not reliably recovered.
        id="improved-on-one-deteriorated-on-the-other-is-neither",
    ),
    pytest.param(
        "e5,depression,PHQ-9,11,18,GAD-7,9,10,3",
        "1,1,0,0,1,0",
        # PHQ-9 rose 7 (>= 6), GAD-7 rose 1: reliable deterioration only. Still at
        # caseness at the end: not recovered.
        id="deterioration-only",
    ),
    pytest.param(
        "e6,depression,PHQ-9,12,9,GAD-7,9,7,5",
        "1,1,1,0,0,0",
        # Crosses below both cut-offs (9 < 10, 7 < 8): recovered. But PHQ-9 fell only 3
        # and GAD-7 only 2: no reliable improvement, so not reliable recovery.
        id="recovered-without-reliable-improvement",
    ),
    pytest.param(
        "e7,depression,PHQ-9,10,4,GAD-7,7,7,2",
        "1,1,1,1,0,1",
        # Boundaries: PHQ-9 10 is at caseness (at or above the cut-off), a fall of exactly
        # 6 is reliable, and two contacts are enough to finish.
        id="boundaries-are-inclusive",
    ),
    pytest.param(
        "e8,panic disorder,PHQ-9,7,6,PDSS,15,7,8",
        "1,1,1,1,0,1",
        # Panic: PDSS is the anxiety measure. PHQ-9 7 < 10 but PDSS 15 >= 8: at caseness.
        # At the end 6 < 10 and 7 < 8: recovered. PDSS fell 8 (>= 5): reliably recovered.
        id="pdss-panic-recovered",
    ),
    pytest.param(
        "e9,panic disorder,PHQ-9,6,5,PDSS,12,8,8",
        "1,1,0,0,0,0",
        # PDSS fell 4: reliable on GAD-7's 4 points, but PDSS needs 5, so no reliable
        # improvement. PDSS 8 at the end is still at caseness (>= 8): not recovered.
        id="pdss-uses-its-own-reliable-change",
    ),
    pytest.param(
        "e10,agoraphobia,PHQ-9,12,9,MI-Alone,2.01,1.28,6",
        "1,1,1,1,0,1",
        # Mobility Inventory scores are means. 2.01 - 1.28 is exactly 0.73, the reliable
        # change (in binary floating point it is a hair less: the rule still counts it).
        # PHQ-9 12 carries caseness; at the end 9 < 10 and 1.28 < 2.3: recovered.
        id="mobility-inventory-mean-scores",
    ),
    pytest.param(
        "e11,depression,PHQ-9,15,,GAD-7,12,6,5",
        "0,1,,,,",
        # No last PHQ-9: the scores are not paired, so the course is not finished even
        # with five contacts. The first PHQ-9 (15) shows caseness at the start.
        id="empty-last-score-is-not-paired",
    ),
    pytest.param(
        "e12,depression,PHQ-9,5,,GAD-7,3,,",
        "0,0,,,,",
        # Unknown contacts and no last scores: not finished. Both first scores are known
        # and below their cut-offs: not at caseness.
        id="empty-contacts-and-last-scores",
    ),
    pytest.param(
        "e13,depression,PHQ-9,,4,GAD-7,5,2,6",
        "0,,,,,",
        # The first PHQ-9 is missing and GAD-7 5 is below 8: caseness at the start cannot
        # be known (PHQ-9 might have been at 10 or more), so it is empty.
        id="caseness-unknown-without-a-first-score",
    ),
    pytest.param(
        "e14,depression,PHQ-9,14,6,,,,9",
        "0,1,,,,",
        # Only the depression measure: NHS Talking Therapies pairs PHQ-9 with an anxiety
        # measure, so one measure alone is not paired and the course is not finished.
        id="one-measure-alone-is-not-paired",
    ),
    pytest.param(
        "e15,,,,,,,,",
        "0,,,,,",
        # Nothing but an episode id: not finished, caseness unknown.
        id="every-cell-empty",
    ),
]


def run(*argv, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, text, name="episodes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("row", "expected"), CASES)
def test_each_hand_scored_episode(tmp_path, row, expected):
    code, out, err = run("classify", write(tmp_path, HEADER + row + "\n"))
    assert code == 0, err
    header, result = out.splitlines()
    assert header.split(",") == [*COLUMNS, *OUTCOME_COLUMNS]
    assert result == f"{row},{expected}"


def test_all_cases_in_one_file_keep_their_order_and_cells_as_read(tmp_path):
    rows = [case.values[0] for case in CASES]
    code, out, _err = run("classify", write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    assert code == 0
    lines = out.splitlines()[1:]
    assert [line.rsplit(",", len(OUTCOME_COLUMNS))[0] for line in lines] == rows
    assert lines == [f"{case.values[0]},{case.values[1]}" for case in CASES]


def test_the_summary_gives_numerators_and_denominators(tmp_path):
    rows = [case.values[0] for case in CASES]
    code, out, err = run("summarise", write(tmp_path, HEADER + "\n".join(rows) + "\n"))
    assert code == 0, err
    # By hand from the expected rows: 15 episodes; finished e2-e10 (9). Of those, e2 was
    # not at caseness, so recovery's denominator is 8: recovered e3, e6, e7, e8, e10 (5).
    # Reliable improvement over 9 finished: e2, e3, e7, e8, e10 (5); deterioration e5
    # (1); reliable recovery e3, e7, e8, e10 (4) over 8.
    assert out.splitlines() == [
        "episodes: 15",
        "finished: 9/15 = 60.0 %",
        "recovery: 5/8 = 62.5 %",
        "reliable improvement: 5/9 = 55.6 %",
        "reliable deterioration: 1/9 = 11.1 %",
        "reliable recovery: 4/8 = 50.0 %",
        "finished courses not at caseness at start (left out of recovery): 1",
        "not finished with 2 or more contacts because the scores are not paired: 3",
    ]


def test_a_rate_over_nobody_says_so(tmp_path):
    code, out, _err = run("summarise", write(tmp_path, HEADER + "e1,,PHQ-9,3,2,GAD-7,1,1,1\n"))
    assert code == 0
    assert "recovery: 0/0 = no rate (no one in the denominator)" in out.splitlines()


BAD = (
    HEADER
    + "ok1,depression,PHQ-9,15,8,GAD-7,12,6,6\n"
    + "b3,depression,PHQ-9,30,8,GAD-7,12,6,6\n"  # line 3: PHQ-9 runs 0-27
    + "b4,depression,PHQ9X,15,8,GAD-7,12,6,6\n"  # line 4: no such instrument
    + "b5,depression,PHQ-9,15,8,GAD-7,twelve,6,6\n"  # line 5: not a number
    + "b6,depression,PHQ-9,15.5,8,GAD-7,12,6,6\n"  # line 6: PHQ-9 totals are whole
    + "b7,depression,GAD-7,5,4,PHQ-9,12,6,6\n"  # line 7: measures in the wrong columns
    + "b8,depression,PHQ-9,15,8,,12,6,6\n"  # line 8: a score without its instrument
    + "b9,depression,PHQ-9,15,8,GAD-7,12,6,-1\n"  # line 9: negative contacts
    + "b10,depression,PHQ-9,15,8\n"  # line 10: too few cells
    + "b11,ocd,PHQ-9,15,8,OCI,60,20,6\n"  # line 11: unconfirmed thresholds
    + "ok12,depression,PHQ-9,15,8,GAD-7,12,6,6\n"
)


def test_bad_rows_are_named_by_line_and_nothing_is_written(tmp_path):
    code, out, err = run("classify", write(tmp_path, BAD))
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert "line 3: dep_first 30 is out of range for PHQ-9 (0-27)" in lines
    assert 'line 4: unknown instrument "PHQ9X" (dep_instrument)' in lines
    assert 'line 5: anx_first "twelve" is not a number' in lines
    assert 'line 6: dep_first "15.5" is not a whole number (PHQ-9 totals are)' in lines
    assert any(line.startswith('line 7: dep_instrument "GAD-7" is an anxiety') for line in lines)
    assert any(
        line.startswith('line 8: anx_first "12" is given but anx_instrument') for line in lines
    )
    assert "line 9: attended_contacts -1 is negative" in lines
    assert "line 10: expected 9 cells, found 5" in lines
    assert any(
        line.startswith('line 11: the thresholds of "OCI" are unconfirmed') for line in lines
    )
    assert lines[-1] == "error: 9 line(s) could not be read; nothing was written"
    assert not any(line.startswith(("line 2:", "line 12:")) for line in lines)


def test_summarise_refuses_bad_rows_the_same_way(tmp_path):
    code, out, err = run("summarise", write(tmp_path, BAD))
    assert (code, out) == (2, "")
    assert 'line 4: unknown instrument "PHQ9X" (dep_instrument)' in err


def test_a_bad_line_after_good_ones_still_writes_nothing(tmp_path):
    good = "g,depression,PHQ-9,15,8,GAD-7,12,6,6\n" * 50
    code, out, err = run("classify", write(tmp_path, HEADER + good + "b,x,PHQ-9,99,1,,,,\n"))
    assert (code, out) == (2, "")
    assert "line 52: dep_first 99 is out of range for PHQ-9 (0-27)" in err


def test_unconfirmed_thresholds_are_used_only_when_asked(tmp_path):
    path = write(tmp_path, HEADER + "o,ocd,PHQ-9,15,8,OCI,60,20,6\n")
    code, out, err = run("classify", "--allow-unconfirmed", path)
    assert code == 0
    assert out.splitlines()[1].endswith(",1,1,1,1,0,1")  # OCI 60 >= 40 -> 20, a fall of 40
    assert "note: the thresholds of OCI are unconfirmed" in err


def test_a_measure_left_out_on_purpose_says_why(tmp_path):
    code, _out, err = run("classify", write(tmp_path, HEADER + "m,d,PHQ-9,1,1,ISI,3,3,2\n"))
    assert code == 2
    assert 'unknown instrument "ISI" (anx_instrument: not an NHS Talking Therapies' in err


def test_instrument_names_are_matched_loosely_and_copied_as_read(tmp_path):
    row = "e,panic, phq9 ,15,8,pdss-sr,14,9,5"
    code, out, _err = run("classify", write(tmp_path, HEADER + row + "\n"))
    assert code == 0
    assert out.splitlines()[1] == row + ",1,1,0,1,0,0"


def test_columns_in_any_order_other_separators_and_extra_columns(tmp_path):
    header = "Attended_Contacts;note;anx_last;anx_first;anx_instrument;dep_last;dep_first;"
    header += "dep_instrument;problem;episode\n"
    code, out, err = run(
        "classify", write(tmp_path, header + "6;hi;6;12;GAD-7;8;15;PHQ-9;depression;e3\n")
    )
    assert code == 0
    assert "note: ignored column(s) note" in err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["episode"] == "e3" and rows[0]["reliable_recovery"] == "1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "error: the file is empty: it needs a header row"),
        ("episode,problem\n", "error: the header lacks the column(s) dep_instrument"),
        (HEADER.strip() + ",episode\nx\n", "error: the header repeats the column(s) episode"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused(tmp_path, text, message):
    code, out, err = run("classify", write(tmp_path, text))
    assert (code, out) == (2, "")
    assert err.startswith(message)


def test_a_missing_file_is_a_clear_error(tmp_path):
    code, _out, err = run("summarise", str(tmp_path / "nope.csv"))
    assert code == 2
    assert err.startswith("error: cannot read")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "é,depression,PHQ-9,15,8,GAD-7,12,6,6\n").encode("latin-1"))
    code, out, err = run("classify", str(path))
    assert (code, out) == (2, "")
    assert err.startswith("error: the file is not UTF-8 text")


def test_a_header_alone_gives_no_rows_and_no_rates(tmp_path):
    code, out, _err = run("summarise", write(tmp_path, HEADER))
    assert code == 0
    assert out.splitlines()[:2] == [
        "episodes: 0",
        "finished: 0/0 = no rate (no one in the denominator)",
    ]
