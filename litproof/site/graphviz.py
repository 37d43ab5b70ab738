"""Graphviz's `dot`, run at build time: graphs in the DOT language in, SVG for an HTML page out.

The site draws its pictures of the book's structure when it is built, offline,
with a well-kept layout program rather than a layout of its own: Graphviz
(Debian package graphviz), called as a subprocess with a time limit. All the
graphs of a page go to one run of `dot`. What comes back is made fit to be put
inside a page: no XML prolog, no white background, no `<title>` tooltips that
repeat a node's name, and no colours or fonts of its own, so that the site's
stylesheet colours it in either colour scheme.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

#: The presentation attributes `dot` writes, which the site's stylesheet sets instead.
_PAINT = ("fill", "stroke", "font-family", "stroke-width", "stroke-dasharray")


class GraphvizError(Exception):
    """The graphs could not be drawn: one sentence saying why and what to do."""


def tag(element: ET.Element) -> str:
    """An element's name without its namespace: `g`, `text`, `polygon`."""
    return element.tag.rsplit("}", 1)[-1]


def quoted(text: str, flush_left: bool = False) -> str:
    r"""A DOT string: `"..."` with quotes and backslashes escaped, newlines as centred line breaks
    (or, `flush_left`, as line breaks that end every line flush left).

    >>> quoted('say "hi"\nback\\slash')
    '"say \\"hi\\"\\nback\\\\slash"'
    >>> quoted("two\nlines", flush_left=True)
    '"two\\llines\\l"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if flush_left:
        return '"' + escaped.replace("\n", "\\l") + '\\l"'
    return '"' + escaped.replace("\n", "\\n") + '"'


@dataclass(frozen=True)
class Dot:
    """The `dot` program: found on the PATH, and stopped after `timeout` seconds."""

    command: str = "dot"
    timeout: float = 60.0

    def available(self) -> bool:
        return shutil.which(self.command) is not None

    def draw(self, graphs: list[str]) -> list[ET.Element]:
        """Each graph (DOT source) drawn as an `<svg>` element, in one run of `dot`."""
        if not graphs:
            return []
        program = shutil.which(self.command)
        if program is None:
            raise GraphvizError(
                f"Graphviz's {self.command} was not found on the PATH; install Graphviz "
                "(Debian and Ubuntu: apt-get install graphviz) and build again."
            )
        try:
            run = subprocess.run(  # noqa: S603  (the program found above, on DOT text the book made)
                [program, "-Tsvg"],
                input="\n".join(graphs),
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            why = f"Graphviz's {self.command} took more than {self.timeout:g} s to draw the graphs."
            raise GraphvizError(why) from None
        if run.returncode != 0:
            why = next((line for line in run.stderr.splitlines() if line.strip()), f"exit status {run.returncode}")
            raise GraphvizError(f"Graphviz's {self.command} failed: {why}")
        documents = [part for part in re.split(r"(?=<\?xml )", run.stdout) if part.strip()]
        if len(documents) != len(graphs):
            raise GraphvizError(f"Graphviz's {self.command} drew {len(documents)} pictures of {len(graphs)} graphs.")
        return [inline(document) for document in documents]


def inline(document: str) -> ET.Element:
    """An SVG document from `dot`, made fit for a page: unpainted, without background or tooltips."""
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", document))
    for parent in root.iter():
        for child in list(parent):
            if tag(child) == "title":
                parent.remove(child)
    graph = root.find(f"{{{SVG}}}g")
    if graph is not None:
        background = graph.find(f"{{{SVG}}}polygon")
        if background is not None:
            graph.remove(background)  # the white page behind the graph
    for element in root.iter():
        for name in _PAINT:
            element.attrib.pop(name, None)
    return root


def serialize(element: ET.Element) -> str:
    """The markup of an SVG element, for an HTML page."""
    return ET.tostring(element, encoding="unicode", short_empty_elements=True)
