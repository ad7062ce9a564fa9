"""The batch CLI: python -m tessera.instruments score|list."""

import csv
import io
import json
import subprocess
import sys

import pytest

from tessera.instruments.batch import main

PHQ9_HEADER = "id,item1,item2,item3,item4,item5,item6,item7,item8,item9\n"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, text, name="answers.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def test_it_scores_every_row_and_passes_the_id_through(tmp_path):
    path = write(tmp_path, PHQ9_HEADER + "a,0,0,0,0,0,0,0,0,0\nb,3,3,3,3,3,3,3,3,3\n")
    code, out, err = run("score", "PHQ-9", path)
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["line"], r["id"], r["total"], r["band"]) for r in rows] == [
        ("2", "a", "0", "minimal"),
        ("3", "b", "27", "severe"),
    ]
    assert rows[1]["risk_flags"] == "phq9_item9;phq9_item9_daily"  # 3: also the urgent grade
    assert rows[1]["case_phq9_at_least_10"] == "1"


def test_a_bad_row_is_reported_and_the_good_rows_still_scored(tmp_path):
    text = PHQ9_HEADER + "a,1,1,1,1,1,1,1,1,0\nb,1,1,,1,1,1,1,1,2\nc,1,1,7,1,1,1,1,1,0\nd,2,2\n"
    code, out, err = run("score", "phq9", write(tmp_path, text))
    assert code == 1
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["a"]
    lines = err.splitlines()
    assert lines[0].startswith("line 3: item(s) 3 unanswered")
    assert "RISK among the answered items: phq9_item9" in lines[0]
    assert lines[1].startswith("line 4: item 3: 7 is not one of 0, 1, 2, 3")
    assert lines[2] == "line 5: expected 10 cells, found 3"
    assert lines[3] == "3 of 4 row(s) could not be scored"


def test_a_cell_that_is_not_a_number_is_a_bad_row(tmp_path):
    code, _, err = run("score", "PHQ-9", write(tmp_path, PHQ9_HEADER + "a,1,x,1,1,1,1,1,1,1\n"))
    assert code == 1
    assert "line 2: item2: 'x' is not a whole number" in err
    assert "phq9_item9" in err  # a rejected row never hides a risk answer


def test_it_writes_json_with_subscales(tmp_path):
    header = ",".join(f"item{n}" for n in range(1, 22)) + "\n"
    path = write(tmp_path, header + ",".join(["1"] * 21) + "\n")
    code, out, _ = run("score", "DASS-21", path, "--format", "json")
    assert code == 0
    [record] = json.loads(out)
    assert record["total"] == 42
    assert record["subscales"]["D"]["score"] == 14
    assert record["subscales"]["D"]["band"]["code"] == "moderate"
    assert record["id"] is None


def test_it_reads_semicolons_and_a_spreadsheet_bom(tmp_path):
    text = "\ufeffitem1;item2;item3;item4;item5;item6;item7\n1;1;1;1;1;1;1\n"
    code, out, _ = run("score", "GAD-7", write(tmp_path, text, encoding="utf-8"))
    assert code == 0
    assert list(csv.DictReader(io.StringIO(out)))[0]["total"] == "7"


def test_it_applies_a_clinic_risk_override(tmp_path):
    path = write(tmp_path, PHQ9_HEADER + "a,0,0,0,0,0,0,0,0,1\n")
    _, out, _ = run("score", "PHQ-9", path, "--risk-override", "phq9_item9=2")
    assert list(csv.DictReader(io.StringIO(out)))[0]["risk_flags"] == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "BDI-II", "{path}"], "unknown instrument"),
        (["score", "PCL-5", "{path}"], "PCL-5 needs the column(s) item10"),
        (["score", "GAD-7", "{path}"], "unknown column 'item8'"),
        (["score", "PHQ-9", "{missing}"], "cannot read"),
        (["score", "PHQ-9", "{path}", "--risk-override", "nope=1"], "no risk rule 'nope'"),
        (["score", "PHQ-9", "{path}", "--risk-override", "phq9_item9"], "RULE=N"),
    ],
)
def test_usage_errors_exit_2(tmp_path, argv, message):
    path = write(tmp_path, PHQ9_HEADER + "a,0,0,0,0,0,0,0,0,0\n")
    argv = [a.format(path=path, missing=str(tmp_path / "nope.csv")) for a in argv]
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert message in err


def test_a_missing_argument_exits_2(capsys):
    assert main(["score", "PHQ-9"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_it_lists_the_instruments():
    code, out, _ = run("list")
    assert code == 0
    assert "PHQ-9" in out and "LSAS-SR" in out and "clinic enters" in out


def test_it_runs_as_a_module(tmp_path):
    path = write(tmp_path, PHQ9_HEADER + "a,1,1,1,1,1,1,1,1,1\n")
    done = subprocess.run(
        [sys.executable, "-m", "tessera.instruments", "score", "PHQ-9", path],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.splitlines()[1].startswith("2,a,9,mild")


ROW = "a,1,1,1,1,1,1,1,1,1\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "is not UTF-8 text"),
        ((PHQ9_HEADER + ROW).encode("utf-16"), "is UTF-16 text; save it as CSV UTF-8"),
        ((PHQ9_HEADER + "Åsa,1,1,1,1,1,1,1,1,1\n").encode("latin-1"), "is not UTF-8 text"),
        # A cell past the csv module's field limit (a pasted document): before, a traceback.
        (
            (PHQ9_HEADER + '"' + "x" * 200_000 + '",1,1,1,1,1,1,1,1,1\n').encode(),
            "cannot be read as CSV after 0 row(s)",
        ),
    ],
    ids=["empty", "pdf", "utf16", "latin1", "huge-cell"],
)
def test_a_file_that_cannot_be_read_is_a_usage_error_not_a_traceback(tmp_path, data, message):
    path = tmp_path / "answers.csv"
    path.write_bytes(data)
    code, out, err = run("score", "PHQ-9", str(path))
    assert (code, out) == (2, "")
    assert message in err


def test_standard_input_is_read_as_utf8_whatever_the_locale(monkeypatch):
    """Before, stdin was read in the terminal's encoding: Latin-1 bytes became '�' in the
    ids, silently; now they are refused as a file would be, and a BOM is dropped."""

    class Stdin:
        def __init__(self, data):
            self.buffer = io.BytesIO(data)

    monkeypatch.setattr(
        sys, "stdin", Stdin((PHQ9_HEADER + "Åsa,1,1,1,1,1,1,1,1,1\n").encode("latin-1"))
    )
    code, out, err = run("score", "PHQ-9", "-")
    assert (code, out) == (2, "") and "is not UTF-8 text" in err
    monkeypatch.setattr(
        sys, "stdin", Stdin(("\ufeff" + PHQ9_HEADER + "Åsa,1,1,1,1,1,1,1,1,1\n").encode())
    )
    code, out, err = run("score", "PHQ-9", "-")
    assert code == 0 and out.splitlines()[1].startswith("2,Åsa,9")
