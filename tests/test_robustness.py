"""Nothing lost, nothing overwritten, no traceback: a user's mistakes, each met with one sentence.

The command line runs in-process (nnlit.cli.main) on scratch folders under tmp_path,
never on the book's own tree; downloads and servers are not needed here.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import struct
import tempfile
import time
import warnings
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from litproof.core.derivation import KEYS, DerivationError, parse
from litproof.core.fences import Fence
from nnlit import training
from nnlit.cli import main
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
    assert (
        one_sentence(err) == f"nnlit backquery: cannot write {tmp_path / 'no/dir/x.png'}: "
        f"the folder {tmp_path / 'no/dir'} does not exist."
    )
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
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(width + 1)))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("side", "problem"), [(10_000, "is 10000x10000 pixels, more than the"), (20_000, "has far more than")]
)
def test_a_huge_picture_is_refused_from_its_header(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path, side: int, problem: str
) -> None:
    picture = tmp_path / "huge.png"
    picture.write_bytes(_png_header(side, side))
    start = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's DecompressionBombWarning would fail here
        status, _, err = cli(capsys, "predict", str(picture), "--model", str(model))
    assert status == 1 and time.monotonic() - start < 5
    line = one_sentence(err)
    assert line.startswith(f"nnlit predict: {picture} {problem}") and line.endswith("shrink it first.")


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
    assert (
        one_sentence(err) == f"nnlit verify: {tmp_path / 'elsewhere.md'} is outside the book ({root}); "
        "give --root the folder of its book."
    )
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
    with pytest.raises(DerivationError, match=r"^docs/c.md:4: `timeout:` must be a positive number of seconds, finite"):
        parse(_block(f"id: t\ntimeout: {value}\n" + STEPS))


def test_sizes_with_too_many_combinations_are_refused_at_once() -> None:
    start = time.monotonic()
    with pytest.raises(DerivationError, match=r"^docs/c.md:4: `sizes:` asks for 899940001 combinations .* at most 64"):
        parse(_block("id: s\nsizes: n = 2..30000, m = 2..30000\n" + STEPS))
    assert time.monotonic() - start < 1
    assert len(parse(_block("id: s\nsizes: n = 1..8, m = 1..8\n" + STEPS)).sizes) == 64


# --- properties: whatever a user writes or types, a sentence and an exit status, never a traceback ----------

PROPERTY = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
# Text on one line: no character that str.splitlines() would break at.
ONE_LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30)
EXPRESSIONS = st.sampled_from(
    ["D(x**2, x)", "2*x", "x +", "sigmoid(x)", "(", "x[j, k]", "1/0", "'#'", "Sum(x, (j, 1, n))"]
)
KEY_LINES = st.one_of(
    st.builds("{}: {}".format, st.sampled_from(sorted(KEYS)), ONE_LINE),
    st.builds("{}: {}".format, st.from_regex(r"[A-Za-z_][\w-]{0,6}", fullmatch=True), ONE_LINE),
    st.builds("sizes: {}".format, st.from_regex(r"(\w = \d{1,6}(\.\.\d{1,6})?(, )?){1,4}", fullmatch=True)),
    st.builds("timeout: {}".format, st.one_of(st.floats().map(str), st.sampled_from(["inf", "-nan", "1e999", "0x10"]))),
    st.sampled_from(["steps: |", "given: |", "id: ok", "expect: unequal", "expect: ill-formed"]),
    st.builds("  {}".format, ONE_LINE),
    st.builds("    {}".format, EXPRESSIONS),
    st.builds("  = {}  # {}".format, EXPRESSIONS, ONE_LINE),
    ONE_LINE,
)


@PROPERTY
@given(st.lists(KEY_LINES, max_size=12).map("\n".join))
def test_any_derivation_block_parses_or_is_refused_with_its_line(text: str) -> None:
    try:
        parse(_block(text))
    except DerivationError as error:
        assert re.match(r"^docs/c\.md:\d+: ", str(error)), error


def _snapshot(folder: Path, *skip: Path) -> dict[Path, tuple[int, int, int]]:
    """Every file under `folder` (but not under `skip`), with its size, time and mode."""
    files = {}
    for path in folder.rglob("*"):
        if path.is_file() and not any(path.is_relative_to(part) for part in skip):
            status = path.stat()
            files[path] = (status.st_size, status.st_mtime_ns, status.st_mode)
    return files


def _in_process(*argv: str) -> tuple[int, str]:
    """`nnlit argv` run by nnlit.cli.main: (exit status, stderr); any exception but SystemExit fails the test."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as leaving:
            status = leaving.code if isinstance(leaving.code, int) else 0
    return status, err.getvalue()


TITLES = st.one_of(
    st.from_regex(r"(nnlit|\.\.|\.|/|)(/{1,2}(nnlit|\.\.|\.|literate|cli|__main__|errors|x|a-b|)){0,4}\.py").filter(
        lambda title: "\n" not in title
    ),
    st.builds("nnlit/{}.py".format, ONE_LINE.filter(lambda text: '"' not in text)),
    st.sampled_from(
        [
            "/tmp/x.py",
            "NNLIT/CLI.py",
            "nnlit/Literate/checker.py",
            "nnlit/./__init__.py",
            "nnlit/x.py",
            "litproof/core/checker.py",
            "litproof/../nnlit/cli.py",
        ]
    ),
)
# Files the book keeps by hand, inside its package (nnlit/) and outside it (the machinery's folder).
HAND_WRITTEN_FILES = {
    path: "# mine\n"
    for path in ("nnlit/cli.py", "nnlit/__main__.py", "nnlit/literate/checker.py", "litproof/core/checker.py")
}
BOOK_SETTINGS = "site_name: t\nnav:\n{nav}plugins:\n  - litproof:\n      package: nnlit\n"


@PROPERTY
@given(title=TITLES, body=st.sampled_from(["X = 1", "def f(:", "import os as X", "X = 2\nY = 3"]), force=st.booleans())
def test_any_block_title_tangles_inside_the_package_or_is_refused(
    tmp_path: Path, title: str, body: str, force: bool
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as scratch:
        root = Path(scratch) / "book"
        (root / "docs").mkdir(parents=True)
        for path, text in HAND_WRITTEN_FILES.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        (root / "mkdocs.yml").write_text(BOOK_SETTINGS.format(nav="  - one.md\n  - two.md\n"))
        (root / "docs/one.md").write_text(fence("python", body, f'title="{title}"'))
        (root / "docs/two.md").write_text(fence("python", "X = 1", 'title="nnlit/x.py"'))
        before = _snapshot(Path(scratch))
        for argv in (["tangle", "--check"], ["tangle", *(["--force"] if force else [])]):
            status, err = _in_process("--root", str(root), *argv)
            assert status in (0, 1) and "Traceback" not in err, err
        after = _snapshot(Path(scratch))
        for path, text in HAND_WRITTEN_FILES.items():
            assert (root / path).read_text() == text
        for path in after.keys() - before.keys():  # a new file is a generated module inside nnlit/
            assert path.is_relative_to(root / "nnlit")
            assert path.read_text().startswith("# Generated by `litproof tangle`")
        assert {path for path in before if before[path] != after.get(path)} <= {root / "nnlit/x.py"}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder to run commands in: a small book, a model, pictures good and bad, a folder, a file."""
    folder = tmp_path_factory.mktemp("scratch")
    book = folder / "book"
    (book / "docs").mkdir(parents=True)
    (book / "nnlit").mkdir()
    (book / "mkdocs.yml").write_text(BOOK_SETTINGS.format(nav="  - good.md\n"))
    (book / "docs/good.md").write_text(GOOD + fence("python", "X = 1", 'title="nnlit/x.py"'))
    (book / "docs/binary.md").write_bytes(bytes(range(256)))
    Network(784, 5, 10, learning_rate=0.3).save(folder / "model.npz")
    Network(4, 3, 2, learning_rate=0.3).save(folder / "small.npz")
    Image.new("L", (40, 30), 255).save(folder / "blank.png")
    picture = Image.new("L", (40, 40), 255)
    picture.paste(0, (15, 5, 25, 35))
    picture.save(folder / "one.png")
    (folder / "huge.png").write_bytes(_png_header(10_000, 10_000))
    (folder / "notes.png").write_text("not a picture")
    (folder / "dir").mkdir()
    (folder / "existing.png").write_bytes(b"mine")
    (folder / "home").mkdir()
    return folder


NUMBER = st.sampled_from(["-1", "0", "1", "2", "nan", "inf", "x", "1e3", "99999999999999999999", ""])
OUT = st.sampled_from(["new.png", "dir", "dir/x.png", "missing/x.png", "existing.png", "", "/nonexistent/x", "book"])
PICTURE = st.sampled_from(["one.png", "blank.png", "huge.png", "notes.png", "dir", "nope.png", "model.npz"])
MODEL = st.sampled_from(["model.npz", "small.npz", "one.png", "nope.npz", "dir"])
CHAPTER = st.sampled_from(["docs/good.md", "docs/binary.md", "nope.md", "docs", "../model.npz", "/nonexistent/x.md"])


def _options(*pairs: tuple[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.one_of(*(st.tuples(st.just(name), values) for name, values in pairs)), max_size=3).map(
        lambda chosen: [word for pair in chosen for word in pair]
    )


# Train: always tiny (one step over the data, two hidden nodes), so that a run takes a moment;
# the options drawn after it may replace any of these, with a value that stays as small or is refused.
TRAIN = st.builds(
    lambda extra: ["train", "--epochs", "1", "--batch", "10000", "--hidden", "2", *extra],
    _options(
        ("--epochs", st.sampled_from(["0", "-1", "x", "1", "2"])),
        ("--batch", st.sampled_from(["0", "99999", "x", "10000", "5000"])),
        ("--hidden", st.sampled_from(["0", "1000000", "x", "1", "3"])),
        ("--lr", NUMBER),
        ("--seed", NUMBER),
        ("--out", OUT.map(lambda out: out.replace(".png", ".npz"))),
        ("--data", st.sampled_from(["mnist-10k", "mnist", "cifar"])),
        ("--rule", st.sampled_from(["exact", "classic", "other"])),
    ),
)
# Predict and backquery always name a model first, so that no default network is trained.
PREDICT = st.builds(
    lambda pictures, extra: ["predict", "--model", "model.npz", *pictures, *extra],
    st.lists(PICTURE, max_size=3),
    _options(("--model", MODEL)),
)
BACKQUERY = st.builds(
    lambda digit, out, extra: ["backquery", digit, "-o", out, "--model", "model.npz", *extra],
    st.sampled_from(["0", "3", "9", "10", "-1", "x"]),
    OUT,
    _options(("--model", MODEL), ("-o", OUT)),
)
VERIFY = st.builds(lambda paths: ["--root", "book", "verify", *paths], st.lists(CHAPTER, max_size=3))
TANGLE = st.builds(lambda extra: ["--root", "book", "tangle", "--check", *extra], st.lists(st.just("--x"), max_size=1))


@PROPERTY
@given(argv=st.one_of(TRAIN, PREDICT, BACKQUERY, VERIFY, TANGLE))
def test_any_command_line_ends_in_a_sentence_and_touches_nothing_outside(
    scratch: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.chdir(scratch)
    monkeypatch.setenv("HOME", str(scratch / "home"))
    monkeypatch.setenv("NNLIT_CACHE", str(scratch / "cache"))
    monkeypatch.setenv("NNLIT_MNIST_MIRROR", "http://127.0.0.1:9/")  # the discard port: nothing is downloaded
    outside = _snapshot(scratch.parent, scratch)
    kept = {name: (scratch / name).read_bytes() for name in ("model.npz", "one.png", "book/docs/good.md")}
    status, err = _in_process(*argv)
    assert status in (0, 1, 2), (argv, status, err)
    assert "Traceback" not in err, err
    assert _snapshot(scratch.parent, scratch) == outside
    assert not Path("/nonexistent").exists()
    assert {name: (scratch / name).read_bytes() for name in kept} == kept
