"""How long `nnlit verify` takes on the whole book, against the 10 s budget, in one run.

    python benchmarks/verify_speed.py [--rounds 3] [--out benchmarks/results/verify_speed.json]

Each round runs, back to back, `nnlit verify` (process start to exit) and a
reference process that only imports the checker, so that the ratio of the two
says how much of the time is checking, whatever the machine's load. It also
counts how the derivations were settled (proved for all sizes, at listed
sizes, unequal or ill-formed as expected) from verify's own report lines.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 10.0
VERIFY = [sys.executable, "-m", "nnlit", "verify"]
REFERENCE = [sys.executable, "-c", "import litproof.core.checker"]


def wall(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0 and command is VERIFY:
        sys.exit(f"nnlit verify failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout


def settled(report: str) -> Counter[str]:
    """How each derivation was settled, from the one-line-per-derivation report."""
    kinds: Counter[str] = Counter()
    for line in report.splitlines():
        for kind in ("proved for all sizes", "proved for all values", "checked at", "as expected", "numerically"):
            if kind in line:
                kinds[kind] += 1
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/verify_speed.json")
    args = parser.parse_args()
    verify_times, reference_times, report = [], [], ""
    for _ in range(args.rounds):
        seconds, report = wall(VERIFY)
        verify_times.append(seconds)
        reference_times.append(wall(REFERENCE)[0])
    verify, reference = statistics.median(verify_times), statistics.median(reference_times)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "rounds": args.rounds,
        "verify_seconds_median": round(verify, 2),
        "verify_seconds_all": [round(s, 2) for s in verify_times],
        "import_seconds_median": round(reference, 2),
        "verify_over_import": round(verify / reference, 2),
        "verify_over_budget": round(verify / BUDGET_SECONDS, 2),
        "summary_line": report.strip().splitlines()[-1],
        "settled": dict(settled(report)),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if verify <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
