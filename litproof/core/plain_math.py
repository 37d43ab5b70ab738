r"""Plain-text math for a terminal, from the LaTeX that the book's printers write (`latex`).

`nnlit verify --format text` shows a failing step and the reason with it, so that
a reader at a terminal sees ∂z_k/∂w_jk rather than \frac{\partial z_{k}}{\partial w_{jk}}.
The conventions:

- subscripts and superscripts of one word run on (w_jk, x^n); longer ones keep
  their braces (w_{0,k}, e^{z_l}); a number as a power is a Unicode superscript
  (x², x⁻¹) and a transpose is ᵀ; a sum shows both its limits, ∑_{i=1}^{n};
- a fraction is a/b, with parentheses around a part that is not one term;
- Greek letters and operators are their Unicode characters (σ, ∂, ⊙, ·, ≤),
  names of functions are plain words (relu, log), and `\left( \right)` are plain
  parentheses; a cases environment is {value if condition; value otherwise};
- a minus sign is −, but a hyphen between two letters or digits of the plain
  words of a message (non-square) stays a hyphen.

Any other command prints as its name without the backslash, so no backslash is
ever left in the text.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.DOTALL)

_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon phi chi psi "
    "omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()
_LETTERS = "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ"

_SYMBOLS = {
    **{f"\\{name}": letter for name, letter in zip(_GREEK, _LETTERS, strict=True)},
    "\\varepsilon": "ε",
    "\\varphi": "φ",
    "\\partial": "∂",
    "\\prod": "∏",
    "\\odot": "⊙",
    "\\cdot": "·",
    "\\times": "×",
    "\\le": "≤",
    "\\leq": "≤",
    "\\ge": "≥",
    "\\geq": "≥",
    "\\ne": "≠",
    "\\neq": "≠",
    "\\wedge": "∧",
    "\\vee": "∨",
    "\\neg": "¬",
    "\\in": "∈",
    "\\infty": "∞",
    "\\top": "ᵀ",
    "\\lVert": "‖",
    "\\rVert": "‖",
    "\\|": "‖",
    "\\{": "{",
    "\\}": "}",
    "\\,": " ",
    "\\:": " ",
    "\\;": " ",
    "\\ ": " ",
    "\\!": "",
    "\\quad": " ",
}
_TEXT = {"\\operatorname", "\\text", "\\mathrm", "\\mathbf", "\\substack"}  # commands whose argument is the text
_SUPERSCRIPT = str.maketrans("0123456789−", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_OPERATORS = set(" +−-/·⊙×=<>≤≥≠∧∨,;")


def plain(latex: str) -> str:
    r"""Readable plain text for the LaTeX of a step or of a checker's reason.

    >>> plain(r"-2 \left(t_{k} - o_{k}\right) o_{k} \left(1 - o_{k}\right) \frac{\partial z_{k}}{\partial w_{jk}}")
    '−2 (t_k − o_k) o_k (1 − o_k) ∂z_k/∂w_jk'
    >>> plain(r"\sum_{i=1}^{n} w_{ik} o_{i}")
    '∑_{i=1}^{n} w_ik o_i'
    >>> plain(r"\frac{1}{1 + e^{-z}}")
    '1/(1 + e^{−z})'
    >>> plain(r"\left(W_{ho}^{\top} \delta_{o}\right) \odot \left(h \odot \left(\mathbf{1} - h\right)\right) x^{\top}")
    '(W_hoᵀ δ_o) ⊙ (h ⊙ (𝟏 − h)) xᵀ'
    >>> plain(r"\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}")
    '{x if x > 0; 0 otherwise}'
    >>> plain(r"left / right = \frac{o_{j}}{o_{k}}; at n = 2, left = -0.83 (non-square)")
    'left / right = o_j/o_k; at n = 2, left = −0.83 (non-square)'
    """
    text = _Reader(_TOKEN.findall(latex)).sequence(frozenset())
    text = re.sub(r"(^|[({\[]|[=,;:] )− (?=\S)", r"\1−", text)  # SymPy's "- x" for a negation
    return re.sub(r" {2,}", " ", text).strip()


def _atomic(text: str) -> bool:
    """Whether `text` is one term: no space or operator outside its parentheses and braces."""
    depth = 0
    for char in text:
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        elif depth == 0 and char in _OPERATORS:
            return False
    return True


def _wrapped(text: str) -> str:
    return text if _atomic(text) else f"({text})"


def _subscript(text: str) -> str:
    return f"_{text}" if re.fullmatch(r"[^\W_]+", text) else f"_{{{text}}}"


def _superscript(text: str) -> str:
    if text == "ᵀ" or re.fullmatch(r"−?\d+", text):
        return text.translate(_SUPERSCRIPT)
    return f"^{text}" if re.fullmatch(r"[^\W_]", text) else f"^{{{text}}}"


class _Reader:
    """Renders a list of LaTeX tokens, left to right, one construct at a time."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str:
        return self.tokens[self.at] if self.at < len(self.tokens) else ""

    def take(self) -> str:
        token = self.peek()
        self.at += 1
        return token

    def skip_spaces(self) -> None:
        while self.peek().isspace():
            self.at += 1

    def argument(self) -> str:
        """A command's argument: a braced group, or else the one next token."""
        self.skip_spaces()
        if self.peek() == "{":
            self.take()
            text = self.sequence(frozenset("}"))
            self.take()
            return text.strip()
        return self.one(self.take())

    def sequence(self, stops: frozenset[str]) -> str:
        """The text up to (not including) a token in `stops`, or the end."""
        out: list[str] = []
        while self.peek() and self.peek() not in stops:
            token = self.take()
            if token == "\\right":  # no space before a closing delimiter
                out = ["".join(out).rstrip()]
            out.append(self.one(token))
        return "".join(out)

    def one(self, token: str) -> str:
        """The text of one construct that starts with `token`."""
        if token in ("_", "^"):
            script = self.argument()
            return _subscript(script) if token == "_" else _superscript(script)
        if token == "-":
            previous = self.tokens[self.at - 2] if self.at >= 2 else ""
            hyphen = previous.isalnum() and self.peek().isalnum()
            return "-" if hyphen else "−"
        if token == "{":
            text = self.sequence(frozenset("}"))
            self.take()
            return text
        if token == "\\frac":
            numerator, denominator = self.argument(), self.argument()
            if numerator == "∂":  # the operator ∂/∂x, applied to what follows
                return f"∂/{denominator} "
            return f"{_wrapped(numerator)}/{_wrapped(denominator)}"
        if token == "\\sqrt":
            return f"√{_wrapped(self.argument())}"
        if token == "\\sum":
            limits = ""
            while self.peek() in ("_", "^"):
                limits += self.take() + "{" + self.argument() + "}"
            return f"∑{limits}"
        if token in ("\\left", "\\right"):
            delimiter = self.take()
            if token == "\\left":
                self.skip_spaces()
            return "" if delimiter == "." else _SYMBOLS.get(delimiter, delimiter)  # \left. is no delimiter
        if token == "\\partial":  # ∂z, not ∂ z
            self.skip_spaces()
            return "∂"
        if token == "\\mathbf" and self.tokens[self.at : self.at + 3] == ["{", "1", "}"]:
            self.at += 3
            return "𝟏"  # the book's column of ones
        if token in _TEXT:
            return self.argument()
        if token == "\\\\":
            return ", "  # the rows of a \substack under a sum
        if token == "\\begin":
            return self.environment(self.argument())
        if token in _SYMBOLS:
            return _SYMBOLS[token]
        return token.removeprefix("\\")

    def environment(self, name: str) -> str:
        """cases as {value if condition; ...}; any other environment as [a, b; c, d]."""
        rows: list[list[str]] = [[]]
        while self.peek():
            cell = self.sequence(frozenset(("&", "\\\\", "\\end"))).strip()
            rows[-1].append(cell)
            stop = self.take()
            if stop == "\\\\":
                rows.append([])
            elif stop == "\\end":
                self.argument()
                break
        if name != "cases":
            return "[" + "; ".join(", ".join(row) for row in rows) + "]"
        return "{" + "; ".join(_case(*row) for row in rows) + "}"


def _case(value: str, condition: str = "") -> str:
    return f"{value} otherwise" if condition == "otherwise" else f"{value} if {condition}"
