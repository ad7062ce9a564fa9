"""CPU seconds of each test's setup, call and teardown, for comparing the suite's cost
before and after a change on a machine whose wall-clock is shared (decision 0042).

As a pytest plugin it appends one JSON line per test to $SUITE_CPU_OUT (user + system
time of the process and of the children it has reaped, Chromium included once the
browser closes):

    SUITE_CPU_OUT=/tmp/old.jsonl PYTHONPATH=bench .venv/bin/pytest -p suite_cpu -n 0 tests/x.py

Run the same tests on the old tree and the new one side by side, then compare:

    python bench/suite_cpu.py /tmp/old.jsonl /tmp/new.jsonl     # per module, old -> new
"""

from __future__ import annotations

import collections
import json
import os
import resource
import sys
import time

import pytest

_ROWS: dict[str, dict[str, float]] = {}
# CPU of the set-up of each fixture wider than a test (the test databases, the shared
# worlds), summed by name: a test's setup phase includes them, and they say where it went.
_FIXTURES: dict[str, float] = collections.defaultdict(float)


# The shared data of tests/snapshot.py (the world), built in a test's setup phase before
# its fixtures: how many times per process, and its CPU under "shared:<name>" above.
_BUILDS: dict[str, int] = collections.defaultdict(int)


def pytest_sessionstart(session):
    snapshot = sys.modules.get("tests.snapshot")  # imported by the suite's conftest
    if snapshot is None:
        return
    opened = snapshot.Snapshot.open.__func__

    def timed_open(cls, key):
        start = _cpu()
        try:
            return opened(cls, key)
        finally:
            _FIXTURES[f"shared:{key[-1]}"] += _cpu() - start
            _BUILDS[key[-1]] += 1

    snapshot.Snapshot.open = classmethod(timed_open)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(phase: str, item):
    start = _cpu()
    try:
        return (yield)
    finally:
        row = _ROWS.setdefault(item.nodeid, {})
        row[phase] = _cpu() - start
        # When the phase ended (wall clock, seconds since the epoch), to see how long each
        # xdist worker ran and how long one waited for the other at the end.
        row["end"] = round(time.time(), 2)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if fixturedef.scope == "function":
        return (yield)
    start = _cpu()
    try:
        return (yield)
    finally:
        _FIXTURES[f"{fixturedef.scope}:{fixturedef.argname}"] += _cpu() - start


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _timed("setup", item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _timed("call", item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    return (yield from _timed("teardown", item))


def pytest_sessionfinish(session):
    out = os.environ.get("SUITE_CPU_OUT")
    if not out:
        return
    with open(out, "a", encoding="utf-8") as f:
        for nodeid, phases in _ROWS.items():
            f.write(json.dumps({"id": nodeid, **phases}) + "\n")
        row = {
            "id": "__process__",
            "cpu": _cpu(),
            "pid": os.getpid(),
            "worker": os.environ.get("PYTEST_XDIST_WORKER", ""),
            "end": round(time.time(), 2),
            "fixtures": _FIXTURES,
            "builds": _BUILDS,
        }
        if session.config.pluginmanager.hasplugin("dsession"):
            # xdist's controller: its reaped children are the workers, which write their own
            own = resource.getrusage(resource.RUSAGE_SELF)
            row.update(cpu=own.ru_utime + own.ru_stime, role="controller")
        f.write(json.dumps(row) + "\n")


def _by_module(path: str) -> tuple[dict[str, list[float]], float, dict[str, float]]:
    modules: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    process = 0.0
    fixtures: dict[str, float] = collections.defaultdict(float)
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] == "__process__":
                process += row["cpu"]
                for name, cpu in row.get("fixtures", {}).items():
                    fixtures[name] += cpu
                for name, count in row.get("builds", {}).items():
                    fixtures[f"built:{name}"] += count
                continue
            totals = modules[row["id"].split("::")[0]]
            totals[0] += 1
            for i, phase in enumerate(("setup", "call", "teardown"), start=1):
                totals[i] += row.get(phase, 0.0)
    return modules, process, fixtures


def main(argv: list[str]) -> None:
    old, old_process, old_fixtures = _by_module(argv[0])
    new, new_process, new_fixtures = _by_module(argv[1]) if len(argv) > 1 else _by_module(argv[0])
    for module in sorted(old, key=lambda m: -sum(old[m][1:])):
        a, b = old[module], new.get(module, [0, 0.0, 0.0, 0.0])
        print(
            f"{module}: {a[0]} tests, setup {a[1]:.2f} -> {b[1]:.2f}, call {a[2]:.2f} -> "
            f"{b[2]:.2f}, teardown {a[3]:.2f} -> {b[3]:.2f}, "
            f"total {sum(a[1:]):.2f} -> {sum(b[1:]):.2f} CPU s"
        )
    for module in sorted(set(new) - set(old), key=lambda m: -sum(new[m][1:])):
        b = new[module]
        print(f"{module}: only in the second, {b[0]} tests, total {sum(b[1:]):.2f} CPU s")
    totals = [[sum(m[i] for m in side.values()) for i in (1, 2, 3)] for side in (old, new)]
    for i, phase in enumerate(("setup", "call", "teardown")):
        print(f"all tests, {phase}: {totals[0][i]:.2f} -> {totals[1][i]:.2f} CPU s")
    for name in sorted(old_fixtures.keys() | new_fixtures.keys(), key=lambda n: -old_fixtures[n]):
        a, b = old_fixtures[name], new_fixtures[name]
        if name.startswith("built:"):
            print(f"shared data {name[6:]} built (all processes): {a:.0f} -> {b:.0f} times")
        elif max(a, b) >= 0.05:
            print(f"fixture {name} (set-up, all processes): {a:.2f} -> {b:.2f} CPU s")
    print(f"processes: {old_process:.2f} -> {new_process:.2f} CPU s")
    for label, path in zip(("first", "second"), argv[:2], strict=False):
        for worker, (tests, ends) in sorted(_last_ends(path).items()):
            print(f"{label}, worker {worker or '-'}: {tests} tests, last ended +{ends:.0f} s")


def _last_ends(path: str) -> dict[str, tuple[int, float]]:
    """Per xdist worker: its tests, and when its last one ended, in seconds after the
    first test of the file ended (an idle worker at the end shows as an earlier time)."""
    workers: dict[str, list] = {}
    rows: list[dict] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] != "__process__":
                rows.append(row)
            elif row.get("role") != "controller":
                ends = [r["end"] for r in rows if "end" in r]
                if ends:
                    workers[row.get("worker", "")] = [len(rows), max(ends), min(ends)]
                rows = []
    if not workers:
        return {}
    start = min(w[2] for w in workers.values())
    return {name: (w[0], w[1] - start) for name, w in workers.items()}


if __name__ == "__main__":
    main(sys.argv[1:])
