"""Read the book's settings from its mkdocs.yml: the chapters in nav order, and the plugin's options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from litproof.core.fences import read_text
from litproof.errors import BookError


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without importing the Python objects its tags name."""


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
_TolerantLoader.add_multi_constructor("!", lambda *_: None)


def _flatten_nav(nav: Any) -> list[str]:
    pages: list[str] = []
    if isinstance(nav, str):
        pages.append(nav)
    elif isinstance(nav, list):
        for entry in nav:
            pages.extend(_flatten_nav(entry))
    elif isinstance(nav, dict):
        for value in nav.values():
            pages.extend(_flatten_nav(value))
    return pages


def read_config(root: Path) -> dict[str, Any]:
    """The book's mkdocs.yml as settings; a missing or broken file is one sentence."""
    config_path = root / "mkdocs.yml"
    if not config_path.exists():
        raise BookError(f"no mkdocs.yml in {root}: run this from the book's root folder (or give --root).")
    try:
        config = yaml.load(read_text(config_path, "mkdocs.yml"), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"mkdocs.yml:{mark.line + 1}" if mark else "mkdocs.yml"
        raise BookError(f"{where}: this is not valid YAML ({getattr(error, 'problem', None) or error}).") from None
    if not isinstance(config, dict):
        raise BookError("mkdocs.yml must be a mapping of settings (site_name:, nav:, ...), not a list or a value.")
    return config


PLUGIN = "litproof"  # the plugin's name under mkdocs.yml's plugins:
VERIFY_COMMAND = "litproof verify"  # the command that checks a book, unless the plugin's verify_command names another


def plugin_options_of(config: dict[str, Any], name: str = PLUGIN) -> dict[str, Any]:
    """The options mkdocs.yml gives a plugin (`- litproof:` with settings under it), {} if none."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and name in entry:
            return entry[name] if isinstance(entry[name], dict) else {}
    return {}


def chapters_in_order(root: Path, config: dict[str, Any]) -> list[Path]:
    """The chapters in the order of mkdocs.yml's nav: the book's order, and the tangle order."""
    if not isinstance(config.get("docs_dir", "docs"), str) or not isinstance(config.get("nav", []), list):
        raise BookError("mkdocs.yml's docs_dir: must be a folder name and its nav: a list of pages.")
    docs_dir = root / config.get("docs_dir", "docs")
    pages = [page for page in _flatten_nav(config.get("nav", [])) if page.endswith(".md")]
    outside = [page for page in pages if not (docs_dir / page).resolve().is_relative_to(root.resolve())]
    if outside:
        raise BookError(f"mkdocs.yml names {outside[0]} in its nav, which is outside the book.")
    missing = [page for page in pages if not (docs_dir / page).exists()]
    if missing:
        raise BookError(f"mkdocs.yml names {missing[0]} in its nav, but {docs_dir.name}/{missing[0]} does not exist.")
    return [docs_dir / page for page in pages]
