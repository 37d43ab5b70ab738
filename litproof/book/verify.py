"""`litproof verify` (and `nnlit verify`): find the book's derivations, check them, and report one line each.

The report comes in three formats: `text` for a terminal (a failing step and its
reason in plain-text math, module `plain_math`), `latex` (the messages as the
checker writes them) and `json` (one object per line, for other programs).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, TextIO

from litproof.book.model import Book
from litproof.core.checker import Result, Verdict, check
from litproof.core.derivation import Derivation, DerivationError
from litproof.core.plain_math import plain
from litproof.errors import BookError


def wrong_uses(
    items: list[Derivation | DerivationError], book: list[Derivation | DerivationError] | None = None
) -> list[tuple[Derivation, str]]:
    """Each of `items` whose `uses:` names no earlier derivation of the `book` (both in book order), with why."""
    book = items if book is None else book
    position: dict[str, tuple[int, Derivation]] = {}
    for number, item in enumerate(book):
        if isinstance(item, Derivation):
            position.setdefault(item.id, (number, item))
    where_in_book = {(item.chapter, item.line): n for n, item in enumerate(book) if isinstance(item, Derivation)}
    wrong = []
    for item in items:
        if not isinstance(item, Derivation) or (item.chapter, item.line) not in where_in_book:
            continue
        number = where_in_book[(item.chapter, item.line)]
        for used in item.uses:
            where = f"{item.chapter}:{item.uses_line}: {item.id}: `uses: {used}`"
            if used not in position:
                wrong.append((item, f"{where} names no derivation of the book."))
            elif position[used][0] >= number:
                later = position[used][1]
                itself = later.where == item.where
                what = "is this derivation itself" if itself else f"comes later in the book, at {later.where}"
                wrong.append((item, f"{where} {what}: a derivation can only use earlier results."))
    return wrong


def reused_ids(items: list[Derivation | DerivationError]) -> list[tuple[Derivation, str]]:
    """Each block whose id an earlier block already has, with why."""
    seen: dict[str, Derivation] = {}
    reused = []
    for item in items:
        if isinstance(item, Derivation):
            if item.id in seen:
                reused.append((item, f"{item.where}: the id {item.id} is already used at {seen[item.id].where}."))
            seen.setdefault(item.id, item)
    return reused


def book_problems(
    items: list[Derivation | DerivationError], book: list[Derivation | DerivationError] | None = None
) -> dict[tuple[str, int], str]:
    """What fails a block of `items` only in the light of the whole `book`: a reused id, a wrong `uses:`.

    By (chapter, line) of the block; `verify`, the site and the pytest plugin all ask this.
    """
    problems: dict[tuple[str, int], str] = {}
    for item, why in [*reused_ids(items), *wrong_uses(items, book)]:
        key = (item.chapter, item.line)
        problems[key] = f"{problems[key]}\n{why}" if key in problems else why
    return problems


_MATH_LINE = re.compile(r"^(  (?:step \d+|why): )(.*)$", re.MULTILINE)  # the lines of a message that hold math
_LOCATION = re.compile(r"([\w./-]+\.\w+)(?::(\d+))?(?=[: ])")  # a message's leading docs/<file>.md:<line>


def plain_message(message: str) -> str:
    """A failure's message with the math of its `step N:` and `why:` lines in plain text."""
    return _MATH_LINE.sub(lambda found: found.group(1) + plain(found.group(2)), message)


def format_result(result: Result, times: bool = False, fmt: str = "latex") -> str:
    """The report of one derivation: one line if it holds, else its message; in `fmt`, "text" or "latex"."""
    derivation = result.derivation
    line = f"{derivation.id:<34} {derivation.where:<24} {result.status}  ({result.seconds:.2f} s)"
    if not result.ok:
        message = plain_message(result.message) if fmt == "text" else result.message
        line = f"{message}\n  ({derivation.id}: {result.status}, {result.seconds:.2f} s)"
    if times:
        line += "".join(
            f"\n    steps {pair.number}-{pair.number + 1}: {pair.seconds:.3f} s  {pair.method or 'not shown'}"
            for pair in result.pairs
        )
    return line


def result_record(result: Result, times: bool = False) -> dict[str, Any]:
    """The JSON object of one checked derivation; a failure's also says which step, why, and the whole message."""
    derivation = result.derivation
    record: dict[str, Any] = {
        "id": derivation.id,
        "file": derivation.chapter,
        "line": derivation.line,
        "status": result.status,
        "verdict": result.verdict.value if result.verdict else None,
        "seconds": round(result.seconds, 3),
    }
    if not result.ok:
        # only a pair that was settled unequal or unproved names a step; an ill-formed block, a timeout do not
        failing = result.pairs[-1] if result.pairs and not result.pairs[-1].ok else None
        record["step"] = failing.number + 1 if failing else None
        record["reason"] = failing.reason if failing else None
        record["message"] = result.message
    if times:
        record["pairs"] = [
            {"steps": [pair.number, pair.number + 1], "seconds": round(pair.seconds, 3), "method": pair.method or None}
            for pair in result.pairs
        ]
    return record


def problem_record(problem: BookError) -> dict[str, Any]:
    """The JSON object of a malformed block ("malformed") or of a chapter that cannot be read ("error")."""
    message = str(problem)
    found = _LOCATION.match(message)
    malformed = isinstance(problem, DerivationError)
    return {
        "id": None,
        "file": found.group(1) if found else None,
        "line": int(found.group(2)) if found and found.group(2) else None,
        "status": "malformed" if malformed else "error",
        "verdict": Verdict.MALFORMED.value if malformed else None,
        "seconds": None,
        "step": None,
        "reason": None,
        "message": message,
    }


def _json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


def verify_book(
    book: Book,
    paths: list[Path] | None = None,
    times: bool = False,
    out: TextIO | None = None,
    fmt: str = "latex",
    prog: str = "litproof verify",
) -> int:
    """Check every derivation; print one line per derivation; 0 if all hold, 1 otherwise.

    A chapter that cannot be read is one sentence on stderr, and counts as a failure.
    In `fmt` "json" every derivation, malformed block and unreadable chapter is one
    JSON object per line, and the last line is an object whose key "summary" holds
    the summary line, with the counts "derivations" and "failed" and the "seconds".
    """
    out = out or sys.stdout
    problems: list[BookError] = []
    chapters: list[Path] = []
    for given in [[path] for path in paths] if paths else [None]:  # one bad path does not hide the others
        try:
            chapters.extend(book.chapters_to_check(given))
        except BookError as error:
            problems.append(error)
    items: list[Derivation | DerivationError] = []
    try:
        book.words  # noqa: B018  (the book's vocabulary file: every chapter needs it)
    except BookError as error:  # the book's vocabulary file: every chapter needs it
        print(f"{prog}: {error}", file=sys.stderr)
        if fmt == "json":
            print(_json_line(problem_record(error)), file=out)
        return 1
    for chapter in chapters:
        try:
            items.extend(book.derivations(chapter))
        except BookError as error:  # not UTF-8, a fence never closed: that chapter only
            problems.append(error)
    for problem in problems:
        print(f"{prog}: {problem}", file=sys.stderr)
        if fmt == "json":  # in the stream too, so that a program reading stdout sees every failure
            print(_json_line(problem_record(problem)), file=out)
    whole = items
    if paths:  # the chapters named may use results of others: look them up in the whole book
        try:
            whole = book.all_derivations()
        except BookError:
            whole = items
    items.extend(DerivationError(why) for why in book_problems(items, whole).values())
    failures = len(problems)
    total = 0.0
    for item in items:
        if isinstance(item, DerivationError):
            failures += 1
            print(_json_line(problem_record(item)) if fmt == "json" else str(item), file=out)
            continue
        result = check(item)
        total += result.seconds
        failures += not result.ok
        report = _json_line(result_record(result, times)) if fmt == "json" else format_result(result, times, fmt)
        print(report, file=out)
    checked = sum(isinstance(item, Derivation) for item in items)
    verdict = "all hold" if not failures else f"{failures} failed"
    summary = f"{checked} derivations, {verdict}, {total:.1f} s of checking."
    if fmt == "json":
        record = {"summary": summary, "derivations": checked, "failed": failures, "seconds": round(total, 3)}
        print(_json_line(record), file=out)
    else:
        if not checked and not failures:
            print("no derivations found.", file=out)
        print(summary, file=out)
    return 1 if failures else 0
