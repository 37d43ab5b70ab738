"""How fast the in-page checker answers a reader, in headless Chromium on this machine (not a timed test).

    python benchmarks/live_speed.py [--site DIR] [--out benchmarks/results/live_speed.json]

The site is built with `mkdocs build --strict` (or `--site` names a built one)
and served on 127.0.0.1. One browser profile plays one reader:

- cold start: an empty profile opens the seed chapter and presses "Edit and
  check" on `output-weight-gradient`, then Check at once; the time from that first
  click to the verdict on the page (Pyodide, SymPy, mpmath and the checker are
  downloaded, SymPy is compiled), the bytes the server sent for it, and the
  storage the browser then uses for the compiled modules it keeps;
- later visit: the browser is closed and started again on the same profile (its
  HTTP cache and the compiled modules it kept), and the same two clicks;
- later visit without the kept compiled modules: the same, with the page's Cache
  Storage emptied first, to show what keeping them saves;
- warm re-check: Check again on the same page, the worker already running;
- the whole book: every derivation of every English page checked in that page,
  against `litproof verify` on the same machine in the same run (the sum of the
  checks' own times for both, and the wall time of each).

Targets: cold start <= 15 s, later visit <= 4 s, warm re-check <= 1.5 s, the
whole book in the browser <= 4 times `litproof verify`.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
CHAPTER = "why-oj/"
BOX = "#derivation-output-weight-gradient"
TARGETS = {"cold_seconds": 15.0, "later_seconds": 4.0, "warm_seconds": 1.5, "book_ratio": 4.0}
WAIT_MS = 300_000

CHECK_ALL = """async (blocks) => {
  const started = performance.now();
  let checking = 0;
  const verdicts = [];
  for (const block of blocks) {
    const reply = await window.litproofLive.check({ kind: "block", ...block });
    checking += reply.pageSeconds || 0;
    verdicts.push(reply.verdict);
  }
  return { wall: (performance.now() - started) / 1000, checking, verdicts };
}"""


class _Counting(http.server.SimpleHTTPRequestHandler):
    """A static file handler that counts the bytes of every body it sends (a 304 sends none)."""

    sent: list[int]

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        outputfile.write(data)
        self.sent.append(len(data))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def serve(site: Path) -> Iterator[tuple[str, list[int]]]:
    """The site on 127.0.0.1: its URL, and the list of body sizes it sent, one per response."""
    sent: list[int] = []
    handler = type("Handler", (_Counting,), {"sent": sent})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", sent
    finally:
        server.shutdown()
        server.server_close()


def build(into: Path) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(into)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"mkdocs build failed:\n{done.stdout}{done.stderr}")
    return into


class Visit:
    """One page of the seed chapter in a browser profile, with the bytes it downloads counted."""

    def __init__(self, context: Any, base: str) -> None:
        self.page = context.new_page()
        self.base = base
        self.foreign: list[str] = []
        self.page.on("request", self._request)
        self.page.goto(base + CHAPTER)
        self.page.wait_for_load_state("load")
        self.page.evaluate("() => MathJax.startup.promise")

    def _request(self, request: Any) -> None:
        if not request.url.startswith(self.base) and not request.url.startswith(("data:", "blob:")):
            self.foreign.append(request.url)

    def first_check(self) -> float:
        """Seconds from the click on "Edit and check" (Check pressed right after) to the verdict on the page."""
        box = self.page.locator(BOX)
        started = time.perf_counter()
        box.locator(".litproof-toggle").click()
        box.locator(".litproof-check").click()
        self._wait()
        return time.perf_counter() - started

    def stages(self) -> dict[str, float]:
        """How long each stage of loading took in the worker (runtime, packages, kept, start), in seconds."""
        timings = self.page.evaluate("window.litproofLive.checker.timings")
        return {name: round(seconds, 2) for name, seconds in timings.items()}

    def recheck(self) -> float:
        started = time.perf_counter()
        self.page.locator(f"{BOX} .litproof-check").click()
        self._wait()
        return time.perf_counter() - started

    def _wait(self) -> None:
        self.page.wait_for_function(
            "(s) => document.querySelector(s + ' .litproof-result').dataset.state === 'done'", arg=BOX, timeout=WAIT_MS
        )
        verdict = self.page.locator(f"{BOX} .litproof-result").get_attribute("data-verdict")
        if verdict != "proved":
            sys.exit(f"the seed chapter's derivation came out {verdict!r} in the browser")


def book_blocks(context: Any, base: str, site: Path) -> list[dict[str, Any]]:
    """Every derivation box of every English chapter, as the editors read them."""
    blocks = []
    pages = sorted(p.parent for p in site.glob("*/index.html") if p.parent.name not in ("zh", "print_page"))
    for folder in pages:
        page = context.new_page()
        page.goto(f"{base}{folder.name}/")
        page.wait_for_load_state("load")
        blocks += page.evaluate("window.litproofLive ? window.litproofLive.boxes() : []")
        page.close()
    return blocks


def cli_verify() -> dict[str, Any]:
    started = time.perf_counter()
    command = [sys.executable, "-m", "litproof", "verify", "--format", "json"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    records = [json.loads(line) for line in done.stdout.splitlines()]
    summary = records[-1]
    return {"wall_seconds": round(wall, 2), "checking_seconds": summary["seconds"], "summary": summary["summary"]}


def launch(playwright: Any, profile: Path) -> Any:
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=ARGS, viewport={"width": 1280, "height": 900}
    )


def measure(site: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with serve(site) as (base, sent), sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = launch(playwright, Path(profile))
        visit = Visit(context, base)
        before = sum(sent)
        figures["cold_seconds"] = round(visit.first_check(), 2)
        figures["cold_bytes"] = sum(sent) - before
        figures["cold_stages"] = visit.stages()
        # after its first verdict the worker keeps this visit's compiled modules, while the reader reads on
        visit.page.wait_for_function("() => window.litproofLive.checker.kept", timeout=WAIT_MS)
        figures["kept_bytes"] = visit.page.evaluate("async () => (await navigator.storage.estimate()).usage")
        figures["warm_seconds"] = round(min(visit.recheck() for _ in range(3)), 2)
        foreign = list(visit.foreign)
        context.close()

        context = launch(playwright, Path(profile))
        visit = Visit(context, base)
        before = sum(sent)
        figures["later_seconds"] = round(visit.first_check(), 2)
        figures["later_bytes"] = sum(sent) - before
        figures["later_stages"] = visit.stages()
        blocks = book_blocks(context, base, site)
        in_page = visit.page.evaluate(CHECK_ALL, blocks)
        cli = cli_verify()
        visit.page.evaluate("() => caches.delete('litproof-live')")
        foreign += visit.foreign
        context.close()

        context = launch(playwright, Path(profile))
        visit = Visit(context, base)
        figures["later_without_kept_modules_seconds"] = round(visit.first_check(), 2)
        figures["later_without_kept_modules_stages"] = visit.stages()
        foreign += visit.foreign
        context.close()
    figures["book"] = {
        "derivations": len(blocks),
        "browser_checking_seconds": round(in_page["checking"], 2),
        "browser_wall_seconds": round(in_page["wall"], 2),
        "cli_checking_seconds": cli["checking_seconds"],
        "cli_wall_seconds": cli["wall_seconds"],
        "cli_summary": cli["summary"],
        "all_hold_in_browser": all(v in ("proved", "proved at sizes", "as expected") for v in in_page["verdicts"]),
    }
    figures["book_ratio"] = round(in_page["checking"] / cli["checking_seconds"], 2)
    figures["book_wall_ratio"] = round(in_page["wall"] / cli["wall_seconds"], 2)
    figures["requests_outside_the_site"] = foreign
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a site already built with the in-page checker")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/live_speed.json")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as built:
        site = args.site or build(Path(built) / "site")
        if not (site / "javascripts" / "litproof-live" / "live.js").is_file():
            sys.exit(f"{site} was built without the in-page checker (the plugin's live: true)")
        figures = measure(site)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        **figures,
        "targets": TARGETS,
        "within_targets": {key: figures[key] <= limit for key, limit in TARGETS.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
