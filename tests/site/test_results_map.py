"""The map of the results and the symbols of the boxes, in a real browser.

The map's nodes are links to the boxes; a box's defined symbols show their
definitions under the pointer and under the keyboard's focus, and can be
switched off. Nothing here leaves the site (see `PageRecord.problems`).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OpenPage = Callable[..., tuple[Any, Any]]

RESULT = "output-weight-gradient"
BOX = f"#derivation-{RESULT}"
# The screenshots a person looks at, also kept outside the checkout when that folder exists.
SHOTS = Path("/tmp/map-shots")


def _settled(page: Any) -> None:
    """Wait until the page has fetched all it fetches (the search index): leaving it earlier aborts them."""
    page.wait_for_load_state("networkidle")


def _math_done(page: Any) -> None:
    """Wait for the page MathJax is typesetting now (after a navigation)."""
    page.wait_for_load_state("load")
    page.evaluate("async () => { if (window.MathJax?.startup?.promise) await MathJax.startup.promise; }")


def _keep(page: Any, artifacts_dir: Path, name: str, **options: Any) -> None:
    page.screenshot(path=str(artifacts_dir / name), **options)
    if SHOTS.is_dir():
        shutil.copy(artifacts_dir / name, SHOTS / name)


def _note_of(page: Any, symbol: str) -> tuple[str, Any]:
    """The number and the note of a defined symbol of the box, found by what its note says first."""
    notes = page.locator(f"{BOX} .derivation-symbol-note")
    for index in range(notes.count()):
        note = notes.nth(index)
        if note.locator(".derivation-symbol-said").text_content().startswith(f"{symbol} = "):
            return note.get_attribute("id").rsplit("-", 1)[1], note
    raise AssertionError(f"the box of {RESULT} explains no symbol {symbol}")


def test_clicking_a_node_of_the_map_opens_its_box(open_page: OpenPage) -> None:
    page, record = open_page("map/")
    node = page.locator(f"#results-map-whole #map-node-{RESULT} a.map-link")
    expect(node).to_have_attribute("href", f"../why-oj/{BOX}")
    assert node.evaluate("a => getComputedStyle(a).cursor") == "pointer"
    _settled(page)
    node.click()
    page.wait_for_url(re.compile(rf"/why-oj/{BOX}$"))
    _math_done(page)
    expect(page.locator(BOX)).to_be_in_viewport()
    assert not record.problems(), "\n".join(record.problems())


def test_a_node_is_reached_by_the_keyboard_and_named_for_a_screen_reader(open_page: OpenPage) -> None:
    page, record = open_page("map/")
    node = page.locator(f"#results-map-whole #map-node-{RESULT} a.map-link")
    node.focus()
    assert page.evaluate("() => document.activeElement.closest('g')?.dataset.result") == RESULT
    assert node.get_attribute("aria-label") == "(1.3) The gradient of one output weight: " + (
        "proved for all sizes (or for all values of its variables)"
    )
    # the arrows of what it uses and of what uses it are lit
    assert page.locator("#results-map-whole .map-use.map-lit").count() == 2 + 3
    assert not record.problems(), "\n".join(record.problems())


def test_a_focus_shows_just_the_result_and_what_it_rests_on(open_page: OpenPage) -> None:
    page, record = open_page(f"map/#focus-{RESULT}")
    section = page.locator(f"#focus-{RESULT}")
    expect(section).to_be_visible()
    expect(page.locator("#results-map-whole")).to_be_hidden()
    shown = section.locator("g.node").evaluate_all("nodes => nodes.map((node) => node.dataset.result)")
    assert sorted(shown) == ["output-weight-gradient", "sigmoid-derivative", "weighted-sum-slope"]
    assert not record.problems(), "\n".join(record.problems())


def test_a_box_links_to_what_it_rests_on(open_page: OpenPage) -> None:
    page, record = open_page(f"why-oj/{BOX}")
    _settled(page)
    page.locator(f"{BOX} .derivation-map-link a").click()
    page.wait_for_url(re.compile(rf"/map/#focus-{RESULT}$"))
    expect(page.locator(f"#focus-{RESULT}")).to_be_visible()
    assert not record.problems(), "\n".join(record.problems())


def test_hovering_z_k_shows_its_definition(open_page: OpenPage, artifacts_dir: Path) -> None:
    page, record = open_page(f"why-oj/{BOX}")
    number, note = _note_of(page, "z_k")
    expect(note).to_be_hidden()
    page.locator(f"{BOX} mjx-container .derivation-symbol-{number}").first.hover()
    expect(note).to_be_visible()
    assert note.get_attribute("role") == "tooltip"
    assert "z_k = ∑_{i=1}^{n} w_ik o_i; for each 1 ≤ k ≤ m; a number" in note.text_content()
    # and typeset: the box's own premises, copied (the definition, and the range of k)
    assert note.locator(".derivation-symbol-shown mjx-container").count() == 2
    _keep(page, artifacts_dir, "symbols-hover.png")
    page.mouse.move(0, 0)
    expect(note).to_be_hidden()
    assert not record.problems(), "\n".join(record.problems())


def test_a_symbols_chip_shows_its_note_under_the_keyboard(open_page: OpenPage) -> None:
    page, record = open_page(f"why-oj/{BOX}")
    number, note = _note_of(page, "z_k")
    chip = page.locator(f'{BOX} .derivation-symbol-chip[data-symbol="{number}"]')
    assert chip.get_attribute("aria-describedby") == note.get_attribute("id")
    chip.focus()
    expect(note).to_be_visible()
    # the symbol is lit where it stands in the steps
    assert page.locator(f"{BOX} mjx-container .derivation-symbol-{number}.is-lit").count() >= 1
    page.keyboard.press("Escape")
    expect(note).to_be_hidden()
    assert not record.problems(), "\n".join(record.problems())


def test_the_symbols_can_be_switched_off_and_stay_off(open_page: OpenPage) -> None:
    page, record = open_page(f"why-oj/{BOX}")
    number, note = _note_of(page, "z_k")
    switch = page.locator(f"{BOX} .derivation-symbols-switch")
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"{BOX} .derivation-symbol-chip").first).to_be_hidden()
    page.locator(f"{BOX} mjx-container .derivation-symbol-{number}").first.hover()
    expect(note).to_be_hidden()
    _settled(page)
    page.reload()
    _math_done(page)
    expect(page.locator(f"{BOX} .derivation-symbols-switch")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"{BOX} .derivation-symbol-chip").first).to_be_hidden()
    page.locator(f"{BOX} .derivation-symbols-switch").click()  # on again, for the next page of this context
    expect(page.locator(f"{BOX} .derivation-symbol-chip").first).to_be_visible()
    assert not record.problems(), "\n".join(record.problems())


@pytest.mark.parametrize(("path", "name"), [("map/", "map"), ("zh/map/", "map-zh")])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_map_screenshot(open_page: OpenPage, artifacts_dir: Path, path: str, name: str, scheme: str) -> None:
    """Saves test-artifacts/<map>-<scheme>.png and a focused node, for a human to look at."""
    page, record = open_page(path, color_scheme=scheme)
    whole = page.locator("#results-map-whole svg")
    expect(whole).to_be_visible()
    box = whole.bounding_box()
    assert box and box["width"] > 400, "the map is not drawn"
    _keep(page, artifacts_dir, f"{name}-{scheme}.png", full_page=True)
    page.locator(f"#results-map-whole #map-node-{RESULT} a.map-link").focus()
    page.locator(f"#results-map-whole #map-node-{RESULT}").scroll_into_view_if_needed()
    _keep(page, artifacts_dir, f"{name}-{scheme}-focused-node.png")
    assert not record.problems(), "\n".join(record.problems())
