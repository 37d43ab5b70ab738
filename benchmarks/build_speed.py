"""How long the authors wait for the site: full builds, and edit-to-reload under `mkdocs serve`, in one run.

    python benchmarks/build_speed.py [--out benchmarks/results/build_speed.json] [--timeout 120]

Everything runs on a scratch copy of the committed tree (`git archive HEAD`),
with that copy's own `nnlit` first on the path, so the working tree is never
touched and half-finished edits in it are not measured. It times, as wall time:

1. `mkdocs build` with an empty .cache/ (cold) and again with the cache kept (warm);
2. under `mkdocs serve` (live reload on, 127.0.0.1, a free port), from the
   write of a file to the moment the served page shows it, for (a) one
   sentence of prose, (b) one derivation step rewritten so that it still
   holds (factors reordered, new justification), (c) that step made wrong,
   after which the page must show the box as "Does not hold".

It compares them with the targets of the issue (a full build within 12 s,
edit-to-reload within 3 s). It reports, it does not gate: the exit status is
0 unless a measurement could not be made.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUILD_TARGET_SECONDS = 12.0
RELOAD_TARGET_SECONDS = 3.0
POLL_SECONDS = 0.2
MKDOCS = [sys.executable, "-m", "mkdocs"]

CHAPTER = "docs/why-oj.md"
PAGE = "why-oj/"
DERIVATION = "output-weight-gradient"
SENTENCE = "So the quoted result is right, once the sum carries its own index:"
# Step 2 of the derivation, as committed, then rewritten so that it still holds, then made wrong.
STEP = "= -2*(t[k] - o_k)*D(o_k, w[j, k])                 # chain rule on the square"
STEP_TRUE = "= -2*D(o_k, w[j, k])*(t[k] - o_k)                 # chain rule on the square, the factors reordered"
STEP_WRONG = "= -3*D(o_k, w[j, k])*(t[k] - o_k)                 # chain rule on the square, the factors reordered"
FAILING_BOX = f'class="derivation derivation-fails" id="derivation-{DERIVATION}"'
HOLDING_BOX = f'class="derivation derivation-holds" id="derivation-{DERIVATION}"'

# Printed by the scratch copy's own machinery: every step of the derivation as the box shows it,
# for a chapter text read from stdin (so the figures are known before the file is written).
STEPS_LATEX = """
import html, json, sys, tempfile
from pathlib import Path
from litproof.core.derivation import evaluate, parse
from litproof.core.latex import step_latex
from litproof.core.fences import read_fences
from litproof.core.vocabulary import Vocabulary
chapter, ident = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as root:
    path = Path(root) / chapter
    path.parent.mkdir(parents=True)
    path.write_text(sys.stdin.read(), encoding="utf-8")
    for fence in read_fences(path, Path(root)):
        if fence.lang == "derivation" and f"id: {ident}" in fence.text:
            derivation = parse(fence)
            namespace = evaluate(derivation, Vocabulary()).namespace
            shown = [step_latex(step.source, namespace) for step in derivation.steps]
            print(json.dumps([html.escape(s if n == 0 else "= " + s) for n, s in enumerate(shown)]))
"""


class MeasurementError(Exception):
    """A figure could not be measured (as opposed to a figure that misses its target)."""


def scratch_copy() -> Path:
    """The committed tree, unpacked into a new temporary directory."""
    target = Path(tempfile.mkdtemp(prefix="nnlit-build-speed-"))
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def environment(scratch: Path) -> dict[str, str]:
    # The venv's editable install points at the working tree; the copy's packages must win.
    return {**os.environ, "PYTHONPATH": str(scratch), "PYTHONUNBUFFERED": "1", "NO_MKDOCS_2_WARNING": "1"}


def measured_packages(scratch: Path) -> dict[str, str]:
    """Where the builds import litproof (the plugin) and nnlit from: the scratch copy's, or the figures are void."""
    done = subprocess.run(
        [sys.executable, "-c", "import litproof.site.plugin as p, nnlit; print(p.__file__); print(nnlit.__file__)"],
        cwd=scratch,
        env=environment(scratch),
        capture_output=True,
        text=True,
        check=False,
    )
    found = [Path(line).resolve() for line in done.stdout.split()]
    copy = scratch.resolve()
    if done.returncode != 0 or len(found) != 2 or not all(path.is_relative_to(copy) for path in found):
        raise MeasurementError(f"the builds would not import the committed tree's packages: {found or done.stderr}")
    return {name: path.relative_to(copy).as_posix() for name, path in zip(("litproof", "nnlit"), found, strict=True)}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """CPU seconds a running process (all its threads, and its reaped children) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(tick) for tick in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def load() -> float:
    """The one-minute load average per CPU: how far the shared machine's wall times are from its CPU times."""
    return round(os.getloadavg()[0] / (os.cpu_count() or 1), 2)


def timed_build(scratch: Path) -> dict[str, Any]:
    """One `mkdocs build` as the book configures it (strict), timed from process start to exit."""
    load_before, cpu_before = load(), children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [*MKDOCS, "build"], cwd=scratch, env=environment(scratch), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    cpu = children_cpu() - cpu_before
    log = done.stdout + done.stderr
    strict_abort = re.search(r"Aborted with .* in strict mode!", log)
    # Strict mode aborts only after the whole site (both languages) is written: the time is still a full build.
    if done.returncode != 0 and not (strict_abort and (scratch / "site/zh" / PAGE / "index.html").is_file()):
        raise MeasurementError(f"mkdocs build failed:\n{log[-4000:]}")
    return {
        "seconds": round(seconds, 2),
        "over_target": round(seconds / BUILD_TARGET_SECONDS, 2),
        # CPU time varies far less with the machine's load than wall time does
        "cpu_seconds": round(cpu, 2),
        "cpu_over_target": round(cpu / BUILD_TARGET_SECONDS, 2),
        "load_per_cpu": [load_before, load()],
        "exit_code": done.returncode,
        "strict_abort": strict_abort.group(0) if strict_abort else None,
        "warnings": [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))][:5],
    }


def steps_latex(scratch: Path, text: str) -> list[str]:
    """The derivation's steps as its box prints them (HTML-escaped), for this text of the chapter."""
    done = subprocess.run(
        [sys.executable, "-c", STEPS_LATEX, CHAPTER, DERIVATION],
        input=text,
        env=environment(scratch),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise MeasurementError(f"could not print the steps of {DERIVATION}:\n{done.stderr[-2000:]}")
    return list(json.loads(done.stdout))


def new_steps(scratch: Path, before: str, after: str) -> list[str]:
    """The printed steps that the edit from `before` to `after` brings onto the page."""
    old = steps_latex(scratch, before)
    new = [latex for latex in steps_latex(scratch, after) if latex not in old]
    if not new:
        raise MeasurementError("the edited step prints as the old one; the page could not show the edit")
    return new


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, timeout: float) -> str | None:
    """The page, or None while the server does not answer (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=max(timeout, 0.1)) as response:  # noqa: S310 (our own server)
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_for(
    url: str, shown: Callable[[str], bool], server: subprocess.Popen[bytes], timeout: float, since: float
) -> float:
    """Seconds from `since` until the page at `url` satisfies `shown`, polling every POLL_SECONDS."""
    deadline = since + timeout
    while True:
        # A request made during a rebuild is held by the server until the rebuild ends; let it wait.
        page = fetch(url, deadline - time.perf_counter())
        if page is not None and shown(page):
            return time.perf_counter() - since
        if server.poll() is not None:
            raise MeasurementError(f"mkdocs serve exited with status {server.returncode}")
        if time.perf_counter() + POLL_SECONDS > deadline:
            raise MeasurementError(f"{url} did not show the change within {timeout:.0f} s")
        time.sleep(POLL_SECONDS)


_MARK = "\\class{"


def _closing(text: str, opening: int) -> int | None:
    """The index of the brace that closes the one at `opening`."""
    depth = 0
    for index in range(opening, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return None


def unmarked(text: str) -> str:
    """The page with MathJax's `\\class{names}{x}` (a box marks each defined symbol so) replaced by x."""
    out, start = [], 0
    while (found := text.find(_MARK, start)) >= 0:
        names_end = _closing(text, found + len(_MARK) - 1)
        opens_body = names_end is not None and text[names_end + 1 : names_end + 2] == "{"
        body_end = _closing(text, names_end + 1) if opens_body and names_end is not None else None
        if names_end is None or body_end is None:
            out.append(text[start : found + len(_MARK)])
            start = found + len(_MARK)
            continue
        out += [text[start:found], unmarked(text[names_end + 2 : body_end])]
        start = body_end + 1
    return "".join([*out, text[start:]])


def replaced(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise MeasurementError(f"{CHAPTER}: the passage to edit is not there exactly once: {old!r}")
    return text.replace(old, new)


def write(path: Path, text: str) -> float:
    """Write the chapter; returns the clock reading right after the write (the file is closed)."""
    path.write_text(text, encoding="utf-8")
    return time.perf_counter()


def reload_figure(seconds: float, cpu: float, **extra: Any) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 2),
        "over_target": round(seconds / RELOAD_TARGET_SECONDS, 2),
        "server_cpu_seconds": round(cpu, 2),
        "load_per_cpu": load(),
        **extra,
    }


def stop(server: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as an author stops it (serve then deletes its temporary site); killed if it hangs."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def serve_figures(scratch: Path, timeout: float) -> dict[str, Any]:
    """Edit-to-reload under `mkdocs serve`, for prose, a true step and a wrong step."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/nnlit/{PAGE}"
    chapter = scratch / CHAPTER
    # The three edits, and what each must bring onto the page, worked out before the server starts.
    committed = chapter.read_text(encoding="utf-8")
    sentence = f"So the quoted result is right (timed edit {int(time.time())}), once the sum has its index:"
    prose_text = replaced(committed, SENTENCE, sentence)
    true_text = replaced(prose_text, STEP, STEP_TRUE)
    wrong_text = replaced(true_text, STEP_TRUE, STEP_WRONG)
    true_latex = new_steps(scratch, prose_text, true_text)
    wrong_latex = new_steps(scratch, true_text, wrong_text)
    log_path = scratch / "serve.log"
    # --no-strict: the book's strict mode makes a rebuild with a failing step (which logs an error, by
    # design) raise, and the live-reload server then holds every request until a build succeeds, so a
    # wrong step would never be seen; an author previewing wants the page with the failure on it.
    command = [*MKDOCS, "serve", "--no-strict", "--dev-addr", f"127.0.0.1:{port}"]
    with log_path.open("wb") as log:
        started = time.perf_counter()
        server = subprocess.Popen(command, cwd=scratch, env=environment(scratch), stdout=log, stderr=subprocess.STDOUT)
        try:
            # the first build is a whole warm build, plus the server's start
            startup = wait_for(url, lambda page: SENTENCE in page, server, max(timeout, 300.0), started)
            cpu = [process_cpu(server.pid)]

            written = write(chapter, prose_text)
            shown_sentence = html.escape(sentence, quote=False)
            prose = wait_for(url, lambda page: shown_sentence in page, server, timeout, written)
            cpu.append(process_cpu(server.pid))

            written = write(chapter, true_text)
            step = wait_for(
                url,
                lambda page: HOLDING_BOX in page and all(s in unmarked(page) for s in true_latex),
                server,
                timeout,
                written,
            )
            cpu.append(process_cpu(server.pid))

            written = write(chapter, wrong_text)
            wrong = wait_for(
                url,
                lambda page: FAILING_BOX in page and all(s in unmarked(page) for s in wrong_latex),
                server,
                timeout,
                written,
            )
            cpu.append(process_cpu(server.pid))
            # never a stale verdict: asked again, the page still shows the wrong step failing
            again = fetch(url, timeout) or ""
            fails_on_page = FAILING_BOX in again and HOLDING_BOX not in again
            if not fails_on_page:
                raise MeasurementError("after the wrong step the page does not show it failing")
        finally:
            stop(server)
    served = log_path.read_text(encoding="utf-8", errors="replace")
    built = [float(s) for s in re.findall(r"Documentation built in ([0-9.]+) seconds", served)]
    return {
        "strict": False,
        "livereload": True,
        "startup_seconds": round(startup, 2),
        "startup_cpu_seconds": round(cpu[0], 2),
        "prose": reload_figure(prose, cpu[1] - cpu[0]),
        "true_step": reload_figure(step, cpu[2] - cpu[1], new_latex=[html.unescape(s) for s in true_latex]),
        "wrong_step": reload_figure(
            wrong, cpu[3] - cpu[2], new_latex=[html.unescape(s) for s in wrong_latex], fails_on_page=fails_on_page
        ),
        "builds_logged_seconds": built,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/build_speed.json")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each reload")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy (its path is printed)")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    scratch = scratch_copy()
    try:
        packages = measured_packages(scratch)
        shutil.rmtree(scratch / ".cache", ignore_errors=True)
        cold = timed_build(scratch)
        warm = timed_build(scratch)
        serve = serve_figures(scratch, args.timeout)
    except MeasurementError as error:
        print(f"build_speed: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"scratch copy kept at {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "commit": commit.stdout.strip(),
        "imported_from_the_copy": packages,
        "targets": {"full_build_seconds": BUILD_TARGET_SECONDS, "edit_to_reload_seconds": RELOAD_TARGET_SECONDS},
        "cold_build": cold,
        "warm_build": warm,
        "serve": serve,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
