"""The fast training path (Trainer, sigmoid_in_place, from docs/matrix.md) against the per-sample path.

Correctness only: how fast it is is measured by benchmarks/train_speed.py, never asserted.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from nnlit.activations import sigmoid
from nnlit.errors import NnlitError
from nnlit.network import Network, Trainer, sample_gradients, sigmoid_in_place
from nnlit.training import train_epoch

DTYPES = [np.float64, np.float32]
#: float32 gradients agree with the float64 per-sample sums to about 1e-6 of their size.
TOLERANCE = {np.float64: 1e-12, np.float32: 1e-5}


def mnist_like(samples: int, dtype: type, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs in [0.01, 1] with MNIST's 784 pixels and one-hot 0.01/0.99 targets."""
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(0.01, 1.0, (samples, 784)).astype(dtype)
    targets = np.full((samples, 10), 0.01, dtype)
    targets[np.arange(samples), rng.integers(0, 10, samples)] = 0.99
    return inputs, targets


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule", ["exact", "classic"])
@pytest.mark.parametrize("batch", [1, 2, 32, 128])
def test_batch_gradients_are_the_mean_of_the_per_sample_gradients(dtype: type, rule: str, batch: int) -> None:
    inputs, targets = mnist_like(200, dtype)
    network = Network(784, 100, 10, 0.3, seed=3, rule=rule, dtype=dtype)
    rows = np.random.default_rng(1).permutation(200)[:batch]
    grad_ih, grad_ho = Trainer(network, batch=batch).gradients(inputs, targets, rows)
    w_ih, w_ho = network.w_ih.astype(np.float64), network.w_ho.astype(np.float64)
    per_sample = [sample_gradients(w_ih, w_ho, inputs[r].astype(np.float64), targets[r], rule) for r in rows]
    for fast, slow in ((grad_ih, [g for g, _ in per_sample]), (grad_ho, [g for _, g in per_sample])):
        assert fast.dtype == dtype
        mean = np.mean(slow, axis=0)
        assert np.max(np.abs(fast - mean)) <= TOLERANCE[dtype] * np.max(np.abs(mean))


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_gradients_are_those_of_network_gradients(dtype: type) -> None:
    inputs, targets = mnist_like(50, dtype, seed=4)
    network = Network(784, 100, 10, 0.3, seed=5, dtype=dtype)
    fast = Trainer(network, batch=50).gradients(inputs, targets, np.arange(50))
    for mine, reference in zip(fast, network.gradients(inputs, targets), strict=True):
        assert np.allclose(mine, reference, rtol=0, atol=TOLERANCE[dtype] * np.max(np.abs(reference)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rule", ["exact", "classic"])
def test_a_batch_of_one_steps_exactly_as_network_train(dtype: type, rule: str) -> None:
    inputs, targets = mnist_like(20, dtype, seed=2)
    fast, classic = (Network(784, 100, 10, 0.3, seed=7, rule=rule, dtype=dtype) for _ in range(2))
    trainer = Trainer(fast, batch=1)
    for row in np.random.default_rng(3).permutation(20):
        trainer.step(inputs, targets, np.array([row]))
        classic.train(inputs[row], targets[row])
    assert np.array_equal(fast.w_ih, classic.w_ih) and np.array_equal(fast.w_ho, classic.w_ho)


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_batch_step_is_network_train_batch(dtype: type) -> None:
    inputs, targets = mnist_like(64, dtype, seed=6)
    fast, reference = (Network(784, 100, 10, 2.0, seed=8, dtype=dtype) for _ in range(2))
    trainer = Trainer(fast, batch=16)
    for start in range(0, 64, 16):
        rows = np.arange(start, start + 16)
        trainer.step(inputs, targets, rows)
        reference.train_batch(inputs[rows], targets[rows])
    for mine, theirs in ((fast.w_ih, reference.w_ih), (fast.w_ho, reference.w_ho)):
        assert np.allclose(mine, theirs, rtol=0, atol=TOLERANCE[dtype] * np.max(np.abs(theirs)))


def test_a_shorter_last_batch_uses_only_its_rows() -> None:
    inputs, targets = mnist_like(10, np.float64, seed=9)
    network = Network(784, 100, 10, 0.3, seed=1)
    trainer = Trainer(network, batch=8)
    trainer.gradients(inputs, targets, np.arange(8))  # fills every row of the buffers
    short = [g.copy() for g in trainer.gradients(inputs, targets, np.array([8, 9]))]
    alone = Trainer(network, batch=2).gradients(inputs, targets, np.array([8, 9]))
    assert all(np.array_equal(a, b) for a, b in zip(short, alone, strict=True))


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_in_place_is_the_packages_sigmoid(dtype: type) -> None:
    """Bit for bit, extremes and infinities included."""
    z = np.concatenate([np.linspace(-80, 80, 1601), [-1e4, -800.0, -100.0, 0.0, -0.0, 100.0, 800.0, 1e4]])
    z = np.concatenate([z, [-np.inf, np.inf]]).astype(dtype).reshape(-1, 1)
    computed = z.copy()
    with np.errstate(all="raise"):  # no overflow, underflow or invalid value on the way
        sigmoid_in_place(computed, np.empty_like(z), np.empty(z.shape, bool))
    with np.errstate(all="raise"):
        expected = sigmoid(z)
    assert computed.dtype == dtype and np.array_equal(computed, expected)


def test_steps_allocate_no_arrays_of_the_size_of_the_weights() -> None:
    """After the first step, a step reuses the trainer's arrays: far less than one 784 x 100 matrix is allocated."""
    inputs, targets = mnist_like(256, np.float32)
    network = Network(784, 100, 10, 0.3, seed=0, dtype=np.float32)
    trainer = Trainer(network, batch=32)
    trainer.step(inputs, targets, np.arange(32))
    tracemalloc.start()
    try:
        for start in range(32, 256, 32):
            trainer.step(inputs, targets, np.arange(start, start + 32))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < network.w_ih.nbytes / 10


def test_train_epoch_refuses_nan_inputs() -> None:
    inputs, targets = mnist_like(5, np.float64)
    inputs[3, 100] = np.nan
    with pytest.raises(NnlitError, match="NaN or infinite"):
        train_epoch(Network(784, 10, 10, 0.3), inputs, targets, batch=2)
