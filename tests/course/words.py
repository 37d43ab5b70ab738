"""This course's own word for its derivations: softplus, in one record."""

from sympy import exp, log

from litproof.core.words import Word

softplus = Word(
    "softplus",
    explicit=lambda x: log(1 + exp(x)),
    derivative=lambda x: 1 / (1 + exp(-x)),  # the logistic sigmoid; the checker proves it is the slope
    latex=r"\operatorname{softplus}",
    confusions=("sigmoid", "log"),
)
