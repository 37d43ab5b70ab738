"""The in-page checker's one entry: a block's text in, `litproof verify`'s verdict out, as plain data.

The site ships the modules of `litproof.core` (these very files) to the browser,
where Pyodide runs them in a Web Worker; the page sends a request as JSON and
gets JSON back (`LiveChecker.handle`). Nothing here is a port: the block is read
by `derivation.parse`, checked by `checker.check` and printed by
`latex.step_latex`, so a verdict in the page is the verdict `litproof verify`
gives the same text at the same chapter and line. The only difference is who
stops a check that runs too long (`timelimit.enforced_outside`: the page ends
the worker after the limit it states).

Two requests:

- `{"kind": "block", "text", "chapter", "line"}`: a derivation block as the
  reader edited it (the box's folded source);
- `{"kind": "answer", "text", "chapter", "line", "given", "answer"}`: a "Your
  turn" exercise, whose `text` is the book's checked solution: its first
  `given` steps are kept, the reader's `answer` (lines `= ...`) replaces the
  rest, and the chain must hold and end at the solution's result.

A reply holds the verdict (`Verdict`'s value, as `litproof verify --format json`
gives it), each step as LaTeX, each pair's outcome, and the checker's message
split into lines of text and math (`message_lines`), for MathJax to show.

>>> block = "id: demo\\ngiven: |\\n  x = scalars('x')\\nsteps: |\\n    (x + 1)**2\\n  = x**2 + 2*x + 1\\n"
>>> reply = LiveChecker().check_block(block, "docs/demo.md", 3)
>>> reply["verdict"], reply["steps"][1]["latex"], reply["pairs"][0]["method"]
('proved', 'x^{2} + 2 x + 1', 'for all values')
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import sympy

from litproof.core.checker import Result, check, describe_sizes
from litproof.core.derivation import Derivation, DerivationError, Step, evaluate, parse
from litproof.core.fences import Fence
from litproof.core.latex import step_latex
from litproof.core.timelimit import enforced_outside
from litproof.core.vocabulary import Vocabulary
from litproof.core.words import Word, load_words

_MATH_LINE = re.compile(r"^  (?P<label>step \d+|why): (?P<rest>.*)$")
# a reason that starts with the ratio or difference of the two sides: "left / right = <LaTeX>; at n = 2, ..."
_EXPLAINED = re.compile(r"^(?P<before>(?:entry \(i, j\): )?left [/-] right = )(?P<math>.+?)(?P<after>; .*)?$")
_KEY = re.compile(r"^[A-Za-z_][\w-]*:")

Part = dict[str, str]  # {"text": ...} or {"math": ...}


def reason_parts(reason: str) -> list[Part]:
    r"""A pair's reason as text and math: the ratio or difference is LaTeX, the counterexample plain words.

    >>> reason_parts("left / right = \\frac{o_{j}}{o_{k}}; at n = 2, left = 1")
    [{'text': 'left / right = '}, {'math': '\\frac{o_{j}}{o_{k}}'}, {'text': '; at n = 2, left = 1'}]
    """
    found = _EXPLAINED.match(reason)
    if not found:
        return [{"text": reason}]
    parts = [{"text": found["before"]}, {"math": found["math"]}]
    return parts + [{"text": found["after"]}] if found["after"] else parts


def message_lines(message: str) -> list[list[Part]]:
    """The checker's message, line by line: its `step N:` lines are math, its `why:` line text and math."""
    lines = []
    for line in message.splitlines():
        found = _MATH_LINE.match(line)
        if not found:
            lines.append([{"text": line.strip()}])
        elif found["label"] == "why":
            lines.append([{"text": "why: "}, *reason_parts(found["rest"])])
        else:
            lines.append([{"text": f"{found['label']}: "}, {"math": found["rest"]}])
    return lines


def _printed(derivation: Derivation) -> tuple[list[dict[str, Any]], list[str]]:
    """(each step as the box prints it, the block's size names); a step's LaTeX is None where it cannot be printed."""
    vocabulary = Vocabulary()
    try:
        namespace = evaluate(derivation, vocabulary).namespace
    except DerivationError:
        namespace = None
    shown = []
    for step in derivation.steps:
        latex = None
        if namespace is not None:
            try:
                latex = step_latex(step.source, namespace)
            except (ValueError, SyntaxError):
                latex = None
        shown.append({"source": step.source, "why": step.why, "line": step.line, "latex": latex})
    return shown, list(vocabulary.size_symbols)


def _malformed(error: DerivationError) -> dict[str, Any]:
    message = str(error)
    return {
        "verdict": "malformed",
        "holds": False,
        "status": "malformed",
        "message": message,
        "lines": message_lines(message),
        "steps": [],
        "pairs": [],
        "seconds": 0.0,
    }


def _reply(derivation: Derivation, result: Result) -> dict[str, Any]:
    steps, size_names = _printed(derivation)
    return {
        "id": derivation.id,
        "verdict": result.verdict.value if result.verdict else None,
        "holds": result.ok,
        "status": result.status,
        "expect": derivation.expect,
        "message": result.message,
        "lines": message_lines(result.message),
        "steps": steps,
        "pairs": [
            {"number": pair.number, "outcome": pair.outcome.value, "method": pair.method, "reason": pair.reason}
            for pair in result.pairs
        ],
        "sizes": describe_sizes(derivation),
        "size_names": size_names,
        "seconds": round(result.seconds, 3),
    }


def _has_derivative(derivation: Derivation, number: int) -> bool:
    """Whether step `number` (from 0) still holds a derivative to carry out, as written."""
    return re.search(r"\bD\(", derivation.steps[number].source) is not None


@dataclasses.dataclass
class LiveChecker:
    """The checker as the page calls it, with the book's own words (module `words`)."""

    words: tuple[Word, ...] = ()

    @classmethod
    def of_files(cls, files: list[tuple[str, str]]) -> LiveChecker:
        """With the words of the book's vocabulary files: (path on this machine, name as mkdocs.yml gives it)."""
        return cls(tuple(word for path, name in files for word in load_words(Path(path), name)))

    def derivation(self, text: str, chapter: str, line: int) -> Derivation:
        """The block as `litproof verify` reads it from `chapter` at `line` (DerivationError if malformed)."""
        return parse(Fence(chapter, line, "derivation", {}, frozenset(), text), self.words)

    def check_block(self, text: str, chapter: str, line: int) -> dict[str, Any]:
        """The verdict on one block's text, each step printed, and the checker's message in lines."""
        try:
            derivation = self.derivation(text, chapter, line)
        except DerivationError as error:
            return _malformed(error)
        return _reply(derivation, check(derivation, time_limit=enforced_outside))

    def answer_text(self, solution: Derivation, given: int, answer: str) -> str:
        """The solution's block with its steps after the first `given` replaced by the reader's lines."""
        lines = solution.source.splitlines()
        start = solution.steps[given].line - solution.line
        end = next((n for n in range(start, len(lines)) if _KEY.match(lines[n])), len(lines))
        indent = re.match(r"[ \t]*", lines[start]).group(0)
        written = [f"{indent}{line.strip()}" for line in answer.splitlines() if line.strip()]
        return "\n".join([*lines[:start], *written, *lines[end:]]) + "\n"

    def check_answer(self, text: str, chapter: str, line: int, given: int, answer: str) -> dict[str, Any]:
        """A reader's answer to an exercise: their chain must hold and end at the solution's result.

        The result is compared with the checker's exact comparison (a pair of the reader's
        last step and the solution's last), and a last step that still holds a derivative
        `D(...)` the result does not have is not the result yet.
        """
        try:
            solution = self.derivation(text, chapter, line)
        except DerivationError as error:
            return _malformed(error)
        try:
            mine = self.derivation(self.answer_text(solution, given, answer), chapter, line)
        except DerivationError as error:
            return _malformed(error)
        reply = _reply(mine, check(mine, time_limit=enforced_outside))
        if len(mine.steps) <= given:
            reply["goal"] = {"reached": False, "why": "no step"}
            return reply
        if not reply["holds"]:
            return reply
        last, goal = mine.steps[-1], solution.steps[-1]
        if _has_derivative(mine, -1) and not _has_derivative(solution, -1):
            reply["goal"] = {"reached": False, "why": "derivative"}
            return reply
        pair = dataclasses.replace(mine, steps=[last, Step(goal.source, "", goal.line)], expect="equal")
        reached = check(pair, time_limit=enforced_outside)
        reply["goal"] = {
            "reached": reached.ok,
            "why": "" if reached.ok else "different",
            "latex": _printed(pair)[0][1]["latex"],
            "lines": message_lines(reached.message),
        }
        return reply

    def handle(self, request: str) -> str:
        """The worker's one call: a JSON request (see the module's docstring) in, a JSON reply out."""
        asked = json.loads(request)
        if asked["kind"] == "answer":
            reply = self.check_answer(asked["text"], asked["chapter"], asked["line"], asked["given"], asked["answer"])
        else:
            reply = self.check_block(asked["text"], asked["chapter"], asked["line"])
        reply["sympy"] = sympy.__version__
        return json.dumps(reply, ensure_ascii=False)
