"""The `nnlit` command: parses arguments and calls the book's machinery and package.

Exit status: 0 success, 1 a check failed or the input was refused (one sentence on
stderr), 2 a usage error. A user's mistake never shows a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nnlit", description="The nnlit book's tools and its network.")
    parser.add_argument("--version", action="version", version=f"nnlit {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's root folder (default: here)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    tangle = commands.add_parser("tangle", help="write the package's generated modules from the chapters")
    tangle.add_argument("--check", action="store_true", help="only compare; exit 1 with a diff if they differ")
    tangle.add_argument("--force", action="store_true", help="overwrite generated modules even if edited by hand")

    verify = commands.add_parser("verify", help="check every derivation of the book (or of the chapters given)")
    verify.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="chapters to check (default: all)")
    verify.add_argument("--times", action="store_true", help="also print the seconds of every step pair")

    mutate = commands.add_parser("mutate", help="make small mistakes in every step and check that verify catches them")
    mutate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="chapters to mutate (default: all)")

    train = commands.add_parser("train", help="train the network and print its test accuracy")
    train.add_argument("--data", default="mnist-10k", choices=["mnist-10k", "mnist"])
    # The default recipe is the fastest measured to reach 0.95 on mnist-10k ("Performance");
    # the classic one is --hidden 100 --lr 0.3 --epochs 1 --batch 1 --dtype float64.
    train.add_argument("--hidden", type=_hidden, default=100)
    train.add_argument("--lr", type=_positive_float, default=3.0)
    train.add_argument("--epochs", type=_positive_int, default=15)
    train.add_argument("--batch", type=_batch, default=10)
    train.add_argument("--dtype", choices=["float32", "float64"], default="float32", help="precision of the weights")
    train.add_argument("--seed", type=_seed, default=0)
    train.add_argument(
        "--rule",
        choices=["exact", "classic"],
        default="exact",
        help="back-propagate W^T delta (the gradient) or the classic W^T e",
    )
    train.add_argument("--out", type=Path, help="save the trained network to this .npz file")

    predict = commands.add_parser("predict", help="read digits from images")
    predict.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    predict.add_argument("--model", type=Path, help="a network saved by `nnlit train --out`")

    backquery = commands.add_parser("backquery", help="draw what the network imagines for a digit")
    backquery.add_argument("digit", type=_digit, metavar="DIGIT")
    backquery.add_argument("-o", "--out", type=Path, required=True, metavar="FILE.png")
    backquery.add_argument("--model", type=Path, help="a network saved by `nnlit train --out`")
    return parser


def _tangle(args: argparse.Namespace) -> int:
    from nnlit.literate import tangle

    if args.check:
        the_plan = tangle.plan(args.root)
        difference = tangle.diff(args.root, the_plan)
        if difference:
            sys.stdout.write(difference)
            print("nnlit tangle --check: the package differs from the chapters (diff above).", file=sys.stderr)
            return 1
        print(f"nnlit tangle --check: the package matches the chapters ({len(the_plan.unchanged)} generated modules).")
        return 0
    for line in tangle.tangle(args.root, force=args.force) or ["nothing to do: the package matches the chapters"]:
        print(line)
    return 0


def _verify(args: argparse.Namespace) -> int:
    from nnlit.literate.verify import verify_book

    return verify_book(args.root, args.paths, times=args.times)


def _mutate(args: argparse.Namespace) -> int:
    from nnlit.literate.mutate import mutate_book

    return mutate_book(args.root, args.paths)


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
    "mutate": _mutate,
    "tangle": _tangle,
    "verify": _verify,
    "train": _train,
    "predict": _predict,
    "backquery": _backquery,
}


def main(argv: Sequence[str] | None = None) -> int:
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
