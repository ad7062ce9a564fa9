"""The table of measures (tessera/outcomes/measures.json) against the rest of Tessera."""

import json

import pytest

from tessera.instruments.scoring import load_definition
from tessera.instruments.scoring.talking_therapies import GAD7, PHQ9
from tessera.outcomes.measures import STATUSES, TABLE, entries, load_table

DEFINED = {"PHQ-9": "PHQ-9", "GAD-7": "GAD-7", "PDSS": "PDSS-SR", "PCL-5": "PCL-5"}


def test_every_row_has_a_source_a_status_and_a_sane_range():
    for entry in entries():
        assert entry.source.strip() and entry.status in STATUSES
        assert entry.min <= entry.measure.caseness_at_least <= entry.max
        assert 0 < entry.measure.reliable_change <= entry.max - entry.min


def test_phq9_and_gad7_agree_with_the_shared_rules():
    table = load_table()
    for measure in (PHQ9, GAD7):
        row = table[measure.code.lower().replace("-", "")].measure
        assert (row.caseness_at_least, row.reliable_change) == (
            measure.caseness_at_least,
            measure.reliable_change,
        )
        assert table[measure.code.lower().replace("-", "")].status == "confirmed"


@pytest.mark.parametrize(("code", "definition"), sorted(DEFINED.items()))
def test_ranges_agree_with_the_instrument_definitions(code, definition):
    entry = next(e for e in entries() if e.code == code)
    shipped = load_definition(definition)
    assert (entry.min, entry.max) == (shipped.min_total, shipped.max_total)


def test_one_depression_measure_and_no_name_for_two_measures():
    assert [e.code for e in entries() if e.role == "depression"] == ["PHQ-9"]
    rows = json.loads(TABLE.read_text(encoding="utf-8"))["measures"]
    assert len(load_table()) == sum(1 + len(row["aliases"]) for row in rows)


def test_cutoffs_and_reliable_change_agree_with_the_instrument_definitions():
    """One figure per fact (issue 12): where the outcome table and a shipped definition
    both describe a measure, their cut-off and reliable-change value are the same. A row
    marked unconfirmed (PCL-5 32/10, OCI 40/32) is never used for an outcome
    (reports.outcome_table), and the definition says why it has none."""
    from tessera.instruments.scoring import UnknownInstrumentError
    from tessera.instruments.scoring.primary import cutoff_for

    rows = json.loads(TABLE.read_text(encoding="utf-8"))["measures"]
    compared = set()
    for row in rows:
        for name in (row["code"], *row["aliases"]):
            try:
                shipped = load_definition(name)
            except UnknownInstrumentError:
                continue
            rc = shipped.reliable_change
            if row["status"] == "unconfirmed":
                assert rc is None and shipped.reliable_change_note.startswith("None")
            else:
                assert cutoff_for(shipped.code) == row["caseness_at_least"], shipped.code
                assert rc is not None and rc.threshold_points == row["reliable_change"]
            compared.add(shipped.code)
            break
    assert compared >= {"PHQ-9", "GAD-7", "PDSS-SR", "SPIN", "MI", "SHAI", "IES-R", "PCL-5"}
