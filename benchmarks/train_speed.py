"""How fast nnlit trains, side by side with a per-sample reference, PyTorch and the FLOP bound.

One run on one machine measures, in rounds that interleave every configuration
(so that a slow spell of a shared machine hits all of them alike):

Epoch times are measured on the first --images images of one fixed order (2,000
by default, so that the slowest configurations fit in a few minutes) and scaled
to the whole epoch of 10,000 images:

- the epoch time of the per-sample reference (the classic recipe: 784-100-10,
  lr 0.3, one sample at a time, written the classic way with column vectors);
- the epoch time of nnlit (nnlit.training.train_epoch) at batch 1, 10, 32 and 128,
  float32 and float64;
- the epoch time of PyTorch on the CPU with the same network, initial weights,
  loss, order of samples and plain SGD;
- the lower bound: the time of an epoch's matrix products alone, measured with
  the same shapes and calls, from which the machine's matmul rate follows;
- time-to-accuracy: training seconds until the test accuracy on mnist-10k first
  reaches 0.95 (the test set is evaluated every EVALUATE_EVERY images, outside
  the timed part), and when the reference reaches its best accuracy;
- the peak memory (ru_maxrss) of `nnlit train --data mnist-10k` in a subprocess;
- `nnlit verify --times`: the whole book's checking time and the median step pair.

Every configuration runs with one BLAS thread and with two. Ratios (nnlit over
PyTorch, over the bound) are taken within a round, then summarised over rounds
by their median. Prints a table; writes benchmarks/results/train_speed.json.

    pip install -e ".[bench]"
    python benchmarks/train_speed.py            # about 10 minutes on 2 cores
    python benchmarks/train_speed.py --quick    # a smoke test of every part, seconds
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from nnlit.mnist import load_mnist, one_hot_targets, scale_pixels
from nnlit.network import Network, outer_products
from nnlit.training import evaluate, train_epoch

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "train_speed.json"
N_INPUT, N_HIDDEN, N_OUTPUT = 784, 100, 10
BATCHES = (1, 10, 32, 128)
DTYPES = {"float32": np.float32, "float64": np.float64}
THREADS = (1, 2)
#: The recipe whose time-to-accuracy is measured: `nnlit train --batch 10 --lr 3 --epochs 10`.
FAST_RECIPE = {"batch": 10, "lr": 3.0, "epochs": 10, "hidden": N_HIDDEN}
#: The reference's recipe: the classic one.
CLASSIC_LR = 0.3
#: Learning rates of the epoch-time runs (any works for timing; these keep the weights finite).
EPOCH_LR = {1: 0.3, 10: 3.0, 32: 3.0, 128: 3.0}
TARGET_ACCURACY = 0.95
EVALUATE_EVERY = 1000  # images between two measurements of the test accuracy


# ---------------------------------------------------------------------------- the data


class Data:
    """mnist-10k, scaled once, in both dtypes."""

    def __init__(self, train_size: int | None, test_size: int | None) -> None:
        train_images, train_labels, test_images, test_labels = load_mnist("mnist-10k")
        inputs, targets = scale_pixels(train_images[:train_size]), one_hot_targets(train_labels[:train_size])
        tests = scale_pixels(test_images[:test_size])
        self.inputs = {name: inputs.astype(dtype) for name, dtype in DTYPES.items()}
        self.targets = {name: targets.astype(dtype) for name, dtype in DTYPES.items()}
        self.test_inputs = {name: tests.astype(dtype) for name, dtype in DTYPES.items()}
        self.test_labels = test_labels[:test_size]
        self.order = np.random.default_rng([1, 0]).permutation(len(inputs))  # one fixed order for every run
        self.timed = self.order  # the images an epoch-time run trains on (a prefix of the order)
        self.epoch_scale = 1.0  # seconds per epoch = seconds of the timed images x this


def fresh_network(dtype: type, lr: float, hidden: int = N_HIDDEN) -> Network:
    """The same initial weights for every run and every library (seed 0)."""
    return Network(N_INPUT, hidden, N_OUTPUT, lr, seed=0, dtype=dtype)


# ---------------------------------------------------------------------------- the per-sample reference


def reference_epoch(
    w_ih: np.ndarray, w_ho: np.ndarray, inputs: np.ndarray, targets: np.ndarray, order: np.ndarray,
    lr: float = CLASSIC_LR, after_sample: Callable[[int], None] | None = None,
) -> None:
    """The classic per-sample loop: column vectors, W += lr (e . o . (1 - o)) h^T, new arrays each step."""
    with np.errstate(over="ignore"):  # exp(-z) may overflow to inf for z << 0; 1 / (1 + inf) = 0 is right
        for seen, row in enumerate(order, start=1):
            x, t = inputs[row].reshape(-1, 1), targets[row].reshape(-1, 1)
            h = 1 / (1 + np.exp(-(w_ih @ x)))
            o = 1 / (1 + np.exp(-(w_ho @ h)))
            delta_o = (t - o) * o * (1 - o)
            delta_h = (w_ho.T @ delta_o) * h * (1 - h)  # the exact gradient's W_ho^T delta
            w_ho += lr * delta_o @ h.T
            w_ih += lr * delta_h @ x.T
            if after_sample is not None:
                after_sample(seen)


def run_reference(data: Data) -> float:
    network = fresh_network(np.float64, CLASSIC_LR)
    start = time.perf_counter()
    reference_epoch(network.w_ih, network.w_ho, data.inputs["float64"], data.targets["float64"], data.timed)
    return (time.perf_counter() - start) * data.epoch_scale


# ---------------------------------------------------------------------------- nnlit


def run_nnlit(data: Data, batch: int, dtype: str) -> float:
    network = fresh_network(DTYPES[dtype], EPOCH_LR[batch])
    start = time.perf_counter()
    train_epoch(network, data.inputs[dtype], data.targets[dtype], batch=batch, order=data.timed)
    return (time.perf_counter() - start) * data.epoch_scale


def run_bound(data: Data, batch: int, dtype: str) -> float:
    """The time of one epoch's matrix products alone: the same shapes and calls as nnlit's Trainer."""
    kind = DTYPES[dtype]
    network = fresh_network(kind, 1.0)
    w_ih, w_ho = network.w_ih, network.w_ho
    x = data.inputs[dtype][:batch].copy()
    h, o = np.empty((batch, N_HIDDEN), kind), np.empty((batch, N_OUTPUT), kind)
    delta_o, delta_h = np.full((batch, N_OUTPUT), 0.01, kind), np.empty((batch, N_HIDDEN), kind)
    grad_ih, grad_ho = np.empty_like(w_ih), np.empty_like(w_ho)
    steps, last = divmod(len(data.timed), batch)
    start = time.perf_counter()
    for rows in [batch] * steps + ([last] if last else []):
        np.matmul(x[:rows], w_ih.T, out=h[:rows])
        np.matmul(h[:rows], w_ho.T, out=o[:rows])
        np.matmul(delta_o[:rows], w_ho, out=delta_h[:rows])
        outer_products(delta_o[:rows], h[:rows], out=grad_ho)
        outer_products(delta_h[:rows], x[:rows], out=grad_ih)
    return (time.perf_counter() - start) * data.epoch_scale


def epoch_flops(samples: int, hidden: int = N_HIDDEN) -> int:
    """Multiply-adds of the matrix products of one epoch, 2 FLOPs each.

    Per sample: forward n h + h m; Delta_o W_ho: m h; gradients: h m + h n.
    """
    return 2 * samples * (2 * N_INPUT * hidden + 3 * hidden * N_OUTPUT)


# ---------------------------------------------------------------------------- PyTorch


def torch_model(dtype: str, lr: float):  # noqa: ANN201 - torch is an optional import
    import torch

    network = fresh_network(DTYPES[dtype], lr)
    model = torch.nn.Sequential(
        torch.nn.Linear(N_INPUT, N_HIDDEN, bias=False), torch.nn.Sigmoid(),
        torch.nn.Linear(N_HIDDEN, N_OUTPUT, bias=False), torch.nn.Sigmoid(),
    ).to(getattr(torch, dtype))
    with torch.no_grad():  # the same initial weights as nnlit (nn.Linear stores W as out x in, like W_ih)
        model[0].weight.copy_(torch.from_numpy(network.w_ih))
        model[2].weight.copy_(torch.from_numpy(network.w_ho))
    # E = (1/B) sum_b sum_k (t - o)^2 and W <- W - (lr / 2) dE/dW: nnlit's loss and step
    optimiser = torch.optim.SGD(model.parameters(), lr=lr / 2)
    return model, optimiser


def torch_epoch(model, optimiser, inputs, targets, order, batch: int) -> None:  # noqa: ANN001
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        optimiser.zero_grad(set_to_none=True)
        loss = ((targets[rows] - model(inputs[rows])) ** 2).sum(dim=1).mean()
        loss.backward()
        optimiser.step()


def run_torch(data: Data, batch: int, dtype: str) -> float:
    import torch

    model, optimiser = torch_model(dtype, EPOCH_LR[batch])
    inputs, targets = torch.from_numpy(data.inputs[dtype]), torch.from_numpy(data.targets[dtype])
    order = torch.from_numpy(data.timed)
    start = time.perf_counter()
    torch_epoch(model, optimiser, inputs, targets, order, batch)
    return (time.perf_counter() - start) * data.epoch_scale


def torch_agrees_with_nnlit(data: Data) -> float:
    """The largest difference between PyTorch's and nnlit's weights after 500 steps of batch 10, float64."""
    import torch

    samples = min(5000, len(data.order))
    model, optimiser = torch_model("float64", 3.0)
    torch_epoch(model, optimiser, torch.from_numpy(data.inputs["float64"]),
                torch.from_numpy(data.targets["float64"]), torch.from_numpy(data.order[:samples]), 10)
    network = fresh_network(np.float64, 3.0)
    train_epoch(network, data.inputs["float64"], data.targets["float64"], batch=10, order=data.order[:samples])
    return max(float(np.max(np.abs(model[0].weight.detach().numpy() - network.w_ih))),
               float(np.max(np.abs(model[2].weight.detach().numpy() - network.w_ho))))


# ---------------------------------------------------------------------------- time to accuracy


class Stopwatch:
    """Training seconds, with the time spent measuring the test accuracy left out."""

    def __init__(self) -> None:
        self.start, self.excluded = time.perf_counter(), 0.0

    def training_seconds(self) -> float:
        return time.perf_counter() - self.start - self.excluded


def nnlit_time_to_accuracy(data: Data, dtype: str, max_epochs: int, also: float = 1.0) -> dict[str, float | None]:
    """Seconds of `train_epoch` (FAST_RECIPE) until the test accuracy first reaches TARGET_ACCURACY,
    and (`also_seconds`) until it first reaches `also`, the reference's best, for a like-for-like ratio."""
    recipe = FAST_RECIPE
    network = fresh_network(DTYPES[dtype], recipe["lr"], recipe["hidden"])
    shuffle = np.random.default_rng([1, 0])  # the orders `nnlit train --seed 0` uses
    found: dict[str, float | None] = {"seconds": None, "images": None, "accuracy": None, "also_seconds": None}
    watch = Stopwatch()

    class Reached(Exception):
        pass

    def after_step(seen: int, done: int) -> None:
        if (done + seen) % EVALUATE_EVERY < recipe["batch"]:
            paused = time.perf_counter()
            accuracy = evaluate(network, data.test_inputs[dtype], data.test_labels)
            watch.excluded += time.perf_counter() - paused
            if accuracy >= also and found["also_seconds"] is None:
                found["also_seconds"] = watch.training_seconds()
            if accuracy >= TARGET_ACCURACY:
                found.update(seconds=watch.training_seconds(), images=done + seen, accuracy=accuracy)
                raise Reached

    samples = len(data.order)
    try:
        for epoch in range(max_epochs):
            train_epoch(network, data.inputs[dtype], data.targets[dtype], batch=recipe["batch"],
                        order=shuffle.permutation(samples),
                        after_step=lambda seen, done=epoch * samples: after_step(seen, done))
    except Reached:
        pass
    return found


def reference_time_to_best(data: Data) -> dict[str, float]:
    """The reference's best test accuracy in its one epoch, and the training seconds until it first got there."""
    network = fresh_network(np.float64, CLASSIC_LR)
    watch, curve = Stopwatch(), []

    def after_sample(seen: int) -> None:
        if seen % EVALUATE_EVERY == 0 or seen == len(data.order):
            paused = time.perf_counter()
            accuracy = evaluate(network, data.test_inputs["float64"], data.test_labels)
            curve.append((accuracy, watch.training_seconds() - (time.perf_counter() - paused), seen))
            watch.excluded += time.perf_counter() - paused

    reference_epoch(network.w_ih, network.w_ho, data.inputs["float64"], data.targets["float64"],
                    data.order, after_sample=after_sample)
    best = max(accuracy for accuracy, _, _ in curve)
    seconds, images = next((s, n) for a, s, n in curve if a == best)
    return {"best_accuracy": best, "seconds": seconds, "images": images}


# ---------------------------------------------------------------------------- memory, verify, machine


def peak_memory_mb(quick: bool) -> float:
    """ru_maxrss of `nnlit train --data mnist-10k`, run as the only child of a fresh Python."""
    command = [str(Path(sys.executable).with_name("nnlit")), "train", "--data", "mnist-10k"]
    if quick:
        command += ["--epochs", "1"]
    probe = ("import resource, subprocess, sys\n"
             "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    with tempfile.TemporaryDirectory() as cache:  # never reuse or fill the user's model cache
        output = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True,
                                text=True, env={**os.environ, "NNLIT_CACHE": cache})
    return int(output.stdout.split()[-1]) / 1024  # Linux reports kilobytes


def verify_times() -> dict[str, float]:
    """`nnlit verify --times` of the whole book: wall seconds, checking seconds, median step pair."""
    start = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).with_name("nnlit")), "verify", "--times"], cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    pairs = [float(s) for s in re.findall(r"steps \d+-\d+: ([0-9.]+) s", done.stdout)]
    total = re.search(r"([0-9.]+) s of checking", done.stdout)
    return {"wall_seconds": wall, "checking_seconds": float(total.group(1)) if total else float("nan"),
            "pairs": len(pairs), "median_pair_seconds": statistics.median(pairs) if pairs else float("nan"),
            "max_pair_seconds": max(pairs, default=float("nan")), "exit_status": done.returncode}


def machine() -> dict[str, object]:
    import torch

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    blas = [{key: pool.get(key) for key in ("internal_api", "version", "num_threads", "architecture", "filepath")}
            for pool in threadpool_info()]
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "torch": torch.__version__, "threadpools": blas,
            "torch_blas": torch.backends.mkl.is_available() and "MKL" or "other",
            "torch_threads_default": torch.get_num_threads()}


# ---------------------------------------------------------------------------- rounds and summary


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def measure(rounds: int, data: Data, quick: bool) -> dict[str, object]:
    import torch

    times: dict[str, list[float]] = {}
    ratios: dict[str, list[float]] = {}
    tta: dict[str, list[dict]] = {}
    memory: list[float] = []
    max_epochs = 1 if quick else 3 * FAST_RECIPE["epochs"]
    for round_number in range(rounds):
        print(f"round {round_number + 1} of {rounds}", file=sys.stderr, flush=True)
        for threads in THREADS:
            torch.set_num_threads(threads)
            with threadpool_limits(limits=threads, user_api="blas"):
                now: dict[str, float] = {}
                now[f"reference t{threads}"] = run_reference(data)
                for dtype in DTYPES:
                    for batch in BATCHES:
                        now[f"nnlit b{batch} {dtype} t{threads}"] = run_nnlit(data, batch, dtype)
                        now[f"torch b{batch} {dtype} t{threads}"] = run_torch(data, batch, dtype)
                        now[f"bound b{batch} {dtype} t{threads}"] = run_bound(data, batch, dtype)
                reference = reference_time_to_best(data)
                tta.setdefault(f"reference t{threads}", []).append(reference)
                for dtype in DTYPES:
                    tta.setdefault(f"nnlit {dtype} t{threads}", []).append(
                        nnlit_time_to_accuracy(data, dtype, max_epochs, also=reference["best_accuracy"]))
            for key, seconds in now.items():
                times.setdefault(key, []).append(seconds)
            for dtype in DTYPES:
                for batch in BATCHES:
                    mine = now[f"nnlit b{batch} {dtype} t{threads}"]
                    for other in ("torch", "bound"):
                        ratios.setdefault(f"nnlit/{other} b{batch} {dtype} t{threads}", []).append(
                            mine / now[f"{other} b{batch} {dtype} t{threads}"])
            for dtype in DTYPES:
                reached = tta[f"nnlit {dtype} t{threads}"][-1]["seconds"]
                best = tta[f"reference t{threads}"][-1]["seconds"]
                if reached:
                    ratios.setdefault(f"reference best / nnlit 0.95 {dtype} t{threads}", []).append(best / reached)
                same = tta[f"nnlit {dtype} t{threads}"][-1]["also_seconds"]
                if same:
                    ratios.setdefault(f"reference best / nnlit same {dtype} t{threads}", []).append(best / same)
        memory.append(peak_memory_mb(quick))
    return {"times": times, "ratios": ratios, "time_to_accuracy": tta, "memory_mb": memory}


def table(results: dict) -> str:
    flops, rows = results["epoch_flops"], []
    times, ratios = results["epoch_seconds"], results["ratios"]
    rows.append("| configuration | threads | epoch s, median [min-max] | GFLOP/s | vs PyTorch | vs bound |")
    rows.append("|---|---|---|---|---|---|")

    def cell(s: dict) -> str:
        return f"{s['median']:.3f} [{s['min']:.3f}-{s['max']:.3f}]"

    for threads in THREADS:
        s = times[f"reference t{threads}"]
        rows.append(f"| per-sample reference, float64 | {threads} | {cell(s)} | {flops / s['median'] / 1e9:.1f} | | |")
        for dtype in DTYPES:
            for batch in BATCHES:
                key = f"b{batch} {dtype} t{threads}"
                for who in ("nnlit", "torch", "bound"):
                    s = times[f"{who} {key}"]
                    label = {"nnlit": "nnlit", "torch": "PyTorch", "bound": "matrix products alone"}[who]
                    versus = ("", "")
                    if who == "nnlit":
                        versus = tuple(f"{ratios[f'nnlit/{o} {key}']['median']:.2f}x" for o in ("torch", "bound"))
                    rows.append(f"| {label}, batch {batch}, {dtype} | {threads} | {cell(s)} "
                                f"| {flops / s['median'] / 1e9:.1f} | {versus[0]} | {versus[1]} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 round on 1,000 images: a smoke test, no JSON")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--images", type=int, default=2000,
                        help="images each epoch-time run trains on; its seconds are scaled to a whole epoch")
    parser.add_argument("--out", type=Path, help=f"where to write the JSON (default: {RESULTS.relative_to(ROOT)})")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    data = Data(1000, 1000) if args.quick else Data(None, None)
    data.timed = data.order[: args.images]
    data.epoch_scale = len(data.order) / len(data.timed)
    started = datetime.datetime.now(datetime.UTC)
    measured = measure(rounds, data, args.quick)
    results = {
        "command": "python benchmarks/train_speed.py" + (" --quick" if args.quick else ""),
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "samples_per_epoch": len(data.order),
        "images_timed": len(data.timed),
        "rounds": rounds,
        "epoch_flops": epoch_flops(len(data.order)),
        "fast_recipe": FAST_RECIPE,
        "epoch_lr": EPOCH_LR,
        "target_accuracy": TARGET_ACCURACY,
        "evaluate_every": EVALUATE_EVERY,
        "epoch_seconds": {key: summary(values) for key, values in measured["times"].items()},
        "ratios": {key: summary(values) for key, values in measured["ratios"].items()},
        "time_to_accuracy": measured["time_to_accuracy"],
        "peak_memory_mb": summary(measured["memory_mb"]),
        "torch_max_weight_difference": torch_agrees_with_nnlit(data),
        "verify": None if args.quick else verify_times(),
        "duration_seconds": (datetime.datetime.now(datetime.UTC) - started).total_seconds(),
    }
    print(table(results))
    for key, runs in results["time_to_accuracy"].items():
        seconds = [run["seconds"] for run in runs if run["seconds"] is not None]
        print(f"{key}: time to accuracy {statistics.median(seconds) if seconds else 'not reached'} ({len(runs)} runs)")
    print(f"peak memory of nnlit train: {results['peak_memory_mb']['median']:.0f} MB; "
          f"PyTorch and nnlit weights differ by {results['torch_max_weight_difference']:.1e}")
    out = args.out or (None if args.quick else RESULTS)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = out.with_name(f".{out.name}.tmp")
        temporary.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, out)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
