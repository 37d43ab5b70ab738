"""The `litproof` command: tangle, verify and mutate any book that uses the plugin.

The book is the folder of a mkdocs.yml (`--root`, default: the current folder).
Exit status: 0 success, 1 a check failed or the input was refused (one sentence
on stderr), 2 a usage error. A user's mistake never shows a traceback. A book's
own command line may offer these commands under its own name (`nnlit verify`):
`main(argv, prog="nnlit")`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from litproof.errors import BookError

COMMANDS = ("tangle", "verify", "mutate")
NEEDS = "SymPy and PyYAML (pip install 'nnlit[book]', or pip install sympy pyyaml)"

_VERIFY_EPILOG = """\
formats:
  text   one line per derivation that holds; for a failure, its message, with the
         math of the failing steps and of the reason in plain text (∂z_k/∂w_jk)
  latex  the same, with the math in LaTeX as the checker writes it
  json   one JSON object per line: for each derivation the keys id, file, line,
         status, verdict and seconds, and for a failure also step (the step that
         does not follow, or null), reason (in LaTeX) and message, and with
         --times the pairs of steps; a malformed block has status "malformed",
         a chapter that cannot be read "error";
         the last object's key "summary" holds the summary line, with the counts
         "derivations" and "failed" and the "seconds" of checking

exit status: 0 if every derivation holds, 1 if any fails, 2 for a usage error"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def build_parser(prog: str = "litproof") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="Tangle, verify and mutate a book of checked derivations.")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        metavar="FOLDER",
        help="the book's root folder, the one with mkdocs.yml (default: %(default)s, the current folder)",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, summary: str, **settings: Any) -> argparse.ArgumentParser:
        # the summary is both the line in `--help` and the first line of `<command> --help`
        return commands.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".", **settings)

    tangle = command("tangle", "write the package's generated modules from the chapters")
    tangle.add_argument("--check", action="store_true", help="only compare; exit 1 with a diff if they differ")
    tangle.add_argument("--force", action="store_true", help="overwrite generated modules even if edited by hand")

    verify = command(
        "verify",
        "check every derivation of the book (or of the chapters given)",
        epilog=_VERIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="chapters to check (default: all)")
    verify.add_argument("--times", action="store_true", help="also print the seconds of every step pair")
    verify.add_argument(
        "--format",
        choices=["text", "latex", "json"],
        default="text",
        help="how to write the report, see below (default: %(default)s)",
    )

    mutate = command("mutate", "make small mistakes in every step and check that verify catches them")
    mutate.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="chapters to mutate (default: all)")
    return parser


def _tangle(args: argparse.Namespace, prog: str) -> int:
    from litproof.book import tangle
    from litproof.book.model import Book

    book = Book.at(args.root)
    if args.check:
        the_plan = tangle.plan(book)
        difference = tangle.diff(book, the_plan)
        if difference:
            sys.stdout.write(difference)
            print(f"{prog} tangle --check: the package differs from the chapters (diff above).", file=sys.stderr)
            return 1
        count = len(the_plan.unchanged)
        print(f"{prog} tangle --check: the package matches the chapters ({count} generated modules).")
        return 0
    for line in tangle.tangle(book, force=args.force) or ["nothing to do: the package matches the chapters"]:
        print(line)
    return 0


def _verify(args: argparse.Namespace, prog: str) -> int:
    from litproof.book.model import Book
    from litproof.book.verify import verify_book

    return verify_book(Book.at(args.root), args.paths, times=args.times, fmt=args.format, prog=f"{prog} verify")


def _mutate(args: argparse.Namespace, prog: str) -> int:
    from litproof.book.model import Book
    from litproof.book.mutate import mutate_book

    return mutate_book(Book.at(args.root), args.paths)


_RUN = {"tangle": _tangle, "verify": _verify, "mutate": _mutate}


def main(argv: Sequence[str] | None = None, prog: str = "litproof") -> int:
    args = build_parser(prog).parse_args(argv)
    try:
        return _RUN[args.command](args, prog)
    except BookError as error:
        print(f"{prog} {args.command}: {error}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as error:
        if error.name not in ("sympy", "yaml", "mpmath"):
            raise
        print(f"{prog} {args.command}: this command needs {NEEDS}; {error.name} is not installed.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog} {args.command}: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
