"""The audited-writes benchmark's helpers (bench/audit_writes.py): the writers' order of
actions, the ratios and the tables. No database, no timing."""

import io
from contextlib import redirect_stdout

import audit_writes


def test_each_writer_takes_the_three_actions_on_one_patient_then_the_next():
    steps = [audit_writes.step(n, patients=2) for n in range(7)]
    assert steps == [
        (0, "patient writes"),
        (0, "therapist replies"),
        (0, "patient answers PHQ-9"),
        (1, "patient writes"),
        (1, "therapist replies"),
        (1, "patient answers PHQ-9"),
        (0, "patient writes"),
    ]


def test_the_ratio_is_the_median_of_the_rounds_and_of_the_medians():
    median, ratios, of_medians = audit_writes.ratio([300, 150, 200], [100, 100, 200])
    assert ratios == [3.0, 1.5, 1.0]
    assert median == 1.5
    assert of_medians == 2.0


def _results(rev=""):
    prefix = rev or "this tree"
    return {
        prefix: {
            "one clinic": [(100.0, 100.0), (110.0, 110.0)],
            "own clinics": [(150.0, 150.0), (176.0, 176.0)],
            "alone": [(80.0, 80.0), (80.0, 80.0)],
        },
        f"{prefix}, actions": {
            "one clinic": [(10.0, 10.5, 2.0), (10.0, 10.5, 3.0)],
            "own clinics": [(20.0, 20.5, 2.0), (20.0, 20.5, 2.0)],
            "alone": [(8.0, 8.0, 1.0), (8.0, 8.0, 1.0)],
        },
    }


def test_the_report_gives_actions_and_their_events_per_second():
    out = io.StringIO()
    with redirect_stdout(out):
        audit_writes.report(_results(), {"this tree, actions"})
    lines = out.getvalue().splitlines()
    assert lines[1].split()[:4] == ["one", "clinic", "105.0", "events/s"]
    assert "×1.55 (rounds: 1.50, 1.60" in lines[4]
    assert lines[6].split()[:6] == ["one", "clinic", "10.0", "actions/s", "10.5", "events/s,"]
    assert "head held 2.50 ms after the append" in lines[6]
    assert "×2.00" in lines[9]


def test_the_compared_revision_stands_beside_this_tree():
    results = {**_results("abc123"), **_results()}
    for kind in results["this tree, actions"].values():
        kind[:] = [(2 * a, 2 * b, held / 2) for a, b, held in kind]
    out = io.StringIO()
    audit_writes.side_by_side(results, "abc123", out)
    rows = out.getvalue().splitlines()
    assert rows[1] == "| | abc123 | this tree | this tree / abc123 |"
    assert "| actions, one clinic (actions/s) | 10.0 | 20.0 | ×2.00 |" in rows
    assert "| actions, one clinic: head held after the append (ms) | 2.50 | 1.25 | ×0.50 |" in rows
    assert "| bare loop, own / one (median of rounds) | ×1.55 | ×1.55 | |" in rows


def test_the_report_gives_log_flushes_per_event_and_the_cpu_busy_where_measured():
    results = _results()
    results["this tree"]["one clinic"] = [
        (100.0, 100.0, None, 1.0, 0.8),
        (110.0, 110.0, None, 0.98, 0.9),
    ]
    out = io.StringIO()
    with redirect_stdout(out):
        audit_writes.report(results, {"this tree, actions"})
    lines = out.getvalue().splitlines()
    assert lines[2].split() == "0.99 log flushes per event, CPU 85% busy (medians of runs)".split()
    # Not measured (the compared revision's rows): no line.
    assert "log flushes" not in lines[3]


def test_the_cpu_busy_share_between_two_readings():
    assert audit_writes.cpu_busy((100, 400), (175, 500)) == 0.75
    assert audit_writes.cpu_busy((100, 400), (100, 400)) == 0.0
    busy, total = audit_writes.cpu_ticks()
    assert 0 <= busy <= total
