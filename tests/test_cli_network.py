"""The network's commands end to end, as a newcomer runs them: results, and one sentence on bad input."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from nnlit.network import Network


def nnlit(*args: str, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NNLIT_CACHE": str(cache), **env}
    return subprocess.run(
        [sys.executable, "-m", "nnlit", *args], capture_output=True, text=True, timeout=600, env=environment
    )


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model")
    path = folder / "net.npz"
    result = nnlit("train", "--batch", "32", "--lr", "1", "--hidden", "50", "--out", str(path), cache=folder)
    assert result.returncode == 0, result.stderr
    last = result.stdout.splitlines()[-1]
    assert last.startswith("accuracy: 0.") and float(last.split()[1]) > 0.8
    return path


def test_train_says_how_each_epoch_went_and_quiet_only_how_it_ended(tmp_path: Path) -> None:
    settings = ["train", "--hidden", "10", "--epochs", "2", "--batch", "50", "--lr", "1"]
    result = nnlit(*settings, cache=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr  # no progress bar off a terminal
    lines = result.stdout.splitlines()
    assert len(lines) == 4, lines
    for number, line in enumerate(lines[:2], start=1):
        found = re.fullmatch(rf"epoch {number}/2: test accuracy (0\.\d{{4}}) \((\d+) / 10000\), \d+\.\d s", line)
        assert found and float(found[1]) == int(found[2]) / 10000, line
    assert re.fullmatch(r"total: .* s, of which .* s training \([\d,]+ images per second\) and .* s testing", lines[2])
    assert lines[3] == f"accuracy: {found[1]}"
    quiet = nnlit(*settings, "--quiet", cache=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout == lines[3] + "\n" and quiet.stderr == ""


def test_predict_reads_a_digit_and_backquery_draws_one(model: Path, tmp_path: Path) -> None:
    from nnlit.mnist import load_mnist

    image = load_mnist()[2][0]  # the first test image, a 7
    Image.fromarray(image).resize((84, 84)).save(tmp_path / "seven.png")
    result = nnlit("predict", str(tmp_path / "seven.png"), "--model", str(model), cache=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{tmp_path / 'seven.png'}: 7 (confidence 0.")
    out = tmp_path / "three.png"
    drawn = nnlit("backquery", "3", "-o", str(out), "--model", str(model), cache=tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    assert Image.open(out).size == (28, 28)


def test_an_unreadable_image_is_one_sentence_naming_it(model: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.png").write_text("not a picture")
    line = one_sentence(nnlit("predict", str(tmp_path / "notes.png"), "--model", str(model), cache=tmp_path))
    assert "notes.png" in line


def test_a_model_of_other_shapes_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "small.npz"
    Network(4, 3, 2, 0.1).save(path)
    line = one_sentence(nnlit("backquery", "1", "-o", str(tmp_path / "o.png"), "--model", str(path), cache=tmp_path))
    assert "small.npz" in line
    assert not (tmp_path / "o.png").exists()


def test_a_missing_model_file_is_one_sentence(tmp_path: Path) -> None:
    line = one_sentence(nnlit("backquery", "1", "-o", str(tmp_path / "o.png"), "--model", "nope.npz", cache=tmp_path))
    assert "nope.npz" in line


def test_the_full_mnist_offline_says_what_to_download_and_where(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    line = one_sentence(nnlit("train", "--data", "mnist", cache=tmp_path, NNLIT_MNIST_MIRROR=closed))
    assert str(tmp_path) in line and "train-images-idx3-ubyte" in line
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # no partial file left behind


def test_an_unwritable_output_is_one_sentence(model: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    line = one_sentence(
        nnlit("backquery", "2", "-o", str(tmp_path / "a-file" / "two.png"), "--model", str(model), cache=tmp_path)
    )
    assert line.startswith("nnlit backquery: cannot write ") and "two.png" in line
    assert (tmp_path / "a-file").read_text() == "not a folder"
