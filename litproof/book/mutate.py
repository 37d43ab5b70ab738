"""Mutation testing of the derivations: does the checker say no to a wrong step?

For every step of every derivation, small plausible mistakes are made in its
source (flip a sign, drop a factor, swap two indices, put one index for another,
drop a transpose, change an exponent, swap the order of a product, flip a
comparison or move its boundary into the other case, swap the values of two
cases of a Piecewise), and the
checker is run on the step with its neighbours. A mutant must be rejected
("killed"). A mutant that is truly equal to the original step (swapping the
factors of a scalar product, say) is proved equal and counted as equivalent;
any other survivor is a hole in the checker, and is reported as such.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from litproof.book.model import Book
from litproof.core.checker import check
from litproof.core.derivation import Derivation, Step


@dataclass(frozen=True)
class Mutant:
    step: int  # 0-based step number
    kind: str
    source: str


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str  # "killed", "equivalent" or "survived"
    detail: str = ""


@dataclass
class ChapterReport:
    chapter: str
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # blocks that show a rejected step on purpose

    def count(self, verdict: str) -> int:
        return sum(outcome.verdict == verdict for outcome in self.outcomes)


_FLIPPED = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE}
_MOVED = {ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt}  # the boundary joins the other case


class _Mutator:
    """Every single-place mutation of one expression's syntax tree."""

    def __init__(self, source: str, indices: list[str], confusions: dict[str, tuple[str, ...]] | None = None) -> None:
        self.tree = ast.parse(source, mode="eval")
        self.indices = indices
        self.confusions = confusions or {}  # a book's own word -> the words it may be mistaken for

    def _variants(self, node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Sub):
                yield "flip a sign", ast.BinOp(node.left, ast.Add(), node.right)
            if isinstance(node.op, ast.Add):
                yield "flip a sign", ast.BinOp(node.left, ast.Sub(), node.right)
            if isinstance(node.op, ast.Mult | ast.MatMult):
                yield "drop a factor", node.left
                yield "drop a factor", node.right
                yield "swap the order of a product", ast.BinOp(node.right, node.op, node.left)
            if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant):
                yield "change an exponent", ast.BinOp(node.left, ast.Pow(), ast.Constant(node.right.value + 1))
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIPPED:
            op = type(node.ops[0])
            yield "flip a comparison", ast.Compare(node.left, [_FLIPPED[op]()], node.comparators)
            yield "move a boundary", ast.Compare(node.left, [_MOVED[op]()], node.comparators)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Piecewise":
            cases = node.args
            if all(isinstance(case, ast.Tuple) and len(case.elts) == 2 for case in cases):
                for first in range(len(cases) - 1):
                    (a, a_if), (b, b_if) = cases[first].elts, cases[first + 1].elts
                    pair = [ast.Tuple([b, a_if], ast.Load()), ast.Tuple([a, b_if], ast.Load())]
                    swapped = [*cases[:first], *pair, *cases[first + 2 :]]
                    yield "swap two cases", ast.Call(node.func, swapped, node.keywords)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            for other in self.confusions.get(node.func.id, ()):
                yield f"{other} for {node.func.id}", ast.Call(ast.Name(other, ast.Load()), node.args, node.keywords)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield "flip a sign", node.operand
        if isinstance(node, ast.Attribute) and node.attr == "T":
            yield "drop a transpose", node.value
        if isinstance(node, ast.Subscript):
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if len(items) == 2:
                yield "swap two indices", ast.Subscript(node.value, ast.Tuple([items[1], items[0]], ast.Load()))
            for position, item in enumerate(items):
                if isinstance(item, ast.Name) and item.id in self.indices:
                    for other in self.indices:
                        if other != item.id:
                            changed = list(items)
                            changed[position] = ast.Name(other, ast.Load())
                            new_slice = ast.Tuple(changed, ast.Load()) if len(changed) > 1 else changed[0]
                            yield f"{other} for {item.id}", ast.Subscript(node.value, new_slice)

    def mutants(self) -> Iterator[tuple[str, str]]:
        """(kind, source) of every mutant; each differs from the original in one place."""
        original = ast.unparse(self.tree)
        seen = {original}
        nodes = list(ast.walk(self.tree))
        for position, node in enumerate(nodes):
            for kind, replacement in self._variants(node):
                tree = copy.deepcopy(self.tree)
                target = list(ast.walk(tree))[position]
                _replace(tree, target, replacement)
                text = ast.unparse(tree)
                if text not in seen:
                    seen.add(text)
                    yield kind, text


def _replace(tree: ast.AST, target: ast.AST, replacement: ast.AST) -> None:
    if tree is target:  # the whole expression
        assert isinstance(tree, ast.Expression)
        return
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is target:
                setattr(parent, name, copy.deepcopy(replacement))
                return
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if item is target:
                        value[index] = copy.deepcopy(replacement)
                        return


def _index_names(derivation: Derivation) -> list[str]:
    names: list[str] = []
    for line in derivation.given.splitlines():
        if "indices(" in line:
            inside = line.split("indices(", 1)[1].split(")", 1)[0].strip("'\" ")
            names.extend(inside.split())
    return names


def mutants_of(derivation: Derivation) -> Iterator[Mutant]:
    indices = _index_names(derivation)
    confusions = {word.name: word.confusions for word in derivation.words}
    for number, step in enumerate(derivation.steps):
        for kind, source in _Mutator(step.source, indices, confusions).mutants():
            yield Mutant(number, kind, source)


def _with_steps(derivation: Derivation, steps: list[Step]) -> Derivation:
    return dataclasses.replace(derivation, steps=steps)


def judge(derivation: Derivation, mutant: Mutant) -> Outcome:
    """Run the checker on the mutated step and its neighbours."""
    steps = list(derivation.steps)
    original = steps[mutant.step]
    steps[mutant.step] = dataclasses.replace(original, source=mutant.source)
    around = steps[max(0, mutant.step - 1) : mutant.step + 2]
    result = check(_with_steps(derivation, around))
    if not result.ok:
        return Outcome(mutant, "killed", result.status)
    same = check(_with_steps(derivation, [original, steps[mutant.step]]))
    if same.ok:
        return Outcome(mutant, "equivalent", same.status)
    return Outcome(mutant, "survived", f"accepted; against the original step: {same.status}")


def mutate_chapter(book: Book, chapter: Path, out: TextIO | None = None) -> ChapterReport:
    relative = chapter.resolve().relative_to(book.root.resolve()).as_posix()
    report = ChapterReport(relative)
    for item in book.derivations(chapter):
        if not isinstance(item, Derivation):
            continue
        if item.expect != "equal":
            report.skipped.append(item.id)
            continue
        for mutant in mutants_of(item):
            outcome = judge(item, mutant)
            report.outcomes.append(outcome)
            if out is not None and outcome.verdict == "survived":
                line = item.steps[mutant.step].line
                print(f"{relative}:{line}: {item.id}: mutant survived ({mutant.kind}): {mutant.source}", file=out)
    return report


def mutate_book(book: Book, paths: list[Path] | None = None, out: TextIO | None = None) -> int:
    """Print the kill rate per chapter; 0 if every mutant is killed or proved equivalent."""
    out = out or sys.stdout
    started = time.perf_counter()
    survivors = 0
    for chapter in book.chapters_to_check(paths):
        report = mutate_chapter(book, chapter, out)
        total = len(report.outcomes)
        if not total:
            continue
        killed, equivalent, survived = (report.count(v) for v in ("killed", "equivalent", "survived"))
        survivors += survived
        rate = (killed + equivalent) / total
        print(
            f"{report.chapter:<24} {total:4d} mutants: {killed} killed, {equivalent} equivalent, "
            f"{survived} survived ({rate:.0%} rejected or proved equivalent)",
            file=out,
        )
    print(f"mutation run: {survivors} survivors, {time.perf_counter() - started:.0f} s.", file=out)
    return 1 if survivors else 0
