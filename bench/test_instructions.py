"""bench/instructions.py's helpers: reading callgrind's dumps, instructions per request,
and the client requests' library (a no-op outside valgrind). No valgrind run."""

import ctypes
import io
import os
import shutil

import instructions
import pytest

DUMP = """# callgrind format
version: 1
creator: callgrind-3.22.0
pid: 29651
cmd:  /usr/bin/python3 bench/instructions.py --child
part: 2

desc: I1 cache:
desc: Timerange: Basic block 100 - 200
desc: Trigger: Client Request: patient home#1

positions: line
events: Ir
summary: 41859420

fn=(1) main
0 5
totals: 42198265
"""


def test_a_dump_gives_its_page_and_round_and_its_instructions():
    assert instructions.read_dump(DUMP) == ("patient home#1", 41859420)


def test_the_dump_at_the_end_of_the_run_is_not_a_page():
    at_the_end = DUMP.replace("Client Request: patient home#1", "Program termination")
    with pytest.raises(ValueError):
        instructions.read_dump(at_the_end)


def test_instructions_per_request_of_each_page_round_by_round():
    dumps = [
        ("bare signed-in view (patient)#0", 2_000_000),
        ("patient home#0", 6_000_000),
        ("bare signed-in view (patient)#1", 2_200_000),
        ("patient home#1", 6_050_000),
    ]
    found = instructions.per_request(dumps, requests=10)
    assert found == {
        "bare signed-in view (patient)": [200_000.0, 220_000.0],
        "patient home": [600_000.0, 605_000.0],
    }
    out = io.StringIO()
    instructions.report(found, out=out)
    assert "patient home: 0.60, 0.60 million instructions a request (×3.000, ×2.750 of bare)" in (
        out.getvalue()
    )


def test_the_dumps_are_read_in_the_order_they_were_made(tmp_path):
    names = ["callgrind.out.7", "callgrind.out.7.10", "callgrind.out.7.2", "callgrind.out.7.1"]
    paths = [tmp_path / n for n in names]
    ordered = sorted(paths, key=instructions._dump_number)
    assert [p.name for p in ordered] == [
        "callgrind.out.7.1",
        "callgrind.out.7.2",
        "callgrind.out.7.10",
        "callgrind.out.7",
    ]


@pytest.mark.skipif(
    shutil.which("cc") is None or not os.path.exists("/usr/include/valgrind"),
    reason="needs a C compiler and valgrind's headers",
)
def test_the_client_requests_do_nothing_outside_valgrind(tmp_path):
    library = ctypes.CDLL(str(instructions.build_library(tmp_path)))
    library.counting_on()
    library.counting_zero()
    library.counting_dump(b"nothing#0")


class _Cycle:
    def __init__(self):
        self.me = self


def test_a_counted_window_starts_with_nothing_for_a_full_collection_to_walk():
    """Start-up's objects and the warm-up's garbage are collected and frozen before the
    count is zeroed: a full collection in the window (about 78 million instructions
    over ~200,000 objects) walks only what the counted requests made."""
    import gc
    import weakref

    kept = [[n] for n in range(50_000)]  # as start-up's objects, tracked by the collector
    garbage = _Cycle()
    dead = weakref.ref(garbage)
    del garbage
    seen = []

    class Counting:
        def counting_zero(self):
            seen.append(("zero", dead() is None, len(gc.get_objects()), gc.get_freeze_count()))

        def counting_dump(self, name):
            seen.append(("dump", name))

    try:
        instructions.counted_window(Counting(), "patient home#0", lambda: seen.append(("run",)))
        assert seen[1:] == [("run",), ("dump", b"patient home#0")]
        what, collected, walked, frozen = seen[0]
        assert what == "zero" and collected
        assert frozen >= len(kept) and walked < 1_000
    finally:
        gc.unfreeze()
