"""The pytest plugin collects a folder's chapters only where its mkdocs.yml lists the litproof plugin."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from litproof.pytest_plugin import _in_a_book

LISTED = {
    "a plain entry": "site_name: A course\nplugins:\n  - search\n  - litproof\n",
    "an entry with options": "plugins:\n  - litproof:\n      package: notes\n",
    "an entry with a comment after it": "plugins:\n  -   litproof   # checks the derivations\n",
}
NOT_LISTED = {
    "a comment": "site_name: A course  # made with litproof\n# plugins:\n#   - litproof\nplugins:\n  - search\n",
    "the site's name": "site_name: litproof notes\nplugins:\n  - search\n",
    "another plugin's name": "plugins:\n  - litproof-extra\n",
    "no plugins at all": "site_name: A course\n",
}


def _config(root: Path) -> pytest.Config:
    return SimpleNamespace(rootpath=root)  # type: ignore[return-value]  # all the detection reads


@pytest.mark.parametrize("text", LISTED.values(), ids=LISTED.keys())
def test_a_book_lists_the_plugin(tmp_path: Path, text: str) -> None:
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert _in_a_book(_config(tmp_path))


@pytest.mark.parametrize("text", NOT_LISTED.values(), ids=NOT_LISTED.keys())
def test_a_mention_elsewhere_is_not_a_book(tmp_path: Path, text: str) -> None:
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert not _in_a_book(_config(tmp_path))


def test_a_folder_without_mkdocs_yml_is_not_a_book(tmp_path: Path) -> None:
    assert not _in_a_book(_config(tmp_path))


def test_a_flow_list_names_the_plugin(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("plugins: [search, litproof]\n", encoding="utf-8")
    assert _in_a_book(_config(tmp_path))
    (tmp_path / "mkdocs.yml").write_text("plugins: [search, litproof-extra]\n", encoding="utf-8")
    assert not _in_a_book(_config(tmp_path))
