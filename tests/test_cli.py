"""The command line as a newcomer meets it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nnlit.cli import main
from tests.helpers import BookMaker, fence

ROOT = Path(__file__).resolve().parents[1]


def nnlit(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nnlit", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["train", "--recipe", "fast"], "argument --recipe: invalid choice: 'fast'"),
        (["train", "--order", "random"], "argument --order: invalid choice: 'random'"),
        (["train", "--epochs", "-1"], "argument --epochs: -1 must be at least 1"),
        (["train", "--hidden", "0"], "argument --hidden: 0 must be at least 1"),
        (["train", "--lr", "nan"], "argument --lr: nan must be a positive finite number"),
        (["train", "--seed", "-1"], "argument --seed: -1 must be at least 0"),
        (["train", "--hidden", "1000000"], "argument --hidden: 1000000 is more than 4096, the most that fits"),
        (["train", "--batch", "99999"], "argument --batch: 99999 is more than 10000, the most that fits in memory"),
        (["train", "--batch", "two"], "argument --batch: 'two' is not a whole number"),
        (["train", "--data", "cifar"], "argument --data: invalid choice: 'cifar'"),
        (["backquery", "12", "-o", "x.png"], "argument DIGIT: '12' is not a digit from 0 to 9"),
        (["backquery", "3"], "the following arguments are required: -o/--out"),
        (["predict"], "the following arguments are required: IMAGE"),
        (["verify", "--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = nnlit(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def help_entries(text: str) -> list[tuple[str, str]]:
    """(how it is written, its help) for each argument a --help text lists under a heading ending in ':'."""
    entries: list[list[str]] = []
    listing = False
    for line in text.splitlines():
        if line and not line.startswith(" "):  # a heading, or the description or epilog
            listing = line in ("positional arguments:", "options:")
        elif listing and re.match(r"^  \S", line):  # an argument starts two spaces in
            written, _, explained = line.strip().partition("  ")
            entries.append([written, explained.strip()])
        elif listing and line.strip():  # its help, continued, further in
            entries[-1][1] = f"{entries[-1][1]} {line.strip()}".strip()
    return [(written, explained) for written, explained in entries]


SUBCOMMANDS = ["", "train", "predict", "backquery", "tangle", "verify", "mutate"]


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=lambda command: f"nnlit {command}".strip())
def test_every_option_says_what_it_means_and_shows_its_default(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as exit:
        main([*command.split(), "--help"])
    assert exit.value.code == 0
    entries = help_entries(capsys.readouterr().out)
    assert ("-h, --help", "show this help message and exit") in entries, entries
    for written, explained in entries:
        assert explained, f"nnlit {command} {written}: no help"
        takes_a_value = written.startswith("-") and " " in written.split(", ")[-1]
        if takes_a_value and written not in ("-h, --help", "--version"):
            assert "(default: " in explained or "(required)" in explained, f"nnlit {command} {written}: {explained}"


def test_the_help_lists_the_networks_commands_then_the_books(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.splitlines() if re.match(r"^    \w", line)]
    assert names == ["train", "predict", "backquery", "tangle", "verify", "mutate"]
    assert "litproof" in out and "exit status" in out


def test_train_help_names_the_recipes_and_says_options_override_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--recipe {default,classic}" in out and "override" in out
    assert "--hidden 100 --lr 0.3 --epochs 1 --batch 1 --dtype float64 --rule classic --order file" in out
    assert "(Rashid, 2016)" in out


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The settings `nnlit train` passes to train_network, which trains nothing here."""
    from nnlit import training
    from nnlit.network import Network

    asked: dict[str, object] = {}

    def record(**settings: object) -> training.Run:
        asked.update(settings)
        network = Network(784, 2, 10, 0.3)
        return training.Run(network, 0.5, network.w_ih[:0, 0], network.w_ih[:0, 0])

    monkeypatch.setattr(training, "train_network", record)
    return asked


@pytest.mark.parametrize(
    ("args", "recipe", "changes"),
    [
        ([], "default", {}),
        (["--recipe", "classic"], "classic", {}),
        (["--recipe", "classic", "--lr", "0.5", "--order", "shuffled"], "classic", {"lr": 0.5, "order": "shuffled"}),
        (["--batch", "1", "--rule", "classic", "--dtype", "float64"], "default",
         {"batch": 1, "rule": "classic", "dtype": "float64"}),
    ],
)
def test_a_recipe_is_chosen_by_name_and_options_beside_it_override_it(
    recorded: dict[str, object], args: list[str], recipe: str, changes: dict[str, object],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from nnlit.training import RECIPES

    assert main(["train", "--quiet", "--data", "mnist-10k", "--seed", "3", *args]) == 0
    expected = {**RECIPES[recipe], **changes}
    assert {name: recorded[name] for name in expected} == expected
    assert (recorded["data"], recorded["seed"]) == ("mnist-10k", 3)
    assert capsys.readouterr().out == "accuracy: 0.5000\n"


@pytest.fixture
def small_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Train on 300 images and test on 200, so that a whole run takes a blink."""
    from nnlit import training
    from nnlit.mnist import load_mnist

    train_images, train_labels, test_images, test_labels = load_mnist("mnist-10k")
    subset = (train_images[:300], train_labels[:300], test_images[:200], test_labels[:200])
    monkeypatch.setattr(training, "load_mnist", lambda name: subset)


EPOCH = r"epoch (\d+)/3: test accuracy (0\.\d{4}) \((\d+) / 200\), \d+\.\d s"
SUMMARY = r"total: \d+\.\d s, of which \d+\.\d s training \([\d,]+ images per second\) and \d+\.\d s testing"


@pytest.mark.usefixtures("small_data")
def test_train_prints_each_epoch_then_a_summary_and_the_accuracy_last(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "net.npz"
    assert main(["train", "--hidden", "10", "--epochs", "3", "--batch", "10", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    epochs = [re.fullmatch(EPOCH, line) for line in lines[:3]]
    assert all(epochs), lines
    assert [int(found[1]) for found in epochs] == [1, 2, 3]
    assert all(float(found[2]) == int(found[3]) / 200 for found in epochs)
    assert re.fullmatch(SUMMARY, lines[3]), lines[3]
    assert lines[4] == f"saved the network to {out}"
    assert lines[5] == f"accuracy: {epochs[-1][2]}" and len(lines) == 6
    assert captured.err == ""  # the progress bar is for a terminal only


@pytest.mark.usefixtures("small_data")
def test_quiet_train_prints_only_the_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--hidden", "10", "--epochs", "3", "--batch", "10", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert re.fullmatch(r"accuracy: 0\.\d{4}\n", captured.out) and captured.err == ""


def test_verify_lists_the_seed_chapters_derivations() -> None:
    result = nnlit("verify", "docs/why-oj.md")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("output-weight-gradient") and "docs/why-oj.md:" in line for line in lines)
    assert "proved for all sizes" in result.stdout
    assert lines[-1].endswith("s of checking.") and ", all hold, " in lines[-1]
    assert len(lines) - 1 == int(lines[-1].split()[0])  # one line per derivation, then the summary


WRONG = """id: wrong
given: |
  x = scalars('x')
steps: |
    D(x**3, x)
  = 3*x      # power rule
"""


def test_verify_exits_1_on_a_wrong_step_with_a_line_starting_docs(make_book: BookMaker) -> None:
    root = make_book({"c.md": "# C\n\n" + fence("derivation", WRONG)})
    result = nnlit("--root", str(root), "verify")
    assert result.returncode == 1
    assert result.stdout.startswith("docs/c.md:9: wrong: step 2 does not follow from step 1.")
    assert "left / right = x" in result.stdout


def test_verify_of_a_file_that_is_not_a_chapter_is_one_sentence() -> None:
    result = nnlit("verify", "no/such.md")
    assert result.returncode == 1
    expected = "nnlit verify: no/such.md is not a Markdown chapter (expected a file like docs/why-oj.md).\n"
    assert result.stderr == expected


def test_tangle_refuses_a_hand_edit_and_check_shows_the_diff(make_book: BookMaker) -> None:
    root = make_book({"c.md": fence("python", "X = 1", 'title="nnlit/x.py"')})
    assert nnlit("--root", str(root), "tangle").returncode == 0
    assert nnlit("--root", str(root), "tangle", "--check").returncode == 0
    module = root / "nnlit/x.py"
    module.write_text(module.read_text().replace("X = 1", "X = 2"))
    refused = nnlit("--root", str(root), "tangle")
    assert refused.returncode == 1 and "nnlit/x.py was edited by hand" in refused.stderr
    assert "X = 2" in module.read_text()
    check = nnlit("--root", str(root), "tangle", "--check")
    assert check.returncode == 1 and "-X = 2\n+X = 1" in check.stdout


def test_outside_a_book_tangle_says_where_to_run_it(tmp_path: Path) -> None:
    result = nnlit("tangle", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("nnlit tangle: no mkdocs.yml in ")


THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def test_the_command_line_keeps_numpys_blas_to_one_thread(
    recorded: dict[str, object], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in THREADS:
        monkeypatch.delenv(name, raising=False)
    assert main(["train", "--quiet"]) == 0
    assert {name: os.environ.get(name) for name in THREADS} == dict.fromkeys(THREADS, "1")
    probe = "import sys; import nnlit.cli; print('numpy' in sys.modules)"  # so the setting comes first
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout == "False\n"


def test_a_thread_setting_of_the_users_own_is_kept(
    recorded: dict[str, object], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in THREADS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    assert main(["train", "--quiet"]) == 0
    assert {name: os.environ.get(name) for name in THREADS} == {**dict.fromkeys(THREADS), "OMP_NUM_THREADS": "4"}
