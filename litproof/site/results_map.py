"""The map of the results: every derivation of the book, and what each uses, drawn at build time.

A page whose Markdown holds the line `<!-- litproof:map -->` gets, in its
place, the book's derivations as a graph: each derivation a node (its equation
number, its title, and this build's verdict as a mark and a colour), each name of
a `uses:` line an arrow from the result used to the result that uses it, each
chapter a frame. Nothing on it is typed by hand: the nodes come from the book
model, the marks from the verdicts this build computed. Every node is a link to
its derivation's box. Below the map, one section per result that uses others,
`#focus-<id>`, draws just that result and everything it rests on (its `uses:`,
theirs, and so on), the same way; the boxes link to it. A list of the results in
book order says the same in words.

Graphviz's `dot` lays the graphs out (see `graphviz`); the page's language gives
the words (`labels`), the titles (the translated page's own block titles) and the
links (to the boxes of that language's pages).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from litproof.book.model import Book
from litproof.book.numbering import Equation, equation_numbers, numbered_chapters
from litproof.book.verdicts import ShownVerdict
from litproof.core.derivation import Derivation
from litproof.site.graphviz import SVG, Dot, GraphvizError, quoted, serialize

#: The line of a page that the map replaces.
MAP_MARKER = "<!-- litproof:map -->"

#: The verdicts a node can show, in the legend's order, with the mark each one carries.
MARKS = {
    "all-sizes": "\u2714",  # ✔
    "at-sizes": "\u25d1",  # ◑
    "counterexample": "\u2718",  # ✘
    "ill-formed": "\u2298",  # ⊘
    "fails": "\u26a0",  # ⚠
}

#: How many characters of a title fit on one line of a node (a Chinese character counts two).
LINE_WIDTH = 20

#: How many results that neither use nor are used by another stand side by side in a chapter's frame.
ROW = 3


def verdict_kind(derivation: Derivation, verdict: ShownVerdict) -> str:
    """Which mark of MARKS this build's verdict gives the derivation."""
    if not verdict.ok:
        return "fails"
    if derivation.expect == "unequal":
        return "counterexample"
    if derivation.expect == "ill-formed":
        return "ill-formed"
    return "all-sizes" if verdict.for_all_sizes else "at-sizes"


def _width(character: str) -> int:
    return 2 if ord(character) > 0x2E7F else 1  # CJK and full-width characters take two columns


def wrapped(text: str, width: int = LINE_WIDTH) -> list[str]:
    """A title cut into lines of about `width` columns: at spaces, or between Chinese characters.

    >>> wrapped("The gradient of one output weight", 20)
    ['The gradient of one', 'output weight']
    >>> wrapped("一个输出层权重的梯度", 10)
    ['一个输出层', '权重的梯度']
    """
    words: list[str] = []
    for piece in text.split(" "):
        run = ""
        for character in piece:  # a Chinese character is a word of its own; Latin letters stay together
            if _width(character) == 2:
                words += [run, character] if run else [character]
                run = ""
            else:
                run += character
        words.append(run + " ")
    lines, line = [], ""
    for word in words:
        if line.strip() and sum(map(_width, (line + word).rstrip())) > width:
            lines.append(line.rstrip())
            line = ""
        line += word
    return [*lines, line.rstrip()] if line.strip() else lines


@dataclass(frozen=True)
class MapNode:
    """One derivation on the map."""

    id: str
    number: str | None  # the equation number, "1.3"; None for a block that shows a rejected step
    page: str  # its English chapter inside docs/, "why-oj.md"
    chapter: int  # the chapter's number (0: a chapter outside the nav)
    kind: str  # a key of MARKS
    uses: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return Equation(self.id, self.number or "", self.page).anchor


@dataclass
class ResultsMap:
    """The book's derivations in book order, with what each uses; the same in every language."""

    nodes: dict[str, MapNode]

    @classmethod
    def of_book(cls, book: Book, verdict: Callable[[Derivation], ShownVerdict]) -> ResultsMap:
        """Every derivation of the book (a malformed block has no place on it), with this build's verdict."""
        numbers = equation_numbers(book)
        chapters = {chapter.resolve(): number for chapter, number in numbered_chapters(book).items()}
        nodes: dict[str, MapNode] = {}
        for chapter in book.chapters_to_check():
            for derivation in book.derivations(chapter):
                if not isinstance(derivation, Derivation) or derivation.id in nodes:
                    continue  # reported by the box and by verify
                equation = numbers.get(derivation.id)
                nodes[derivation.id] = MapNode(
                    derivation.id,
                    equation.number if equation else None,
                    chapter.resolve().relative_to(book.docs.resolve()).as_posix(),
                    chapters.get(chapter.resolve(), 0),
                    verdict_kind(derivation, verdict(derivation)),
                    tuple(used for used in derivation.uses if used != derivation.id),
                )
        return cls(nodes)

    def edges(self, among: set[str] | None = None) -> list[tuple[str, str]]:
        """(used, user) for every `uses:` name between two results of the map (of `among`, if given)."""
        keep = set(self.nodes) if among is None else among
        return [
            (used, node.id)
            for node in self.nodes.values()
            if node.id in keep
            for used in node.uses
            if used in keep and used in self.nodes
        ]

    def rests_on(self, ident: str) -> list[str]:
        """The result and everything it rests on through `uses:`, in book order."""
        found, todo = {ident}, [ident]
        while todo:
            for used in self.nodes[todo.pop()].uses:
                if used in self.nodes and used not in found:
                    found.add(used)
                    todo.append(used)
        return [name for name in self.nodes if name in found]


@dataclass
class MapPage:
    """The map as one language's page shows it: its words, titles and links."""

    results: ResultsMap
    words: dict[str, str]
    titles: dict[str, str]  # each derivation's title in the page's language, by id
    chapter_titles: dict[str, str] = field(default_factory=dict)  # each chapter's title, by English page
    dot: Dot = field(default_factory=Dot)

    # --- words and links ----------------------------------------------------------------

    def title(self, ident: str) -> str:
        return self.titles.get(ident, ident)

    def name(self, ident: str) -> str:
        """`(1.3) The gradient of one output weight`, or the title alone for a block with no number."""
        node = self.results.nodes[ident]
        return f"({node.number}) {self.title(ident)}" if node.number else self.title(ident)

    def href(self, ident: str) -> str:
        """The link from the map page (one folder deep, like every page) to the derivation's box."""
        node = self.results.nodes[ident]
        folder = node.page.removesuffix(".md")
        folder = "" if folder == "index" else folder.removesuffix("/index") + "/"
        return f"../{folder}#{node.anchor}"

    def label(self, ident: str) -> str:
        node = self.results.nodes[ident]
        head = f"{MARKS[node.kind]}  {node.number}" if node.number else MARKS[node.kind]
        return "\n".join([head, *wrapped(self.title(ident))])

    def chapter_label(self, node: MapNode) -> str:
        """The frame's label, as DOT text: its lines flush left."""
        title = self.chapter_titles.get(node.page, node.page.removesuffix(".md"))
        lines = wrapped(self.words["map chapter"].format(number=node.chapter, title=title), 44)
        return quoted("\n".join(lines), flush_left=True)

    # --- the graphs --------------------------------------------------------------------

    def graph(self, ids: list[str], prefix: str, focus: str | None = None) -> str:
        """The DOT source of the map of `ids`: one frame per chapter, one arrow per use, read from left to right;
        each node's id is `prefix` and the result's id.

        An invisible column of start nodes, one per chapter in book order, points at each chapter's
        first results, so that the frames come in the book's order from top to bottom. The results
        of a chapter that neither use nor are used by another stand in rows of ROW, rather than in
        one tall column.
        """
        keep = set(ids)
        edges = self.results.edges(keep)
        linked = {name for edge in edges for name in edge}
        lines = [
            "digraph results {",
            "  graph [rankdir=LR, newrank=true, outputorder=edgesfirst, nodesep=0.18, ranksep=0.35, "
            'fontname="DejaVu Sans", fontsize=10, margin=0, labeljust=l, pad=0.05];',
            '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10, '
            'margin="0.1,0.05", height=0.3];',
            "  edge [arrowsize=0.6];",
        ]
        by_chapter: dict[str, list[str]] = {}
        for ident in ids:
            by_chapter.setdefault(self.results.nodes[ident].page, []).append(ident)
        starts = []
        for page, members in by_chapter.items():
            name = page.removesuffix(".md").replace("/", "_").replace("-", "_")
            start = quoted(f"map-start-{name}")
            starts.append(start)
            lines.append(f'  {start} [shape=point, style=invis, width=0, height=0, label=""];')
            lines.append(f"  subgraph cluster_{name} {{")
            label = self.chapter_label(self.results.nodes[members[0]])
            lines.append(f'    graph [label={label}, class="map-chapter"];')
            for ident in members:
                node = self.results.nodes[ident]
                classes = f"map-node map-{node.kind}" + (" map-focused" if ident == focus else "")
                label = quoted(self.label(ident))
                lines.append(f'    {quoted(ident)} [id="{prefix}{ident}", class="{classes}", label={label}];')
            lines.append("  }")
            inside = set(members)
            for ident in members:
                if not any(used in inside for used in self.results.nodes[ident].uses):
                    lines.append(f"  {start} -> {quoted(ident)} [style=invis];")
            alone = [ident for ident in members if ident not in linked]
            for first in range(0, len(alone), ROW):
                row = alone[first : first + ROW]
                lines += [f"  {quoted(a)} -> {quoted(b)} [style=invis];" for a, b in zip(row, row[1:], strict=False)]
        lines.append(f"  {{ rank=same; {' '.join(starts)} }}")  # one column; its arrows keep it in book order
        lines += [f"  {a} -> {b} [style=invis];" for a, b in zip(starts, starts[1:], strict=False)]
        for used, user in edges:
            lines.append(f'  {quoted(used)} -> {quoted(user)} [class="map-use map-from-{used} map-to-{user}"];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def linked(self, svg: ET.Element, description: str, prefix: str) -> str:
        """The drawn graph with each node a link to its box, named for screen readers.

        Only the nodes keep an id (`prefix` and the result's id), so that the page's drawings
        never share one; `data-result` names the result for the page's script.
        """
        svg.set("class", "results-map-svg")
        svg.set("role", "group")
        svg.set("aria-label", description)
        for element in svg.iter():
            if not element.get("id", prefix).startswith(prefix):
                del element.attrib["id"]  # dot's own ids: node1, edge1, ... in every drawing
        for group in svg.iter(f"{{{SVG}}}g"):
            ident = group.get("id", "").removeprefix(prefix)
            if "node" not in group.get("class", "").split() or ident not in self.results.nodes:
                continue
            group.set("data-result", ident)
            node = self.results.nodes[ident]
            spoken = f"{self.name(ident)}: {self.words['map ' + node.kind]}"
            link = ET.Element(f"{{{SVG}}}a", {"href": self.href(ident), "class": "map-link", "aria-label": spoken})
            ET.SubElement(link, f"{{{SVG}}}title").text = spoken
            for child in list(group):
                group.remove(child)
                link.append(child)
            group.append(link)
            for text in link.iter(f"{{{SVG}}}text"):
                if text.text and text.text.startswith(MARKS[node.kind]):
                    text.set("class", "map-mark-line")
        return serialize(svg)

    # --- the page ----------------------------------------------------------------------

    def legend(self) -> str:
        present = {node.kind for node in self.results.nodes.values()}
        kinds = [kind for kind in MARKS if kind in present or kind != "fails"]
        items = "".join(
            f'<li><span class="map-swatch map-{kind}" aria-hidden="true">{MARKS[kind]}</span> '
            f"{self.words['map ' + kind]}</li>"
            for kind in kinds
        )
        return (
            f'<div class="results-map-legend"><p class="results-map-legend-title">{self.words["map legend"]}</p>'
            f'<ul>{items}<li><span class="map-swatch map-arrow" aria-hidden="true">A \u2192 B</span> '
            f'{self.words["map arrow"]}</li></ul><p>{self.words["map click"]}</p></div>'
        )

    def listing(self) -> str:
        """The map in words: every result in book order, its verdict, what it uses, and its focus link."""
        rows = []
        for ident, node in self.results.nodes.items():
            uses = ", ".join(
                f'<a href="#{("focus-" + used) if self.results.nodes[used].uses else "map-item-" + used}">'
                f"{html.escape(self.name(used))}</a>"
                for used in node.uses
                if used in self.results.nodes
            )
            rests = f' · <a href="#focus-{ident}">{self.words["map list rests"]}</a>' if node.uses else ""
            rows.append(
                f'<li id="map-item-{ident}"><span class="map-swatch map-{node.kind}" aria-hidden="true">'
                f'{MARKS[node.kind]}</span> <a href="{self.href(ident)}">{html.escape(self.name(ident))}</a>'
                f' — {self.words["map " + node.kind]}'
                + (f"; {self.words['map list uses']}: {uses}" if uses else "")
                + f"{rests}</li>"
            )
        return (
            f'<details class="results-map-list"><summary>{self.words["map list"]}</summary>'
            f'<ul>{"".join(rows)}</ul></details>'
        )

    def focus_section(self, ident: str, svg: str) -> str:
        heading = html.escape(self.words["map focus"].format(result=self.name(ident)))
        return (
            f'<section class="results-map-focus" id="focus-{ident}" aria-labelledby="focus-{ident}-title">'
            f'<h2 id="focus-{ident}-title">{heading}</h2>'
            f'<p>{self.words["map focus intro"]} <a href="{self.href(ident)}">{self.words["map open"]}</a> · '
            f'<a href="#results-map-whole">{self.words["map whole"]}</a></p>'
            f'<div class="results-map-figure" data-search-exclude>{svg}</div></section>'
        )

    def html(self) -> str:
        """The whole map, its legend, its list and a focus section per result that uses others."""
        every = list(self.results.nodes)
        focused = [ident for ident, node in self.results.nodes.items() if node.uses]
        prefixes = ["map-node-"] + [f"focus-{ident}-node-" for ident in focused]
        graphs = [self.graph(every, prefixes[0])] + [
            self.graph(self.results.rests_on(ident), prefix, ident)
            for ident, prefix in zip(focused, prefixes[1:], strict=True)
        ]
        drawn = self.dot.draw(graphs)
        whole = self.linked(drawn[0], self.words["map label"], prefixes[0])
        sections = [
            self.focus_section(ident, self.linked(svg, self.words["map focus"].format(result=self.name(ident)), prefix))
            for ident, svg, prefix in zip(focused, drawn[1:], prefixes[1:], strict=True)
        ]
        return (
            f'<div class="results-map">{self.legend()}'
            '<div class="results-map-figure results-map-whole" id="results-map-whole" data-search-exclude>'
            f"{whole}</div>"
            f"{self.listing()}{''.join(sections)}</div>"
        )

    def html_or_sentence(self) -> tuple[str, str | None]:
        """The map's HTML; or, when `dot` cannot draw, a sentence for the page and the reason for the log."""
        try:
            return self.html(), None
        except GraphvizError as error:
            sentence = self.words["map no dot"].format(why=html.escape(str(error)))
            return f'<p class="results-map-missing" role="alert">{sentence}</p>', str(error)


def translated_titles(book: Book, language: str) -> dict[str, str]:
    """Each derivation's title as the pages of `language` give it (the English title where none)."""
    titles: dict[str, str] = {}
    for chapter in book.chapters_to_check():
        translation = chapter.with_name(chapter.name.removesuffix(".md") + f".{language}.md")
        source = translation if language != "en" and translation.is_file() else chapter
        for derivation in book.derivations(source):
            if isinstance(derivation, Derivation):
                titles.setdefault(derivation.id, derivation.title)
        for derivation in book.derivations(chapter):
            if isinstance(derivation, Derivation):
                titles.setdefault(derivation.id, derivation.title)
    return titles


def chapter_titles(book: Book, language: str) -> dict[str, str]:
    """Each chapter's title (its first heading, without math signs) in `language`, by its English page."""
    titles = {}
    for chapter in book.chapters:
        translation = chapter.with_name(chapter.name.removesuffix(".md") + f".{language}.md")
        source = translation if language != "en" and translation.is_file() else chapter
        heading = next((line for line in book.text(source).splitlines() if line.startswith("# ")), "")
        if heading:
            titles[chapter.relative_to(book.docs).as_posix()] = heading[2:].replace("$", "").strip()
    return titles


def map_chapter(book: Book) -> str | None:
    """The English page that holds the map (its path inside docs/), if the book has one."""
    for chapter in book.chapters:
        if MAP_MARKER in book.text(chapter):
            return chapter.relative_to(book.docs).as_posix()
    return None
