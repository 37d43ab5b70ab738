"""The step printer: each step in the book's notation, as written."""

import pytest

from litproof.core.latex import step_latex
from litproof.core.vocabulary import Vocabulary

NAMESPACE = Vocabulary().namespace()
exec(  # noqa: S102
    "x, eta = scalars('x eta')\nw, o, t = arrays('w o t')\nw0, v = arrays('w_0 w^{ho}')\n"
    "i, j, k = indices('i j k')\nn, m = sizes('n m')\no_k = define('o_k', sigmoid(x))\n"
    "W = matrix('W_ho', m, n)\nh = vector('h', n)",
    NAMESPACE,
)


@pytest.mark.parametrize(
    ("source", "latex"),
    [
        ("w[j, k]", "w_{jk}"),
        ("w0[k]", "w_{0,k}"),
        ("v[j, k]", "w^{ho}_{jk}"),
        ("-2*(t[k] - o_k)*o_k*(1 - o_k)*o[j]", r"-2 \left(t_{k} - o_{k}\right) o_{k} \left(1 - o_{k}\right) o_{j}"),
        ("w[j, k] - eta*(-2*o[j])", r"w_{jk} - \eta \left(-2 o_{j}\right)"),
        ("1/(1 + exp(-x))", r"\frac{1}{1 + e^{-x}}"),
        (
            "D(Sum(w[i, k]*o[i], (i, 1, n)), w[j, k])",
            r"\frac{\partial}{\partial w_{jk}}\left(\sum_{i=1}^{n} w_{ik} o_{i}\right)",
        ),
        ("D(o_k, w[j, k])", r"\frac{\partial o_{k}}{\partial w_{jk}}"),
        ("hadamard(W.T*h, ones(n) - h)", r"\left(W_{ho}^{\top} h\right) \odot \left(\mathbf{1} - h\right)"),
        ("x - (eta - x)", r"x - \left(\eta - x\right)"),
        ("sigmoid(x)**2", r"\sigma\left(x\right)^{2}"),
        ("delta(i, j)*o[i]", r"\delta_{ij} o_{i}"),
    ],
)
def test_steps_print_in_the_books_notation_in_the_order_written(source: str, latex: str) -> None:
    assert step_latex(source, NAMESPACE) == latex


def test_an_unprintable_call_is_an_error() -> None:
    with pytest.raises(ValueError, match="cannot print a call to max"):
        step_latex("max(x, eta)", NAMESPACE)
