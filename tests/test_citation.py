"""CITATION.cff is valid Citation File Format 1.2.0, and agrees with the package.

cffconvert validates the file against the official CFF 1.2.0 JSON schema; the
checks by hand below name the keys a reader's tools rely on, so a failure says
which key is wrong rather than only "not valid".
"""

from __future__ import annotations

import datetime
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

import nnlit

ROOT = Path(__file__).resolve().parents[1]
CFF = ROOT / "CITATION.cff"


@pytest.fixture(scope="module")
def cff_text() -> str:
    return CFF.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cff(cff_text: str) -> dict:
    data = yaml.safe_load(cff_text)
    assert isinstance(data, dict), "CITATION.cff is not a YAML mapping"
    return data


def test_the_schema_accepts_it(cff_text: str) -> None:
    citation = pytest.importorskip("cffconvert.citation", reason="cffconvert is in the test extra").Citation
    parsed = citation(cff_text, src=str(CFF))
    assert parsed.cffversion == "1.2.0"
    parsed.validate()  # raises jsonschema.ValidationError with the offending key


def test_the_schema_rejects_a_broken_file(cff: dict) -> None:
    """Guards the test above: the validator really looks at the file."""
    citation = pytest.importorskip("cffconvert.citation", reason="cffconvert is in the test extra").Citation
    jsonschema = pytest.importorskip("jsonschema")
    broken = {key: value for key, value in cff.items() if key != "authors"}
    with pytest.raises(jsonschema.ValidationError, match="authors"):
        citation(yaml.safe_dump(broken), src="broken.cff").validate()


def test_required_keys_and_their_types(cff: dict) -> None:
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"].strip()
    assert isinstance(cff["title"], str) and cff["title"].strip()
    authors = cff["authors"]
    assert isinstance(authors, list) and authors, "authors must be a non-empty list"
    for author in authors:
        # CFF 1.2.0: a person has family-names (or given-names), an entity has a name.
        assert isinstance(author, dict)
        assert author.get("name") or author.get("family-names") or author.get("given-names"), author


def test_version_and_release_date(cff: dict) -> None:
    assert str(cff["version"]) == nnlit.__version__, "CITATION.cff's version is not the package's"
    released = cff["date-released"]
    # YAML may read an unquoted date as a date; CFF asks for the YYYY-MM-DD form either way.
    text = released.isoformat() if isinstance(released, datetime.date) else str(released)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), f"date-released {text!r} is not YYYY-MM-DD"
    datetime.date.fromisoformat(text)


def test_the_version_is_the_one_in_pyproject_and_the_one_installed(cff: dict) -> None:
    """The cite boxes and the PDF's file name take the installed version; CITATION.cff must name the same."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert str(cff["version"]) == declared, f"CITATION.cff says {cff['version']}, pyproject.toml {declared}"
    assert version("nnlit") == declared, "the installed nnlit is older than pyproject.toml: pip install -e . again"


def test_urls_are_absolute(cff: dict) -> None:
    for key in ("url", "repository-code"):
        if key in cff:
            assert re.match(r"^https?://\S+$", str(cff[key])), f"{key} is not a URL: {cff[key]!r}"
