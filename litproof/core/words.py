"""A book's own words for its derivations: one record per function.

An author who needs a function the vocabulary lacks (say softplus) writes one
`Word` in a Python file of their book and names the file in mkdocs.yml:

    plugins:
      - litproof:
          vocabulary: [words.py]

The record holds everything about the word: its name in derivation blocks, its
explicit form in the vocabulary's functions, the derivative the checker may use
(kept opaque, as the sigmoid is, so that checks stay fast), how it is printed,
and the words a student may mistake it for (the mutation run swaps them). The
checker proves the record's derivative equal to the slope of its explicit form
before it uses it (`checker.word_record_error`), so a wrong record cannot make a
false step pass.

>>> import sympy
>>> softplus = Word("softplus", lambda x: sympy.log(1 + sympy.exp(x)), lambda x: 1 / (1 + sympy.exp(-x)),
...                 r"\\operatorname{softplus}")
>>> x = sympy.Symbol("x", real=True)
>>> softplus.function(x).diff(x), softplus.function(x).explicit()
(1/(1 + exp(-x)), log(exp(x) + 1))
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy

from litproof.errors import BookError


class WordFunction(sympy.Function):
    """A function of a book's own vocabulary: opaque, with the derivative its record gives."""

    word: Word

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return self.word.derivative(self.args[0])

    def explicit(self) -> sympy.Expr:
        """The word written out in the vocabulary's functions."""
        return self.word.explicit(self.args[0])

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return sympy.sympify(self.explicit())._eval_evalf(prec)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        text = rf"{self.word.latex}\left({printer._print(self.args[0])}\right)"
        return f"{text}^{{{exp}}}" if exp else text


@dataclass(frozen=True)
class Word:
    """One function of the derivation language, with all it means."""

    name: str  # as written in derivation blocks: softplus(z)
    explicit: Callable[[Any], Any]  # its meaning in the vocabulary's functions: x -> log(1 + exp(x))
    derivative: Callable[[Any], Any]  # the slope the checker uses, proved equal to the slope of `explicit`
    latex: str  # how its name is printed: \operatorname{softplus}
    confusions: tuple[str, ...] = ()  # other words of the vocabulary it may be mistaken for
    function: type[WordFunction] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise BookError(f"a word's name must be a Python name, not {self.name!r}.")
        made = type(self.name, (WordFunction,), {"word": self, "__module__": __name__})
        object.__setattr__(self, "function", made)


def load_words(path: Path, name: str) -> tuple[Word, ...]:
    """The words a book's vocabulary file defines (every `Word` at its top level), in order."""
    if not path.is_file():
        raise BookError(f"mkdocs.yml names the vocabulary file {name}, which does not exist.")
    spec = importlib.util.spec_from_file_location(f"litproof_book_words_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise BookError(f"{name} cannot be loaded as Python.")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001  (any failure of the author's file is one sentence naming it)
        raise BookError(f"{name} failed to load: {type(error).__name__}: {error}.") from None
    found = tuple(value for value in vars(module).values() if isinstance(value, Word))
    if not found:
        raise BookError(f"{name} defines no Word: write e.g. softplus = Word('softplus', ...).")
    return found


def rewrite_words(expr: Any) -> Any:
    """Every word of a book's vocabulary replaced by its explicit form (for an exact comparison)."""
    if not isinstance(expr, sympy.Basic):
        return expr
    return expr.replace(lambda e: isinstance(e, WordFunction), lambda e: e.explicit())
