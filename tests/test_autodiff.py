"""nnlit.autodiff against the hand-derived gradients of the book's network, and against finite differences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from nnlit.activations import sigmoid
from nnlit.autodiff import Tensor
from nnlit.errors import NnlitError
from nnlit.gradcheck import check_gradient
from nnlit.network import Network


def autodiff_gradients(net: Network, x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dE/dW_ih, dE/dW_ho) of E = sum over batch and outputs of (t - o)^2 / B, by reverse mode."""
    w_ih, w_ho = Tensor(net.w_ih), Tensor(net.w_ho)
    o = ((Tensor(x) @ w_ih.T).sigmoid() @ w_ho.T).sigmoid()
    (((t - o) ** 2).sum() / len(x)).backward()
    return w_ih.grad, w_ho.grad


@pytest.mark.parametrize(
    ("sizes", "batch", "seed"),
    [((3, 2, 4), 1, 0), ((3, 2, 4), 5, 1), ((4, 5, 3), 7, 2), ((6, 3, 2), 4, 3), ((2, 7, 5), 3, 4)],
)
def test_autodiff_equals_the_hand_derived_gradients(sizes: tuple[int, int, int], batch: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    net = Network(*sizes, 0.3, seed=seed)
    net.w_ih = rng.normal(0, 1.5, net.w_ih.shape)  # away from the start: sigmoids off their centre
    net.w_ho = rng.normal(0, 1.5, net.w_ho.shape)
    x, t = rng.uniform(0.01, 1.0, (batch, sizes[0])), rng.uniform(0.01, 0.99, (batch, sizes[2]))
    auto_ih, auto_ho = autodiff_gradients(net, x, t)
    hand_ih, hand_ho = net.gradients(x, t)
    assert auto_ih.shape == hand_ih.shape and auto_ho.shape == hand_ho.shape
    assert np.allclose(auto_ih, hand_ih, rtol=1e-12, atol=1e-16)
    assert np.allclose(auto_ho, hand_ho, rtol=1e-12, atol=1e-16)


def test_autodiff_disagrees_with_the_classic_rule() -> None:
    rng = np.random.default_rng(5)
    net = Network(3, 2, 4, 0.3, seed=5, rule="classic")
    x, t = rng.uniform(0.01, 1.0, (5, 3)), rng.uniform(0.01, 0.99, (5, 4))
    auto_ih, auto_ho = autodiff_gradients(net, x, t)
    classic_ih, classic_ho = net.gradients(x, t)
    assert np.allclose(auto_ho, classic_ho, rtol=1e-12)  # the output layer is the same in both rules
    assert not np.allclose(auto_ih, classic_ih, rtol=1e-2)


def _scalar_of(build: Callable[[Tensor], Tensor]) -> Callable[[np.ndarray], float]:
    return lambda value: float(build(Tensor(value)).data)


def _gradient_of(build: Callable[[Tensor], Tensor]) -> Callable[[np.ndarray], np.ndarray]:
    def gradient(value: np.ndarray) -> np.ndarray:
        leaf = Tensor(value)
        build(leaf).backward()
        return leaf.grad

    return gradient


B = np.random.default_rng(12).normal(size=(3, 4))
C = np.random.default_rng(13).normal(size=(2, 3))
OPERATIONS: dict[str, tuple[tuple[int, ...], Callable[[Tensor], Tensor]]] = {
    # name: (shape of the input, a scalar built from it)
    "add a constant": ((2, 3), lambda a: ((a + 2.0) ** 2).sum()),
    "add, broadcast over rows": ((3,), lambda a: ((a + Tensor(np.ones((5, 3)))) ** 2).sum()),
    "add, broadcast over columns": ((2, 1), lambda a: ((Tensor(np.ones((2, 3))) + a) ** 2).sum()),
    "subtract": ((2, 3), lambda a: ((1.0 - a) ** 2 - a).sum()),
    "multiply": ((2, 3), lambda a: (a * a * 3.0).sum()),
    "divide by a number": ((2, 3), lambda a: (a**3 / 4.0).sum()),
    "matrix product, left": ((2, 3), lambda a: (a @ Tensor(B)).sigmoid().sum()),
    "matrix product, right": ((3, 4), lambda a: ((Tensor(C) @ a) ** 2).sum()),
    "transpose": ((2, 3), lambda a: ((a.T @ Tensor(C)) ** 2).sum()),
    "sigmoid": ((2, 3), lambda a: (a.sigmoid() * a).sum()),
    "negate": ((2, 3), lambda a: (-(a**2)).sum()),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_matches_central_differences(name: str) -> None:
    shape, build = OPERATIONS[name]
    value = np.random.default_rng(len(name)).normal(size=shape)
    assert check_gradient(_scalar_of(build), _gradient_of(build), value) < 1e-8


def test_gradients_add_over_fan_out() -> None:
    x = Tensor(0.7)
    u, v = x**2, x.sigmoid()  # x feeds two operations
    (u * v + x).backward()  # and a third, directly
    s = sigmoid(0.7)
    assert x.grad == pytest.approx(s * 2 * 0.7 + 0.7**2 * s * (1 - s) + 1, rel=1e-14)


def test_a_shared_subexpression_sends_its_gradient_once_it_is_complete() -> None:
    # y = sigmoid(x) feeds both terms; its gradient must be summed before it reaches x
    x = Tensor(np.array([0.3, -0.8]))
    y = x.sigmoid()
    (y * y + y * 2.0).sum().backward()
    s = sigmoid(np.array([0.3, -0.8]))
    assert np.allclose(x.grad, (2 * s + 2) * s * (1 - s), rtol=1e-14)


def test_backward_needs_a_single_number() -> None:
    with pytest.raises(NnlitError, match="single number"):
        (Tensor(np.ones(3)) * 2.0).backward()


def test_numpy_array_on_the_left_gives_a_tensor() -> None:
    t = np.array([1.0, 2.0])
    difference = t - Tensor(np.array([0.5, 0.5]))
    assert isinstance(difference, Tensor)
    assert np.array_equal(difference.data, [0.5, 1.5])
