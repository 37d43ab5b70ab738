"""Train the classic recipe (the seed network's algorithm) on the embedded data and record what it did.

Writes docs/results/training.json (the settings, the test accuracy, the learning
curve, the confusion matrix, the time taken) and the figures
docs/results/learning-curve.svg and docs/results/confusion.svg, which the chapter
docs/training.md shows. The run is the one of

    nnlit train --recipe classic

Run it from the repository root: python scripts/train_results.py
"""

from __future__ import annotations

import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from nnlit.mnist import write_atomically
from nnlit.training import RECIPES, confusion_matrix, train_network

RECIPE = {"data": "mnist-10k", "seed": 0, **RECIPES["classic"]}  # what `nnlit train --recipe classic` trains
CURVE_EVERY = 500  # measure the test accuracy after every 500 training images
RESULTS = Path(__file__).resolve().parents[1] / "docs" / "results"


def svg(figure: plt.Figure) -> str:
    """The figure as SVG text, with no date in it, so that a rerun changes only what changed."""
    plt.rcParams["svg.hashsalt"] = "nnlit"
    path = Path(tempfile.mkdtemp()) / "figure.svg"
    figure.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    return path.read_text(encoding="utf-8")


def learning_curve(curve: list[tuple[int, float]]) -> str:
    seen, accuracy = zip(*curve, strict=True)
    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.plot(seen, accuracy, marker="o", markersize=3)
    axis.set_xlabel("training images seen")
    axis.set_ylabel("test accuracy")
    axis.set_ylim(0, 1)
    axis.grid(alpha=0.3)
    return svg(figure)


def confusion_figure(matrix: np.ndarray) -> str:
    figure, axis = plt.subplots(figsize=(5.5, 5))
    axis.imshow(np.log1p(matrix), cmap="Blues")  # log scale: the few mistakes stay visible
    for (row, column), count in np.ndenumerate(matrix):
        colour = "white" if count > matrix.max() / 4 else "black"
        axis.text(column, row, str(count), ha="center", va="center", fontsize=8, color=colour)
    axis.set_xticks(range(10))
    axis.set_yticks(range(10))
    axis.set_xlabel("the network's answer")
    axis.set_ylabel("true digit")
    return svg(figure)


def main() -> None:
    start = time.perf_counter()
    run = train_network(**RECIPE, curve_every=CURVE_EVERY)
    seconds = time.perf_counter() - start
    matrix = confusion_matrix(run.labels, run.predicted)
    print(f"accuracy: {run.accuracy:.4f}", file=sys.stderr)
    results = {
        "command": "python scripts/train_results.py",
        "cli": "nnlit train --recipe classic",
        "recipe": RECIPE,
        "accuracy": run.accuracy,
        "curve": {"seen": [seen for seen, _ in run.curve],
                  "accuracy": [accuracy for _, accuracy in run.curve]},
        "confusion": matrix.tolist(),
        "seconds": seconds,  # with the learning curve's measurements included
        "numpy": np.__version__,
        "date": datetime.date.today().isoformat(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS / "training.json", (json.dumps(results, indent=1) + "\n").encode())
    write_atomically(RESULTS / "learning-curve.svg", learning_curve(run.curve).encode())
    write_atomically(RESULTS / "confusion.svg", confusion_figure(matrix).encode())


if __name__ == "__main__":
    main()
