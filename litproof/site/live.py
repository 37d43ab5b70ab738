"""The in-page checker's files: Python in the browser (Pyodide), SymPy, mpmath and the book's checker.

With the plugin's `live: true`, every derivation box gets an "Edit and check"
control, and the exercises' "Your turn" boxes an editor: the reader's text is
checked by the modules of `litproof.core` (the same source files this build
uses), run by Pyodide in a Web Worker (`assets/worker.mjs`), with nothing
fetched from outside the site. The site gets, under `javascripts/litproof-live/`:

- Pyodide, pinned to one version of the npm registry's `pyodide` package and
  verified against its published sha512 integrity. It is fetched once into the
  book's `.cache/litproof/pyodide/<version>/` (written atomically), and its
  tarball is verified again each time a build uses it;
- SymPy and mpmath exactly as installed where the site is built: their package
  folders zipped without tests, kept in `.cache/litproof/python/` by version;
- the checker (`litproof/__init__.py`, `errors.py`, `core/*.py`) and the book's
  vocabulary files, each zipped and named by its content's hash;
- the page's script (`live.js`, with the limit, file sizes and words of this
  build), its stylesheet, the worker and the worker's keeper of compiled
  modules (`compiled.py`).

The reader's browser downloads them only when a reader first opens an editor,
and keeps what it compiled for the next visit (see `assets/compiled.py`).

Without network and without the cache, the build says so in one sentence (an
INFO line, so that a strict build still passes) and the site is built without
the editors; the boxes stay as they are.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import logging
import os
import secrets
import tarfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

import litproof
from litproof.book.tangle import write_atomically
from litproof.errors import BookError
from litproof.site.labels import words_for

log = logging.getLogger("mkdocs.plugins.litproof")

#: Where the in-page checker's files live inside the built site.
SITE_DIR = "javascripts/litproof-live"

#: The page's files, shipped in this package beside this module.
ASSETS = Path(__file__).resolve().parent / "assets"
PAGE_SCRIPT, PAGE_STYLE, WORKER, KEEPER = "live.js", "live.css", "worker.mjs", "compiled.py"
_CONFIG_SLOT = "/*LITPROOF_LIVE_CONFIG*/null"  # where live.js receives this build's settings

#: Pyodide's files the worker needs (its packages are not used: SymPy and mpmath come from this build).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

#: The packages the checker needs in the browser: SymPy alone, and the mpmath it imports.
PACKAGES = ("sympy", "mpmath")

WORDS_FOLDER = "litproof-book"  # where the worker unpacks the book's vocabulary files

REGISTRY = "https://registry.npmjs.org"
DOWNLOAD_SECONDS = 60
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member's date in the zips made here: the same files give the same bytes


@dataclass(frozen=True)
class Pin:
    """One version of the npm package `pyodide` and the integrity the registry publishes for its tarball."""

    version: str
    integrity: str  # `npm view pyodide@<version> dist.integrity`

    def tarball_url(self, registry: str) -> str:
        return f"{registry.rstrip('/')}/pyodide/-/pyodide-{self.version}.tgz"

    def matches(self, data: bytes) -> bool:
        return self.integrity == "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


PYODIDE = Pin(
    "314.0.8",
    "sha512-74Wq1kXOC+CCEzAfxuRAO701nAcCMLjf8NrwvWpu8S41dVMXwXmLQ05dYB+F4e46AdnGo0oq7YHSVUpHsoarLQ==",
)


class RuntimeUnavailable(BookError):
    """Pyodide is neither in the book's cache nor to be had from the registry: one sentence says why."""


def registry() -> str:
    """The npm registry npm itself would use here (`npm_config_registry`), or the public one."""
    for name in ("npm_config_registry", "NPM_CONFIG_REGISTRY"):
        if os.environ.get(name):
            return os.environ[name]
    return REGISTRY


@dataclass
class PyodideCache:
    """The pinned Pyodide tarball in `.cache/litproof/pyodide/<version>/`, fetched once, verified at every use."""

    folder: Path
    pin: Pin = PYODIDE
    registry: str = field(default_factory=registry)

    @classmethod
    def of_book(cls, root: Path, pin: Pin = PYODIDE) -> PyodideCache:
        return cls(root / ".cache" / "litproof" / "pyodide" / pin.version, pin)

    @property
    def tarball(self) -> Path:
        return self.folder / f"pyodide-{self.pin.version}.tgz"

    def _download(self) -> bytes:
        url = self.pin.tarball_url(self.registry)
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_SECONDS) as response:  # noqa: S310  (a fixed https URL)
                data = response.read()
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise RuntimeUnavailable(
                f"the in-page checker is left out of this site: Pyodide {self.pin.version} is not in "
                f"{self.folder} and could not be fetched from {url} ({reason}); "
                "build once with network to keep it there"
            ) from None
        if not self.pin.matches(data):
            raise RuntimeUnavailable(
                f"the in-page checker is left out of this site: the Pyodide {self.pin.version} tarball "
                f"fetched from {url} does not match its published integrity {self.pin.integrity}"
            )
        write_atomically(self.tarball, data)
        return data

    def files(self) -> dict[str, bytes]:
        """Pyodide's files by name, from the verified tarball (fetched now if the cache lacks a good one)."""
        data = self.tarball.read_bytes() if self.tarball.is_file() else b""
        if not self.pin.matches(data):
            data = self._download()
        found: dict[str, bytes] = {}
        # unzipped once, so that reading each member does not decompress the stream again from its start
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data)), mode="r:") as archive:
            for name in (*PYODIDE_FILES, "pyodide-lock.json"):
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise RuntimeUnavailable(f"the Pyodide {self.pin.version} tarball has no {name}")
                found[name] = member.read()
        return found


def deterministic_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of (name, content) pairs in the order given, with fixed dates: the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def package_folder(name: str) -> Path:
    """Where the installed import package `name` is (its folder with __init__.py)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        raise BookError(f"the in-page checker needs {name}, which is not installed: pip install 'nnlit[docs]'.")
    return Path(spec.origin).parent


def package_members(folder: Path) -> list[tuple[str, bytes]]:
    """An installed package's files, named from its parent folder, without its tests and compiled files."""
    members = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_dir() or "tests" in parts or "__pycache__" in parts or path.suffix == ".pyc":
            continue
        members.append((path.relative_to(folder.parent).as_posix(), path.read_bytes()))
    return members


@dataclass(frozen=True)
class Shipped:
    """One zip the worker unpacks into Python's site-packages."""

    name: str  # the file name in the site, e.g. sympy-1.14.0.zip
    label: str  # what the page says it is loading: a name and version (SymPy 1.14.0), or a key of the page's words
    data: bytes
    folders: tuple[str, ...]  # its top-level folders, whose compiled modules the browser keeps
    keep: bool = True  # whether the browser keeps it compiled (a book's words are loaded from files instead)


def installed_package(name: str, cache: Path) -> Shipped:
    """A package as installed where the site is built, zipped once per version into `cache`."""
    version = importlib.metadata.version(name)
    path = cache / f"{name}-{version}.zip"
    digest = path.with_name(path.name + ".sha256")
    data = path.read_bytes() if path.is_file() and digest.is_file() else b""
    if not data or hashlib.sha256(data).hexdigest() != digest.read_text(encoding="utf-8").strip():
        data = deterministic_zip(package_members(package_folder(name)))
        write_atomically(path, data)
        write_atomically(digest, hashlib.sha256(data).hexdigest().encode() + b"\n")
    label = {"sympy": "SymPy", "mpmath": "mpmath"}.get(name, name)
    return Shipped(path.name, f"{label} {version}", data, (name,))


def checker_package() -> Shipped:
    """litproof's checker, the very files this build imports (`__init__`, `errors`, `core`), named by content."""
    package = Path(litproof.__file__).resolve().parent
    sources = [package / "__init__.py", package / "errors.py", *sorted((package / "core").glob("*.py"))]
    data = deterministic_zip((path.relative_to(package.parent).as_posix(), path.read_bytes()) for path in sources)
    return Shipped(f"checker-{hashlib.sha256(data).hexdigest()[:12]}.zip", "stage checker", data, ("litproof",))


def words_package(root: Path, vocabulary: list[str]) -> Shipped:
    """The book's vocabulary files (module `words`), which the worker loads from its disk every visit."""
    data = deterministic_zip((f"{WORDS_FOLDER}/{name}", (root / name).read_bytes()) for name in vocabulary)
    name = f"words-{hashlib.sha256(data).hexdigest()[:12]}.zip"
    return Shipped(name, "stage words", data, (WORDS_FOLDER,), keep=False)


#: The words the editors use, by page language; the verdict sentences come from the boxes' own labels.
LIVE_LABELS = {
    "en": {
        "edit": "Edit and check",
        "close": "Close the editor",
        "editor": "The block as the checker reads it: change given, assume or steps, then check it here",
        "check": "Check",
        "reset": "Reset",
        "limit": "Runs in your browser; a check is stopped after {limit} s.",
        "loading": "Loading the checker into this page",
        "stage runtime": "Python {python} (Pyodide {version}, {size})",
        "stage packages": "{what} ({size})",
        "stage kept": "modules compiled on an earlier visit",
        "stage checker": "the book's checker",
        "stage words": "the book's own words",
        "stage start": "starting the checker (compiling SymPy: slow on a first visit only)",
        "checking": "Checking…",
        "checked here": "Checked here, in your browser, by the book's checker (SymPy {sympy}) in {seconds} s.",
        "fails": "<strong>Does not hold.</strong> The checker says:",
        "timed out": (
            "<strong>Unproved (timed out).</strong> The check ran past this page's limit of {limit} s "
            "and was stopped: nothing was proved."
        ),
        "broken": "The checker could not run here: {why}",
        "pair equal": "follows ({method})",
        "method for all sizes": "for all sizes",
        "method for all values": "for all values",
        "pair unequal": "does not follow",
        "pair unknown": "unproved",
        "pair unchecked": "not checked",
        "your turn given": "Given (the start of the book's solution):",
        "your turn editor": "Your steps, one per line, each starting with =",
        "answer right": "<strong>Right.</strong> Every step holds, and the last one is the book's result.",
        "answer derivative": "Every step holds, but the last one still has a derivative D(…) to carry out: go on.",
        "answer different": "Every step holds, but the last one is not the book's result; the checker says:",
        "answer empty": "Write at least one step, starting with =.",
    },
    "zh": {
        "edit": "编辑并检验",
        "close": "关闭编辑器",
        "editor": "检验程序读到的源码：修改 given、assume 或 steps，然后在这里检验",
        "check": "检验",
        "reset": "复原",
        "limit": "在你的浏览器里运行；一次检验超过 {limit} 秒即被停止。",
        "loading": "正在把检验程序载入本页",
        "stage runtime": "Python {python}（Pyodide {version}，{size}）",
        "stage packages": "{what}（{size}）",
        "stage kept": "上次访问时编译好的模块",
        "stage checker": "本书的检验程序",
        "stage words": "本书自己的词汇",
        "stage start": "启动检验程序（编译 SymPy：只有第一次访问时较慢）",
        "checking": "正在检验……",
        "checked here": "已在你的浏览器里由本书的检验程序（SymPy {sympy}）检验，用时 {seconds} 秒。",
        "fails": "<strong>不成立。</strong>检验程序给出：",
        "timed out": "<strong>未证明（超时）。</strong>检验超过了本页的时限 {limit} 秒，已被停止：什么也没有证明。",
        "broken": "检验程序无法在这里运行：{why}",
        "pair equal": "成立（{method}）",
        "method for all sizes": "对任意规模",
        "method for all values": "对任意取值",
        "pair unequal": "不成立",
        "pair unknown": "未证明",
        "pair unchecked": "未检验",
        "your turn given": "已给出（本书解答的开头）：",
        "your turn editor": "你的步骤，每行一步，以 = 开头",
        "answer right": "<strong>正确。</strong>每一步都成立，最后一步就是本书的结果。",
        "answer derivative": "每一步都成立，但最后一步里还有没算出的导数 D(…)：继续。",
        "answer different": "每一步都成立，但最后一步不是本书的结果；检验程序给出：",
        "answer empty": "至少写一步，以 = 开头。",
    },
}

#: The boxes' sentences the editors reuse for a verdict that holds.
BOX_LABELS = ("all sizes", "all values", "sizes", "ill-formed", "unequal")


@dataclass
class LiveSite:
    """The in-page checker of one book's site: its files, fetched and made once, and the page's settings."""

    root: Path
    time_limit: float
    runtime: dict[str, bytes] = field(default_factory=dict)  # Pyodide's files by name
    packages: list[Shipped] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)  # the book's vocabulary files, as mkdocs.yml names them

    @classmethod
    def prepare(cls, root: Path, time_limit: float, vocabulary: list[str]) -> LiveSite | None:
        """Everything the site needs for the editors, or None (said in one INFO line) without Pyodide."""
        cache = root / ".cache" / "litproof" / "python"
        try:
            runtime = PyodideCache.of_book(root).files()
        except RuntimeUnavailable as error:
            log.info(f"litproof: {error}.")
            return None
        packages = [*(installed_package(name, cache) for name in PACKAGES), checker_package()]
        if vocabulary:
            packages.append(words_package(root, vocabulary))
        return cls(root, time_limit, runtime, packages, vocabulary)

    def configure(self, config: MkDocsConfig) -> None:
        """Every page loads the editors' script and style (small: the rest waits for a reader's first click)."""
        script, style = f"{SITE_DIR}/{PAGE_SCRIPT}", f"{SITE_DIR}/{PAGE_STYLE}"
        if script not in [str(entry) for entry in config.extra_javascript]:
            config.extra_javascript.append(script)
        if style not in config.extra_css:
            config.extra_css.append(style)

    def settings(self, box_labels: dict[str, dict[str, str]]) -> dict[str, Any]:
        """What live.js needs to know of this build: files and sizes, the limit, the words in each language."""
        lock = json.loads(self.runtime["pyodide-lock.json"])
        labels = {}
        for language in sorted(set(LIVE_LABELS) | set(box_labels)):
            boxes = words_for(language, box_labels)
            labels[language] = {
                **LIVE_LABELS["en"],
                **LIVE_LABELS.get(language, {}),
                **{key: boxes[key] for key in BOX_LABELS},
            }
        return {
            "pyodide": {
                "version": PYODIDE.version,
                "python": lock["info"]["python"],
                "folder": f"pyodide-{PYODIDE.version}/",
                "bytes": sum(len(self.runtime[name]) for name in PYODIDE_FILES),
                "kept": f"python-{lock['info']['python']}-pyodide-{PYODIDE.version}",  # its compiled standard library
                # the lock file's header alone: the page loads no package of Pyodide's distribution
                "lock": {"info": lock["info"], "packages": {}},
            },
            "packages": [
                {
                    "zip": f"python/{shipped.name}",
                    "label": shipped.label,
                    "bytes": len(shipped.data),
                    "folders": list(shipped.folders),
                    "kept": f"{shipped.name.removesuffix('.zip')}-pyodide-{PYODIDE.version}" if shipped.keep else None,
                }
                for shipped in self.packages
            ],
            "words": [[f"{WORDS_FOLDER}/{name}", name] for name in self.vocabulary],  # (where unpacked, name)
            "limit": self.time_limit,
            "labels": labels,
        }

    def page_script(self, box_labels: dict[str, dict[str, str]]) -> str:
        script = (ASSETS / PAGE_SCRIPT).read_text(encoding="utf-8")
        return script.replace(_CONFIG_SLOT, json.dumps(self.settings(box_labels), ensure_ascii=False))

    def add_files(self, files: Files, config: MkDocsConfig, box_labels: dict[str, dict[str, str]]) -> None:
        """Add the editors' files to the site (as MkDocs files, so that `mkdocs serve` has them too)."""
        generated: dict[str, str | bytes] = {
            PAGE_SCRIPT: self.page_script(box_labels),
            **{name: (ASSETS / name).read_text(encoding="utf-8") for name in (PAGE_STYLE, WORKER, KEEPER)},
            **{f"pyodide-{PYODIDE.version}/{name}": self.runtime[name] for name in PYODIDE_FILES},
            **{f"python/{shipped.name}": shipped.data for shipped in self.packages},
        }
        for name, content in generated.items():
            uri = f"{SITE_DIR}/{name}"
            shadowed = files.get_file_from_path(uri)
            if shadowed is not None:
                files.remove(shadowed)
            files.append(File.generated(config, uri, content=content))

    @property
    def download_bytes(self) -> int:
        """What a reader's browser fetches on a first check: Pyodide's files and the zips."""
        return sum(len(self.runtime[name]) for name in PYODIDE_FILES) + sum(len(s.data) for s in self.packages)
