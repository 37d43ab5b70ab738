"""Nothing lost, nothing overwritten, no traceback: a user's mistakes, each met with one sentence.

The command line runs in-process (nnlit.cli.main) on scratch folders under tmp_path,
never on the book's own tree; downloads and servers are not needed here.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import time
import warnings
import zlib
from pathlib import Path

import pytest

from nnlit import training
from nnlit.cli import main
from nnlit.literate.derivation import DerivationError, parse
from nnlit.literate.markdown import Fence
from nnlit.network import Network
from tests.helpers import BookMaker, fence


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `nnlit argv` in-process: (exit status, stdout, stderr)."""
    try:
        status = main(list(argv))
    except SystemExit as leaving:
        status = leaving.code if isinstance(leaving.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def one_sentence(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.npz"
    Network(784, 5, 10, learning_rate=0.3, seed=1).save(path)
    return path


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the command should have refused before training")

    monkeypatch.setattr(training, "train_network", refuse)


# --- writing files: checked first, nothing created, modes kept ----------------------------------


@pytest.mark.usefixtures("no_training")
@pytest.mark.parametrize(
    ("out", "problem"),
    [(".", "it is a folder, not a file"), ("missing/x.npz", "the folder .*missing does not exist")],
)
def test_train_checks_where_it_saves_before_it_trains(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, out: str, problem: str
) -> None:
    status, _, err = cli(capsys, "train", "--out", str(tmp_path / out))
    assert status == 1
    assert re.search(rf"^nnlit train: cannot write .*: {problem}\.$", one_sentence(err))
    assert not (tmp_path / "missing").exists()


def test_backquery_refuses_a_missing_folder_like_train(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    status, _, err = cli(capsys, "backquery", "3", "-o", str(tmp_path / "no" / "dir" / "x.png"), "--model", str(model))
    assert status == 1
    assert one_sentence(err) == f"nnlit backquery: cannot write {tmp_path / 'no/dir/x.png'}: " \
        f"the folder {tmp_path / 'no/dir'} does not exist."
    assert not (tmp_path / "no").exists()


def test_written_files_keep_their_mode_and_new_ones_follow_the_umask(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    old = os.umask(0o022)
    try:
        picture, saved = tmp_path / "three.png", tmp_path / "net.npz"
        assert cli(capsys, "backquery", "3", "-o", str(picture), "--model", str(model))[0] == 0
        Network(4, 3, 2, 0.1).save(saved)
        assert stat.S_IMODE(picture.stat().st_mode) == stat.S_IMODE(saved.stat().st_mode) == 0o644
        picture.chmod(0o640)
        saved.chmod(0o604)
        assert cli(capsys, "backquery", "4", "-o", str(picture), "--model", str(model))[0] == 0
        Network(4, 3, 2, 0.1).save(saved)
        assert stat.S_IMODE(picture.stat().st_mode) == 0o640 and stat.S_IMODE(saved.stat().st_mode) == 0o604
        assert picture.read_bytes().startswith(b"\x89PNG")
    finally:
        os.umask(old)


# --- the cache ------------------------------------------------------------------------------------


def _fake_training(**_: object) -> training.Run:
    network = Network(784, 100, 10, learning_rate=0.3)
    return training.Run(network, 0.0, network.w_ih[:0, 0], network.w_ih[:0, 0])


def test_a_damaged_default_network_is_moved_aside_not_replaced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NNLIT_CACHE", str(tmp_path))
    monkeypatch.setattr(training, "train_network", _fake_training)
    training.default_network()
    (cached,) = tmp_path.glob("default-*.npz")
    for attempt in ("", ".1"):
        cached.write_bytes(b"my own notes")
        assert training.default_network().sizes == (784, 100, 10)
        aside = cached.with_name(cached.name + ".bad-model" + attempt)
        assert aside.read_bytes() == b"my own notes"
        assert f"it was moved to {aside}, and the network is trained again." in capsys.readouterr().err
    assert Network.load(cached).sizes == (784, 100, 10)


def test_a_cache_that_is_a_file_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cache").write_text("mine")
    monkeypatch.setenv("NNLIT_CACHE", str(tmp_path / "cache"))
    status, _, err = cli(capsys, "backquery", "1", "-o", str(tmp_path / "one.png"))
    assert status == 1
    assert one_sentence(err).startswith(f"nnlit backquery: the cache folder {tmp_path / 'cache'} cannot be made")
    assert (tmp_path / "cache").read_text() == "mine"


# --- pictures ---------------------------------------------------------------------------------------


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` x `height` grey pixels: enough for a reader to see its size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(width + 1))) + chunk(
        b"IEND", b""
    )


def test_a_huge_picture_is_refused_from_its_header(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    picture = tmp_path / "huge.png"
    picture.write_bytes(_png_header(10_000, 10_000))
    start = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's DecompressionBombWarning would fail here
        status, _, err = cli(capsys, "predict", str(picture), "--model", str(model))
    assert status == 1 and time.monotonic() - start < 5
    line = one_sentence(err)
    assert line.startswith(f"nnlit predict: {picture} is 10000x10000 pixels, more than the") and "shrink it" in line


# --- the book: chapters, mkdocs.yml ---------------------------------------------------------------------


GOOD = "# Good\n\n" + fence("derivation", "id: square\ngiven: |\n  x = scalars('x')\nsteps: |\n    D(x**2, x)\n  = 2*x")


def test_verify_reports_a_chapter_that_is_not_utf8_and_goes_on(
    capsys: pytest.CaptureFixture[str], make_book: BookMaker
) -> None:
    root = make_book({"good.md": GOOD})
    (root / "docs/bad.md").write_bytes(b"# Bad\n\n\xff\xfe\n")
    status, out, err = cli(capsys, "--root", str(root), "verify")
    assert status == 1
    assert one_sentence(err) == "nnlit verify: docs/bad.md is not UTF-8 text (the byte 0xff at offset 7)."
    assert "square" in out and out.splitlines()[-1].startswith("1 derivations, 1 failed")


def test_verify_of_a_chapter_outside_the_book_is_one_sentence_and_goes_on(
    capsys: pytest.CaptureFixture[str], make_book: BookMaker, tmp_path: Path
) -> None:
    root = make_book({"good.md": GOOD})
    (tmp_path / "elsewhere.md").write_text(GOOD)
    status, out, err = cli(capsys, "--root", str(root), "verify", str(tmp_path / "elsewhere.md"), "docs/good.md")
    assert status == 1
    assert one_sentence(err) == f"nnlit verify: {tmp_path / 'elsewhere.md'} is outside the book ({root}); " \
        "give --root the folder of its book."
    assert "square" in out


def test_tangle_names_a_stray_binary_chapter(capsys: pytest.CaptureFixture[str], make_book: BookMaker) -> None:
    root = make_book({"good.md": GOOD})
    (root / "docs/stray.md").write_bytes(bytes(range(256)))
    status, _, err = cli(capsys, "--root", str(root), "tangle")
    assert status == 1
    assert one_sentence(err).startswith("nnlit tangle: docs/stray.md is not UTF-8 text (the byte 0x80 at offset 128)")


@pytest.mark.parametrize(
    "config",
    [b"nav: [\n", b"- a list\n- not a mapping\n", b"nav: 5\n", b"docs_dir: [1]\nnav: []\n", b"\xff\xfe"],
    ids=["unclosed", "a-list", "nav-a-number", "docs-dir-a-list", "not-utf8"],
)
@pytest.mark.parametrize("command", [["tangle"], ["tangle", "--check"], ["verify"]])
def test_a_broken_mkdocs_yml_is_one_sentence(
    capsys: pytest.CaptureFixture[str], make_book: BookMaker, config: bytes, command: list[str]
) -> None:
    root = make_book({"good.md": GOOD})
    (root / "mkdocs.yml").write_bytes(config)
    status, _, err = cli(capsys, "--root", str(root), *command)
    assert status == 1
    assert "mkdocs.yml" in one_sentence(err)


# --- derivation blocks: parse -----------------------------------------------------------------------------


def _block(text: str) -> Fence:
    return Fence("docs/c.md", 3, "derivation", {}, frozenset(), text)


STEPS = "steps: |\n    D(x**2, x)\n  = 2*x\n"


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e999", "0", "-3", "soon"])
def test_a_timeout_that_is_not_a_positive_finite_number_is_refused(value: str) -> None:
    with pytest.raises(DerivationError, match=r"^docs/c.md:4: `timeout:` must be a positive, finite number"):
        parse(_block(f"id: t\ntimeout: {value}\n" + STEPS))


def test_sizes_with_too_many_combinations_are_refused_at_once() -> None:
    start = time.monotonic()
    with pytest.raises(DerivationError, match=r"^docs/c.md:4: `sizes:` asks for 899940001 combinations .* at most 64"):
        parse(_block("id: s\nsizes: n = 2..30000, m = 2..30000\n" + STEPS))
    assert time.monotonic() - start < 1
    assert len(parse(_block("id: s\nsizes: n = 1..8, m = 1..8\n" + STEPS)).sizes) == 64
