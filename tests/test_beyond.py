"""The chapters beyond the seed: gradient checking, biases, activations, softmax.

Each derived formula is compared with its code at random points, and each gradient
with central differences through nnlit.gradcheck.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlit.activations import (
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    sigmoid_derivative_from_output,
    tanh,
    tanh_derivative,
)
from nnlit.biases import BiasedNetwork, biased_forward
from nnlit.errors import NnlitError
from nnlit.gradcheck import check_gradient, numerical_gradient, relative_error
from nnlit.network import Network, forward
from nnlit.softmax import SoftmaxNetwork, cross_entropy, cross_entropy_gradient, log_softmax, softmax

EXTREME = np.array([-1e300, -1000.0, -710.0, -1e-200, 0.0, 1e-200, 710.0, 1000.0, 1e300])


# --- gradcheck ------------------------------------------------------------------------


def test_central_differences_have_error_of_order_h_squared() -> None:
    # f = e^x at 0: f''' = 1, so the central error is h^2/6 (derivation central-difference-error)
    errors = [abs(numerical_gradient(lambda v: float(np.exp(v[0])), [0.0], h)[0] - 1.0) for h in (1e-2, 1e-3)]
    assert errors[0] == pytest.approx(1e-4 / 6, rel=1e-3)
    assert errors[1] == pytest.approx(1e-6 / 6, rel=1e-2)


def test_numerical_gradient_leaves_its_input_alone() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    gradient = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert np.array_equal(x, [[1.0, 2.0], [3.0, 4.0]])
    assert np.allclose(gradient, 2 * x, rtol=1e-9)


def test_relative_error() -> None:
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert relative_error([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2))
    with pytest.raises(NnlitError, match="shapes"):
        relative_error([1.0], [1.0, 2.0])


def test_check_gradient_accepts_a_right_gradient_and_refuses_a_wrong_one() -> None:
    x = np.array([0.3, -1.2, 2.0])
    assert check_gradient(lambda v: float(np.sum(np.sin(v))), np.cos, x) < 1e-9
    with pytest.raises(NnlitError, match="relative error"):
        check_gradient(lambda v: float(np.sum(np.sin(v))), lambda v: -np.cos(v), x)
    with pytest.raises(NnlitError, match="relative error"):
        check_gradient(lambda v: float(np.sum(v)), lambda v: np.full_like(v, np.nan), x)


@pytest.mark.parametrize("seed", range(3))
def test_the_networks_gradients_pass_the_check(seed: int) -> None:
    rng = np.random.default_rng(seed)
    net = Network(3, 2, 4, 0.3, seed=seed)
    x, t = rng.uniform(0.01, 1.0, (5, 3)), rng.uniform(0.01, 0.99, (5, 4))

    def error(w_ih: np.ndarray, w_ho: np.ndarray) -> float:
        _, o = forward(w_ih, w_ho, x)
        return float(np.sum((t - o) ** 2) / len(x))

    assert check_gradient(lambda w: error(w, net.w_ho), lambda w: net.gradients(x, t)[0], net.w_ih) < 1e-8
    assert check_gradient(lambda w: error(net.w_ih, w), lambda w: net.gradients(x, t)[1], net.w_ho) < 1e-8


# --- biases ---------------------------------------------------------------------------


@pytest.mark.parametrize(("sizes", "seed"), [((3, 2, 4), 0), ((4, 5, 3), 1), ((2, 3, 2), 2)])
def test_biased_gradients_match_central_differences(sizes: tuple[int, int, int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    net = BiasedNetwork(*sizes, 0.3, seed=seed)
    net.b_h, net.b_o = rng.normal(size=sizes[1]), rng.normal(size=sizes[2])
    x, t = rng.uniform(0.01, 1.0, (6, sizes[0])), rng.uniform(0.01, 0.99, (6, sizes[2]))
    names = ("w_ih", "b_h", "w_ho", "b_o")

    def error(name: str, value: np.ndarray) -> float:
        values = {n: getattr(net, n) for n in names} | {name: value}
        _, o = biased_forward(values["w_ih"], values["b_h"], values["w_ho"], values["b_o"], x)
        return float(np.sum((t - o) ** 2) / len(x))

    gradients = net.gradients(x, t)
    for name, gradient in zip(names, gradients, strict=True):
        assert gradient.shape == getattr(net, name).shape
        check_gradient(lambda v, name=name: error(name, v), lambda v, g=gradient: g, getattr(net, name))


def test_bias_gradients_are_the_deltas() -> None:
    # one sample: dE/db_o = delta_o and dE/db_h = delta_h, the nodes' deltas (biases chapter)
    rng = np.random.default_rng(3)
    net = BiasedNetwork(3, 2, 4, 0.3, seed=3)
    net.b_h, net.b_o = rng.normal(size=2), rng.normal(size=4)
    x, t = rng.uniform(0.01, 1.0, 3), rng.uniform(0.01, 0.99, 4)
    h = sigmoid(net.w_ih @ x + net.b_h)
    o = sigmoid(net.w_ho @ h + net.b_o)
    delta_o = -2 * (t - o) * o * (1 - o)
    delta_h = (net.w_ho.T @ delta_o) * h * (1 - h)
    grad_ih, grad_bh, grad_ho, grad_bo = net.gradients(x, t)
    assert np.allclose(grad_bo, delta_o, rtol=1e-13, atol=0)
    assert np.allclose(grad_bh, delta_h, rtol=1e-13, atol=0)
    assert np.allclose(grad_ho, np.outer(delta_o, h), rtol=1e-13, atol=0)
    assert np.allclose(grad_ih, np.outer(delta_h, x), rtol=1e-13, atol=0)


def test_zero_biases_give_the_books_network_and_training_lowers_the_error() -> None:
    rng = np.random.default_rng(4)
    x, t = rng.uniform(0.01, 1.0, (8, 5)), rng.uniform(0.01, 0.99, (8, 3))
    biased, plain = BiasedNetwork(5, 4, 3, 0.5, seed=7), Network(5, 4, 3, 0.5, seed=7)
    assert np.array_equal(biased.query(x), plain.query(x))
    assert biased.query(x[0]).shape == (3,)
    grad_ih, _, grad_ho, _ = biased.gradients(x, t)
    plain_ih, plain_ho = plain.gradients(x, t)
    assert np.allclose(grad_ih, plain_ih, rtol=1e-13) and np.allclose(grad_ho, plain_ho, rtol=1e-13)
    before = np.sum((t - biased.query(x)) ** 2)
    for _ in range(50):
        biased.train_batch(x, t)
    assert np.sum((t - biased.query(x)) ** 2) < before
    assert np.any(biased.b_h != 0) and np.any(biased.b_o != 0)


def test_biased_network_refuses_wrong_shapes() -> None:
    net = BiasedNetwork(3, 2, 4, 0.3)
    with pytest.raises(NnlitError, match="3 values per sample"):
        net.query(np.zeros(5))
    with pytest.raises(NnlitError, match="input rows"):
        net.gradients(np.zeros((2, 3)), np.zeros((3, 4)))
    with pytest.raises(NnlitError):
        BiasedNetwork(3, 0, 4, 0.3)


# --- activations ----------------------------------------------------------------------


def test_tanh_matches_its_exponential_form_and_its_derivation() -> None:
    x = np.linspace(-5, 5, 41)
    assert np.allclose(tanh(x), (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)), rtol=1e-13, atol=1e-15)
    assert np.allclose(tanh(x), 2 * sigmoid(2 * x) - 1, rtol=0, atol=1e-15)  # derivation tanh-from-sigmoid
    assert np.allclose(tanh_derivative(x), 1 - tanh(x) ** 2, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("f", "slope"),
    [(tanh, tanh_derivative), (relu, relu_derivative), (sigmoid, sigmoid_derivative)],
)
def test_slopes_match_central_differences(f, slope) -> None:  # type: ignore[no-untyped-def]
    x = np.random.default_rng(5).uniform(-4, 4, 50)
    x = x[np.abs(x) > 1e-3]  # away from ReLU's kink, where central differences give 1/2
    check_gradient(lambda v: float(np.sum(f(v))), slope, x)


def test_relu_slope_at_zero_is_the_chosen_convention() -> None:
    assert relu_derivative(0.0) == 0.0
    assert list(relu_derivative([-1.0, 0.0, 2.0])) == [0.0, 0.0, 1.0]
    # central differences at the kink average the two one-sided slopes
    assert numerical_gradient(lambda v: float(relu(v)[0]), [0.0])[0] == pytest.approx(0.5)


@pytest.mark.parametrize("f", [tanh, tanh_derivative, relu, relu_derivative, sigmoid_derivative_from_output])
def test_activations_are_finite_and_quiet_at_extreme_inputs(f) -> None:  # type: ignore[no-untyped-def]
    values = np.clip(EXTREME, 0, 1) if f is sigmoid_derivative_from_output else EXTREME
    with np.errstate(all="raise"):
        assert np.all(np.isfinite(f(values)))


def test_the_two_sigmoid_slopes_are_different_functions() -> None:
    z = np.random.default_rng(6).normal(0, 4, 100)
    y = sigmoid(z)
    assert np.allclose(sigmoid_derivative_from_output(y), sigmoid_derivative(z), rtol=1e-12, atol=0)
    wrong = sigmoid_derivative(y)
    assert np.all((wrong >= sigmoid_derivative(1.0)) & (wrong <= 0.25))
    assert np.max(np.abs(wrong - sigmoid_derivative(z))) > 0.1


# --- softmax --------------------------------------------------------------------------


def test_softmax_jacobian_matches_its_derivation() -> None:
    z = np.random.default_rng(7).normal(size=5)
    p = softmax(z)
    jacobian = np.array([numerical_gradient(lambda v, i=i: float(softmax(v)[i]), z) for i in range(5)])
    assert np.allclose(jacobian, np.diag(p) - np.outer(p, p), rtol=1e-7, atol=1e-10)  # p_i (delta_ik - p_k)


@pytest.mark.parametrize("total", [1.0, 1.08, 0.5])
def test_cross_entropy_gradient_is_p_sum_t_minus_t(total: float) -> None:
    rng = np.random.default_rng(8)
    z, t = rng.normal(size=(3, 6)), rng.uniform(0.01, 1.0, (3, 6))
    t = t / t.sum(axis=1, keepdims=True) * total
    gradient = cross_entropy_gradient(z, t)
    for row in range(3):
        check_gradient(lambda v, row=row: float(cross_entropy(v, t[row])), lambda v, g=gradient[row]: g, z[row])
    p = softmax(z)
    shortcut_error = relative_error(p - t, gradient)
    assert (shortcut_error < 1e-12) if total == 1.0 else (shortcut_error > 1e-2)
    assert np.allclose(gradient - (p - t), p * (total - 1), rtol=1e-12, atol=1e-15)  # softmax-shortcut-difference


def test_softmax_is_stable_at_extreme_inputs_and_shift_invariant() -> None:
    z = np.array([[1000.0, 0.0, -1000.0], [-1e300, 0.0, 1e300], [710.0, 709.0, 708.0]])
    t = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    with np.errstate(all="raise"):
        p, loss, log_p = softmax(z), cross_entropy(z, t), log_softmax(z)
        gradient = cross_entropy_gradient(z, t)
    for value in (p, loss, log_p, gradient):
        assert np.all(np.isfinite(value))
    assert np.allclose(p.sum(axis=1), 1.0)
    assert loss[0] == pytest.approx(2000.0)
    z = np.random.default_rng(9).normal(size=7)
    assert np.allclose(softmax(z), softmax(z + 123.0), rtol=1e-12)
    assert np.allclose(softmax(z), np.exp(z) / np.sum(np.exp(z)), rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_softmax_network_gradients_match_central_differences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    net = SoftmaxNetwork(4, 3, 5, 0.1, seed=seed)
    x, t = rng.uniform(0.01, 1.0, (6, 4)), np.eye(5)[rng.integers(0, 5, 6)]

    def loss(w_ih: np.ndarray, w_ho: np.ndarray) -> float:
        h = sigmoid(x @ w_ih.T)
        return float(np.mean(cross_entropy(h @ w_ho.T, t)))

    check_gradient(lambda w: loss(w, net.w_ho), lambda w: net.gradients(x, t)[0], net.w_ih)
    check_gradient(lambda w: loss(net.w_ih, w), lambda w: net.gradients(x, t)[1], net.w_ho)


def test_softmax_network_outputs_are_probabilities_and_training_lowers_the_loss() -> None:
    rng = np.random.default_rng(10)
    x, labels = rng.uniform(0.01, 1.0, (10, 6)), rng.integers(0, 3, 10)
    t = np.eye(3)[labels]
    net = SoftmaxNetwork(6, 4, 3, 0.5, seed=1)
    p = net.query(x)
    assert p.shape == (10, 3) and np.allclose(p.sum(axis=1), 1.0)
    assert net.query(x[0]).shape == (3,)
    before = np.mean(cross_entropy(np.log(p), t))
    for _ in range(30):
        net.train_batch(x, t)
    for b in range(10):
        net.train(x[b], t[b])
    assert np.mean(cross_entropy(np.log(net.query(x)), t)) < before
    with pytest.raises(NnlitError, match="one sample"):
        net.train(x[:2], t[:2])
    with pytest.raises(NnlitError, match="input rows"):
        net.gradients(x[:2], t[:3])
