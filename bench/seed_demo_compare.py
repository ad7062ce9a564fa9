"""Seed the demo into an empty database and print the CPU seconds it took (process
time), then write a snapshot of the data for comparing two trees' seeding (decision
0034): rows per table, the outcome table, the due measures, and the audit events per
chain in order (without times and hashes), and whether the chain verifies.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python bench/seed_demo_compare.py OUT.json
    python bench/seed_demo_compare.py --diff OLD.json NEW.json

Run each side with its own tree's code (e.g. an export of the old commit) on a fresh
database of its own, on the same day. Times, hashes and timestamps are left out: they
differ between any two runs.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"at", "hash", "prev_hash", "refreshed_at", "created_at", "updated_at", "modified_at"}


def _rows(model, order=("pk",)):
    out = []
    for row in model.objects.order_by(*order).values():
        out.append({k: str(v) for k, v in row.items() if k not in SKIP})
    return out


def main(out: str) -> None:
    sys.path.insert(0, str(ROOT))  # this tree's code, not the installed one
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
    os.environ.setdefault("TESSERA_DEMO", "1")
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        start, wall = time.process_time(), time.perf_counter()
        call_command("seed_demo", stdout=quiet)
        cpu, wall = time.process_time() - start, time.perf_counter() - wall
    import tessera

    print(tessera.__file__)
    print(f"{connection.vendor}: seed_demo {cpu:.2f} s CPU, {wall:.2f} s wall", flush=True)

    from tessera.core import audit
    from tessera.core.models import AuditEvent
    from tessera.reports.models import EpisodeOutcome
    from tessera.treatment.models import DueMeasure, Response

    counts = {m._meta.db_table: m.objects.count() for m in apps.get_models() if m._meta.managed}
    chains: dict[str, list] = {}
    for row in _rows(AuditEvent, ("chain", "pk")):
        chains.setdefault(row.pop("chain"), []).append(row)
    snapshot = {
        "cpu": cpu,
        "counts": counts,
        "outcomes": _rows(EpisodeOutcome, ("episode_id",)),
        "due": _rows(DueMeasure),
        "responses": _rows(Response),
        "audit": chains,
        "breaks": [b.event_id for b in audit.verify_chain()],
    }
    with open(out, "w") as f:
        json.dump(snapshot, f, sort_keys=True)


# Times taken from the clock (with microseconds: "now", a booking "25 days ago") and
# random keys differ between any two runs; times the demo dates (whole seconds) do not.
NOW = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\.\d+(\+00:00)?")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _load(path: str) -> dict:
    text = UUID.sub("<uuid>", NOW.sub("<now>", open(path).read()))
    return json.loads(text)


def diff(old_path: str, new_path: str) -> int:
    old, new = _load(old_path), _load(new_path)
    bad = 0
    for key in ("counts", "outcomes", "due", "responses", "audit"):
        same = old[key] == new[key]
        bad += not same
        size = sum(map(len, old[key].values())) if key == "audit" else len(old[key])
        print(f"{key}: {'identical' if same else 'DIFFERENT'} ({size})")
        if not same and isinstance(old[key], dict):
            for k in sorted(set(old[key]) | set(new[key])):
                if old[key].get(k) != new[key].get(k):
                    print(f"  {k}")
                    if key == "audit":
                        a, b = old[key].get(k, []), new[key].get(k, [])
                        for i, (x, y) in enumerate(zip(a, b, strict=False)):
                            if x != y:
                                print(f"   first difference at {i}: {x} != {y}")
                                break
                        print(f"   lengths {len(a)} {len(b)}")
        elif not same:
            for i, (x, y) in enumerate(zip(old[key], new[key], strict=False)):
                if x != y:
                    print(f"  first difference at {i}: {x} != {y}")
                    break
    for name, snap in (("old", old), ("new", new)):
        print(f"{name}: breaks {len(snap['breaks'])}, CPU {snap['cpu']:.2f} s")
        bad += bool(snap["breaks"])
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "--diff":
        sys.exit(diff(sys.argv[2], sys.argv[3]))
    main(sys.argv[1])
