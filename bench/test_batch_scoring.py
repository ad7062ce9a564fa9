"""The benchmark's own helpers: the data generator and the output checks.

Run with `python -m pytest bench -p no:cacheprovider`. Nothing here measures or asserts
time: the figures are for people to read, not for tests to pass or fail on.
"""

import csv
from pathlib import Path

from batch_scoring import check_output, run_timed, score_command
from make_responses import BAD_KINDS, write_responses

from tessera.instruments.scoring import load_definition, score


def test_the_same_seed_writes_the_same_file(tmp_path):
    phq9 = load_definition("PHQ-9")
    first = write_responses(phq9, 500, tmp_path / "a.csv", seed=5, bad_share=0.1)
    second = write_responses(phq9, 500, tmp_path / "b.csv", seed=5, bad_share=0.1)
    other = write_responses(phq9, 500, tmp_path / "c.csv", seed=6, bad_share=0.1)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.bad_lines == second.bad_lines
    assert first.path.read_bytes() != other.path.read_bytes()


def test_good_rows_score_and_bad_rows_do_not(tmp_path):
    audit = load_definition("AUDIT")  # items 9 and 10 offer 0, 2 and 4 only
    written = write_responses(audit, 300, tmp_path / "audit.csv", seed=2, bad_share=0.1)
    assert (written.rows, len(written.bad_lines), written.good_rows) == (300, 30, 270)
    with written.path.open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["id"] + [f"item{n}" for n in range(1, 11)]
    for line, cells in enumerate(rows, start=2):
        if line in written.bad_lines:
            continue
        answers = {n: int(v) for n, v in enumerate(cells[1:], start=1)}
        assert score(audit, answers).complete


def test_every_kind_of_bad_row_is_written(tmp_path):
    written = write_responses(load_definition("GAD-7"), 60, tmp_path / "g.csv", bad_share=0.5)
    with written.path.open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    bad = [rows[line - 2] for line in sorted(written.bad_lines)]
    short = [cells for cells in bad if len(cells) < 8]
    not_a_number = [cells for cells in bad if "x" in cells]
    assert len(BAD_KINDS) == 3
    assert len(short) == len(not_a_number) == 10
    assert len(bad) - len(short) - len(not_a_number) == 10  # a value no item offers


def _scored(tmp_path: Path, instrument: str):
    definition = load_definition(instrument)
    written = write_responses(definition, 200, tmp_path / "in.csv", seed=3, bad_share=0.05)
    out, err = tmp_path / "out.csv", tmp_path / "err.txt"
    run = run_timed(score_command(definition.code, written.path), out, err)
    return definition, written, run, out, err


def test_the_checks_pass_on_the_real_command(tmp_path):
    for instrument in ("PHQ-9", "DASS-21", "PCL-5"):
        definition, written, run, out, err = _scored(tmp_path, instrument)
        problems, summary = check_output(definition, written, run, out, err)
        assert problems == [], instrument
        assert "190 rows out for 190 good rows in" in summary


def test_the_checks_catch_a_wrong_score_and_a_lost_row(tmp_path):
    definition, written, run, out, err = _scored(tmp_path, "DASS-21")
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["sub_D"] = str(int(row["sub_D"]) + 2)  # the depression subscale
    with out.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[:-1])
    problems, _ = check_output(definition, written, run, out, err)
    assert "189 output row(s) for 190 good input row(s)" in problems
    assert any("spot-checked row(s) differ from score()" in p for p in problems)
