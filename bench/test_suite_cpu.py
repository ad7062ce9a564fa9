"""The suite CPU plugin's summary adds each module's phases, the processes' totals and
the CPU of the fixtures wider than a test."""

import json

import suite_cpu


def test_by_module_adds_each_modules_phases(tmp_path):
    path = tmp_path / "cpu.jsonl"
    rows = [
        {"id": "tests/a.py::test_one", "setup": 1.0, "call": 2.0, "teardown": 0.5},
        {"id": "tests/a.py::test_two[x]", "setup": 0.5, "call": 1.0},
        {"id": "tests/b.py::test_three", "call": 3.0},
        {"id": "__process__", "cpu": 9.0, "pid": 1, "fixtures": {"session:django_db_setup": 4.0}},
        {"id": "__process__", "cpu": 1.0, "pid": 2, "fixtures": {"session:django_db_setup": 0.5}},
        {"id": "__process__", "cpu": 0.5, "pid": 3, "fixtures": {}, "role": "controller"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    modules, process, fixtures = suite_cpu._by_module(str(path))
    assert modules["tests/a.py"] == [2, 1.5, 3.0, 0.5]
    assert modules["tests/b.py"] == [1, 0.0, 3.0, 0.0]
    assert process == 10.5  # the xdist controller's own CPU only: its workers write theirs
    assert fixtures == {"session:django_db_setup": 4.5}
