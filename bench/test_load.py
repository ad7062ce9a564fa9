"""The load test's helpers (bench/load.py): reading locust's stats and the ratios
against the bare view. No server, no locust, no database."""

import io

import load

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,\
80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,patient home,100,1,60,70,10,300,5000,10.0,0.1,60,70,80,90,100,120,150,200,300,300,300
,Aggregated,100,1,60,70,10,300,5000,10.0,0.1,60,70,80,90,100,120,150,200,300,300,300
"""


def test_the_aggregated_row_is_read(tmp_path):
    path = tmp_path / "x_stats.csv"
    path.write_text(STATS)
    assert load.parse_stats(path) == {
        "requests": 100,
        "errors": 1,
        "rps": 10.0,
        "median": 60.0,
        "p95": 120.0,
    }


def test_every_page_is_compared_with_the_bare_view():
    bare = {"requests": 400, "errors": 0, "rps": 40.0, "median": 20.0, "p95": 40.0}
    home = {"requests": 100, "errors": 0, "rps": 10.0, "median": 60.0, "p95": 120.0}
    out = io.StringIO()
    load.report([("bare signed-in view", bare), ("patient home", home)], out=out)
    lines = out.getvalue().splitlines()
    assert "25 %" in lines[2] and "×3.00" in lines[2]
    assert "100 %" in lines[1] and "×1.00" in lines[1]


def test_the_patient_home_is_compared_with_the_bare_view_of_the_same_users():
    clinicians = {"requests": 400, "errors": 0, "rps": 40.0, "median": 20.0, "p95": 40.0}
    patients = {"requests": 500, "errors": 0, "rps": 50.0, "median": 20.0, "p95": 30.0}
    home = {"requests": 100, "errors": 0, "rps": 10.0, "median": 60.0, "p95": 120.0}
    home["cpu_ms"], patients["cpu_ms"], clinicians["cpu_ms"] = 12.0, 4.0, 5.0
    out = io.StringIO()
    load.report(
        [
            ("bare signed-in view", clinicians),
            ("bare signed-in view (patients)", patients),
            ("patient home", home),
        ],
        out=out,
    )
    line = out.getvalue().splitlines()[3]
    assert "20 %" in line and "×4.00" in line and "×3.00" in line


def _run(rps, p95, cpu_ms, errors=0):
    return {"requests": int(rps * 20), "errors": errors, "rps": rps, "median": p95 / 2, "p95": p95}


def test_each_round_measures_every_page_of_a_tree_together_the_first_tree_alternating():
    trees = [("main", [], []), ("this tree", [], [])]
    pages = [("bare signed-in view (patients)", "PatientBareUser"), ("patient home", "Home")]
    runs = list(load.schedule(trees, pages, 3))
    assert [(n, name, label) for n, name, label, _ in runs] == [
        (0, "main", "bare signed-in view (patients)"),
        (0, "main", "patient home"),
        (0, "this tree", "bare signed-in view (patients)"),
        (0, "this tree", "patient home"),
        (1, "this tree", "bare signed-in view (patients)"),
        (1, "this tree", "patient home"),
        (1, "main", "bare signed-in view (patients)"),
        (1, "main", "patient home"),
        (2, "main", "bare signed-in view (patients)"),
        (2, "main", "patient home"),
        (2, "this tree", "bare signed-in view (patients)"),
        (2, "this tree", "patient home"),
    ]


def test_the_rounds_ratios_pair_each_page_with_its_bare_view_of_the_same_round():
    bare = [_run(400, 30, 0), _run(200, 60, 0), _run(400, 30, 0)]
    patients = [_run(500, 20, 0), _run(250, 40, 0), _run(500, 20, 0)]
    # The second round: the machine at half speed for both pages, the ratio the same.
    home = [_run(300, 36, 0), _run(150, 72, 0), _run(200, 50, 0)]
    for r, cpu in zip(patients + home, [2, 4, 2, 4, 8, 6], strict=True):
        r["cpu_ms"] = cpu
    runs = {
        "bare signed-in view": bare,
        "bare signed-in view (patients)": patients,
        "patient home": home,
    }
    ratios = load.round_ratios(runs)["patient home"]
    assert ratios["rps"] == [0.6, 0.6, 0.4]
    assert ratios["p95"] == [1.8, 1.8, 2.5]
    assert ratios["cpu_ms"] == [2.0, 2.0, 3.0]
    out = io.StringIO()
    load.report_rounds(runs, out=out)
    text = out.getvalue()
    assert "patient home: of bare 60 % (60, 60, 40); p95 ×bare ×1.80 (1.80, 1.80, 2.50)" in text
    assert "patient home target: met (median of 3 rounds: 60 %" in text


def test_the_verdict_is_the_medians_not_one_round():
    ratios = {"rps": [0.38, 0.62, 0.58], "p95": [2.4, 1.6, 1.7], "cpu_ms": []}
    assert load.verdict(ratios, errors=0).startswith("met (median of 3 rounds: 58 %")
    assert load.verdict(ratios, errors=1).startswith("NOT met")
    assert load.verdict({"rps": [0.4, 0.45, 0.6], "p95": [1.5] * 3}, 0).startswith("NOT met")
    assert load.verdict({"rps": [0.6] * 3, "p95": [2.1, 2.2, 1.0]}, 0).startswith("NOT met")
