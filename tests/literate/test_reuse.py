"""The machinery serves a course that is not this book: its plugin and its pytest plugin, by entry point.

tests/course/ is a small course written as a teacher would: its own mkdocs.yml,
with only the `litproof` plugin (no hooks, no chapters of this book), a word of its
own (softplus, in words.py), one page with two derivations, and one titled code
block that `litproof tangle` writes into the course's own package, softplus_notes.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parents[1] / "course"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    copy = tmp_path / "course"
    shutil.copytree(COURSE, copy)
    return copy


def copy_into(course: Path, folder: Path) -> None:
    for path in course.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(course)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())


def build(root: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(root / "site")]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_course_builds_strictly_with_only_the_plugin(course: Path) -> None:
    done = build(course)
    assert done.returncode == 0, done.stdout + done.stderr
    html = (course / "site/softplus/index.html").read_text(encoding="utf-8")
    assert html.count("derivation derivation-holds") == 2 and "derivation-fails" not in html
    assert "proved equal to the one before" in html and 'class="derivation-where"' in html


def test_a_wrong_step_in_the_course_fails_its_build_with_its_file_and_line(course: Path) -> None:
    page = course / "docs/softplus.md"
    page.write_text(page.read_text().replace("sigmoid(z)*x1 ", "sigmoid(z)*x2 "))
    done = build(course)
    assert done.returncode != 0
    assert "docs/softplus.md:31: softplus-unit-weight: step 3 does not follow from step 2." in done.stdout + done.stderr


def test_the_courses_derivations_are_test_items_through_the_entry_point(
    course: Path, pytester: pytest.Pytester
) -> None:
    copy_into(course, pytester.path)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*softplus.md::softplus-slope PASSED*", "*softplus.md::softplus-unit-weight PASSED*"])

    page = pytester.path / "docs/softplus.md"
    page.write_text(page.read_text().replace("= 1/(1 + exp(-x))", "= 1/(1 - exp(-x))"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["docs/softplus.md:16: softplus-slope: step 3 does not follow from step 2."])


def run_litproof(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "litproof", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300, check=False)


def test_the_courses_own_word_is_printed_and_its_record_is_proved_before_use(course: Path) -> None:
    assert build(course).returncode == 0
    html = (course / "site/softplus/index.html").read_text(encoding="utf-8")
    # the word's own LaTeX, around the defined symbol z (which the box marks for its note)
    assert re.search(r"\\operatorname\{softplus\}\\left\((\\class\{[\w -]+\}\{z\}|z)\\right\)", html)
    words = course / "words.py"
    words.write_text(words.read_text().replace("1 / (1 + exp(-x))", "1 / (1 + exp(x))"))
    done = run_litproof(course, "verify")
    assert done.returncode == 1
    assert "softplus-unit-weight: the word softplus's derivative" in done.stdout
    assert "is not the slope of its explicit form" in done.stdout


def test_a_missing_vocabulary_file_is_one_sentence(course: Path) -> None:
    (course / "words.py").unlink()
    done = run_litproof(course, "verify")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "mkdocs.yml names the vocabulary file words.py, which does not exist." in done.stderr


def test_the_mutation_run_mistakes_the_courses_word_for_the_ones_it_names(course: Path) -> None:
    from litproof.book.model import Book
    from litproof.book.mutate import mutate_chapter

    report = mutate_chapter(Book.at(course), course / "docs/softplus.md")
    outcomes = report.outcomes
    swapped = {outcome.mutant.kind: outcome.verdict for outcome in outcomes if "for softplus" in outcome.mutant.kind}
    assert swapped == {"sigmoid for softplus": "killed", "log for softplus": "killed"}
    assert report.count("survived") == 0


def test_a_wrong_use_fails_the_courses_test_item_with_its_line(course: Path, pytester: pytest.Pytester) -> None:
    copy_into(course, pytester.path)
    page = pytester.path / "docs/softplus.md"
    later = "id: softplus-slope\nuses: softplus-unit-weight\n"
    page.write_text(page.read_text().replace("id: softplus-slope\n", later))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["docs/softplus.md:9: softplus-slope: `uses: softplus-unit-weight` comes later*"])


def test_the_courses_code_is_tangled_into_its_own_package_by_the_installed_command(
    course: Path, tmp_path: Path
) -> None:
    installed = Path(sys.executable).with_name("litproof")  # the console script of the `litproof` entry point
    assert installed.is_file(), "the distribution is installed (pip install -e .), with its litproof command"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(installed), "--root", str(course), *args],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    done = run("tangle", "--check")
    assert done.returncode == 1 and "+def weight_slope" in done.stdout
    assert "litproof tangle --check: the package differs from the chapters (diff above)." in done.stderr
    done = run("tangle")
    assert (done.returncode, done.stdout, done.stderr) == (0, "wrote softplus_notes/unit.py\n", "")
    module = (course / "softplus_notes/unit.py").read_text(encoding="utf-8")
    assert module.startswith("# Generated by `litproof tangle` from the chapters\n#   docs/softplus.md\n")
    assert "# docs/softplus.md:38\nimport math\n" in module
    assert not (course / "nnlit").exists() and not (elsewhere / "softplus_notes").exists()
    done = run("tangle", "--check")
    assert (done.returncode, done.stderr) == (0, ""), done.stdout + done.stderr
    assert done.stdout == "litproof tangle --check: the package matches the chapters (1 generated modules).\n"

    probe = "from softplus_notes.unit import softplus as s, weight_slope as d; print(round(s(0.0), 6), d(1, 2, 3, 0))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=course, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["0.693147", str(3 / (1 + math.exp(-3)))], done.stderr

    done = run_litproof(course, "tangle")  # python -m litproof, from the course's folder
    assert (done.returncode, done.stdout) == (0, "nothing to do: the package matches the chapters\n")


def test_the_plugins_options_show_in_the_courses_build(course: Path) -> None:
    settings = course / "mkdocs.yml"
    options = (
        "      cite_boxes: true\n"
        "      citation_key: calculus\n"
        "      distribution: nnlit\n"
        "      verify_command: make check\n"
        "      labels:\n"
        "        en:\n"
        "          all values: Proved step by step for every value of its variables.\n"
        "          where: with\n"
    )
    text = settings.read_text().replace("      cite_boxes: false\n", options)
    settings.write_text("site_url: https://example.org/calculus/\n" + text)
    (course / "CITATION.cff").write_text(
        'cff-version: 1.2.0\ntitle: "Calculus notes"\nauthors:\n  - name: "A teacher"\n'
        'version: 9.9.9\ndate-released: "2027-03-01"\n'
    )
    done = build(course)
    assert done.returncode == 0, done.stdout + done.stderr
    html = (course / "site/softplus/index.html").read_text(encoding="utf-8")
    assert "@misc{calculus2027:softplus," in html
    assert f"version {version('nnlit')}" in html and "9.9.9" not in html  # the distribution's, not CITATION.cff's
    assert html.count("by <code>make check</code> and the test suite") == 2 and "litproof verify" not in html
    assert "Proved step by step for every value of its variables." in html
    assert '<p class="derivation-where-label">with</p>' in html


@pytest.mark.parametrize("settings", [None, "site_name: Notes\nnav:\n  - softplus.md\n"])
def test_where_the_folder_is_no_book_of_the_plugin_no_derivation_is_collected(
    course: Path, pytester: pytest.Pytester, settings: str | None
) -> None:
    copy_into(course, pytester.path)
    if settings is None:
        (pytester.path / "mkdocs.yml").unlink()
    else:
        (pytester.path / "mkdocs.yml").write_text(settings)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED, result.stdout.str()


def test_the_courses_notebook_names_its_own_package_and_checker(course: Path) -> None:
    settings = course / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("notebooks: false", "notebooks: true"))
    done = build(course)
    assert done.returncode == 0, done.stdout + done.stderr
    html = (course / "site/softplus/index.html").read_text(encoding="utf-8")
    assert "it needs the <code>softplus_notes</code> package installed" in html
    notebook = (course / "site/notebooks/softplus.ipynb").read_text(encoding="utf-8")
    assert "`litproof verify`" in notebook and "nnlit" not in notebook
