"""Every place where the book's MkDocs plugin relies on another package's private code.

Each reliance is one small function here, which says what it relies on and why.
`VERIFIED` lists the versions of each package the functions were checked
against; `tests/literate/test_mkdocs_shims.py` fails when another version is
installed, so that the shim is re-verified and the table updated. A build on
such a version does not silently misbehave either: each function first checks
the structure it needs, and `apply` (the plugin's on_config) says in one line on
the `mkdocs.plugins.litproof` logger what happens: INFO when the reliance still
holds or is only a speed-up that is skipped, WARNING (which fails
``mkdocs build --strict``) when the site would come out wrong without it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig

from litproof.book.block_outputs import BlockOutputs
from litproof.book.kept import KeptTexts

if TYPE_CHECKING:
    from litproof.site.rendered import RenderedPages

log = logging.getLogger("mkdocs.plugins.litproof")

#: The versions each shim was verified with, as prefixes of dotted versions ("2.9" also covers "2.9.0").
VERIFIED: dict[str, tuple[str, ...]] = {
    "markdown-exec": ("1.12.6",),
    "mkdocs-static-i18n": ("1.3.1",),
    "mkdocs-autorefs": ("1.4.5",),
    "mkdocs-print-site-plugin": ("2.9",),
    "mkdocs-material": ("9.8",),
    "mkdocs": ("1.6",),
    "mkdocstrings": ("1.0",),
}

#: mkdocs-autorefs' tables of the anchors it has seen: identifier -> URLs, and URL -> title.
AUTOREFS_MAPS = ("_primary_url_map", "_secondary_url_map", "_title_map")

RE_VERIFY = "re-verify litproof/site/shims.py for it"


def installed_version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def is_verified(package: str, installed: str) -> bool:
    """Whether `installed` is one of the versions in VERIFIED (compared part by part: 1.12 does not cover 1.120)."""
    parts = installed.split(".")
    return any(parts[: len(prefix.split("."))] == prefix.split(".") for prefix in VERIFIED[package])


def _unverified(package: str) -> str | None:
    """Say "markdown-exec 1.13.0 (verified with 1.12.6)" when the installed version is not in VERIFIED."""
    installed = installed_version(package)
    if installed is None or is_verified(package, installed):
        return None
    return f"{package} {installed} (verified with {', '.join(VERIFIED[package])})"


def _report(package: str, holds: bool, reliance: str, without: str) -> None:
    """One line when a reliance does not hold (WARNING) or holds on a version it was not verified with (INFO)."""
    if not holds:
        shown = f"{package} {installed_version(package) or '(not installed)'}"
        log.warning(f"litproof: {shown} no longer has {reliance}, so {without}: {RE_VERIFY}")
    elif unverified := _unverified(package):
        log.info(f"litproof: {unverified} still has {reliance}, so it is used")


def apply(config: MkDocsConfig, store: BlockOutputs | None = None) -> None:
    """Patch what needs patching (once per process) and report the reliances that do not hold.

    Called from the plugin's on_config; patching twice is harmless.
    """
    remember_python_outputs(store)
    plugins = config.plugins
    if "print-site" in plugins:
        remember_print_page_parts(KeptTexts(store.root if store else None, "print-page"))
    if "search" in plugins or "material/search" in plugins:
        remember_search_entries(KeptTexts(store.root if store else None, "search"))
    if "i18n" in plugins:
        _report(
            "mkdocs-static-i18n",
            patch_i18n_file_sorting(),
            "reconfigure.is_relative_to, which sorts the files",
            "the notebooks, generated in memory, break the build",
        )
        _report(
            "mkdocs-static-i18n",
            _i18n_readable(plugins["i18n"]),
            "the plugin's current_language, default_language and config.languages",
            "the Chinese build writes its chapters over the English print page",
        )
    if "autorefs" in plugins:
        _report(
            "mkdocs-autorefs",
            _autorefs_maps(plugins["autorefs"]) is not None,
            f"the anchor tables {', '.join(AUTOREFS_MAPS)}",
            "the Chinese build also sees the English API page's anchors",
        )
    if "print-site" in plugins:
        _report(
            "mkdocs-print-site-plugin",
            _print_site_usable(plugins["print-site"]),
            "an `enabled` option read at each event",
            "the Chinese build writes its chapters over the English print page",
        )


def remember_python_outputs(store: BlockOutputs | None = None) -> None:
    """A build-time Python block with the same code, in the same context, prints the same thing.

    Each Chinese page holds exact copies of its English page's blocks (a test sees to
    it), and the Chinese site is built right after the English one; without this the
    blocks that train networks for a figure would run twice. With a `store` (see
    `block_outputs`), outputs are also kept across builds, by everything they depend
    on. Blocks in a `session` share state with other blocks, so they always run.

    Relies on markdown-exec's private ``markdown_exec._internal.formatters.python._run_python``
    (code, returncode, session, **extra), which its python formatter looks up at each
    block. Only a speed-up: on a version not in VERIFIED it is skipped with an INFO line.
    """
    if installed_version("markdown-exec") is None:
        return
    if unverified := _unverified("markdown-exec"):
        log.info(
            f"litproof: {unverified}: build-time Python blocks are not remembered, translated pages run them again"
        )
        return
    from markdown_exec._internal.formatters import python

    current = python._run_python
    if getattr(current, "remembers", False):
        current.store = store  # type: ignore[attr-defined]  (a new build: its own context)
        current.outputs.clear()  # type: ignore[attr-defined]
        return
    run = current
    outputs: dict[tuple[str, str], str] = {}

    def remembered(code: str, returncode: int | None = None, session: str | None = None, **extra: str) -> str:
        if session:
            return run(code, returncode, session, **extra)
        options = repr(sorted(extra.items()))
        if (code, options) not in outputs:
            kept = remembered.store.get(code, options) if remembered.store else None  # type: ignore[attr-defined]
            if kept is None:
                kept = run(code, returncode, session, **extra)
                if remembered.store:  # type: ignore[attr-defined]
                    remembered.store.put(code, options, kept)  # type: ignore[attr-defined]
            outputs[(code, options)] = kept
        return outputs[(code, options)]

    remembered.remembers = True  # type: ignore[attr-defined]
    remembered.store = store  # type: ignore[attr-defined]
    remembered.outputs = outputs  # type: ignore[attr-defined]
    python._run_python = remembered


def _not_in_docs_without_source(in_docs_dir: Callable[[str, str], bool]) -> Callable[[str | None, str], bool]:
    def is_relative_to(src_path: str | None, dest_path: str) -> bool:
        """A file generated in memory (no source path) is not in docs/."""
        return src_path is not None and in_docs_dir(src_path, dest_path)

    is_relative_to.nnlit_guard = True  # type: ignore[attr-defined]
    return is_relative_to


def patch_i18n_file_sorting() -> bool:
    """Make mkdocs-static-i18n count a file generated in memory (no source path) as not in docs/.

    mkdocs-static-i18n 1.3.1 sorts the files by asking
    ``reconfigure.is_relative_to(file.abs_src_path, docs_dir)``, which fails on a file
    with no source path (the chapters' notebooks). Relies on that module-level name,
    looked up by ``ExtendedPlugin.reconfigure_files`` at each call; both are checked
    first. Returns whether the patch is in place (applied now or before).
    """
    from mkdocs_static_i18n import reconfigure

    sort = getattr(getattr(reconfigure, "ExtendedPlugin", None), "reconfigure_files", None)
    current = getattr(reconfigure, "is_relative_to", None)
    if not callable(current) or "is_relative_to" not in getattr(getattr(sort, "__code__", None), "co_names", ()):
        return False
    if not getattr(current, "nnlit_guard", False):
        reconfigure.is_relative_to = _not_in_docs_without_source(current)
    return True


def _i18n_readable(i18n: Any) -> bool:
    languages = getattr(getattr(i18n, "config", None), "languages", None)
    return (
        hasattr(i18n, "current_language")
        and hasattr(i18n, "default_language")
        and isinstance(languages, list)
        and all(hasattr(language, name) for language in languages for name in ("locale", "link", "default"))
    )


def i18n_default_language_build(config: MkDocsConfig) -> bool:
    """Whether this build is the default language's (also before mkdocs-static-i18n's on_config, and without it).

    Relies on the i18n plugin's attributes ``current_language`` (None until its on_config,
    then the locale being built) and ``default_language``.
    """
    i18n = config.plugins.get("i18n")
    if i18n is None or not _i18n_readable(i18n):
        return True
    return i18n.current_language is None or i18n.current_language == i18n.default_language


def i18n_languages(config: MkDocsConfig) -> list[Any]:
    """The i18n plugin's languages (each with .locale, .link, .default), none without the plugin.

    Relies on the plugin's parsed config, ``config.languages``.
    """
    i18n = config.plugins.get("i18n")
    return list(i18n.config.languages) if i18n is not None and _i18n_readable(i18n) else []


def language_switch(config: MkDocsConfig) -> list[dict[str, str]]:
    """The language switch's entries, ``extra.alternate``, as a page will show them.

    mkdocs-static-i18n's on_page_context sets ``config.extra.alternate`` as an
    attribute, which item access does not see; before that it is an item.
    """
    extra = config.extra
    return getattr(extra, "alternate", None) or extra.get("alternate") or []


def _autorefs_maps(autorefs: Any) -> list[dict[Any, Any]] | None:
    maps = [getattr(autorefs, name, None) for name in AUTOREFS_MAPS]
    return maps if all(isinstance(table, dict) for table in maps) else None  # type: ignore[misc]


def forget_autorefs_anchors(config: MkDocsConfig) -> None:
    """Make mkdocs-autorefs forget the anchors of the build before (mkdocs-static-i18n's English one).

    Relies on the autorefs plugin's private tables ``_primary_url_map``,
    ``_secondary_url_map`` and ``_title_map``, filled as pages are rendered and never
    emptied between the builds mkdocs-static-i18n runs with the same plugins. When
    they are not all there, nothing is cleared (`apply` has warned).
    """
    for table in _autorefs_maps(config.plugins.get("autorefs")) or []:
        table.clear()


def _print_site_usable(print_site: Any) -> bool:
    """print-site has an `enabled` option, and every one of its event methods reads it when called."""
    options = getattr(print_site, "config", None)
    events = [getattr(type(print_site), name) for name in dir(type(print_site)) if name.startswith("on_")]
    return (
        isinstance(options, Mapping)
        and "enabled" in options
        and callable(getattr(print_site, "on_post_build", None))
        and all("enabled" in getattr(getattr(event, "__code__", None), "co_consts", ()) for event in events)
    )


def enable_print_site(config: MkDocsConfig, enabled: bool) -> None:
    """Switch mkdocs-print-site on or off for the rest of this build.

    Relies on print-site reading its ``enabled`` option at each event (2.9 does), not
    once at on_config, so that setting it between events takes effect.
    """
    print_site = config.plugins.get("print-site")
    if print_site is not None and _print_site_usable(print_site):
        print_site.config["enabled"] = enabled


def set_print_site_options(config: MkDocsConfig, options: Mapping[str, Any]) -> None:
    """Set print-site's options for this build: where it writes the page, its titles, what it leaves out.

    Relies on print-site reading ``print_page_basename`` at its on_config (which MkDocs
    runs again for each language's build), and ``print_page_title``, ``toc_title`` and
    ``exclude`` when it writes the page, not once per process (2.9 does).
    """
    print_site = config.plugins.get("print-site")
    if print_site is not None and _print_site_usable(print_site):
        print_site.config.update(options)


def print_site_options(config: MkDocsConfig) -> dict[str, Any]:
    """print-site's options as this build has them (none without the plugin)."""
    print_site = config.plugins.get("print-site")
    return dict(print_site.config) if print_site is not None and _print_site_usable(print_site) else {}


def i18n_build_language(config: MkDocsConfig) -> str | None:
    """The locale of the build running (``zh`` while mkdocs-static-i18n builds /zh/), None without the plugin.

    Relies on the i18n plugin's ``current_language``, None until its own on_config, when
    the default language's build starts.
    """
    i18n = config.plugins.get("i18n")
    if i18n is None or not _i18n_readable(i18n):
        return None
    return i18n.current_language or i18n.default_language


def write_print_page_now(config: MkDocsConfig) -> bool:
    """Have mkdocs-print-site write its page now, then stop it for the rest of this build.

    Relies on print-site's on_post_build writing the page from the template context
    it kept while the pages were rendered, so that it can run before mkdocs-static-i18n
    starts the next language's build. Returns whether the page was written.
    """
    print_site = config.plugins.get("print-site")
    if print_site is None or not _print_site_usable(print_site) or not print_site.config["enabled"]:
        return False
    print_site.on_post_build(config)
    print_site.config["enabled"] = False  # its own on_post_build, later in this build, has been done
    return True


def _names_used(code: Any) -> set[str]:
    """The global names a function's code (and the functions defined inside it) looks up."""
    names = set(getattr(code, "co_names", ()))
    for constant in getattr(code, "co_consts", ()):
        if hasattr(constant, "co_names"):
            names |= _names_used(constant)
    return names


def remember_print_page_parts(store: KeptTexts | None) -> bool:
    """A page's part of the whole-book page is made once for the same page, not on every build.

    mkdocs-print-site rewrites each page's HTML for the one-page book (its links to
    anchors, its ids made unique), a few seconds a build spent on pages that did not
    change. That rewrite, ``urls.fix_internal_links(page_html, page_url, directory_urls,
    heading_number)``, is a function of its arguments alone (and print-site's version),
    so its result is kept by all of them (`litproof.book.kept`): a changed page is a new
    key and is rewritten.

    Relies on ``mkdocs_print_site_plugin.renderer`` looking that name up in its module
    when it writes the page (2.9 does). Only a speed-up: on a version not in VERIFIED it
    is skipped with an INFO line. Returns whether the parts are remembered.
    """
    if installed_version("mkdocs-print-site-plugin") is None:
        return False
    if unverified := _unverified("mkdocs-print-site-plugin"):
        log.info(f"litproof: {unverified}: the print page's parts are not remembered, each build rewrites them")
        return False
    from mkdocs_print_site_plugin import renderer

    current = getattr(renderer, "fix_internal_links", None)
    write = getattr(getattr(renderer, "Renderer", None), "write_combined", None)
    if not callable(current) or "fix_internal_links" not in _names_used(getattr(write, "__code__", None)):
        log.info("litproof: mkdocs-print-site-plugin writes its page otherwise: its parts are not remembered")
        return False
    if getattr(current, "remembers", False):
        current.store = store  # type: ignore[attr-defined]  (a new build: its own store)
        return True
    version = installed_version("mkdocs-print-site-plugin") or ""

    def remembered(page_html: str, page_url: str, directory_urls: bool, heading_number: str) -> str:
        kept: KeptTexts | None = remembered.store  # type: ignore[attr-defined]
        if kept is None:
            return current(page_html, page_url, directory_urls, heading_number)
        key = KeptTexts.key(version, page_html, page_url, repr(directory_urls), repr(heading_number))
        text = kept.get(key)
        if text is None:
            text = current(page_html, page_url, directory_urls, heading_number)
            kept.put(key, text)
        return text

    remembered.remembers = True  # type: ignore[attr-defined]
    remembered.store = store  # type: ignore[attr-defined]
    renderer.fix_internal_links = remembered
    return True


def _toc_entries(toc: Any) -> list[Any]:
    return [[item.id, item.url, item.title, _toc_entries(item.children)] for item in toc or []]


def remember_search_entries(store: KeptTexts | None) -> bool:
    """A page's entries in the search index are made once for the same page, not on every build.

    Material's search plugin parses every page's HTML into sections on every build (and
    cuts the Chinese ones into words with jieba), a few seconds a build. What
    ``SearchIndex.add_entry_from_context(page)`` appends to the index's ``entries`` is a
    function of the page's HTML, table of contents, URL, title and metadata, and of the
    index's options, so it is kept by all of them (with Material's version and whether
    jieba is installed); a changed page is a new key and is parsed again.

    Relies on that method of ``material.plugins.search.plugin.SearchIndex`` and on its
    ``entries`` list (9.8 has both). Only a speed-up: on a version not in VERIFIED it is
    skipped with an INFO line. Returns whether the entries are remembered.
    """
    if installed_version("mkdocs-material") is None:
        return False
    if unverified := _unverified("mkdocs-material"):
        log.info(f"litproof: {unverified}: the search index's entries are not remembered, each build makes them")
        return False
    from material.plugins.search import plugin as search

    index = getattr(search, "SearchIndex", None)
    current = getattr(index, "add_entry_from_context", None)
    if not callable(current) or "entries" not in _names_used(getattr(index.__init__, "__code__", None)):
        log.info("litproof: Material's search index is made otherwise: its entries are not remembered")
        return False
    if getattr(current, "remembers", False):
        current.store = store  # type: ignore[attr-defined]
        return True
    version = f"{installed_version('mkdocs-material')} jieba={getattr(search, 'jieba', None) is not None}"

    def remembered(self: Any, page: Any) -> None:
        kept: KeptTexts | None = remembered.store  # type: ignore[attr-defined]
        if kept is None:
            return current(self, page)
        meta = {name: page.meta.get(name) for name in ("search", "title", "tags")}
        key = KeptTexts.key(
            version,
            json.dumps(self.config, sort_keys=True, default=repr),
            page.content or "",
            page.url,
            str(page.title),
            json.dumps(_toc_entries(page.toc), default=repr),
            json.dumps(meta, sort_keys=True, default=repr),
        )
        text = kept.get(key)
        if text is not None:
            try:
                self.entries.extend(json.loads(text))
                return None
            except ValueError:
                pass  # an unreadable entry: the page is indexed again
        before = len(self.entries)
        current(self, page)
        made = self.entries[before:]
        try:
            kept.put(key, json.dumps(made))
        except (TypeError, ValueError):
            pass  # entries JSON cannot hold are not kept
        return None

    remembered.remembers = True  # type: ignore[attr-defined]
    remembered.store = store  # type: ignore[attr-defined]
    index.add_entry_from_context = remembered
    return True


#: What `Page.render` sets on the page (mkdocs 1.6): kept and given back by `remember_rendered_pages`.
_RENDERED = ("content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors")


class _Recorder(logging.Handler):
    """The log records of this thread while a page is converted (the messages a kept page logs again)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and all(record is not seen for seen in self.records):
            self.records.append(record)


def _toc_json(items: Any) -> list[Any]:
    return [[item.title, item.id, item.level, _toc_json(item.children)] for item in items]


def _toc_of(items: list[Any]) -> list[Any]:
    from mkdocs.structure.toc import AnchorLink

    made = []
    for title, ident, level, children in items:
        link = AnchorLink(title, ident, level)
        link.children = _toc_of(children)
        made.append(link)
    return made


def _render_and_record(original: Callable[..., None], page: Any, config: Any, files: Any) -> dict[str, Any]:
    """Convert the page, and record what it sets, what it logs and the anchors it gives autorefs."""
    autorefs = config.plugins.get("autorefs")
    anchors: list[list[Any]] = []
    register = getattr(autorefs, "register_anchor", None)
    if callable(register):

        def recording(
            page_: Any, identifier: str, anchor: str | None = None, *, title: str | None = None, primary: bool = True
        ) -> None:
            if page_ is page:
                anchors.append([identifier, anchor, title, primary])
            register(page_, identifier, anchor, title=title, primary=primary)

        autorefs.register_anchor = recording
    inventory, objects = _autodoc_inventory(config), []
    if inventory is not None:

        def registering(*args: Any, **kwargs: Any) -> Any:
            objects.append([list(args), kwargs])
            return type(inventory).register(inventory, *args, **kwargs)

        inventory.register = registering
    recorder = _Recorder()
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    for logger in loggers:
        logger.addHandler(recorder)
    try:
        original(page, config, files)
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
        if callable(register):
            del autorefs.register_anchor  # the plugin's own method again
        if inventory is not None:
            del inventory.register
    links = page.links_to_anchors
    return {
        "content": page.content,
        "toc": _toc_json(page.toc.items),
        "title": page._title_from_render,
        "anchors_present": sorted(page.present_anchor_ids or ()),
        "links": None if links is None else {file.src_uri: dict(found) for file, found in links.items()},
        "autorefs": anchors,
        "inventory": objects,
        "handlers": _autodoc_handlers(config) if objects else [],
        "log": [[record.name, record.levelno, record.getMessage()] for record in recorder.records],
    }


@functools.cache
def _autodoc_verified() -> bool:
    return _unverified("mkdocstrings") is None


def _autodoc_inventory(config: Any) -> Any:
    """mkdocstrings' objects inventory (its public `handlers.inventory`), when its version is verified."""
    autodoc = config.plugins.get("mkdocstrings")
    if autodoc is None or not _autodoc_verified():
        return None
    try:
        inventory = autodoc.handlers.inventory
    except (AttributeError, RuntimeError):  # not configured yet
        return None
    return inventory if callable(getattr(inventory, "register", None)) else None


def _autodoc_handlers(config: Any) -> list[str]:
    """The names of the mkdocstrings handlers the build has used so far (each writes its own files)."""
    try:
        return sorted(handler.name for handler in config.plugins["mkdocstrings"].handlers.seen_handlers)
    except (AttributeError, KeyError, RuntimeError):
        return []


def _give_back(kept: dict[str, Any], page: Any, config: Any, files: Any) -> None:
    """Set on the page what its conversion set, log what it logged, give autorefs its anchors (and
    mkdocstrings the objects of its inventory)."""
    if kept["inventory"] and _autodoc_inventory(config) is None:
        raise KeyError("mkdocstrings")  # converted again: its inventory is filled only so
    from mkdocs.structure.toc import TableOfContents

    links = kept["links"]
    if links is not None:
        links = {files.src_uris[uri]: found for uri, found in links.items()}  # KeyError: a file gone, convert
    page.content = kept["content"]
    page.toc = TableOfContents(_toc_of(kept["toc"]))
    page._title_from_render = kept["title"]
    page.present_anchor_ids = set(kept["anchors_present"])
    if links is not None:
        page.links_to_anchors = links
    autorefs = config.plugins.get("autorefs")
    for identifier, anchor, title, primary in kept["autorefs"]:
        autorefs.register_anchor(page, identifier, anchor, title=title, primary=primary)
    if kept["inventory"]:
        autodoc = config.plugins["mkdocstrings"]
        for name in kept["handlers"]:
            autodoc.get_handler(name)  # seen, as converting the page would have made it
        for args, kwargs in kept["inventory"]:
            autodoc.handlers.inventory.register(*args, **kwargs)
    for name, level, message in kept["log"]:
        logging.getLogger(name).log(level, "%s", message)


def _render_usable(page_class: Any, autorefs: Any) -> bool:
    render = getattr(page_class, "render", None)
    names = set(getattr(getattr(render, "__code__", None), "co_names", ()))
    sets_all = all(name in names for name in _RENDERED)
    backlinks = bool(getattr(autorefs, "record_backlinks", False))  # recorded through another path
    return callable(render) and sets_all and not backlinks


def remember_rendered_pages(pages: RenderedPages | None, config: MkDocsConfig | None = None) -> bool:
    """A page whose inputs did not change is not converted from Markdown again (see `litproof.site.rendered`).

    Relies on MkDocs' ``Page.render(config, files)`` setting exactly ``content``, ``toc``,
    ``_title_from_render``, ``present_anchor_ids`` and ``links_to_anchors`` (1.6 does: its code
    names them all, which is checked), and on everything else a conversion does being its log
    records and the anchors it gives mkdocs-autorefs through its public ``register_anchor``
    (autorefs' backlinks, recorded otherwise, switch this off), and for an autodoc page the
    objects mkdocstrings registers in its public ``handlers.inventory`` and the handlers it
    used. Those are recorded when a page is converted and given back when it is kept. `pages` serves the builds of `config` only
    (other builds in the process convert every page). Only a speed-up: on a version not in
    VERIFIED it is skipped with an INFO line. Returns whether pages are remembered.
    """
    from mkdocs.structure import pages as mkdocs_pages

    current = mkdocs_pages.Page.render
    if getattr(current, "remembers", False):
        current.pages = pages  # type: ignore[attr-defined]
        current.config = config  # type: ignore[attr-defined]
        return pages is not None
    if pages is None:
        return False
    if unverified := _unverified("mkdocs"):
        log.info(f"litproof: {unverified}: converted pages are not remembered, each build converts every page")
        return False
    if not _render_usable(mkdocs_pages.Page, config.plugins.get("autorefs") if config else None):
        log.info("litproof: MkDocs converts a page otherwise: converted pages are not remembered")
        return False
    original = current
    versions = (installed_version("mkdocs") or "", installed_version("markdown") or "")  # looked up once

    def render(self: Any, config: Any, files: Any) -> None:
        kept_pages: RenderedPages | None = render.pages  # type: ignore[attr-defined]
        if kept_pages is None or config is not render.config:  # type: ignore[attr-defined]
            return original(self, config, files)
        inputs = kept_pages.inputs(self, config, files)
        if inputs is None:
            return original(self, config, files)
        key = KeptTexts.key(*versions, *inputs)
        text = kept_pages.kept.get(key)
        if text is not None:
            try:
                _give_back(json.loads(text), self, config, files)
                return None
            except (ValueError, KeyError, TypeError, AttributeError):
                pass  # unreadable, or a file it links to is gone: converted again
        made = _render_and_record(original, self, config, files)
        if kept_pages.keepable(self, kept_pages.boxes_drawn()):
            with contextlib.suppress(TypeError, ValueError):
                kept_pages.kept.put(key, json.dumps(made))
        return None

    render.remembers = True  # type: ignore[attr-defined]
    render.pages = pages  # type: ignore[attr-defined]
    render.config = config  # type: ignore[attr-defined]
    mkdocs_pages.Page.render = render
    return True
