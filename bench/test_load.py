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
