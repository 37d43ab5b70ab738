"""The in-page checker: a reader edits a derivation (or answers an exercise) and the book's checker judges it,
in the browser, with nothing fetched from outside the site.

The browser tests share one context (one reader's browser): the first editor
opened loads Pyodide, SymPy and the checker from the site, and the later pages
reuse what the browser kept (its HTTP cache and the compiled modules in Cache
Storage), as a reader's later pages do. The build tests need no browser: how
the runtime is fetched, verified and cached, and what a build without network
and without cache does.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from litproof.core.checker import check
from litproof.core.derivation import DerivationError, parse
from litproof.core.fences import Fence
from litproof.book.tangle import write_atomically
from litproof.site.live import PYODIDE, PyodideCache, RuntimeUnavailable

REPO_ROOT = Path(__file__).resolve().parents[2]
COURSE = REPO_ROOT / "tests" / "course"
CHAPTER, CHINESE = "why-oj/", "zh/why-oj/"
BOX = "#derivation-output-weight-gradient"
EXERCISE = '.litproof-your-turn[data-derivation="ex-half-squared-error"]'
COLD = 240_000  # ms: a first start on a loaded two-core machine (about 15 s on a quiet one)

# Runs in the page: the TeX of every formula MathJax typeset inside an element.
TEX_WITHIN = """(selector) => MathJax.startup.document.getMathItemsWithin(document.querySelector(selector))
    .map((item) => item.math)"""


def _done(page: Any, selector: str, timeout: float = COLD) -> None:
    """Wait until the panel under `selector` has shown (and typeset) a verdict."""
    page.wait_for_function(
        "(s) => ['done', 'timed-out'].includes(document.querySelector(s + ' .litproof-result').dataset.state)",
        arg=selector,
        timeout=timeout,
    )


def _chapter_pages(site_pages: list[str]) -> list[str]:
    """The English pages (the Chinese site and the whole-book page show the same blocks again)."""
    return [path for path in site_pages if not path.startswith(("zh/", "print_page"))]


@pytest.fixture(scope="module")
def reader(built_site: Path, visit_pages: Any, site_pages: list[str]) -> Iterator[dict[str, tuple[Any, Any]]]:
    """Every English page and the seed chapter in Chinese, open in one browser context: {path: (page, record)}."""
    if not (built_site / "javascripts" / "litproof-live" / "live.js").is_file():
        pytest.fail("the site was built without the in-page checker: see the build's line about Pyodide", pytrace=False)
    paths = [*_chapter_pages(site_pages), CHINESE]
    context, opened = visit_pages(paths)
    try:
        yield dict(zip(paths, opened, strict=True))
    finally:
        context.close()


def _last_step_with(text: str, old: str, new: str) -> str:
    """The block's text with `old` replaced by `new` in its last step only."""
    lines = text.splitlines()
    last = max(n for n, line in enumerate(lines) if line.lstrip().startswith("= "))
    assert old in lines[last], lines[last]
    lines[last] = lines[last].replace(old, new)
    return "\n".join(lines) + "\n"


def _edit_and_check(page: Any, edit: Any = None) -> None:
    box = page.locator(BOX)
    editor = box.locator("textarea")
    if not editor.is_visible():
        box.locator(".litproof-toggle").click()
    if edit:
        editor.fill(edit(editor.input_value()))
    box.locator(".litproof-check").click()
    _done(page, BOX)


@pytest.mark.browser
def test_an_edited_last_step_fails_with_the_ratio_and_reset_holds_again(reader: dict) -> None:
    page, record = reader[CHAPTER]
    box = page.locator(BOX)
    toggle = box.locator(".litproof-toggle")
    assert toggle.inner_text() == "Edit and check"
    assert not [url for url in record.requests if "litproof-live/pyodide" in url], "loaded before the first click"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    original = box.locator("textarea").input_value()
    assert original.startswith("id: output-weight-gradient\n")

    _edit_and_check(page, lambda text: _last_step_with(text, "o[j]", "o[k]"))
    result = box.locator(".litproof-result")
    assert result.get_attribute("data-verdict") == "failed"
    marks = [box.locator(f'.litproof-pair[data-pair="{n}"]').get_attribute("class") for n in range(1, 5)]
    assert [mark.rsplit("-", 1)[1] for mark in marks] == ["equal", "equal", "equal", "unequal"], marks
    failure = result.locator(".derivation-failure").inner_text()
    assert "Does not hold." in failure
    assert "output-weight-gradient: step 5 does not follow from step 4." in failure
    assert "left / right =" in failure
    assert r"\frac{o_{j}}{o_{k}}" in page.evaluate(TEX_WITHIN, f"{BOX} .litproof-message")

    box.locator(".litproof-reset").click()
    assert box.locator("textarea").input_value() == original
    _edit_and_check(page)
    assert result.get_attribute("data-verdict") == "proved"
    assert box.locator(".litproof-pair-equal").count() == 4
    assert "Each step is proved equal to the one before for all sizes" in result.inner_text()
    assert not record.problems(), "\n".join(record.problems())


def _cli_message(text: str, chapter: str, line: int) -> str:
    """What `litproof verify` says of a block with this text at this chapter and line."""
    fence = Fence(chapter, line, "derivation", {}, frozenset(), text)
    try:
        return check(parse(fence)).message
    except DerivationError as error:
        return str(error)


@pytest.mark.browser
def test_an_unknown_name_a_syntax_error_and_a_shadowed_index_get_the_checkers_own_messages(reader: dict) -> None:
    page, record = reader[CHAPTER]
    blocks = {block["text"].split("\n", 1)[0]: block for block in page.evaluate("window.litproofLive.boxes()")}
    gradient, shadowed = blocks["id: output-weight-gradient"], blocks["id: shadowed-index"]
    edits = [
        (gradient, _last_step_with(gradient["text"], "o[j]", "q[j]"), "uses an unknown name: name 'q' is not defined"),
        (gradient, _last_step_with(gradient["text"], "*o[j]", "*o[j"), "step 5 is not an expression"),
        (shadowed, shadowed["text"].replace("expect: ill-formed\n", ""), "is used both as a summation index and"),
    ]
    for block, text, words in edits:
        request = {**block, "kind": "block", "text": text}
        reply = page.evaluate("(request) => window.litproofLive.check(request)", request)
        assert words in reply["message"]
        assert reply["message"] == _cli_message(text, block["chapter"], block["line"])
        assert not reply["holds"]
    assert not record.problems(), "\n".join(record.problems())


@pytest.mark.browser
def test_the_chinese_page_checks_with_its_own_words(reader: dict) -> None:
    page, record = reader[CHINESE]
    box = page.locator(BOX)
    assert box.locator(".litproof-toggle").inner_text() == "编辑并检验"
    _edit_and_check(page, lambda text: _last_step_with(text, "o[j]", "o[k]"))
    failure = box.locator(".litproof-result .derivation-failure").inner_text()
    assert "不成立。" in failure and "step 5 does not follow from step 4" in failure
    assert "一次检验超过 60 秒即被停止" in box.locator(".litproof-limit").inner_text()
    assert not record.problems(), "\n".join(record.problems())


@pytest.mark.browser
def test_your_turn_takes_a_right_and_a_wrong_answer(reader: dict) -> None:
    page, record = reader[CHAPTER]
    exercise = page.locator(EXERCISE)
    assert "D(E, w[j, k])" in exercise.locator("pre").inner_text()  # the given first step
    solution = page.locator("#derivation-ex-half-squared-error")
    assert not solution.is_visible(), "the book's solution stays in its fold"
    editor, result = exercise.locator("textarea"), exercise.locator(".litproof-result")

    editor.fill("= -(t[k] - o_k)*o_k*(1 - o_k)*o[j]      # the 2 of the square cancels the 1/2")
    exercise.locator(".litproof-check").click()
    _done(page, EXERCISE)
    assert result.get_attribute("data-verdict") == "proved"
    assert "Right." in result.locator(".litproof-right").inner_text()

    editor.fill("= -2*(t[k] - o_k)*o_k*(1 - o_k)*o[j]")
    exercise.locator(".litproof-check").click()
    _done(page, EXERCISE)
    assert result.get_attribute("data-verdict") == "failed"
    assert "ex-half-squared-error: step 2 does not follow from step 1." in result.inner_text()
    assert r"\frac{1}{2}" in page.evaluate(TEX_WITHIN, f"{EXERCISE} .litproof-message")
    assert not record.problems(), "\n".join(record.problems())


@pytest.mark.browser
def test_every_your_turn_paragraph_gets_an_editor_with_its_solutions_first_step(reader: dict) -> None:
    found = {}
    for path in ("why-oj/", "hidden/", "softmax/"):
        page, _ = reader[path]
        found[path] = page.evaluate(
            """() => [...document.querySelectorAll(".your-turn")].map((p) => {
              const box = p.closest(".litproof-your-turn");
              return box && box.querySelector("textarea") && box.querySelector("pre").textContent.includes("steps:");
            })"""
        )
    assert found == {"why-oj/": [True, True], "hidden/": [True], "softmax/": [True, True]}


@pytest.mark.browser
def test_a_check_past_the_limit_is_unproved_timed_out_and_the_page_stays_responsive(reader: dict) -> None:
    page, record = reader["hidden/"]
    limit = page.evaluate("window.litproofLive.settings.limit")
    page.evaluate("window.litproofLive.settings.limit = 3")  # before the editor states it
    box = page.locator("#derivation-hidden-weight-gradient")
    box.locator(".litproof-toggle").click()
    assert "stopped after 3 s" in box.locator(".litproof-limit").inner_text()
    editor = box.locator("textarea")
    original = editor.input_value()
    editor.fill(original.replace("given: |\n", "given: |\n  while True:\n    pass\n", 1))
    box.locator(".litproof-check").click()
    page.wait_for_function(
        "() => document.querySelector('#derivation-hidden-weight-gradient .litproof-result').dataset.state"
        " === 'checking' && window.litproofLive.checker.current && window.litproofLive.checker.current.started",
        timeout=COLD,
    )
    assert page.evaluate("1 + 1") == 2  # the page answers while Python loops in the worker
    _done(page, "#derivation-hidden-weight-gradient", timeout=30_000)
    result = box.locator(".litproof-result")
    assert result.get_attribute("data-state") == "timed-out"
    assert "Unproved (timed out)." in result.inner_text() and "3 s" in result.inner_text()
    page.evaluate(f"window.litproofLive.settings.limit = {limit}")
    box.locator(".litproof-reset").click()
    box.locator(".litproof-check").click()  # a new worker, from what the browser kept
    _done(page, "#derivation-hidden-weight-gradient")
    assert result.get_attribute("data-verdict") == "proved"
    assert not record.problems(), "\n".join(record.problems())


@pytest.mark.browser
def test_every_derivation_gets_the_same_verdict_in_the_page_as_from_the_command_line(reader: dict) -> None:
    blocks = []
    for path, (page, _) in reader.items():
        if path != CHINESE:
            blocks += page.evaluate("window.litproofLive.boxes()")
    page, record = reader[CHAPTER]
    in_page = page.evaluate(
        """async (blocks) => {
          const verdicts = [];
          for (const block of blocks) {
            const reply = await window.litproofLive.check({ kind: "block", ...block });
            verdicts.push([block.chapter, block.line, reply.timedOut ? "timed out" : reply.verdict]);
          }
          return verdicts;
        }""",
        blocks,
    )
    command = [sys.executable, "-m", "litproof", "verify", "--format", "json"]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)
    records = [json.loads(line) for line in done.stdout.splitlines()]
    from_cli = {(r["file"], r["line"]): r["verdict"] for r in records if r.get("id")}
    from_page = {(chapter, line): verdict for chapter, line, verdict in in_page}
    assert len(from_page) == len(in_page), "a block is shown twice"
    assert from_page == from_cli
    assert not record.problems(), "\n".join(record.problems())


# --- the build: the runtime fetched once, verified, cached; without network and cache, said in one sentence --------


class _Registry(http.server.BaseHTTPRequestHandler):
    """An npm registry on 127.0.0.1 that serves one tarball (or whatever bytes it is given)."""

    body = b""

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def registry() -> Iterator[Any]:
    """A function that starts a local registry serving `body`; returns its URL."""
    servers = []

    def serve(body: bytes) -> str:
        handler = type("Registry", (_Registry,), {"body": body})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _dead_registry() -> str:
    """A URL where nothing listens: a machine without network, as far as the build can tell."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture(scope="module")
def tarball(built_site: Path) -> bytes:
    """The pinned Pyodide tarball, from the book's cache (the site build fetched it)."""
    path = PyodideCache.of_book(REPO_ROOT).tarball
    if not path.is_file():
        pytest.skip("the site was built without the in-page checker")
    return path.read_bytes()


def test_the_runtime_is_fetched_once_verified_and_kept(tmp_path: Path, tarball: bytes, registry: Any) -> None:
    cache = PyodideCache(tmp_path / "pyodide" / PYODIDE.version, registry=registry(tarball))
    files = cache.files()
    assert set(files) >= {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"}
    assert cache.tarball.read_bytes() == tarball
    assert [path.name for path in cache.folder.iterdir()] == [cache.tarball.name]  # no temporary file left
    cache.registry = _dead_registry()  # kept: no network needed any more
    assert cache.files() == files


def test_a_damaged_cached_runtime_is_fetched_again(tmp_path: Path, tarball: bytes, registry: Any) -> None:
    cache = PyodideCache(tmp_path, registry=registry(tarball))
    write_atomically(cache.tarball, tarball[: len(tarball) // 2])
    assert cache.files()["pyodide.mjs"]
    assert cache.tarball.read_bytes() == tarball


def test_a_runtime_that_does_not_match_its_integrity_is_refused_and_not_kept(tmp_path: Path, registry: Any) -> None:
    cache = PyodideCache(tmp_path, registry=registry(b"not the tarball"))
    with pytest.raises(RuntimeUnavailable, match="does not match its published integrity sha512-"):
        cache.files()
    assert not cache.tarball.exists()


def _build_course(tmp_path: Path, with_cache: bool) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Build a copy of the small course with `live: true`, with the registry unreachable."""
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    config = course / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("- litproof:\n", "- litproof:\n      live: true\n"))
    if with_cache:
        for part in ("pyodide", "python"):
            shutil.copytree(REPO_ROOT / ".cache" / "litproof" / part, course / ".cache" / "litproof" / part)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "npm_config_registry": _dead_registry()}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=300, check=False)
    return done, tmp_path / "site"


def test_a_build_without_network_and_cache_says_so_once_and_builds_the_rest(tmp_path: Path) -> None:
    done, site = _build_course(tmp_path, with_cache=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    sentences = re.findall(r"litproof: the in-page checker is left out of this site: .*", output)
    assert len(sentences) == 1, output
    assert f"Pyodide {PYODIDE.version} is not in" in sentences[0]
    assert "build once with network to keep it there." in sentences[0]
    assert not (site / "javascripts" / "litproof-live").exists()
    page = (site / "softplus" / "index.html").read_text(encoding="utf-8")
    assert "litproof-live" not in page and 'class="derivation derivation-holds"' in page


def test_a_build_without_network_uses_the_kept_runtime(tmp_path: Path, tarball: bytes) -> None:
    done, site = _build_course(tmp_path, with_cache=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "left out of this site" not in done.stdout + done.stderr
    live = site / "javascripts" / "litproof-live"
    assert (live / f"pyodide-{PYODIDE.version}" / "pyodide.asm.wasm").is_file()
    settings = (live / "live.js").read_text(encoding="utf-8")
    assert '"words": [["litproof-book/words.py", "words.py"]]' in settings  # the course's own words go along
