"""What `pip install nnlit` gives: the network with NumPy alone, and litproof working from a wheel.

The distribution ships two import packages: `nnlit`, the network (NumPy, tqdm,
Pillow), and `litproof`, the machinery, whose SymPy and PyYAML come with the
`book` extra. These tests build the wheel and use it outside the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "tests" / "course"

# Run Python with some top-level packages made unimportable, as in an environment without them.
BLOCKER = textwrap.dedent(
    """
    import sys
    class Absent:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in {blocked!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
    sys.meta_path.insert(0, Absent())
    """
)


def run_without(blocked: set[str], code: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    program = BLOCKER.format(blocked=blocked) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", program], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_network_and_its_command_line_import_with_numpy_alone() -> None:
    done = run_without(
        {"sympy", "yaml", "mkdocs", "markdown", "mpmath"},
        """
        import importlib, pkgutil, nnlit
        for module in pkgutil.iter_modules(nnlit.__path__):
            if module.name != "__main__":
                importlib.import_module(f"nnlit.{module.name}")
        from nnlit.cli import main
        raise SystemExit(main(["verify"]))
        """,
    )
    # every module imported; the book's tools say in one sentence what to install
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "pip install 'nnlit[book]'" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "nnlit"
    # a copy of the checkout's distribution files, so that building never writes into the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "site", ".cache", "*.egg-info", "build"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), "."]
    done = subprocess.run(command, cwd=source, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (found,) = out.glob("nnlit-*.whl")
    return found


def test_the_wheel_holds_both_packages_and_asks_only_for_the_networks_needs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "nnlit/network.py" in names and "litproof/core/checker.py" in names
    assert not any(name.startswith("nnlit/literate/") for name in names)
    required = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert sorted(line.split()[1].split(">")[0].split("=")[0] for line in required) == ["numpy", "pillow", "tqdm"]
    assert "litproof = litproof.site.plugin:BookPlugin" in entry_points
    assert "litproof = litproof.pytest_plugin" in entry_points


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with the wheel installed; its other packages come from this environment's (no downloads)."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    site_packages = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # the dependencies: this environment's site-packages, added after the venv's own
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as archive:  # a wheel is installed by unpacking it into site-packages
        archive.extractall(site_packages)
    return python


def test_litproof_from_the_wheel_tangles_and_verifies_a_course_outside_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}

    def litproof(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(installed), "-m", "litproof", *args]
        return subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=300, check=False)

    where = subprocess.run(
        [str(installed), "-c", "import litproof; print(litproof.__file__)"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert not where.startswith(str(ROOT)), where  # the wheel's copy, not the checkout's

    verified = litproof("verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "derivations, all hold" in verified.stdout

    tangled = litproof("tangle")
    assert tangled.returncode == 0, tangled.stderr
    assert any(line.startswith("wrote ") for line in tangled.stdout.splitlines())
    checked = litproof("tangle", "--check")
    assert checked.returncode == 0 and "matches the chapters" in checked.stdout

    page = course / "docs" / "softplus.md"
    page.write_text(page.read_text(encoding="utf-8").replace("sigmoid(z)*x1 ", "sigmoid(z)*x2 "), encoding="utf-8")
    failed = litproof("verify")
    assert failed.returncode == 1
    assert "docs/softplus.md:" in failed.stdout and "does not follow" in failed.stdout
