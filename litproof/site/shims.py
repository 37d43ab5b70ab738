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

import logging
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from litproof.book.block_outputs import BlockOutputs

log = logging.getLogger("mkdocs.plugins.litproof")

#: The versions each shim was verified with, as prefixes of dotted versions ("2.9" also covers "2.9.0").
VERIFIED: dict[str, tuple[str, ...]] = {
    "markdown-exec": ("1.12.6",),
    "mkdocs-static-i18n": ("1.3.1",),
    "mkdocs-autorefs": ("1.4.5",),
    "mkdocs-print-site-plugin": ("2.9",),
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
