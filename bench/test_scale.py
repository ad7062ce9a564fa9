"""The scale benchmark's command line (bench/scale.py): sizes, the database URL and the
messages a wrong one gets. No database."""

import argparse

import pytest
import scale


def test_sizes_are_sorted_positive_whole_numbers():
    assert scale.sizes_arg("10000, 1000,1_000") == [1000, 10000]
    for wrong in ["1k", "", "0,5", "-3"]:
        with pytest.raises(argparse.ArgumentTypeError):
            scale.sizes_arg(wrong)


def test_a_postgres_url_names_its_database_and_the_servers_maintenance_one():
    admin, name = scale.database_name("postgres://u:pw@db:5433/tessera_x_bench?sslmode=disable")
    assert name == "tessera_x_bench"
    assert admin == "postgres://u:pw@db:5433/postgres?sslmode=disable"


@pytest.mark.parametrize("url", ["sqlite:///x_bench.db", "x_bench", "postgres://h:5432/", ""])
def test_anything_else_is_refused_with_a_message_not_a_traceback(url, capsys):
    with pytest.raises(SystemExit) as stopped:
        scale.database_name(url)
    assert stopped.value.code == 2
    assert "not a PostgreSQL database URL" in capsys.readouterr().err


def test_a_database_whose_name_lacks_bench_is_never_dropped():
    with pytest.raises(SystemExit, match="refusing to drop 'tessera'"):
        scale.fresh_database("postgres://postgres@127.0.0.1:5432/tessera")


def test_messages_never_show_the_password():
    assert scale.shown_url("postgres://u:secret@h/x_bench") == "postgres://u:***@h/x_bench"
    assert scale.shown_url("postgres://u@h/x_bench") == "postgres://u@h/x_bench"


def test_the_table_shows_queries_median_time_pages_growth_and_the_a_a_column():
    def m(pages, wall=10.0, cpu=5.0):
        return scale.Measure(queries=7, pages_read=pages, wall_ms=wall, cpu_ms=cpu, status=200)

    runs = [
        ("1,000", {"bare signed-in view": m(5, cpu=4.0), "inbox": m(100)}),
        ("1,000 A/A", {"bare signed-in view": m(5, cpu=4.0), "inbox": m(101)}),
        ("10,000", {"bare signed-in view": m(5, cpu=4.0), "inbox": m(120, wall=12.5, cpu=8.0)}),
    ]
    import io

    out = io.StringIO()
    scale.report([1000, 10000], runs, out=out)
    head, _bare, inbox = out.getvalue().splitlines()
    assert head.split()[:2] == ["page", "queries"] and "A/A" in head and "growth" in head
    assert "median ms 10,000" in head and "CPU ms 10,000" in head
    assert inbox.split() == [
        "inbox",
        "7",
        "100",
        "101",
        "120",
        "×1.01",
        "×1.20",
        "12.5",
        "8.0",
        "×2.00",
    ]


def test_the_secondary_pages_are_asked_for_by_a_flag_the_main_ones_stay_the_default(capsys):
    with pytest.raises(SystemExit) as stopped:
        scale.main(["--help"])
    assert stopped.value.code == 0
    assert "--secondary" in capsys.readouterr().out
    # --detail still needs --existing, with or without --secondary (no database touched).
    with pytest.raises(SystemExit) as stopped:
        scale.main(["--secondary", "--detail", "all"])
    assert stopped.value.code == 2
    assert "--detail needs --existing" in capsys.readouterr().err


def test_existing_vacuums_the_audit_trail_before_it_measures(monkeypatch):
    """Every measured page writes audit rows: ``--existing`` vacuums the trail first, so
    the audit pages do not drift up from one run to the next."""
    done = []
    monkeypatch.setattr(scale, "existing_database", lambda url: None)
    monkeypatch.setattr(scale, "setup_django", lambda url: done.append("setup"))
    monkeypatch.setattr(scale, "vacuum_audit_trail", lambda: done.append("vacuum"))
    monkeypatch.setattr(scale, "main_pages", lambda today: [])

    def measure(pages, repeat=3):
        done.append("measure")
        return {}

    monkeypatch.setattr(scale, "measure", measure)
    monkeypatch.setattr(scale, "report", lambda sizes, runs: None)
    assert scale.main(["--existing", "--database-url", "postgres://h/x_bench"]) == 0
    assert done[:3] == ["setup", "vacuum", "measure"]
