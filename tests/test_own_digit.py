"""Your own digit: pictures of any kind to MNIST-style inputs (nnlit/own_digit.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnlit import own_digit
from nnlit.errors import NnlitError
from nnlit.mnist import load_mnist, one_hot_targets, scale_pixels
from nnlit.network import Network
from nnlit.training import train_epoch

_, _, TEST_IMAGES, TEST_LABELS = load_mnist("mnist-10k")


def _save(path: Path, pixels: np.ndarray, mode: str | None = None) -> Path:
    image = Image.fromarray(pixels)
    (image.convert(mode) if mode else image).save(path)
    return path


def _dark_on_light(digit: np.ndarray, zoom: int = 3) -> np.ndarray:
    """A test digit as a large scan: dark ink on white paper, with a wide margin."""
    big = 255 - np.kron(digit, np.ones((zoom, zoom), np.uint8))
    return np.pad(big, 40, constant_values=255)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    train_images, train_labels, _, _ = load_mnist("mnist-10k")
    network = Network(784, 50, 10, 0.3, seed=0)
    train_epoch(network, scale_pixels(train_images[:2000]), one_hot_targets(train_labels[:2000]))
    path = tmp_path_factory.mktemp("model") / "model.npz"
    network.save(path)
    return path


def test_output_is_784_inputs_in_the_training_range(tmp_path: Path) -> None:
    x = own_digit.load_digit_image(_save(tmp_path / "d.png", _dark_on_light(TEST_IMAGES[0])))
    assert x.shape == (784,) and x.dtype == np.float64
    assert x.min() == pytest.approx(0.01) and x.max() == pytest.approx(1.0)


def test_box_of_20_and_centre_of_mass_in_the_middle(tmp_path: Path) -> None:
    picture = np.full((300, 500), 255, np.uint8)
    picture[20:120, 380:430] = 0  # a tall bar far from the centre, 100 x 50
    image = own_digit.to_mnist(picture / 255.0)
    rows, columns = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    assert rows[-1] - rows[0] + 1 == 20 and columns[-1] - columns[0] + 1 == 10  # aspect kept
    r, c = np.indices(image.shape)
    mass = image.sum()
    assert abs((r * image).sum() / mass - 13.5) <= 0.5
    assert abs((c * image).sum() / mass - 13.5) <= 0.5


def test_light_and_dark_backgrounds_give_the_same_input(tmp_path: Path) -> None:
    dark = _dark_on_light(TEST_IMAGES[2])
    on_white = own_digit.load_digit_image(_save(tmp_path / "white.png", dark))
    on_black = own_digit.load_digit_image(_save(tmp_path / "black.png", 255 - dark))
    assert np.allclose(on_white, on_black)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P", "1"])
def test_any_colour_mode_and_format(tmp_path: Path, mode: str) -> None:
    base = own_digit.load_digit_image(_save(tmp_path / "base.png", _dark_on_light(TEST_IMAGES[3])))
    other = own_digit.load_digit_image(_save(tmp_path / "other.png", _dark_on_light(TEST_IMAGES[3]), mode))
    if mode == "1":  # black and white only: the grey edges are lost
        assert np.corrcoef(base, other)[0, 1] > 0.9
    else:
        assert np.allclose(base, other, atol=0.02)
    jpeg = own_digit.load_digit_image(_save(tmp_path / "photo.jpg", _dark_on_light(TEST_IMAGES[3])))
    assert np.corrcoef(base, jpeg)[0, 1] > 0.95


def test_transparent_background_counts_as_paper(tmp_path: Path) -> None:
    ink = _dark_on_light(TEST_IMAGES[4])
    rgba = np.zeros((*ink.shape, 4), np.uint8)
    rgba[..., 3] = 255 - ink  # black strokes, transparent elsewhere
    drawing = own_digit.load_digit_image(_save(tmp_path / "drawing.png", rgba))
    scan = own_digit.load_digit_image(_save(tmp_path / "scan.png", ink))
    assert np.allclose(drawing, scan, atol=0.02)


def test_a_tinted_photo_with_grey_paper(tmp_path: Path) -> None:
    sheet = np.full((200, 260, 3), (170, 160, 140), np.uint8)  # dim, yellowish paper
    digit = np.kron(TEST_IMAGES[5], np.ones((5, 5), np.uint8))
    sheet[30:170, 20:160] = sheet[30:170, 20:160] - (digit[..., None] * 0.5).astype(np.uint8)
    x = own_digit.load_digit_image(_save(tmp_path / "tinted.png", sheet))
    assert (
        np.corrcoef(x, own_digit.load_digit_image(_save(tmp_path / "clean.png", _dark_on_light(TEST_IMAGES[5]))))[0, 1]
        > 0.9
    )


def test_a_test_digit_survives_the_round_trip(tmp_path: Path) -> None:
    x = own_digit.load_digit_image(_save(tmp_path / "two.png", _dark_on_light(TEST_IMAGES[1])))
    assert np.corrcoef(x, scale_pixels(TEST_IMAGES[1:2])[0])[0, 1] > 0.8


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture")
    with pytest.raises(NnlitError, match=r"notes\.png is not a picture in a format Pillow can read"):
        own_digit.load_digit_image(path)


def test_truncated_image_names_the_file(tmp_path: Path) -> None:
    path = _save(tmp_path / "cut.png", _dark_on_light(TEST_IMAGES[0]))
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(NnlitError, match=r"cut\.png cannot be read as an image"):
        own_digit.load_digit_image(path)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(NnlitError, match=r"nothing\.png does not exist"):
        own_digit.load_digit_image(tmp_path / "nothing.png")


@pytest.mark.parametrize("level", [0, 128, 255])
def test_blank_picture_is_refused(tmp_path: Path, level: int) -> None:
    noise = np.random.default_rng(0).integers(-5, 6, (60, 80))  # paper grain, no ink
    path = _save(tmp_path / "blank.png", np.clip(level + noise, 0, 255).astype(np.uint8))
    with pytest.raises(NnlitError, match=r"blank\.png looks blank"):
        own_digit.load_digit_image(path)


def test_predict_with_a_model_file(tmp_path: Path, model: Path) -> None:
    paths = [_save(tmp_path / f"{i}.png", _dark_on_light(TEST_IMAGES[i])) for i in range(10)]
    answers = own_digit.predict_command(paths, model)
    assert [path for path, _, _ in answers] == paths
    assert all(0 < confidence < 1 for _, _, confidence in answers)
    right = sum(digit == label for (_, digit, _), label in zip(answers, TEST_LABELS[:10], strict=True))
    assert right >= 8


def test_a_bad_picture_is_refused_before_the_network_is_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network() -> Network:
        raise AssertionError("the network should not be needed")

    monkeypatch.setattr(own_digit, "default_network", no_network)
    good = _save(tmp_path / "good.png", _dark_on_light(TEST_IMAGES[0]))
    with pytest.raises(NnlitError, match="bad.png"):
        own_digit.predict_command([good, tmp_path / "bad.png"], None)


def test_without_a_model_the_default_network_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: Path
) -> None:
    monkeypatch.setattr(own_digit, "default_network", lambda: Network.load(model))
    path = _save(tmp_path / "seven.png", _dark_on_light(TEST_IMAGES[0]))
    [(_, digit, _)] = own_digit.predict_command([path], None)
    assert digit == TEST_LABELS[0] == 7


def test_a_model_of_other_sizes_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "small.npz"
    Network(16, 4, 10, 0.3).save(other)
    path = _save(tmp_path / "seven.png", _dark_on_light(TEST_IMAGES[0]))
    with pytest.raises(NnlitError, match="small.npz"):
        own_digit.predict_command([path], other)
