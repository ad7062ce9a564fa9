"""The fuzz report's summary: totals, and a failing exit on a 5xx, a partial write or an
endpoint short of the minimum."""

from tests.security.fuzz_summary import summarise


def _line(name, tried, **extra):
    return {"endpoint": name, "tried": tried, "statuses": {"GET 400": 3, "GET 200": 7}, **extra}


def test_a_clean_full_run_passes_and_is_totalled():
    out, ok = summarise([_line("a", 1000, cpu_s=10), _line("b", 1200, cpu_s=20)], 1000)
    assert ok
    assert out[-1].startswith("TOTAL endpoints 2  inputs 2200  min 1000")
    assert "answered other than 400      7 of     10 requests" in out[0]


def test_a_5xx_a_partial_write_or_a_short_endpoint_fails():
    assert not summarise([_line("a", 1000, **{"5xx": 1})], 1000)[1]
    assert not summarise([_line("a", 1000, partial_writes=1)], 1000)[1]
    assert not summarise([_line("a", 999)], 1000)[1]


def test_a_rerun_endpoint_counts_once_with_its_last_line():
    out, ok = summarise([_line("a", 10), _line("a", 1000)], 1000)
    assert ok and "inputs 1000" in out[-1]
