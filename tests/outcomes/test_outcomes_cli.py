"""`python -m tessera.outcomes` as a user runs it: a real process, files and pipes."""

import subprocess
import sys
from pathlib import Path

from tessera.outcomes.cli import COLUMNS

REPO = Path(__file__).resolve().parents[2]
HEADER = ",".join(COLUMNS) + "\n"
ROWS = (
    "e1,depression,PHQ-9,15,8,GAD-7,12,6,6\n"  # recovered, reliably (see test_classify)
    "e2,depression,PHQ-9,15,8,GAD-7,12,6,1\n"  # one contact: not finished
)


def python(*argv, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "tessera.outcomes", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_classify_writes_csv_to_stdout(tmp_path):
    path = tmp_path / "episodes.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    done = python("classify", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[1:] == [
        "e1,depression,PHQ-9,15,8,GAD-7,12,6,6,1,1,1,1,0,1",
        "e2,depression,PHQ-9,15,8,GAD-7,12,6,1,0,1,,,,",
    ]


def test_summarise_reads_standard_input():
    done = python("summarise", "-", stdin=HEADER + ROWS)
    assert done.returncode == 0
    assert done.stdout.splitlines()[:3] == [
        "episodes: 2",
        "finished: 1/2 = 50.0 %",
        "recovery: 1/1 = 100.0 %",
    ]


def test_a_bad_line_exits_2_with_nothing_on_stdout():
    done = python("classify", "-", stdin=HEADER + ROWS + "e3,depression,PHQ9X,1,1,GAD-7,1,1,2\n")
    assert (done.returncode, done.stdout) == (2, "")
    assert 'line 4: unknown instrument "PHQ9X"' in done.stderr


def test_bad_usage_exits_2():
    assert python("classify").returncode == 2
    assert python("tabulate", "x.csv").returncode == 2


def test_the_engine_does_not_import_django():
    code = (
        "import sys, tessera.outcomes.cli;"
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, check=False).returncode == 0


def test_files_of_another_kind_exit_2_with_a_message(tmp_path):
    """Each as a person might pick the wrong file; the header one was a traceback before."""
    files = {
        "empty": (b"", "the file is empty"),
        "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not UTF-8 text"),
        "utf16": ((HEADER + ROWS).encode("utf-16"), "is UTF-16 text; save it as CSV UTF-8"),
        "latin1": ((HEADER + "Å" + ROWS).encode("latin-1"), "not UTF-8 text"),
        "huge-header-cell": (('"' + "x" * 200_000 + '",' + HEADER).encode(), "line 1: field"),
        "huge-cell": ((HEADER + '"' + "x" * 200_000 + '"' + ROWS[2:]).encode(), "line 2: field"),
    }
    for name, (data, message) in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        done = python("classify", str(path))
        assert (done.returncode, done.stdout) == (2, ""), name
        assert message in done.stderr and "Traceback" not in done.stderr, name
