"""The `nnlit` command: parses arguments and calls the book's machinery and package.

Exit status: 0 success, 1 a check failed or the input was refused (one sentence on
stderr), 2 a usage error. A user's mistake never shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nnlit import __version__
from nnlit.errors import NnlitError


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{text} must be at least {least}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


def _seed(text: str) -> int:
    return _whole_number(text, 0)


def _at_most(value: int, most: int) -> int:
    if value > most:
        raise argparse.ArgumentTypeError(f"{value} is more than {most}, the most that fits in memory")
    return value


def _hidden(text: str) -> int:
    from nnlit.training import MAX_HIDDEN  # the bound the training chapter states

    return _at_most(_positive_int(text), MAX_HIDDEN)


def _batch(text: str) -> int:
    from nnlit.training import MAX_BATCH

    return _at_most(_positive_int(text), MAX_BATCH)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive finite number")
    return value


def _digit(text: str) -> int:
    if text not in tuple("0123456789"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a digit from 0 to 9")
    return int(text)


BOOK_COMMANDS = {
    "tangle": "write the package's generated modules from the chapters (see nnlit tangle --help)",
    "verify": "check every derivation of the book, or of the chapters given (see nnlit verify --help)",
    "mutate": "make small mistakes in every step and check that verify catches them (see nnlit mutate --help)",
}
_MODEL_HELP = "a network saved by `nnlit train --out` (default: the classic recipe's network, trained once and cached)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nnlit", description="The nnlit book's tools and its network.")
    parser.add_argument("--version", action="version", version=f"nnlit {__version__}")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        metavar="FOLDER",
        help="the book's root folder, the one with mkdocs.yml (default: %(default)s, the current folder)",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, summary: str, **settings: Any) -> argparse.ArgumentParser:
        # the summary is both the line in `nnlit --help` and the first line of `nnlit <command> --help`
        return commands.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".", **settings)

    # The book's tools are litproof's commands under this name (`nnlit verify` is `litproof verify`).
    for name, summary in BOOK_COMMANDS.items():
        commands.add_parser(name, help=summary, add_help=False)

    train = command(
        "train",
        "train the network and print its test accuracy",
        epilog='The defaults are the fastest recipe measured to reach 0.95 on mnist-10k (see "Performance"); '
        "the book's classic recipe is --hidden 100 --lr 0.3 --epochs 1 --batch 1 --dtype float64.",
    )
    train.add_argument(
        "--data",
        default="mnist-10k",
        choices=["mnist-10k", "mnist"],
        help="the training set: the first 10 000 MNIST images, included, or all 60 000, downloaded once; "
        "both are tested on the 10 000 test images (default: %(default)s)",
    )
    train.add_argument(
        "--hidden", type=_hidden, default=100, metavar="N", help="nodes in the hidden layer (default: %(default)s)"
    )
    train.add_argument(
        "--lr", type=_positive_float, default=3.0, metavar="RATE", help="the learning rate (default: %(default)s)"
    )
    train.add_argument(
        "--epochs",
        type=_positive_int,
        default=15,
        metavar="N",
        help="passes over the whole training set (default: %(default)s)",
    )
    train.add_argument(
        "--batch",
        type=_batch,
        default=10,
        metavar="N",
        help="training examples per step of gradient descent; 1 is one example at a time (default: %(default)s)",
    )
    train.add_argument(
        "--dtype",
        choices=["float32", "float64"],
        default="float32",
        help="precision of the weights (default: %(default)s)",
    )
    train.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="N",
        help="seed of the random initial weights and of the order of the examples (default: %(default)s)",
    )
    train.add_argument(
        "--rule",
        choices=["exact", "classic"],
        default="exact",
        help="what the hidden layer is sent back: exact, the output deltas W_ho^T delta (the gradient); "
        "classic, the output errors W_ho^T e, as in Rashid's network (default: %(default)s)",
    )
    train.add_argument(
        "--out", type=Path, metavar="FILE.npz", help="save the trained network to this file (default: not saved)"
    )

    predict = command("predict", "read digits from images")
    predict.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="pictures of one handwritten digit each")
    predict.add_argument("--model", type=Path, metavar="FILE.npz", help=_MODEL_HELP)

    backquery = command("backquery", "draw what the network imagines for a digit")
    backquery.add_argument("digit", type=_digit, metavar="DIGIT", help="the digit to imagine, 0 to 9")
    backquery.add_argument(
        "-o", "--out", type=Path, required=True, metavar="FILE.png", help="where to write the picture"
    )
    backquery.add_argument("--model", type=Path, metavar="FILE.npz", help=_MODEL_HELP)
    return parser


def _train(args: argparse.Namespace) -> int:
    import numpy as np

    from nnlit.training import train_command

    dtype = np.float32 if args.dtype == "float32" else np.float64
    accuracy = train_command(
        args.data, args.hidden, args.lr, args.epochs, args.batch, args.seed, args.out, args.rule, dtype=dtype
    )
    print(f"accuracy: {accuracy:.4f}")
    return 0


def _predict(args: argparse.Namespace) -> int:
    from nnlit.own_digit import predict_command

    for path, digit, confidence in predict_command(args.images, args.model):
        print(f"{path}: {digit} (confidence {confidence:.2f})")
    return 0


def _backquery(args: argparse.Namespace) -> int:
    from nnlit.backquery import backquery_command

    backquery_command(args.digit, args.out, args.model)
    print(f"wrote {args.out}")
    return 0


_COMMANDS = {
    "train": _train,
    "predict": _predict,
    "backquery": _backquery,
}


def _book_command(argv: list[str]) -> str | None:
    """The book tool that `argv` asks for (`verify` in `--root . verify docs/x.md`), if any."""
    words = iter(argv)
    for word in words:
        if word == "--root":
            next(words, None)
        elif not word.startswith("-"):
            return word if word in BOOK_COMMANDS else None
    return None


def _run_book_command(argv: list[str], name: str) -> int:
    try:
        from litproof.cli import main as book_tool
    except ImportError:
        print(f"nnlit {name}: the book's tools are not installed: pip install 'nnlit[book]'.", file=sys.stderr)
        return 1
    return book_tool(argv, prog="nnlit")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    book_command = _book_command(argv)
    if book_command is not None:
        return _run_book_command(argv, book_command)
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except NnlitError as error:
        print(f"nnlit {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"nnlit {args.command}: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
