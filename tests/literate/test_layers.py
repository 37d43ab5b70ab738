"""litproof's parts need no more than they say: the checker SymPy alone, tangle and the pytest plugin not even that.

Each test runs a fresh Python in which some top-level modules cannot be imported,
as in an environment where they are not installed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A meta path finder, first on the path, that refuses the blocked modules and everything under them.
BLOCKER = """
import sys

BLOCKED = {blocked!r}


class Absent:
    def find_spec(self, name, path=None, target=None):
        if any(name == blocked or name.startswith(blocked + ".") for blocked in BLOCKED):
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked by the test)", name=name)
        return None


sys.meta_path.insert(0, Absent())
"""


def run_without(blocked: set[str], code: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    program = BLOCKER.format(blocked=sorted(blocked)) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", program], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_checker_imports_and_checks_with_sympy_alone() -> None:
    blocked = {"yaml", "numpy", "mkdocs", "markdown", "pymdownx", "nnlit", "litproof.book", "litproof.site"}
    done = run_without(
        blocked,
        """
        import importlib, pkgutil
        import litproof.core

        names = sorted(module.name for module in pkgutil.iter_modules(litproof.core.__path__))
        for name in names:
            importlib.import_module(f"litproof.core.{name}")

        from litproof.core.checker import check
        from litproof.core.derivation import parse
        from litproof.core.fences import Fence

        text = "id: square\\ngiven: |\\n  x = scalars('x')\\nsteps: |\\n    D(x**2, x)\\n  = 2*x\\n"
        wrong = text.replace("= 2*x", "= 3*x")
        holds = check(parse(Fence("docs/c.md", 2, "derivation", {}, frozenset(), text)))
        fails = check(parse(Fence("docs/c.md", 2, "derivation", {}, frozenset(), wrong)))
        assert holds.ok and not fails.ok, (holds.status, fails.message)
        print(" ".join(names))
        print(holds.status)
        print(sorted(name for name in sys.modules if any(name.partition(".")[0] == b for b in BLOCKED)))
        """,
    )
    assert done.returncode == 0, done.stderr
    names, status, leaked = done.stdout.splitlines()
    assert set(names.split()) >= {"checker", "derivation", "fences", "latex", "vocabulary", "words", "cases"}
    assert len(names.split()) == len(list((ROOT / "litproof/core").glob("[!_]*.py"))), "every module was imported"
    assert status == "proved for all values"
    assert leaked == "[]"


def test_the_pytest_plugin_imports_without_sympy_or_yaml() -> None:
    done = run_without(
        {"sympy", "mpmath", "yaml"},
        """
        import litproof.pytest_plugin as plugin

        assert callable(plugin.pytest_collect_file) and callable(plugin.pytest_runtest_makereport)
        print(sorted(name for name in sys.modules if name.startswith("litproof.")))
        """,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(eval(done.stdout))  # noqa: S307  (a list of module names this test printed)
    assert loaded <= {"litproof.pytest_plugin", "litproof.core", "litproof.core.fences", "litproof.errors"}, loaded


def test_tangle_imports_and_maps_lines_back_without_sympy(tmp_path: Path) -> None:
    done = run_without(
        {"sympy", "mpmath"},
        """
        from litproof.book import tangle

        text = "# docs/c.md:7\\nx = 1\\ny = 2\\n"
        assert tangle.chapter_line(text, 3) == "docs/c.md:8"
        assert not tangle.is_generated(text)
        print("ok")
        """,
    )
    assert (done.returncode, done.stdout) == (0, "ok\n"), done.stderr


def test_the_command_line_without_yaml_says_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - litproof:\n      package: nnlit\n")
    done = run_without(
        {"yaml"},
        f"""
        from litproof.cli import main

        raise SystemExit(main(["--root", {str(tmp_path)!r}, "tangle"]))
        """,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr == (
        "litproof tangle: this command needs SymPy and PyYAML (pip install 'nnlit[book]', "
        "or pip install sympy pyyaml); yaml is not installed.\n"
    )
