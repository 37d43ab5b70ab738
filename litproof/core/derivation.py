"""Derivation blocks: read one from a chapter, and evaluate its steps.

A block is written once, in the chapter, and everything else comes from it: the
page prints the steps from these very expressions, and the checker proves each
consecutive pair equal.

````
```derivation
id: output-weight-gradient
title: The gradient of one output weight
given: |
  n, m = sizes('n m')
  ...
assume: 1 <= j <= n, 1 <= k <= m
sizes: n = 2..3, m = 2        (optional: check at these concrete sizes)
expect: ill-formed            (optional: this block shows a rejected step)
steps: |
    D(E, w[j, k])
  = D((t[k] - o_k)**2, w[j, k])      # only the k-th term of E holds w_jk
```
````
"""

from __future__ import annotations

import io
import itertools
import math
import re
import textwrap
import tokenize
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import sympy

from litproof.core.fences import Fence
from litproof.core.vocabulary import Vocabulary
from litproof.core.words import Word
from litproof.errors import BookError

KEYS = {"id", "title", "given", "assume", "sizes", "expect", "steps", "timeout", "uses"}
EXPECTATIONS = {"equal", "ill-formed", "unequal"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_RANGE = re.compile(r"^\s*(\w+)\s*=\s*(\d+)\s*(?:\.\.\s*(\d+))?\s*$")
MAX_SIZE_COMBINATIONS = 64  # each combination is checked exactly, entry by entry: a few is plenty


class DerivationError(BookError):
    """A malformed block: the message starts with `docs/<file>.md:<line>:`."""


@dataclass(frozen=True)
class Step:
    source: str  # the expression as written
    why: str  # the justification after `#`, may be empty
    line: int  # line of the step in the chapter


@dataclass
class Derivation:
    id: str
    title: str
    chapter: str
    line: int  # line of the block's first content line
    given: str
    given_line: int
    assume: list[tuple[str, str, str]]  # (low, index, high) as written
    sizes: list[dict[str, int]]  # concrete sizes to check at; empty: for all sizes only
    expect: str
    steps: list[Step]
    timeout: float
    source: str = field(repr=False)
    words: tuple[Word, ...] = field(default=(), repr=False)  # the book's own vocabulary (see `words`)
    uses: tuple[str, ...] = ()  # ids of earlier derivations its justifications rely on
    uses_line: int = 0

    @property
    def where(self) -> str:
        return f"{self.chapter}:{self.line}"

    def where_step(self, number: int) -> str:
        """docs/<file>.md:<line> of step `number` (counted from 0)."""
        return f"{self.chapter}:{self.steps[number].line}"

    def fail(self, line: int, message: str) -> DerivationError:
        return DerivationError(f"{self.chapter}:{line}: {self.id}: {message}")


def _split_comment(text: str) -> tuple[str, str]:
    """Split `expr  # why` at the first comment token (a `#` inside a string stays)."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                column = token.start[1]
                return text[:column].rstrip(), token.string[1:].strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return text.rstrip(), ""


def parse_steps(text: str, first_line: int, fail: Any) -> list[Step]:
    """`expr` then `= expr` lines; a line indented deeper than its step's first line continues it."""
    steps: list[tuple[list[str], list[str], int]] = []
    indent = 0
    for offset, raw in enumerate(text.splitlines()):
        if not raw.strip():
            continue
        code, why = _split_comment(raw)
        stripped = code.strip()
        line = first_line + offset
        depth = len(raw) - len(raw.lstrip())
        if stripped.startswith("=") or not steps:
            steps.append(([stripped.removeprefix("=").strip()], [why] if why else [], line))
            indent = depth
        elif depth <= indent:
            raise fail(line, "a step after the first must start with `=` (or, to continue a step, indent it deeper).")
        else:
            steps[-1][0].append(stripped)
            if why:
                steps[-1][1].append(why)
    return [Step(" ".join(code).strip(), " ".join(why), line) for code, why, line in steps]


def _parse_sizes(text: str, fail: Any, line: int) -> list[dict[str, int]]:
    ranges: dict[str, range] = {}
    for part in str(text).split(","):
        found = _RANGE.match(part)
        if not found:
            raise fail(line, f"`sizes:` expects entries like `n = 2..4` or `m = 3`, not {part.strip()!r}.")
        low = int(found.group(2))
        high = int(found.group(3) or low)
        if low < 1 or high < low:
            raise fail(line, f"`sizes:` range {part.strip()!r} is empty or not positive.")
        ranges[found.group(1)] = range(low, high + 1)
    combinations = math.prod(len(values) for values in ranges.values())
    if combinations > MAX_SIZE_COMBINATIONS:
        raise fail(
            line,
            f"`sizes:` asks for {combinations} combinations of sizes, but a block may check at most "
            f"{MAX_SIZE_COMBINATIONS}; give shorter ranges.",
        )
    names = list(ranges)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*ranges.values())]


def _parse_assume(text: str, fail: Any, line: int) -> list[tuple[str, str, str]]:
    bounds = []
    for part in str(text or "").split(","):
        if not part.strip():
            continue
        pieces = [p.strip() for p in part.split("<=")]
        if len(pieces) != 3 or not all(pieces):
            raise fail(line, f"`assume:` expects ranges like `1 <= j <= n`, not {part.strip()!r}.")
        bounds.append((pieces[0], pieces[1], pieces[2]))
    return bounds


def read_keys(text: str, first_line: int, fail: Any) -> tuple[dict[str, str], dict[str, int]]:
    """`key: value` lines at column 0; a value may go on in indented lines below (`key: |`).

    Not YAML: a step list whose first line is indented more than the `= ...` lines
    after it is natural here and an error in YAML.
    """
    values: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    current = None
    for offset, raw in enumerate(text.splitlines()):
        found = re.match(r"^([A-Za-z_][\w-]*):(.*)$", raw)
        if found:
            current = found.group(1)
            if current in values:
                raise fail(first_line + offset, f"the key `{current}:` appears twice.")
            inline = found.group(2).strip()
            values[current] = [] if inline in ("|", "") else [inline]
            lines[current] = offset if values[current] else offset + 1  # where the value starts
        elif raw.strip() and current is None:
            raise fail(
                first_line + offset, "a derivation block must start with `key: value` lines (id, given, steps, ...)."
            )
        elif raw.strip() and raw[:1] not in " \t":
            raise fail(
                first_line + offset, f"this line is neither `key: value` nor indented under a key: {raw.strip()!r}."
            )
        elif current is not None:
            values[current].append(raw)
    return {key: textwrap.dedent("\n".join(parts)).strip("\n") for key, parts in values.items()}, lines


def parse(fence: Fence, words: tuple[Word, ...] = ()) -> Derivation:
    """Read a derivation block; every malformation is an error with the chapter's line."""
    text = fence.text

    def fail(line: int, message: str) -> DerivationError:
        return DerivationError(f"{fence.chapter}:{line}: {message}")

    data, lines = read_keys(text, fence.line, fail)
    unknown = set(data) - KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise fail(fence.line + lines.get(name, 0), f"unknown key `{name}:`; the keys are {', '.join(sorted(KEYS))}.")
    ident = str(data.get("id") or "")
    if not _ID.match(ident):
        raise fail(fence.line, "a derivation needs an `id:` of lower-case letters, digits and dashes.")
    steps_text = data.get("steps")
    if not isinstance(steps_text, str) or not steps_text.strip():
        raise fail(fence.line + lines.get("steps", 0), f"derivation {ident} has no `steps:`.")
    steps_line = fence.line + lines["steps"]
    steps = parse_steps(steps_text, steps_line, fail)
    if len(steps) < 2:
        raise fail(steps_line, f"derivation {ident} needs at least two steps to have something to check.")
    expect = str(data.get("expect") or "equal")
    if expect not in EXPECTATIONS:
        raise fail(fence.line + lines.get("expect", 0), f"`expect:` must be one of {', '.join(sorted(EXPECTATIONS))}.")
    if expect == "unequal" and len(steps) != 2:
        raise fail(steps_line, "a block that expects `unequal` must have exactly two steps.")
    try:
        timeout = float(data.get("timeout", 20))
    except ValueError:
        timeout = -1.0
    if not 0 < timeout < math.inf:  # also refuses nan, for which every comparison is false
        message = "`timeout:` must be a positive number of seconds, finite (not inf or nan)."
        raise fail(fence.line + lines.get("timeout", 0), message)
    sizes = _parse_sizes(data["sizes"], fail, fence.line + lines["sizes"]) if data.get("sizes") else []
    uses_line = fence.line + lines.get("uses", 0)
    uses = tuple(part.strip() for part in str(data.get("uses") or "").split(",") if part.strip())
    for used in uses:
        if not _ID.match(used):
            raise fail(uses_line, f"`uses:` names derivations by id, separated by commas, not {used!r}.")
    return Derivation(
        id=ident,
        title=str(data.get("title") or ident),
        chapter=fence.chapter,
        line=fence.line,
        given=str(data.get("given") or ""),
        given_line=fence.line + lines.get("given", 0),
        assume=_parse_assume(data.get("assume"), fail, fence.line + lines.get("assume", 0)),
        sizes=sizes,
        expect=expect,
        steps=steps,
        timeout=float(timeout),
        source=text,
        words=words,
        uses=uses,
        uses_line=uses_line,
    )


@dataclass
class Evaluated:
    """A derivation's steps as SymPy expressions, with the names they were evaluated among."""

    namespace: dict[str, Any]
    steps: list[Any]
    ranges: dict[sympy.Symbol, tuple[Any, Any]]  # free index -> (low, high)


def _run_given(derivation: Derivation, namespace: dict[str, Any]) -> None:
    try:
        code = compile(derivation.given, derivation.chapter, "exec")
    except SyntaxError as error:
        line = derivation.given_line + (error.lineno or 1) - 1
        raise derivation.fail(line, f"`given:` is not valid Python ({error.msg}).") from None
    try:
        exec(code, namespace)  # noqa: S102  (the book's own text, in a closed vocabulary)
    except NameError as error:
        raise derivation.fail(derivation.given_line, f"unknown name in `given:`: {error}.") from None
    except Exception as error:  # noqa: BLE001  (any failure of the author's text is reported with its line)
        raise derivation.fail(derivation.given_line, f"`given:` failed: {type(error).__name__}: {error}.") from None


def evaluate_step(derivation: Derivation, number: int, namespace: dict[str, Any]) -> Any:
    step = derivation.steps[number]
    try:
        code = compile(step.source, derivation.chapter, "eval")
    except SyntaxError as error:
        raise derivation.fail(
            step.line, f"step {number + 1} is not an expression ({error.msg}): {step.source}"
        ) from None
    try:
        value = eval(code, namespace)  # noqa: S307  (the book's own text, in a closed vocabulary)
    except NameError as error:
        raise derivation.fail(
            step.line, f"step {number + 1} uses an unknown name: {error}; declare it in `given:`."
        ) from None
    except Exception as error:  # noqa: BLE001
        raise derivation.fail(
            step.line, f"step {number + 1} could not be evaluated: {type(error).__name__}: {error}."
        ) from None
    # (a Symbol is a Boolean too in SymPy: only truth values, comparisons and their combinations are conditions)
    if isinstance(value, bool | sympy.logic.boolalg.BooleanAtom | sympy.Rel | sympy.logic.boolalg.BooleanFunction):
        raise derivation.fail(step.line, f"step {number + 1} is a condition ({value}), not a formula.")
    if isinstance(value, int | float):
        value = sympy.sympify(value)
    if not isinstance(value, sympy.Basic | sympy.MatrixBase):
        raise derivation.fail(step.line, f"step {number + 1} is a {type(value).__name__}, not a formula.")
    if isinstance(value, sympy.Basic) and value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise derivation.fail(step.line, f"step {number + 1} is undefined or infinite ({value}): a division by zero?")
    return value


#: Symbolic evaluations by what they are computed from (see `evaluate`); SymPy's objects never change.
_EVALUATED: OrderedDict[tuple[Any, ...], tuple[Evaluated, Vocabulary, tuple[Word, ...]]] = OrderedDict()
_EVALUATED_MAX = 1024


def _fresh_symbolic(vocabulary: Vocabulary) -> bool:
    state = (vocabulary.definitions, vocabulary.size_symbols, vocabulary.index_symbols, vocabulary.positive)
    return type(vocabulary) is Vocabulary and not vocabulary.explicit and not any(state)


def evaluate(derivation: Derivation, vocabulary: Vocabulary) -> Evaluated:
    """Run `given`, then every step, in the vocabulary's mode.

    A build evaluates one block many times in the symbolic mode (its box, its Chinese
    copy's box, the results the prose shows, its notebook cell, the checker), and
    `mkdocs serve` again on every save. So a fresh symbolic vocabulary's evaluation is
    kept, by everything it is computed from: the text of `given`, `assume` and the
    steps, and the book's own words (the very objects, kept alive with it). A kept one
    gives the caller copies of the namespace and steps, and fills the caller's
    vocabulary with what the evaluation declared. A block that fails is not kept: its
    error names its own line.
    """
    if not _fresh_symbolic(vocabulary):
        return _evaluate(derivation, vocabulary)
    key = (
        derivation.given,
        tuple(derivation.assume),
        tuple(step.source for step in derivation.steps),
        tuple(id(word) for word in derivation.words),
    )
    kept = _EVALUATED.get(key)
    if kept is None:
        own = Vocabulary()
        kept = (_evaluate(derivation, own), own, derivation.words)
        _EVALUATED[key] = kept
        if len(_EVALUATED) > _EVALUATED_MAX:
            _EVALUATED.popitem(last=False)
    else:
        _EVALUATED.move_to_end(key)
    evaluated, declared, _ = kept
    vocabulary.definitions.update(declared.definitions)
    vocabulary.size_symbols.update(declared.size_symbols)
    vocabulary.index_symbols.update(declared.index_symbols)
    vocabulary.positive.extend(declared.positive)
    return Evaluated(dict(evaluated.namespace), list(evaluated.steps), dict(evaluated.ranges))


def _evaluate(derivation: Derivation, vocabulary: Vocabulary) -> Evaluated:
    namespace = vocabulary.namespace()
    namespace.update({word.name: word.function for word in derivation.words})
    _run_given(derivation, namespace)
    ranges = {}
    for low, name, high in derivation.assume:
        try:
            ranges[sympy.Symbol(name, integer=True)] = (
                sympy.sympify(eval(low, namespace)),  # noqa: S307
                sympy.sympify(eval(high, namespace)),  # noqa: S307
            )
        except Exception as error:  # noqa: BLE001
            raise derivation.fail(derivation.line, f"`assume:` range for {name} is not understood: {error}.") from None
    steps = [evaluate_step(derivation, number, namespace) for number in range(len(derivation.steps))]
    return Evaluated(namespace, steps, ranges)
