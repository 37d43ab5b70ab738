"""PyTorch's autograd against the book's gradients and steps, at many points ("From this book to PyTorch").

The chapter shows one batch at the initial weights; these tests move the weights
and biases off their start (sigmoids away from their centre) and try several
sizes. Without PyTorch they are skipped, and the chapter's examples must then be
skipped too, not fail: the last test runs them with torch hidden.
"""

from __future__ import annotations

import re
import sys
import textwrap
import unittest
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from nnlit.biases import BiasedNetwork
from nnlit.network import Network

ROOT = Path(__file__).resolve().parents[1]
REASON = "torch is not installed: pip install torch==2.13.0"
CASES = [((3, 2, 4), 1, 0), ((3, 2, 4), 5, 1), ((4, 5, 3), 7, 2), ((6, 3, 2), 4, 3), ((2, 7, 5), 3, 4)]


@pytest.fixture
def torch() -> ModuleType:
    return pytest.importorskip("torch", reason=REASON)


def relative(a: np.ndarray, b: np.ndarray) -> float:
    """The largest difference of a from b, relative to the largest entry of b (as the chapters measure)."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def moved(
    sizes: tuple[int, int, int], batch: int, seed: int, rule: str = "exact"
) -> tuple[Network, np.ndarray, np.ndarray]:
    """A network with weights away from their start, and a batch of inputs and targets."""
    rng = np.random.default_rng(seed)
    net = Network(*sizes, 0.3, seed=seed, rule=rule)
    net.w_ih, net.w_ho = rng.normal(0, 1.5, net.w_ih.shape), rng.normal(0, 1.5, net.w_ho.shape)
    x, t = rng.uniform(0.01, 1.0, (batch, sizes[0])), rng.uniform(0.01, 0.99, (batch, sizes[2]))
    return net, x, t


def autograd(
    torch: ModuleType, net: Network, x: np.ndarray, t: np.ndarray, reduce: Callable | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(dloss/dW_ih, dloss/dW_ho) by loss.backward(); by default the book's mean error."""
    w_ih = torch.tensor(net.w_ih, requires_grad=True)
    w_ho = torch.tensor(net.w_ho, requires_grad=True)
    o = torch.sigmoid(torch.sigmoid(torch.from_numpy(x) @ w_ih.T) @ w_ho.T)
    target = torch.from_numpy(t)
    loss = ((target - o) ** 2).sum(dim=1).mean() if reduce is None else reduce(o, target)
    loss.backward()
    return w_ih.grad.numpy(), w_ho.grad.numpy()


@pytest.mark.parametrize(("sizes", "batch", "seed"), CASES)
def test_backward_gives_the_derived_gradients(
    torch: ModuleType, sizes: tuple[int, int, int], batch: int, seed: int
) -> None:
    net, x, t = moved(sizes, batch, seed)
    for auto, hand in zip(autograd(torch, net, x, t), net.gradients(x, t), strict=True):
        assert auto.shape == hand.shape
        assert relative(auto, hand) < 1e-12


@pytest.mark.parametrize(("sizes", "batch", "seed"), CASES)
def test_backward_is_not_the_classic_rule(
    torch: ModuleType, sizes: tuple[int, int, int], batch: int, seed: int
) -> None:
    net, x, t = moved(sizes, batch, seed, rule="classic")
    auto_ih, auto_ho = autograd(torch, net, x, t)
    classic_ih, classic_ho = net.gradients(x, t)
    assert relative(auto_ho, classic_ho) < 1e-12  # the classic rule changes only the hidden layer
    assert relative(auto_ih, classic_ih) > 0.1


@pytest.mark.parametrize(("sizes", "batch", "seed"), CASES)
def test_backward_with_biases(torch: ModuleType, sizes: tuple[int, int, int], batch: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, nh, m = sizes
    net = BiasedNetwork(n, nh, m, 0.3, seed=seed)
    net.w_ih, net.w_ho = rng.normal(0, 1.5, net.w_ih.shape), rng.normal(0, 1.5, net.w_ho.shape)
    net.b_h, net.b_o = rng.normal(0, 1, nh), rng.normal(0, 1, m)
    x, t = rng.uniform(0.01, 1.0, (batch, n)), rng.uniform(0.01, 0.99, (batch, m))
    hidden, output = torch.nn.Linear(n, nh, dtype=torch.float64), torch.nn.Linear(nh, m, dtype=torch.float64)
    with torch.no_grad():
        for layer, weight, bias in ((hidden, net.w_ih, net.b_h), (output, net.w_ho, net.b_o)):
            layer.weight.copy_(torch.from_numpy(weight))
            layer.bias.copy_(torch.from_numpy(bias))
    o = torch.sigmoid(output(torch.sigmoid(hidden(torch.from_numpy(x)))))
    ((torch.from_numpy(t) - o) ** 2).sum(dim=1).mean().backward()
    autos = (hidden.weight.grad, hidden.bias.grad, output.weight.grad, output.bias.grad)
    for auto, hand in zip(autos, net.gradients(x, t), strict=True):
        assert relative(auto.numpy(), hand) < 1e-12


@pytest.mark.parametrize("batch", [1, 6])
def test_an_sgd_step_at_half_the_rate_is_the_books_step(torch: ModuleType, batch: int) -> None:
    net, x, t = moved((4, 3, 5), batch, 7)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 3, bias=False, dtype=torch.float64),
        torch.nn.Sigmoid(),
        torch.nn.Linear(3, 5, bias=False, dtype=torch.float64),
        torch.nn.Sigmoid(),
    )
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(net.w_ih))
        model[2].weight.copy_(torch.from_numpy(net.w_ho))
    optimiser = torch.optim.SGD(model.parameters(), lr=net.learning_rate / 2)
    for _ in range(3):
        optimiser.zero_grad()
        ((torch.from_numpy(t) - model(torch.from_numpy(x))) ** 2).sum(dim=1).mean().backward()
        optimiser.step()
        if batch == 1:
            net.train(x[0], t[0])
        else:
            net.train_batch(x, t)
    assert relative(model[0].weight.detach().numpy(), net.w_ih) < 1e-13
    assert relative(model[2].weight.detach().numpy(), net.w_ho) < 1e-13


def test_the_reduction_of_the_loss_scales_the_gradient(torch: ModuleType) -> None:
    net, x, t = moved((4, 3, 5), 6, 8)
    book_ih, book_ho = net.gradients(x, t)
    scales = {
        6.0: lambda o, t: ((t - o) ** 2).sum(),  # summed over the batch: B times
        1 / 5: lambda o, t: torch.nn.functional.mse_loss(o, t),  # the mean over B m entries: 1/m
        1 / 2: lambda o, t: 0.5 * ((t - o) ** 2).sum(dim=1).mean(),
    }
    for scale, reduce in scales.items():
        auto_ih, auto_ho = autograd(torch, net, x, t, reduce)
        assert relative(auto_ih, scale * book_ih) < 1e-12
        assert relative(auto_ho, scale * book_ho) < 1e-12


#: A Python block of a chapter, at any indentation (exercise solutions are indented).
_BLOCK = re.compile(r"^([ \t]*)```python[^\n]*\n(.*?)^\1```[ \t]*$", re.MULTILINE | re.DOTALL)


def test_without_torch_the_chapters_examples_are_skipped_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails as if it were not installed
    text = (ROOT / "docs" / "pytorch.md").read_text(encoding="utf-8")
    blocks = [
        (text.count("\n", 0, match.start()) + 1, textwrap.dedent(match.group(2))) for match in _BLOCK.finditer(text)
    ]
    assert len(blocks) >= 5
    for line, code in blocks:
        with pytest.raises(unittest.SkipTest, match=re.escape(REASON)):
            exec(compile(code, f"docs/pytorch.md:{line}", "exec"), {"__name__": "__example__"})  # noqa: S102
