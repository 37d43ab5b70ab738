"""The derivation checker: proves each consecutive pair of steps equal.

Cheap first. For a pair of steps:

1. reject ill-formed steps (an index used both as a summation variable and free);
2. for all sizes: expand the named definitions, carry out the derivatives,
   collapse Kronecker-delta sums (sum_i delta_ij f(i) = f(j) when j lies in the
   sum's range, as `assume:` says), give summation variables canonical names,
   `expand`, and compare; a zero difference is a proof for every size;
3. otherwise, at concrete sizes (the block's `sizes:`, or small probe sizes):
   look for a counterexample at random points over the whole domain the
   declarations allow (negative values unless a symbol is declared positive),
   then build the explicit entries and compare them exactly. A counterexample
   makes the step wrong. Points only ever refute: what no exact comparison
   settles is "unproved", and so is equality at probe sizes, unless the block
   claims only those sizes.

Matrix steps are proved for all sizes through their generic entry (i, j), written
out in index form by `entrywise`, with the same recipe; a product whose inner
dimensions differ is rejected first, so a missing transpose shows at any size.
A matrix derivation that is not proved so must list concrete `sizes:`, and among
them one whose sizes all differ, so that a missing transpose cannot hide in a
square product.
"""

from __future__ import annotations

import enum
import itertools
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy.matrices.expressions import MatrixExpr

from litproof.core import entrywise
from litproof.core.cases import derivatives_away_from_kinks, equal_by_cases, has_cases
from litproof.core.derivation import Derivation, DerivationError, evaluate
from litproof.core.latex import book_latex, step_latex
from litproof.core.timelimit import ProofTimeout, TimeLimit, alarm
from litproof.core.vocabulary import Vocabulary, sigmoid
from litproof.core.words import Word, WordFunction, rewrite_words

RANDOM_POINTS = 8  # points only refute: see compare_explicit
EXPLAIN_OPS = 300  # larger differences are not factored for the message (it can take minutes)


@dataclass
class PairResult:
    number: int  # the pair (number, number + 1), steps counted from 1
    outcome: Outcome  # EQUAL (proved), UNEQUAL (a counterexample) or UNKNOWN (unproved)
    method: str  # how it was settled, e.g. "for all sizes", "at n = 2, m = 3"
    seconds: float
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.EQUAL


@dataclass
class Result:
    derivation: Derivation
    ok: bool
    status: str  # a short phrase for the one-line report
    seconds: float
    pairs: list[PairResult] = field(default_factory=list)
    message: str = ""  # the full explanation of a failure, starting with docs/<file>.md:<line>:
    verdict: Verdict | None = None
    timed_out: bool = False  # the verdict depends on the machine's load: never cache it


# --- well-formedness ---------------------------------------------------------------


def symbol_use(expr: Any) -> tuple[set[sympy.Symbol], set[sympy.Symbol], set[sympy.Symbol]]:
    """(free, summed, re-bound) symbols of an expression.

    SymPy's own `free_symbols` is no help here: it can keep `o[j]` but drop `j`.
    """
    if not isinstance(expr, sympy.Basic):
        return set(), set(), set()
    summed: set[sympy.Symbol] = set()
    free: set[sympy.Symbol] = set()
    rebound: set[sympy.Symbol] = set()

    def walk(node: sympy.Basic, bound: frozenset[sympy.Symbol]) -> None:
        if isinstance(node, sympy.Symbol):
            if node not in bound:
                free.add(node)
            return
        if isinstance(node, sympy.Sum):
            names = [limit[0] for limit in node.limits]
            variables = set(names)
            summed.update(variables)
            rebound.update(variables & bound)
            # SymPy merges Sum(Sum(f, (j, ...)), (j, ...)) into one Sum with j in two limits
            rebound.update(name for name in variables if names.count(name) > 1)
            for limit in node.limits:
                for part in limit[1:]:
                    walk(part, bound)
            walk(node.function, bound | variables)
            return
        for arg in node.args:
            walk(arg, bound)

    walk(expr, frozenset())
    return free, summed, rebound


def shadowed_indices(expr: Any) -> set[sympy.Symbol]:
    """Summation variables that also occur free in the same expression (or re-bound inside)."""
    free, summed, rebound = symbol_use(expr)
    return rebound | (summed & free)


# --- the proof for all sizes ---------------------------------------------------------


def expand_definitions(expr: Any, definitions: dict[sympy.Symbol, sympy.Expr]) -> Any:
    for _ in range(50):
        expanded = expr.xreplace(definitions)
        if expanded == expr:
            return expr
        expr = expanded
    raise ValueError("the definitions refer to each other in a circle")


def _in_range(value: Any, low: Any, high: Any, ranges: dict[sympy.Symbol, tuple[Any, Any]]) -> bool | None:
    """Whether an index value lies in [low, high]: True, False, or None if unknown."""
    if value.is_Integer and low.is_Integer and high.is_Integer:
        return bool(low <= value <= high)
    if value in ranges:
        own_low, own_high = ranges[value]
        if own_low == low and own_high == high:
            return True
    return None


def _collapse_sum(total: sympy.Sum, ranges: dict[sympy.Symbol, tuple[Any, Any]]) -> Any:
    """Linearity, constant factors out, and sum_i delta_ij f(i) = f(j) for j in range."""
    if len(total.limits) > 1:
        inner = sympy.Sum(total.function, *total.limits[:-1])
        return _collapse_sum(sympy.Sum(_collapse_sum(inner, ranges), total.limits[-1]), ranges)
    variable, low, high = total.limits[0]
    result = sympy.Integer(0)
    for term in sympy.Add.make_args(sympy.expand(total.function)):
        constant, varying = term.as_independent(variable, as_Add=False)
        if varying == 1:
            result += constant * (high - low + 1)
            continue
        factors = list(sympy.Mul.make_args(varying))
        for position, factor in enumerate(factors):
            if isinstance(factor, sympy.KroneckerDelta) and variable in factor.args:
                other = factor.args[1] if factor.args[0] == variable else factor.args[0]
                if variable in other.free_symbols:
                    continue
                inside = _in_range(other, low, high, ranges)
                if inside is None:
                    continue
                if inside:
                    rest = sympy.Mul(*(factors[:position] + factors[position + 1 :]))
                    result += constant * rest.xreplace({variable: other})
                break
        else:
            result += constant * sympy.Sum(varying, (variable, low, high))
    return result


def _canonical_names(expr: Any, depth: int = 0) -> Any:
    """Rename summation variables by nesting depth, so equal sums look equal."""
    if isinstance(expr, sympy.Sum) and len(expr.limits) == 1:
        variable, low, high = expr.limits[0]
        fresh = sympy.Symbol(f"s_{depth}", integer=True)
        body = _canonical_names(expr.function.xreplace({variable: fresh}), depth + 1)
        return sympy.Sum(body, (fresh, low, high))
    if not isinstance(expr, sympy.Basic) or not expr.args or expr.is_Atom:
        return expr
    return expr.func(*(_canonical_names(arg, depth) for arg in expr.args))


def canonical(
    expr: Any, definitions: dict[sympy.Symbol, sympy.Expr], ranges: dict[sympy.Symbol, tuple[Any, Any]]
) -> Any:
    expr = expand_definitions(expr, definitions)
    expr = expr.replace(lambda e: isinstance(e, sympy.Derivative), lambda e: e.doit(deep=False))
    expr = expr.replace(lambda e: isinstance(e, sympy.Sum), lambda e: _collapse_sum(e, ranges))
    return sympy.expand(_canonical_names(expr))


def _written_out(expr: Any) -> Any:
    """sigmoid, tanh and the book's own words written out, so that a rational function of exponentials can cancel.

    >>> from sympy import Symbol, tanh
    >>> x = Symbol('x', real=True)
    >>> sympy.cancel(sympy.together(_written_out(tanh(x) - 2*sigmoid(2*x) + 1)))
    0
    """
    expr = rewrite_words(expr).replace(lambda e: isinstance(e, sympy.tanh), lambda e: e.rewrite(sympy.exp))
    return expr.replace(lambda e: isinstance(e, sigmoid), lambda e: 1 / (1 + sympy.exp(-e.args[0])))


def prove_for_all_sizes(a: Any, b: Any, definitions: dict, ranges: dict) -> tuple[bool, Any, Any]:
    """(proved, canonical a, canonical b)."""
    # a derivative of relu, Max or Piecewise is not claimed where its cases meet
    a, b = (derivatives_away_from_kinks(expand_definitions(side, definitions)) for side in (a, b))
    left, right = canonical(a, definitions, ranges), canonical(b, definitions, ranges)
    difference = sympy.expand(left - right)
    if difference == 0:
        return True, left, right
    if has_cases(left) or has_cases(right):
        return equal_by_cases(left, right, exactly_equal), left, right
    # rational functions (1/y + 1/(1 - y)), and sigmoid and tanh against their exponential forms
    if difference.has(sympy.exp, sympy.log, sympy.tanh, WordFunction):
        difference = sympy.expand(_written_out(difference))
    if sympy.cancel(sympy.together(difference)) == 0:
        return True, left, right
    return False, left, right


def explain_difference(left: Any, right: Any) -> str:
    """The simplest honest description of how two sides differ: their ratio or difference."""
    try:
        ratio = sympy.factor(sympy.cancel(left / right))
        difference = sympy.factor(sympy.expand(left - right))
    except (sympy.PolynomialError, TypeError, ValueError):
        return ""
    if sympy.count_ops(ratio) <= sympy.count_ops(difference):
        return rf"left / right = {book_latex(ratio)}"
    return rf"left - right = {book_latex(difference)}"


# --- checks at concrete sizes --------------------------------------------------------


def _is_matrix(value: Any) -> bool:
    return isinstance(value, MatrixExpr | sympy.MatrixBase)


def _shapes_differ(a: Any, b: Any) -> str:
    """Why two sides cannot be equal whatever their entries: "" if their shapes agree."""
    if _is_matrix(a) != _is_matrix(b):
        return "one side is a matrix and the other a number"
    if _is_matrix(a) and a.shape != b.shape:
        return f"the sides have shapes {a.shape[0]} x {a.shape[1]} and {b.shape[0]} x {b.shape[1]}"
    return ""


def _non_square(sizes: dict[str, int]) -> bool:
    """Whether the sizes all differ: only then can no product with a missing transpose be formed."""
    return len(set(sizes.values())) == len(sizes)


def _numbers(value: Any) -> list[Any]:
    return list(value) if isinstance(value, sympy.MatrixBase) else [value]


def _leaves(expressions: list[Any]) -> list[Any]:
    """The variables of concrete expressions: entries such as w[1, 2], and plain symbols."""
    entries: set[Any] = set()
    symbols: set[Any] = set()
    for expr in expressions:
        entries |= expr.atoms(sympy.Indexed)
        symbols |= {s for s in expr.free_symbols if not isinstance(s, sympy.Indexed)}
    labels = {entry.base.label for entry in entries}
    return sorted(entries | (symbols - labels), key=str)


def _random_point(leaves: list[Any], rng: random.Random, attempt: int) -> dict[Any, sympy.Float]:
    """A point anywhere in the domain the declarations allow: negative values too, unless declared positive.

    The first attempt makes every unconstrained value negative, the second alternates
    signs, later ones draw signs at random: so a rule that holds only for positive
    values meets a negative one whatever the seed.
    """
    point = {}
    for position, leaf in enumerate(leaves):
        positive = leaf.is_positive or (isinstance(leaf, sympy.Indexed) and leaf.base.is_positive)
        negative = attempt == 0 or (attempt == 1 and position % 2 == 1) or (attempt > 1 and rng.random() < 0.5)
        sign = 1 if positive or not negative else -1
        point[leaf] = sympy.Float(sign * rng.uniform(0.1, 3.0), 30)
    return point


def _number(value: Any) -> str:
    """A short decimal, complex where a step left the real line (log of a negative, say)."""
    real, imaginary = (float(part) for part in value.as_real_imag())
    return f"{real:.6g}" if imaginary == 0 else f"{complex(real, imaginary):.6g}"


def exactly_equal(x: Any, y: Any) -> bool:
    """Whether two concrete expressions are equal as formulas: expand, then cancel as rational functions.

    >>> from sympy import Symbol, sqrt
    >>> x = Symbol('x', real=True)
    >>> exactly_equal((x + 1)**2, x**2 + 2*x + 1), exactly_equal(1/x + 1/(1 - x), 1/(x*(1 - x)))
    (True, True)
    >>> exactly_equal(sqrt(x**2), x)
    False

    Functions defined by cases are compared case by case (module `cases`):

    >>> from litproof.core.cases import relu
    >>> exactly_equal(relu(x), sympy.Max(0, x)), exactly_equal(relu(x), sympy.Max(0, -x))
    (True, False)
    """
    difference = sympy.expand(x - y)
    if difference == 0:
        return True
    if has_cases(x) or has_cases(y):
        return equal_by_cases(x, y, exactly_equal)
    if difference.has(sympy.exp, sympy.tanh, WordFunction):
        difference = sympy.expand(_written_out(difference))
    return sympy.cancel(sympy.together(difference)) == 0


def word_record_error(word: Word) -> str:
    r"""Why a book's word cannot be used: its record's derivative is not exactly the slope of its explicit form.

    >>> from litproof.core.words import Word
    >>> softplus = Word("softplus", lambda x: sympy.log(1 + sympy.exp(x)), sigmoid, r"\operatorname{softplus}")
    >>> word_record_error(softplus)
    ''
    >>> word_record_error(Word("half", lambda x: x**2 / 2, lambda x: 2*x, "h"))
    "the word half's derivative 2*x is not the slope of its explicit form (x)"
    """
    x = sympy.Symbol("x", real=True)
    claimed = sympy.sympify(word.derivative(x))
    slope = sympy.diff(sympy.sympify(word.explicit(x)), x)
    if exactly_equal(claimed, slope):
        return ""
    return f"the word {word.name}'s derivative {claimed} is not the slope of its explicit form ({slope})"


class Outcome(enum.Enum):
    """How a comparison at one concrete case came out."""

    EQUAL = "equal"  # shown equal by an exact symbolic comparison
    UNEQUAL = "unequal"  # a counterexample was found
    UNKNOWN = "unknown"  # neither: agreement at points proves nothing


def compare_explicit(a: Any, b: Any, rng: random.Random) -> tuple[Outcome, str]:
    """(outcome, counterexample) for two concrete values: scalars or explicit matrices.

    Random points first, over the whole domain the declarations allow: they find a
    counterexample in milliseconds where expanding a large explicit expression can
    take minutes. Points can only refute; two sides are equal only when the exact
    comparison says so.
    """
    if _is_matrix(a) != _is_matrix(b):
        return Outcome.UNEQUAL, "one side is a matrix and the other a number"
    if _is_matrix(a) and a.shape != b.shape:
        return Outcome.UNEQUAL, f"the sides have shapes {a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]}"
    pairs = list(zip(_numbers(a), _numbers(b), strict=True))
    leaves = _leaves([side for pair in pairs for side in pair])
    for attempt in range(RANDOM_POINTS):
        point = _random_point(leaves, rng, attempt)
        for position, (x, y) in enumerate(pairs):
            left, right = x.xreplace(point).evalf(30), y.xreplace(point).evalf(30)
            if not (left.is_number and right.is_number):
                unknown = sorted(str(s) for s in (left - right).free_symbols)
                named = ", ".join(unknown)
                return Outcome.UNEQUAL, f"at concrete sizes the sides still depend on {named}; give it a range"
            if left.has(sympy.nan, sympy.zoo) or right.has(sympy.nan, sympy.zoo):
                continue  # a point outside one side's domain (a division by zero) refutes nothing
            if abs(left - right) > 1e-12 * max(1, abs(left), abs(right)):
                where = ""
                if _is_matrix(a):
                    row, col = divmod(position, a.shape[1])
                    where = f"entry ({row + 1}, {col + 1}): "
                values = ", ".join(f"{leaf} = {_number(value)}" for leaf, value in point.items())
                return Outcome.UNEQUAL, f"{where}left = {_number(left)}, right = {_number(right)} at {values}"
    if all(exactly_equal(x, y) for x, y in pairs):
        return Outcome.EQUAL, ""
    return Outcome.UNKNOWN, ""


def _free_indices(steps: list[Any], symbolic: Vocabulary) -> list[sympy.Symbol]:
    free: set[sympy.Symbol] = set()
    for step in steps:
        free |= symbol_use(step)[0]
    return sorted((s for s in symbolic.index_symbols.values() if s in free), key=str)


def concrete_cases(
    derivation: Derivation, symbolic: Vocabulary, ranges: dict, steps: list[Any]
) -> Iterator[tuple[dict[str, int], dict[str, int]]]:
    """(sizes, index values) at which to check: the listed sizes, or small probe sizes."""
    if derivation.sizes:
        all_sizes = derivation.sizes
    else:
        # probes: all sizes 2, then all different (non-square), e.g. n = 2, h = 3, m = 4
        names = list(symbolic.size_symbols)
        all_sizes = [dict.fromkeys(names, 2), {name: 2 + k for k, name in enumerate(names)}]
    indices = _free_indices(steps, symbolic)
    for sizes in all_sizes:
        substitution = {
            symbolic.size_symbols[name]: value for name, value in sizes.items() if name in symbolic.size_symbols
        }
        choices = []
        for index in indices:
            # an index without a range in `assume:` is tried at 1 and 2
            low, high = (
                int(bound.xreplace(substitution)) for bound in ranges.get(index, (sympy.Integer(1), sympy.Integer(2)))
            )
            choices.append(sorted({low, high}))
        combinations = list(itertools.product(*choices))
        for values in combinations if derivation.sizes else combinations[:: max(1, len(combinations) - 1)]:
            yield sizes, {index.name: value for index, value in zip(indices, values, strict=True)}


def _describe(sizes: dict[str, int], index_values: dict[str, int]) -> str:
    listed = ", ".join(f"{name} = {value}" for name, value in {**sizes, **index_values}.items())
    return f"at {listed}, " if listed else ""


def describe_sizes(derivation: Derivation) -> str:
    """`n = 2..3, m = 4` for the sizes a block lists."""
    names = list(derivation.sizes[0]) if derivation.sizes else []
    parts = []
    for name in names:
        values = sorted({case[name] for case in derivation.sizes})
        parts.append(f"{name} = {values[0]}" if len(values) == 1 else f"{name} = {values[0]}..{values[-1]}")
    return ", ".join(parts)


def _has_work(value: Any) -> bool:
    if isinstance(value, sympy.MatrixBase):
        return any(_has_work(entry) for entry in value)
    return isinstance(value, sympy.Basic) and value.has(sympy.Sum, sympy.Derivative)


class ConcreteCases:
    """The steps evaluated at each concrete case, built only when first needed, then kept."""

    def __init__(self, derivation: Derivation, cases: Iterator[tuple[dict[str, int], dict[str, int]]]) -> None:
        self.derivation = derivation
        self.pending = cases
        self.built: list[tuple[dict[str, int], dict[str, int], list[Any]]] = []

    def __iter__(self) -> Iterator[tuple[dict[str, int], dict[str, int], list[Any]]]:
        yield from self.built
        for sizes, values in self.pending:
            steps = evaluate(self.derivation, Vocabulary(sizes, values)).steps
            # carry out the sums and derivatives that concrete sizes made finite (only where there are any)
            done = [s.doit() if _has_work(s) else s for s in steps]
            self.built.append((sizes, values, done))
            yield self.built[-1]


# --- one derivation ------------------------------------------------------------------


def _failure(derivation: Derivation, number: int, namespace: dict[str, Any], reason: str) -> str:
    step = derivation.steps[number]
    return (
        f"{derivation.chapter}:{step.line}: {derivation.id}: step {number + 1} does not follow from step {number}.\n"
        f"  step {number}: {step_latex(derivation.steps[number - 1].source, namespace)}\n"
        f"  step {number + 1}: {step_latex(step.source, namespace)}\n"
        f"  why: {reason}"
    )


class Verdict(enum.Enum):
    """What the checker concluded about a whole derivation."""

    PROVED = "proved"  # every pair, for all sizes (or all values)
    PROVED_AT_SIZES = "proved at sizes"  # exactly, at the sizes the block lists (some pairs)
    AS_EXPECTED = "as expected"  # rejected as ill-formed, or shown unequal, as the block says
    FAILED = "failed"  # a counterexample, a step that cannot be formed, or an expectation not met
    UNPROVED = "unproved"  # no exact comparison settled a pair, or the time ran out
    ILL_FORMED = "ill-formed"  # an index used both bound and free
    MALFORMED = "malformed"  # the block cannot be read or evaluated

    @property
    def holds(self) -> bool:
        return self in (Verdict.PROVED, Verdict.PROVED_AT_SIZES, Verdict.AS_EXPECTED)


def check(derivation: Derivation, time_limit: TimeLimit = alarm) -> Result:
    """Check every consecutive pair of a derivation's steps; never raises for anything in the block.

    The stages, in order: evaluate the block, reject ill-formed steps, form the
    matrix entries, then prove each pair (`PairProof`). The block's `timeout:`
    covers all of them: its `given`, the evaluation of its steps and every proof;
    `time_limit` enforces it (module `timelimit`: SIGALRM here, the page in a browser).
    Running out of time is *unproved*; a crash of the checker on this block is
    this block's failure, with its line, and the caller goes on to the next block.
    """
    started = time.perf_counter()
    pairs: list[PairResult] = []

    def ended(verdict: Verdict, status: str, message: str) -> Result:
        return Result(derivation, verdict.holds, status, time.perf_counter() - started, pairs, message, verdict)

    try:
        with time_limit(derivation.timeout):
            return _check(derivation, started, pairs)
    except ProofTimeout:
        where = f"{derivation.chapter}:{derivation.steps[len(pairs) + 1].line}" if pairs else derivation.where
        during = f" while checking steps {len(pairs) + 1}-{len(pairs) + 2}" if pairs else ""
        limit = f"{derivation.timeout:g} s"
        message = f"{where}: {derivation.id}: unproved: the check ran out of time after {limit}{during}."
        result = ended(Verdict.UNPROVED, "unproved", message)
        result.timed_out = True
        return result
    except Exception as error:  # noqa: BLE001  (a crash on one block is that block's failure, not the run's)
        message = (
            f"{derivation.where}: {derivation.id}: the checker could not handle this block "
            f"({type(error).__name__}: {str(error)[:200]}); simplify the steps or split the derivation."
        )
        return ended(Verdict.FAILED, "failed", message)


def _ill_formed(derivation: Derivation, steps: list[Any], definitions: dict) -> str:
    """Why a step is ill-formed (an index both bound and free, or bound twice), or ""."""
    for number, step in enumerate(steps):
        shown = step if _is_matrix(step) else expand_definitions(step, definitions)
        shadowed = shadowed_indices(step) | shadowed_indices(shown)
        if shadowed:
            names = ", ".join(sorted(str(s) for s in shadowed))
            return (
                f"{derivation.chapter}:{derivation.steps[number].line}: {derivation.id}: "
                f"step {number + 1} is ill-formed: "
                f"{names} is used both as a summation index and as a free index (or bound by two sums at once)."
            )
    return ""


class PairProof:
    """The proof of each pair of consecutive steps of one evaluated derivation.

    Cheap first: for all sizes (entrywise, for matrices), then at concrete sizes,
    where points may only refute and equality needs the exact comparison. The
    concrete cases are built once, when a first pair needs them, and kept.
    """

    def __init__(self, derivation: Derivation, symbolic: Vocabulary, steps: list[Any], ranges: dict) -> None:
        self.derivation, self.symbolic, self.steps, self.ranges = derivation, symbolic, steps, ranges
        self.matrix_form = any(_is_matrix(step) for step in steps)
        self.entries: list[tuple[Any, dict] | None] = []  # each step's generic entry; None: no entrywise form
        self.rng = random.Random(derivation.id)
        self.cases: ConcreteCases | None = None

    def form_entries(self) -> str:
        """Each matrix step's generic entry; why a step cannot be formed (a product of mismatched shapes), or ""."""
        for number, step in enumerate(self.steps if self.matrix_form else []):
            try:
                self.entries.append(entrywise.generic_entry(step, self.symbolic.definitions))
            except entrywise.ShapeMismatch as error:
                return (
                    f"{self.derivation.chapter}:{self.derivation.steps[number].line}: {self.derivation.id}: "
                    f"step {number + 1} cannot be formed: {error}."
                )
            except entrywise.Unsupported:
                self.entries.append(None)
        return ""

    def for_all_sizes(self, number: int) -> tuple[str, Any, Any, str]:
        """(method, left, right, reason): the proof for all sizes of pair (number, number + 1)."""
        a, b = self.steps[number - 1], self.steps[number]
        definitions = self.symbolic.definitions
        if not self.matrix_form:
            proved, left, right = prove_for_all_sizes(a, b, definitions, self.ranges)
            everywhere = "for all sizes" if self.symbolic.size_symbols else "for all values"
            return everywhere if proved else "", left, right, ""
        if self.entries[number - 1] and self.entries[number] and not _shapes_differ(a, b):
            (left, own), (right, _) = self.entries[number - 1], self.entries[number]
            proved, left, right = prove_for_all_sizes(left, right, definitions, {**self.ranges, **own})
            return "for all sizes" if proved else "", left, right, ""
        return "", None, None, _shapes_differ(a, b)  # no entries to explain a difference by

    def at_concrete_sizes(self, number: int, left: Any, right: Any) -> tuple[Outcome, str, str]:
        """(outcome, method, reason) at the listed sizes, or at probe sizes, for pair (number, number + 1)."""
        derivation = self.derivation
        if self.cases is None:
            self.cases = ConcreteCases(derivation, concrete_cases(derivation, self.symbolic, self.ranges, self.steps))
        unknown_at = ""
        for sizes, values, concrete in self.cases:
            outcome, counterexample = compare_explicit(concrete[number - 1], concrete[number], self.rng)
            if outcome is Outcome.UNEQUAL:
                reason = f"{_describe(sizes, values)}{counterexample}"
                if left is not None and sympy.count_ops(left - right) <= EXPLAIN_OPS:
                    explained = explain_difference(left, right)
                    if explained and self.matrix_form:
                        explained = f"entry (i, j): {explained}"
                    reason = f"{explained}; {reason}" if explained else reason
                return Outcome.UNEQUAL, "", reason
            if outcome is Outcome.UNKNOWN and not unknown_at:
                unknown_at = _describe(sizes, values).removesuffix(", ") or "at the values tried"
        if unknown_at:
            return (
                Outcome.UNKNOWN,
                "",
                (
                    f"unproved: {unknown_at} no exact comparison shows the two sides equal "
                    "(no counterexample was found either, but agreement at points proves nothing)"
                ),
            )
        if self.matrix_form and not any(_non_square(case) for case in derivation.sizes):
            return (
                Outcome.UNKNOWN,
                "",
                (
                    "unproved: no proof for all sizes was found, and a matrix derivation checked at "
                    "concrete sizes must list `sizes:` all different from each other (non-square), "
                    "so that a missing transpose cannot hide"
                ),
            )
        if derivation.sizes:
            return Outcome.EQUAL, f"at {describe_sizes(derivation)} (exactly)", ""
        return (
            Outcome.UNKNOWN,
            "",
            (
                "unproved: no proof for all sizes was found, though the steps are equal at the "
                "sizes tried; list `sizes:` to claim only those sizes"
                if self.symbolic.size_symbols
                else "unproved: no symbolic proof was found, and no counterexample either"
            ),
        )

    def pair(self, number: int) -> PairResult:
        """The result for steps (number, number + 1), steps counted from 1."""
        started = time.perf_counter()
        method, left, right, reason = self.for_all_sizes(number)
        if method:
            outcome = Outcome.EQUAL
        elif reason:
            outcome = Outcome.UNEQUAL
        else:
            outcome, method, reason = self.at_concrete_sizes(number, left, right)
        return PairResult(number, outcome, method, time.perf_counter() - started, reason)


def _check(derivation: Derivation, started: float, pairs: list[PairResult]) -> Result:
    """The stages of `check`, in order; each pair's result goes into `pairs` as soon as it is known."""

    def done(verdict: Verdict, status: str, message: str = "") -> Result:
        return Result(derivation, verdict.holds, status, time.perf_counter() - started, pairs, message, verdict)

    for word in derivation.words:  # the book's own words are used only once their records are proved
        wrong = word_record_error(word)
        if wrong:
            return done(Verdict.MALFORMED, "malformed", f"{derivation.where}: {derivation.id}: {wrong}.")
    try:
        symbolic = Vocabulary()
        evaluated = evaluate(derivation, symbolic)
    except DerivationError as error:
        return done(Verdict.MALFORMED, "malformed", str(error))
    steps = evaluated.steps

    ill_formed = _ill_formed(derivation, steps, symbolic.definitions)
    if derivation.expect == "ill-formed":
        if ill_formed:
            return done(Verdict.AS_EXPECTED, "rejected as ill-formed, as expected", ill_formed)
        return done(
            Verdict.FAILED,
            "failed",
            f"{derivation.where}: {derivation.id}: expected to be ill-formed, but every step is well-formed.",
        )
    if ill_formed:
        return done(Verdict.ILL_FORMED, "ill-formed", ill_formed)

    proof = PairProof(derivation, symbolic, steps, evaluated.ranges)
    unformed = proof.form_entries()
    if unformed:
        return done(Verdict.FAILED, "failed", unformed)

    for number in range(1, len(steps)):
        try:
            pair = proof.pair(number)
        except DerivationError as error:
            return done(Verdict.MALFORMED, "malformed", str(error))
        pairs.append(pair)
        if pair.outcome is Outcome.EQUAL:
            continue
        if derivation.expect == "unequal" and pair.outcome is Outcome.UNEQUAL:
            return done(Verdict.AS_EXPECTED, "shown unequal by a counterexample, as expected", pair.reason)
        unproved = pair.outcome is Outcome.UNKNOWN
        message = _failure(derivation, number, evaluated.namespace, pair.reason)
        return done(Verdict.UNPROVED if unproved else Verdict.FAILED, "unproved" if unproved else "failed", message)

    if derivation.expect == "unequal":
        return done(
            Verdict.FAILED,
            "failed",
            f"{derivation.where}: {derivation.id}: expected the two steps to differ, but they are equal.",
        )
    methods = {pair.method for pair in pairs}
    if len(methods) == 1 and next(iter(methods)).startswith("for all"):
        return done(Verdict.PROVED, "proved " + next(iter(methods)))
    return done(Verdict.PROVED_AT_SIZES, "checked " + "; ".join(sorted(methods)))
