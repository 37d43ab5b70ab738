"""The package's network against the chapters' derivations and against finite differences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnlit.activations import sigmoid
from nnlit.errors import NnlitError
from nnlit.network import FORMAT_VERSION, Network, batch_gradients, forward, sample_gradients

SIZES = (3, 2, 4)  # n, h, m: non-square, so a missing transpose cannot hide


def random_point(seed: int, batch: int = 5) -> tuple[Network, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    net = Network(*SIZES, 0.3, seed=seed)
    net.w_ih = rng.normal(0, 1.5, net.w_ih.shape)  # larger than at start: sigmoids off their centre
    net.w_ho = rng.normal(0, 1.5, net.w_ho.shape)
    return net, rng.uniform(0.01, 1.0, (batch, SIZES[0])), rng.uniform(0.01, 0.99, (batch, SIZES[2]))


def mean_error(w_ih: np.ndarray, w_ho: np.ndarray, x: np.ndarray, t: np.ndarray) -> float:
    _, o = forward(w_ih, w_ho, x)
    return float(np.sum((t - o) ** 2) / len(x))


def central_differences(net: Network, x: np.ndarray, t: np.ndarray, eps: float = 1e-6):
    grads = []
    for name in ("w_ih", "w_ho"):
        weights = getattr(net, name)
        numeric = np.zeros_like(weights)
        for index in np.ndindex(weights.shape):
            saved = weights[index]
            weights[index] = saved + eps
            above = mean_error(net.w_ih, net.w_ho, x, t)
            weights[index] = saved - eps
            below = mean_error(net.w_ih, net.w_ho, x, t)
            weights[index] = saved
            numeric[index] = (above - below) / (2 * eps)
        grads.append(numeric)
    return grads


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


@pytest.mark.parametrize("seed", range(5))
def test_gradients_match_the_derivations_final_expressions(seed: int) -> None:
    """Entry by entry, the index formulas of hidden-weight-gradient and output-delta."""
    net, x, t = random_point(seed, batch=1)
    x, t = x[0], t[0]
    grad_ih, grad_ho = net.gradients(x, t)
    h = sigmoid(net.w_ih @ x)
    o = sigmoid(net.w_ho @ h)
    delta = -2 * (t - o) * o * (1 - o)  # delta_k
    n, nh, m = SIZES
    for j in range(nh):
        for k in range(m):
            assert grad_ho[k, j] == pytest.approx(delta[k] * h[j], rel=1e-12)  # dE/dw_jk = delta_k h_j
        back = sum(net.w_ho[k, j] * delta[k] for k in range(m))  # sum_k w_jk delta_k
        for i in range(n):
            assert grad_ih[j, i] == pytest.approx(back * h[j] * (1 - h[j]) * x[i], rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_exact_gradients_match_central_differences(seed: int) -> None:
    net, x, t = random_point(seed)
    numeric_ih, numeric_ho = central_differences(net, x, t)
    grad_ih, grad_ho = net.gradients(x, t)
    assert relative_error(grad_ih, numeric_ih) < 1e-6
    assert relative_error(grad_ho, numeric_ho) < 1e-6


def test_classic_rule_differs_from_central_differences() -> None:
    net, x, t = random_point(11, batch=1)
    numeric_ih, numeric_ho = central_differences(net, x, t)
    classic_ih, classic_ho = batch_gradients(net.w_ih, net.w_ho, x, t, "classic")
    assert relative_error(classic_ho, numeric_ho) < 1e-6  # the output layer is the same
    assert relative_error(classic_ih, numeric_ih) > 0.1  # the hidden layer is not


def test_column_and_row_forms_agree() -> None:
    net, x, t = random_point(3)
    grad_ih, grad_ho = batch_gradients(net.w_ih, net.w_ho, x, t)
    singles = [sample_gradients(net.w_ih, net.w_ho, x[b], t[b]) for b in range(len(x))]
    np.testing.assert_allclose(grad_ih, np.mean([g for g, _ in singles], axis=0), rtol=1e-12)
    np.testing.assert_allclose(grad_ho, np.mean([g for _, g in singles], axis=0), rtol=1e-12)


@pytest.mark.parametrize("rule", ["exact", "classic"])
def test_train_batch_of_one_equals_train(rule: str) -> None:
    rng = np.random.default_rng(4)
    x, t = rng.uniform(0.01, 1, 7), rng.uniform(0.01, 0.99, 3)
    one, batch = Network(7, 5, 3, 0.3, seed=1, rule=rule), Network(7, 5, 3, 0.3, seed=1, rule=rule)
    one.train(x, t)
    batch.train_batch(x[None, :], t[None, :])
    np.testing.assert_allclose(one.w_ih, batch.w_ih, rtol=0, atol=1e-15)
    np.testing.assert_allclose(one.w_ho, batch.w_ho, rtol=0, atol=1e-15)
    assert not np.array_equal(one.w_ih, Network(7, 5, 3, 0.3, seed=1).w_ih)  # it moved


def test_train_step_is_the_classic_output_update() -> None:
    """W_ho += lr (e . o . (1 - o)) h^T: the factor 2 absorbed into the learning rate."""
    rng = np.random.default_rng(8)
    x, t = rng.uniform(0.01, 1, 3), rng.uniform(0.01, 0.99, 4)
    net = Network(*SIZES, 0.3, seed=2)
    h = sigmoid(net.w_ih @ x)
    o = sigmoid(net.w_ho @ h)
    expected = net.w_ho + 0.3 * np.outer((t - o) * o * (1 - o), h)
    net.train(x, t)
    np.testing.assert_allclose(net.w_ho, expected, rtol=1e-13)


def test_seeded_runs_are_reproducible() -> None:
    a, b = Network(5, 4, 3, 0.1, seed=9), Network(5, 4, 3, 0.1, seed=9)
    assert np.array_equal(a.w_ih, b.w_ih) and np.array_equal(a.w_ho, b.w_ho)
    assert a.w_ih.shape == (4, 5) and a.w_ho.shape == (3, 4)


def test_float32_network_stays_float32() -> None:
    net = Network(*SIZES, 0.3, dtype=np.float32)
    net.train_batch(np.full((2, 3), 0.5), np.full((2, 4), 0.5))
    assert net.w_ih.dtype == np.float32 and net.query(np.full(3, 0.5)).dtype == np.float32


def test_save_load_round_trip(tmp_path: Path) -> None:
    net, x, _ = random_point(5)
    net.rule = "classic"
    path = tmp_path / "model.npz"
    net.save(path)
    back = Network.load(path)
    assert np.array_equal(back.w_ih, net.w_ih) and np.array_equal(back.w_ho, net.w_ho)
    assert back.rule == "classic" and back.learning_rate == net.learning_rate
    np.testing.assert_array_equal(back.query(x), net.query(x))
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left


def one_sentence(error: pytest.ExceptionInfo[NnlitError]) -> str:
    message = str(error.value)
    assert "\n" not in message and message.endswith(".")
    return message


def test_load_refuses_other_shapes(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    Network(5, 3, 2, 0.3).save(path)
    with pytest.raises(NnlitError) as error:
        Network.load(path, sizes=(784, None, 10))
    assert str(path) in one_sentence(error)
    np.savez(path, format_version=np.array(FORMAT_VERSION), w_ih=np.ones((3, 5)), w_ho=np.ones((2, 4)),
             learning_rate=np.array(0.3), rule=np.array("exact"))
    with pytest.raises(NnlitError, match="do not form a network") as error:
        Network.load(path)
    one_sentence(error)


def test_load_refuses_another_version(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    np.savez(path, format_version=np.array(FORMAT_VERSION + 1), w_ih=np.ones((3, 5)),
             w_ho=np.ones((2, 3)), learning_rate=np.array(0.3), rule=np.array("exact"))
    with pytest.raises(NnlitError, match="version") as error:
        Network.load(path)
    one_sentence(error)


def test_load_refuses_what_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    path.write_bytes(b"not a zip file at all")
    with pytest.raises(NnlitError) as error:
        Network.load(path)
    one_sentence(error)
    with pytest.raises(NnlitError, match="does not exist"):
        Network.load(tmp_path / "missing.npz")


def test_save_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NnlitError) as error:
        Network(*SIZES, 0.3).save(tmp_path / "no" / "model.npz")
    one_sentence(error)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_inputs_are_refused(bad: float) -> None:
    net = Network(*SIZES, 0.3)
    x = np.array([0.5, bad, 0.5])
    for call in (lambda: net.query(x), lambda: net.train(x, np.full(4, 0.5)),
                 lambda: net.train_batch(x[None, :], np.full((1, 4), 0.5)),
                 lambda: net.gradients(np.full(3, 0.5), np.array([0.5, 0.5, bad, 0.5]))):
        with pytest.raises(NnlitError, match="NaN or infinity") as error:
            call()
        one_sentence(error)


@pytest.mark.parametrize(
    "args, kwargs",
    [((784, 0, 10, 0.3), {}), ((784, 100, 10, 0.0), {}), ((784, 100, 10, -0.3), {}),
     ((784, 100, 10, float("nan")), {}), ((0, 100, 10, 0.3), {}), ((784, 100, 10, 0.3), {"rule": "fancy"}),
     ((784, 2.5, 10, 0.3), {}), ((784, 100, 10, 0.3), {"dtype": np.int32})],
)
def test_impossible_hyperparameters_are_refused(args: tuple, kwargs: dict) -> None:
    with pytest.raises(NnlitError) as error:
        Network(*args, **kwargs)
    one_sentence(error)


def test_backquery_inverts_each_sigmoid_before_rescaling() -> None:
    net = Network(*SIZES, 0.3, seed=6)
    image = net.backquery(np.array([0.01, 0.99, 0.01, 0.01]))
    assert image.shape == (3,) and image.min() == pytest.approx(0.01) and image.max() == pytest.approx(0.99)
    with pytest.raises(NnlitError):
        net.backquery(np.array([0.0, 1.0, 0.5, 0.5]))  # logit(0) is not finite
