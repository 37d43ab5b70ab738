"""Mutation run of the whole book: how many wrong steps the checker rejects, per chapter.

    python benchmarks/mutation.py [--out benchmarks/results/mutation.json] [CHAPTER ...]

Every mutant must be rejected or proved equal to the step it came from; the
script exits 1 if any survives. It takes minutes (each mutant is a checker
run), which is why it is here and not in the test suite; the suite runs the
same tool on the seed chapter (tests/literate/test_mutate.py).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from litproof.book.model import Book
from litproof.book.mutate import mutate_chapter

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/mutation.json")
    args = parser.parse_args()
    rows = []
    survivors = 0
    book = Book.at(ROOT)
    for chapter in book.chapters_to_check(args.chapters or None):
        started = time.perf_counter()
        report = mutate_chapter(book, chapter)
        if not report.outcomes:
            continue
        counts = {verdict: report.count(verdict) for verdict in ("killed", "equivalent", "survived")}
        survivors += counts["survived"]
        rows.append(
            {
                "chapter": report.chapter,
                "mutants": len(report.outcomes),
                **counts,
                "survivors": [
                    {"step": o.mutant.step + 1, "kind": o.mutant.kind, "source": o.mutant.source}
                    for o in report.outcomes
                    if o.verdict == "survived"
                ],
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        row = rows[-1]
        print(
            f"{row['chapter']:<28} {row['mutants']:4d} mutants: {row['killed']} killed, "
            f"{row['equivalent']} equivalent, {row['survived']} survived  ({row['seconds']} s)",
            flush=True,
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.platform(), "chapters": rows}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{sum(r['mutants'] for r in rows)} mutants, {survivors} survivors; wrote {args.out}")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
