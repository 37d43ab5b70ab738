"""The words the site puts around the book's derivations, by page language.

The boxes (`fence`), the symbols explained in them (`symbols`) and the map of the
results (`results_map`) take their words from here, so that a translation of the
machinery is one table. A book adds or changes words per language with the
plugin's `labels:` option; a word missing in a language falls back to English.
"""

from __future__ import annotations

_EN = {
    # around a box
    "ill-formed": (
        "The checker rejects this block as ill-formed: "
        "an index is used both as a summation index and as a free index."
    ),
    "unequal": "The checker shows that these two sides are <em>not</em> equal, with a numeric counterexample.",
    "sizes": "Each step is proved equal to the one before, exactly, at the concrete sizes {sizes}.",
    "all sizes": "Each step is proved equal to the one before for all sizes {names}.",
    "all values": "Each step is proved equal to the one before, for all values of its variables.",
    "fails": "<strong>Does not hold.</strong> When this page was built, the checker said:",
    "checked by": "Checked by SymPy when this page was built, and by <code>{verify}</code> and the test suite.",
    "where": "where",
    "uses": "Uses:",
    "used by": "Used by:",
    "rests on": "Show on the map what it rests on",
    "source": "The source that was checked ({chapter}, line {line})",
    # the symbols of a box
    "symbols": "Symbols:",
    "symbols switch": "Explain symbols",
    "symbols switch help": "Show a symbol's definition when the pointer or the keyboard is on it",
    "shape matrix": "a matrix of {rows} × {cols} numbers",
    "shape column": "a column of {rows} numbers",
    "shape number": "a number",
    "for each": "for each",
    # the map of the results
    "map label": "The map of the results",
    "map legend": "How to read the map",
    "map all-sizes": "proved for all sizes (or for all values of its variables)",
    "map at-sizes": "proved exactly at the concrete sizes it names",
    "map counterexample": "a counterexample, as the book expects: the checker shows the two sides differ",
    "map ill-formed": "ill-formed, as the book expects: the checker rejects the notation",
    "map fails": "does not hold: this build's checker rejects it",
    "map arrow": "An arrow from A to B: B uses A (its <code>uses:</code> line names A).",
    "map click": (
        "Each result is a link to its derivation's box; the boxes of a chapter are framed together. "
        "The mark and the colour are the verdict of this build's checker."
    ),
    "map chapter": "Chapter {number}: {title}",
    "map focus": "{result}: what it rests on",
    "map focus intro": "This result and every result it rests on, through the <code>uses:</code> lines.",
    "map open": "Open the derivation",
    "map whole": "Back to the whole map",
    "map list": "The results as a list, in book order",
    "map list uses": "uses",
    "map list rests": "what it rests on",
    "map no dot": (
        "The map could not be drawn when this site was built: {why} "
        "The map is drawn by Graphviz's <code>dot</code> (Debian package graphviz)."
    ),
}

_ZH = {
    "ill-formed": "检验程序拒绝这个推导，因为它不是良构的：同一个下标既用作求和下标，又用作自由下标。",
    "unequal": "检验程序给出一个数值反例，表明这两边<em>不</em>相等。",
    "sizes": "每一步都在具体规模 {sizes} 上精确地检验过与上一步相等。",
    "all sizes": "每一步都已证明与上一步相等，对任意规模 {names} 成立。",
    "all values": "每一步都已证明与上一步相等，对其中变量的任意取值成立。",
    "fails": "<strong>不成立。</strong>本页构建时，检验程序给出：",
    "checked by": "本页构建时由 SymPy 检验，<code>{verify}</code> 和测试套件也检验它。",
    "where": "其中",
    "uses": "用到：",
    "used by": "被用于：",
    "rests on": "在结果图上查看它所依据的结果",
    "source": "被检验的源码（{chapter}，第 {line} 行；中文版只翻译了标题和每一步的理由）",
    "symbols": "符号：",
    "symbols switch": "解释符号",
    "symbols switch help": "指针或键盘焦点停在符号上时，显示它的定义",
    "shape matrix": "{rows} × {cols} 的矩阵",
    "shape column": "{rows} 个数组成的列向量",
    "shape number": "一个数",
    "for each": "对每个",
    "map label": "结果图",
    "map legend": "怎样读这张图",
    "map all-sizes": "对任意规模（或变量的任意取值）都已证明",
    "map at-sizes": "在它给出的具体规模上精确地检验过",
    "map counterexample": "反例，正如书中所料：检验程序表明两边不相等",
    "map ill-formed": "不是良构的，正如书中所料：检验程序拒绝这种记号",
    "map fails": "不成立：本次构建的检验程序拒绝了它",
    "map arrow": "从 A 指向 B 的箭头：B 用到 A（B 的 <code>uses:</code> 一行写着 A）。",
    "map click": "每个结果都链接到它的推导框；同一章的推导框在一个框里。标记和颜色是本次构建的检验程序给出的结论。",
    "map chapter": "第 {number} 章：{title}",
    "map focus": "{result}：它所依据的结果",
    "map focus intro": "这个结果，以及它经由 <code>uses:</code> 一行所依据的全部结果。",
    "map open": "打开这个推导",
    "map whole": "回到整张结果图",
    "map list": "按书中顺序列出的全部结果",
    "map list uses": "用到",
    "map list rests": "它所依据的结果",
    "map no dot": (
        "构建本站时未能画出结果图：{why} 结果图由 Graphviz 的 <code>dot</code> 绘制（Debian 软件包 graphviz）。"
    ),
}

#: The built-in words, by page language.
LABELS: dict[str, dict[str, str]] = {"en": _EN, "zh": _ZH}


def words_for(language: str, labels_by_language: dict[str, dict[str, str]]) -> dict[str, str]:
    """The words of one page language: the book's own, else the built-in ones, else English."""
    return {**_EN, **LABELS.get(language, {}), **labels_by_language.get(language, {})}
