"""Totals of a fuzz report (TESSERA_FUZZ_REPORT of tests/security/test_fuzz_inputs.py).

    .venv/bin/python tests/security/fuzz_summary.py fuzz.jsonl [--min 1000]

One line per endpoint (inputs tried, 5xx, partial writes, requests answered other than
400, CPU seconds), then the total. An endpoint reported twice (a rerun) counts once,
with its last line. Exits 1 if any endpoint had a 5xx or a partial write, or fewer
inputs than --min. (Most 400s are the middleware's refusal of control characters,
before any view runs; the other answers come from views.)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys


def summarise(lines: list[dict], minimum: int = 0) -> tuple[list[str], bool]:
    last = {line["endpoint"]: line for line in lines}
    out, ok = [], True
    for name, line in sorted(last.items()):
        statuses = line.get("statuses", {})
        refused = sum(n for status, n in statuses.items() if status.endswith(" 400"))
        answered = sum(statuses.values())
        fivexx, partial = line.get("5xx", 0), line.get("partial_writes", 0)
        short = line["tried"] < minimum
        ok = ok and not fivexx and not partial and not short
        out.append(
            f"{name:45} tried {line['tried']:6}  5xx {fivexx}  partial writes {partial}"
            f"  answered other than 400 {answered - refused:6} of {answered:6} requests"
            f"  cpu {line.get('cpu_s', 0):7.1f} s" + ("  SHORT" if short else "")
        )
    tried = [line["tried"] for line in last.values()]
    cpu = sum(line.get("cpu_s", 0) for line in last.values())
    out.append(
        f"TOTAL endpoints {len(last)}  inputs {sum(tried)}  min {min(tried, default=0)}"
        f"  median {statistics.median(tried) if tried else 0}"
        f"  5xx {sum(line.get('5xx', 0) for line in last.values())}"
        f"  partial writes {sum(line.get('partial_writes', 0) for line in last.values())}"
        f"  cpu {cpu:.0f} s ({sum(tried) / cpu if cpu else 0:.1f} inputs per CPU second)"
        f"  under {minimum}: {sum(1 for n in tried if n < minimum)}"
    )
    return out, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--min", type=int, default=0, dest="minimum")
    args = parser.parse_args(argv)
    with open(args.report, encoding="utf-8") as report:
        lines = [json.loads(text) for text in report if text.strip()]
    out, ok = summarise(lines, args.minimum)
    print("\n".join(out))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
