"""A tiny BibTeX reader, enough to check the "Cite this page" entries.

It reads `@type{key, name = {value}, name = "value", name = 2026}` entries with
nested braces, and raises ValueError, naming the position, on anything else: a
cite box whose BibTeX a reference manager would choke on fails its test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENTRY = re.compile(r"\s*@(\w+)\s*\{\s*([^,\s{}]+)\s*,")
_NAME = re.compile(r"\s*([A-Za-z][\w-]*)\s*=\s*")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Entry:
    type: str
    key: str
    fields: dict[str, str]  # names lower-cased; values without their outer delimiters


def _braced(text: str, start: int) -> tuple[str, int]:
    """The text inside the braces opening at `start`, and the index after the closing brace."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    raise ValueError(f"unbalanced braces from position {start}")


def _value(text: str, index: int) -> tuple[str, int]:
    if text.startswith("{", index):
        return _braced(text, index)
    if text.startswith('"', index):
        end = text.find('"', index + 1)
        if end < 0:
            raise ValueError(f"unclosed quote at position {index}")
        return text[index + 1 : end], end + 1
    number = _NUMBER.match(text, index)
    if number:
        return number.group(0), number.end()
    raise ValueError(f"a field value must be braced, quoted or a number, at position {index}")


def parse(text: str) -> list[Entry]:
    """Every entry of `text`, in order."""
    entries = []
    index = 0
    while text[index:].strip():
        head = _ENTRY.match(text, index)
        if not head:
            raise ValueError(f"expected @type{{key, at position {index}")
        index = head.end()
        fields: dict[str, str] = {}
        while True:
            closing = re.compile(r"\s*\}").match(text, index)
            if closing:
                index = closing.end()
                break
            name = _NAME.match(text, index)
            if not name:
                raise ValueError(f"expected a field name at position {index}")
            if name.group(1).lower() in fields:
                raise ValueError(f"field {name.group(1)} given twice")
            value, index = _value(text, name.end())
            fields[name.group(1).lower()] = value
            separator = re.compile(r"\s*,").match(text, index)
            if separator:
                index = separator.end()
            elif not re.compile(r"\s*\}").match(text, index):
                raise ValueError(f"expected , or }} after field {name.group(1)} at position {index}")
        entries.append(Entry(head.group(1).lower(), head.group(2), fields))
    return entries
