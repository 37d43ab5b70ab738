"""MkDocs hooks for the nnlit site (listed under ``hooks:`` in mkdocs.yml).

The book must render its math with no network, so MathJax 3 is taken from the
pip package ``django-static-mathjax`` and copied into the site, rather than loaded
from a CDN. Each hook does one job and stays small, so that a later move to
another site generator only has to port a few lines.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

import nnlit

#: Where the copied MathJax lives inside the built site. mkdocs.yml's
#: ``extra_javascript`` names ``javascripts/mathjax/tex-chtml.js`` under it.
SITE_MATHJAX_DIR = "javascripts/mathjax"

#: The MathJax files the site needs, relative to MathJax's ``es5/`` directory:
#: the TeX-to-CommonHTML bundle, the web fonts it loads, and the TeX extensions
#: it loads on first use (``\boldsymbol`` loads ``boldsymbol.js``, for example).
#: Keeping the package's own layout lets MathJax find them at its default paths.
MATHJAX_SCRIPT = "tex-chtml.js"
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"
MATHJAX_TEX_EXTENSIONS = "input/tex/extensions"
MATHJAX_DIRS = (MATHJAX_FONTS, MATHJAX_TEX_EXTENSIONS)


def mathjax_es5_dir() -> Path:
    """Return MathJax's ``es5/`` directory inside the installed ``django-static-mathjax``.

    Located through the import system rather than a fixed site-packages path,
    so it works in any virtual environment. Raises PluginError (which MkDocs
    reports as one line and a failed build) when the package is missing.
    """
    spec = importlib.util.find_spec("mathjax")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        es5 = Path(location) / "static" / "mathjax" / "es5"
        if (es5 / MATHJAX_SCRIPT).is_file() and all((es5 / d).is_dir() for d in MATHJAX_DIRS):
            return es5
    raise PluginError(
        "MathJax was not found: install the docs extra "
        "(pip install 'nnlit[docs]', which includes django-static-mathjax==3.2.2.1)."
    )


def mathjax_sources(es5: Path) -> list[str]:
    """List the MathJax files to publish, as POSIX paths relative to ``es5``.

    Only the one bundle, its fonts and the TeX extensions are copied (about
    2 MB), not the whole 24 MB package, to keep the site small.
    """
    files = sorted(p for d in MATHJAX_DIRS for p in (es5 / d).iterdir() if p.is_file())
    return [MATHJAX_SCRIPT, *(p.relative_to(es5).as_posix() for p in files)]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check for MathJax early and expose the package version to templates.

    Checking here fails ``mkdocs build`` and ``mkdocs serve`` before any page is
    rendered. ``config.extra["version"]`` is what the footer shows ("nnlit 0.1.0"),
    so a reader can tell which release of the book they are reading.
    """
    mathjax_es5_dir()
    config.extra["version"] = nnlit.__version__
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add MathJax's script and fonts to the site's files.

    Adding them as MkDocs files (rather than copying after the build) means
    ``mkdocs serve``, which builds into a temporary directory, serves them too,
    and a file of the same name under docs/ can never silently shadow them.
    """
    es5 = mathjax_es5_dir()
    for source in mathjax_sources(es5):
        dest_uri = f"{SITE_MATHJAX_DIR}/{source}"
        shadowed = files.get_file_from_path(dest_uri)
        if shadowed is not None:
            files.remove(shadowed)
        files.append(
            File(
                source,
                src_dir=str(es5),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
                dest_uri=dest_uri,
            )
        )
    return files
