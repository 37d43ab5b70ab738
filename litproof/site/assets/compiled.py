"""What the in-page checker's worker keeps for a reader's next visit: the modules this visit compiled.

Run by `worker.mjs` inside Pyodide, after a first verdict, with the standard
library only. Python compiles every module it imports; in the browser that is
most of a first start (SymPy's modules, and the standard library's, which
Pyodide ships as source). The worker stores two kinds of zip in the browser's
Cache Storage, named by the versions they were made from, and on the next visit
loads Python's standard library from one and each package from the other,
through Python's zip importer, compiling nothing it compiled before:

- a package's zip (`package_zip`): its files as the site shipped them, and
  beside each module this visit imported the module compiled;
- the standard library's zip (`stdlib_zip`): Pyodide's own zip, and beside each
  module this visit imported the module compiled (`compile_modules`, a batch at
  a time, so that the worker can take a reader's check in between).

A compiled module is kept as an unchecked hash-based file (PEP 552): the zip
importer loads it without comparing it with its source, which is right here,
since the zip is made once from that source and named by its version.
"""

from __future__ import annotations

import importlib.util
import io
import marshal
import os
import sys
import zipfile

STDLIB = f"/lib/python{sys.version_info.major}{sys.version_info.minor}.zip"


def unchecked(compiled: bytes) -> bytes:
    """A compiled module with a timestamp header as an unchecked hash-based one: the same code, never revalidated."""
    return compiled[:4] + (1).to_bytes(4, "little") + compiled[8:]


def package_zip(site: str, folders: list[str]) -> bytes:
    """The packages under `site` in `folders`, each imported module with its compiled file beside it."""
    tag = sys.implementation.cache_tag
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for folder in folders:
            for directory, subfolders, names in os.walk(os.path.join(site, folder)):
                subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
                for name in sorted(names):
                    path = os.path.join(directory, name)
                    inside = os.path.relpath(path, site)
                    archive.write(path, inside)
                    compiled = os.path.join(directory, "__pycache__", f"{name.removesuffix('.py')}.{tag}.pyc")
                    if name.endswith(".py") and os.path.exists(compiled):
                        with open(compiled, "rb") as stream:
                            archive.writestr(inside.removesuffix(".py") + ".pyc", unchecked(stream.read()))
    return buffer.getvalue()


def stdlib_modules() -> list[str]:
    """The standard library's modules imported so far, as their paths inside its zip."""
    prefix = STDLIB + "/"
    found = {getattr(module, "__file__", None) or "" for module in list(sys.modules.values())}
    return sorted(path[len(prefix) :] for path in found if path.startswith(prefix) and path.endswith(".py"))


def compile_modules(names: list[str]) -> dict[str, bytes]:
    """Some of the standard library's modules compiled, as unchecked hash-based files, by path inside its zip."""
    compiled = {}
    with zipfile.ZipFile(STDLIB) as archive:
        for name in names:
            source = archive.read(name)
            code = compile(source, f"{STDLIB}/{name}", "exec", dont_inherit=True)
            header = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + importlib.util.source_hash(source)
            compiled[name.removesuffix(".py") + ".pyc"] = header + marshal.dumps(code)
    return compiled


def stdlib_zip(compiled: dict[str, bytes]) -> bytes:
    """Pyodide's standard library zip with the compiled modules added beside their sources."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(STDLIB) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info.filename))
        for name, data in sorted(compiled.items()):
            archive.writestr(name, data)
    return buffer.getvalue()
