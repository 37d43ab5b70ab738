"""The shims over other packages' private code hold on the installed versions, and say so when they cannot."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from markdown_exec._internal.formatters import python
from material.plugins.search import plugin as search
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages
from mkdocs_print_site_plugin import renderer as print_site_renderer
from mkdocs_static_i18n import reconfigure

from litproof.book.kept import KeptTexts
from litproof.site import shims as mkdocs_shims

MKDOCS_YML = Path(__file__).resolve().parents[2] / "mkdocs.yml"


@pytest.fixture
def config() -> MkDocsConfig:
    """The book's config with its plugins loaded (no build run)."""
    return load_config(config_file=str(MKDOCS_YML))


@pytest.fixture
def unpatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the shims' patches after the test (monkeypatch restores what it was handed)."""
    monkeypatch.setattr(python, "_run_python", python._run_python)
    monkeypatch.setattr(reconfigure, "is_relative_to", reconfigure.is_relative_to)
    monkeypatch.setattr(print_site_renderer, "fix_internal_links", print_site_renderer.fix_internal_links)
    monkeypatch.setattr(search.SearchIndex, "add_entry_from_context", search.SearchIndex.add_entry_from_context)
    monkeypatch.setattr(mkdocs_pages.Page, "render", mkdocs_pages.Page.render)


def test_the_installed_versions_are_those_the_shims_were_written_for() -> None:
    differing = [
        f"{package} {installed} is installed, but nnlit/literate/mkdocs_shims.py was written for "
        f"{', '.join(verified)}: re-verify its shim for {package} and add the version to VERIFIED"
        for package, verified in mkdocs_shims.VERIFIED.items()
        if (installed := mkdocs_shims.installed_version(package)) is None
        or not mkdocs_shims.is_verified(package, installed)
    ]
    assert not differing, "\n".join(differing)


def test_a_verified_prefix_covers_whole_parts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(mkdocs_shims.VERIFIED, "markdown-exec", ("1.12",))
    assert mkdocs_shims.is_verified("markdown-exec", "1.12")
    assert mkdocs_shims.is_verified("markdown-exec", "1.12.6")
    assert not mkdocs_shims.is_verified("markdown-exec", "1.120.0")
    assert not mkdocs_shims.is_verified("markdown-exec", "1.1")


def test_markdown_exec_runs_a_block_once_unless_it_is_in_a_session(unpatched: None) -> None:
    assert callable(python._run_python)
    mkdocs_shims.remember_python_outputs()
    remembered = python._run_python
    mkdocs_shims.remember_python_outputs()
    assert python._run_python is remembered, "applying twice wraps twice"
    code = "import random\nprint(random.random())"
    assert python._run_python(code) == python._run_python(code)
    assert python._run_python(code, session="s") != python._run_python(code, session="s")


def test_markdown_exec_on_another_version_is_left_alone(
    unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(mkdocs_shims.VERIFIED, "markdown-exec", ("0.1",))
    original = python._run_python
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.litproof"):
        mkdocs_shims.remember_python_outputs()
    assert python._run_python is original
    assert [record.levelno for record in caplog.records] == [logging.INFO]
    assert "markdown-exec" in caplog.text and "not remembered" in caplog.text


def test_i18n_counts_a_file_without_a_source_path_as_not_in_docs(unpatched: None) -> None:
    with pytest.raises(TypeError):  # what the patch is for
        reconfigure.is_relative_to(None, "/book/docs")
    assert mkdocs_shims.patch_i18n_file_sorting()
    patched = reconfigure.is_relative_to
    assert mkdocs_shims.patch_i18n_file_sorting()
    assert reconfigure.is_relative_to is patched, "applying twice wraps twice"
    assert not reconfigure.is_relative_to(None, "/book/docs")
    assert reconfigure.is_relative_to("/book/docs/why-oj.md", "/book/docs")
    assert not reconfigure.is_relative_to("/elsewhere/x.js", "/book/docs")


def test_i18n_without_the_name_it_sorts_by_is_not_patched(unpatched: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(reconfigure, "is_relative_to")
    assert not mkdocs_shims.patch_i18n_file_sorting()
    assert not hasattr(reconfigure, "is_relative_to")


def test_i18n_tells_the_default_language_build_and_the_languages(config: MkDocsConfig) -> None:
    i18n = config.plugins["i18n"]
    assert mkdocs_shims.i18n_default_language_build(config), "before its on_config, current_language is None"
    for current, default in (("en", True), ("zh", False)):
        i18n.current_language = current
        assert mkdocs_shims.i18n_default_language_build(config) is default
    languages = mkdocs_shims.i18n_languages(config)
    assert [(language.locale, language.link, language.default) for language in languages] == [
        ("en", "/", True),
        ("zh", "/zh/", False),
    ]


def test_the_language_switch_is_read_as_item_and_as_attribute(config: MkDocsConfig) -> None:
    config.extra["alternate"] = [{"lang": "en", "link": "/"}]
    assert mkdocs_shims.language_switch(config) == [{"lang": "en", "link": "/"}]
    config.extra.alternate = [{"lang": "zh", "link": "/zh/"}]  # as mkdocs-static-i18n's on_page_context sets it
    assert mkdocs_shims.language_switch(config) == [{"lang": "zh", "link": "/zh/"}]


def test_autorefs_forgets_the_anchors_of_the_build_before(config: MkDocsConfig) -> None:
    autorefs = config.plugins["autorefs"]
    for primary in (True, False):  # the English API page's anchor, as its rendering registers it
        api = SimpleNamespace(url="api/")
        autorefs.register_anchor(page=api, identifier="nnlit.network.Network", title="Network", primary=primary)
    assert all(getattr(autorefs, name) for name in mkdocs_shims.AUTOREFS_MAPS), "where autorefs keeps an anchor"
    mkdocs_shims.forget_autorefs_anchors(config)
    assert all(getattr(autorefs, name) == {} for name in mkdocs_shims.AUTOREFS_MAPS)


def test_print_site_is_switched_and_written_through_its_enabled_option(
    config: MkDocsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    print_site = config.plugins["print-site"]
    written: list[Any] = []
    monkeypatch.setattr(print_site, "on_post_build", written.append)
    mkdocs_shims.enable_print_site(config, False)
    assert print_site.config["enabled"] is False
    assert not mkdocs_shims.write_print_page_now(config) and not written
    mkdocs_shims.enable_print_site(config, True)
    assert mkdocs_shims.write_print_page_now(config) and written == [config]
    assert print_site.config["enabled"] is False, "its own on_post_build must not write the page again"


def test_applying_on_the_installed_versions_is_quiet_and_harmless_twice(
    config: MkDocsConfig, unpatched: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.litproof"):
        mkdocs_shims.apply(config)
        patched = (python._run_python, reconfigure.is_relative_to)
        mkdocs_shims.apply(config)
    assert (python._run_python, reconfigure.is_relative_to) == patched
    assert not caplog.records


def test_a_version_not_verified_says_that_the_structure_still_holds(
    config: MkDocsConfig, unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(mkdocs_shims.VERIFIED, "mkdocs-static-i18n", ("0.1",))
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.litproof"):
        mkdocs_shims.apply(config)
    assert {record.levelno for record in caplog.records} == {logging.INFO}
    assert "mkdocs-static-i18n 1.3.1 (verified with 0.1) still has reconfigure.is_relative_to" in caplog.text
    assert not reconfigure.is_relative_to(None, "/book/docs")


@pytest.mark.parametrize("name", ["autorefs", "print-site"])
def test_a_plugin_without_what_its_shim_needs_fails_the_strict_build(
    config: MkDocsConfig, unpatched: None, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    config.plugins[name] = SimpleNamespace(config={})  # type: ignore[assignment]
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.litproof"):
        mkdocs_shims.apply(config)
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1 and "no longer has" in warnings[0] and "re-verify" in warnings[0]
    assert warnings[0].startswith("litproof: ") and "re-verify litproof/site/shims.py" in warnings[0]
    assert Path(mkdocs_shims.__file__).resolve() == MKDOCS_YML.parent / "litproof/site/shims.py"  # the file named
    mkdocs_shims.forget_autorefs_anchors(config)  # and the runtime shims leave it alone
    mkdocs_shims.enable_print_site(config, False)
    assert not mkdocs_shims.write_print_page_now(config)


@pytest.mark.parametrize("package", ["nnlit", "softplus_notes"])
def test_kept_outputs_are_reused_only_in_the_same_context(tmp_path: Path, package: str) -> None:
    from markdown_exec._internal.formatters import python

    from litproof.book.block_outputs import BlockOutputs, context_hash

    book = tmp_path / "book"
    (book / package).mkdir(parents=True)
    (book / package / "a.py").write_text("A = 1\n")
    (book / "elsewhere").mkdir()
    code = "import random\nprint(random.random())\n"
    mkdocs_shims.remember_python_outputs(BlockOutputs(book, package=package))
    first = python._run_python(code)
    mkdocs_shims.remember_python_outputs(BlockOutputs(book, package=package))  # a new build, the same book: from disk
    assert python._run_python(code) == first
    before = context_hash(book, package)
    (book / "elsewhere/b.py").write_text("B = 1\n")  # not the book's package: no dependency
    assert context_hash(book, package) == before
    (book / package / "a.py").write_text("A = 2\n")  # the book's package changed: the block runs again
    assert context_hash(book, package) != before
    mkdocs_shims.remember_python_outputs(BlockOutputs(book, package=package))
    assert python._run_python(code) != first
    mkdocs_shims.remember_python_outputs(None)


def test_a_block_that_names_a_chapter_runs_again_when_that_chapter_changes(tmp_path: Path) -> None:
    from litproof.book.block_outputs import BlockOutputs

    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "docs/c.md").write_text("# C\n")
    (book / "docs/other.md").write_text("# Other\n")
    outputs = BlockOutputs(book, context="same")
    reads = 'print(open("docs/c.md").read())'
    outputs.put(reads, "", "# C\n")
    outputs.put("print(1)", "", "1\n")
    (book / "docs/other.md").write_text("# Other, changed\n")
    assert outputs.get(reads, "") == "# C\n", "a chapter the block does not name is no dependency"
    (book / "docs/c.md").write_text("# C, changed\n")
    assert outputs.get(reads, "") is None and outputs.get("print(1)", "") == "1\n"


PAGE_HTML = '<h2 id="part">Part</h2><p>See <a href="../other/#x">x</a>.</p><sup id="fnref:1">1</sup>'


def test_print_site_rewrites_a_page_once_for_the_same_page(unpatched: None, tmp_path: Path) -> None:
    calls: list[str] = []
    original = print_site_renderer.fix_internal_links

    def counted(page_html: str, page_url: str, directory_urls: bool, heading_number: str) -> str:
        calls.append(page_url)
        return original(page_html, page_url, directory_urls, heading_number)

    print_site_renderer.fix_internal_links = counted
    assert mkdocs_shims.remember_print_page_parts(KeptTexts(tmp_path, "print-page"))
    remembered = print_site_renderer.fix_internal_links
    assert mkdocs_shims.remember_print_page_parts(KeptTexts(tmp_path, "print-page"))  # the next build
    assert print_site_renderer.fix_internal_links is remembered, "applying twice wraps twice"
    rewrite = print_site_renderer.fix_internal_links
    expected = original(PAGE_HTML, "why-oj/", directory_urls=True, heading_number="2")
    assert rewrite(PAGE_HTML, "why-oj/", directory_urls=True, heading_number="2") == expected
    assert rewrite(PAGE_HTML, "why-oj/", directory_urls=True, heading_number="2") == expected
    assert calls == ["why-oj/"], "the same page is rewritten once"
    changed = PAGE_HTML.replace("Part", "Part, edited")
    assert rewrite(changed, "why-oj/", directory_urls=True, heading_number="2") == original(
        changed, "why-oj/", directory_urls=True, heading_number="2"
    )
    assert rewrite(PAGE_HTML, "why-oj/", directory_urls=True, heading_number="3") != expected
    assert calls == ["why-oj/"] * 3, "a changed page, or a changed place in the book, is rewritten"
    mkdocs_shims.remember_print_page_parts(None)  # no store: every page is rewritten
    assert rewrite(PAGE_HTML, "why-oj/", directory_urls=True, heading_number="2") == expected and len(calls) == 4


def test_print_site_on_another_version_is_left_alone(
    unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.setitem(mkdocs_shims.VERIFIED, "mkdocs-print-site-plugin", ("0.1",))
    original = print_site_renderer.fix_internal_links
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.litproof"):
        assert not mkdocs_shims.remember_print_page_parts(KeptTexts(tmp_path, "print-page"))
    assert print_site_renderer.fix_internal_links is original
    assert "not remembered" in caplog.text and {record.levelno for record in caplog.records} == {logging.INFO}


def test_the_search_index_parses_a_page_once_for_the_same_page(unpatched: None, tmp_path: Path) -> None:
    from mkdocs.structure.toc import AnchorLink

    def page(content: str, title: str = "Part") -> SimpleNamespace:
        toc = [AnchorLink(title, "part", 2)]
        return SimpleNamespace(content=content, toc=toc, url="why-oj/", title=title, meta={})

    options = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    expected = search.SearchIndex(**options)
    expected.add_entry_from_context(page(PAGE_HTML))
    assert expected.entries, "the page has a section to index"
    assert mkdocs_shims.remember_search_entries(KeptTexts(tmp_path, "search"))
    first = search.SearchIndex(**options)
    first.add_entry_from_context(page(PAGE_HTML))
    assert mkdocs_shims.remember_search_entries(KeptTexts(tmp_path, "search"))  # the next build, from disk
    kept = search.SearchIndex.add_entry_from_context.store  # type: ignore[attr-defined]
    again = search.SearchIndex(**options)
    again.add_entry_from_context(page(PAGE_HTML))
    assert first.entries == again.entries == expected.entries and kept.made == 0
    edited = search.SearchIndex(**options)
    edited.add_entry_from_context(page(PAGE_HTML.replace("See", "Look at"), title="Part"))
    assert kept.made == 1 and any("Look at" in entry["text"] for entry in edited.entries)
    retitled = search.SearchIndex(**{**options, "lang": ["en", "zh"]})
    retitled.add_entry_from_context(page(PAGE_HTML))
    assert kept.made == 2, "other options of the index: parsed again"


def test_the_search_index_on_another_version_is_left_alone(
    unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.setitem(mkdocs_shims.VERIFIED, "mkdocs-material", ("0.1",))
    original = search.SearchIndex.add_entry_from_context
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.litproof"):
        assert not mkdocs_shims.remember_search_entries(KeptTexts(tmp_path, "search"))
    assert search.SearchIndex.add_entry_from_context is original and "not remembered" in caplog.text


def test_a_block_that_runs_the_machinery_runs_again_when_the_machinery_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import litproof.book.block_outputs as block_outputs

    outputs = block_outputs.BlockOutputs(tmp_path, context="same")
    checker = "from litproof.core.checker import check\nprint(check)"
    outputs.put(checker, "", "the checker's message\n")
    outputs.put("print(1)", "", "1\n")
    assert outputs.get(checker, "") == "the checker's message\n"
    monkeypatch.setattr(block_outputs, "machinery_digest", lambda *parts: "an edited checker")
    assert outputs.get(checker, "") is None and outputs.get("print(1)", "") == "1\n"


def test_a_converted_page_is_remembered_through_what_render_sets(config: MkDocsConfig, unpatched: None) -> None:
    original = mkdocs_pages.Page.render
    names = set(original.__code__.co_names)
    assert set(mkdocs_shims._RENDERED) <= names, "MkDocs' Page.render sets other attributes now: re-verify"
    assert not mkdocs_shims.remember_rendered_pages(None, config), "nothing to remember with: not patched"
    assert mkdocs_pages.Page.render is original
    pages = SimpleNamespace(inputs=lambda *_: None)  # every page converted as MkDocs does
    assert mkdocs_shims.remember_rendered_pages(pages, config)  # type: ignore[arg-type]
    patched = mkdocs_pages.Page.render
    assert patched is not original and patched.pages is pages and patched.config is config  # type: ignore[attr-defined]
    assert mkdocs_shims.remember_rendered_pages(None, config) is False, "switched off for the next build"
    assert mkdocs_pages.Page.render is patched, "applying twice wraps twice"


def test_converted_pages_on_another_mkdocs_are_not_remembered(
    config: MkDocsConfig, unpatched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(mkdocs_shims.VERIFIED, "mkdocs", ("0.1",))
    original = mkdocs_pages.Page.render
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.litproof"):
        assert not mkdocs_shims.remember_rendered_pages(SimpleNamespace(), config)  # type: ignore[arg-type]
    assert mkdocs_pages.Page.render is original and "not remembered" in caplog.text
    assert {record.levelno for record in caplog.records} == {logging.INFO}


def test_autorefs_backlinks_switch_the_remembered_pages_off(config: MkDocsConfig, unpatched: None) -> None:
    autorefs = SimpleNamespace(record_backlinks=True)  # recorded through a path the page's record does not see
    assert not mkdocs_shims._render_usable(mkdocs_pages.Page, autorefs)
    assert mkdocs_shims._render_usable(mkdocs_pages.Page, config.plugins["autorefs"])
