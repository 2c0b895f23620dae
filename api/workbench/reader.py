"""A document's text as HTML with every annotated span marked, nested properly.

Spans may nest (a mention inside a quote) or cross (two quotes that overlap). The text is cut
at every span boundary; each piece is wrapped in the spans that cover it, outermost first, and
a span that crosses another is closed and reopened around it, its pieces sharing one
`data-span`. The first piece of a statement's quote carries its anchor (`st-ID`); after its
last piece comes a numbered reference to the statement in the list beside the text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

ROLE_ORDER = {"statement": 0, "act": 1, "actor": 2}  # outermost first where spans coincide


@dataclass(frozen=True)
class Mark:
    """One span to mark: `key` names it in the page (`st-s1`, `act-a2` …), `label` is its
    tooltip, `note` the reference placed after it (a statement's number), if any."""

    start: int
    end: int
    role: str
    key: str
    label: str
    css: str = ""
    note: str | None = None


def marked_text(text: str, marks: Iterable[Mark]) -> Markup:
    """The text, HTML-escaped, with each mark's span wrapped (see the module docstring)."""
    valid = sorted(
        (m for m in marks if 0 <= m.start < m.end <= len(text)),
        key=lambda m: (m.start, -m.end, ROLE_ORDER.get(m.role, 9), m.key),
    )
    cuts = sorted({0, len(text), *(m.start for m in valid), *(m.end for m in valid)})
    out: list[str] = []
    open_marks: list[Mark] = []
    started: set[str] = set()
    for begin, end in itertools.pairwise(cuts):
        wanted = [m for m in valid if m.start <= begin and end <= m.end]
        keep = _common_prefix(open_marks, wanted)
        _close(out, open_marks, keep, begin)
        for mark in wanted[keep:]:
            out.append(_open(mark, first=mark.key not in started))
            started.add(mark.key)
            open_marks.append(mark)
        out.append(escape(text[begin:end], quote=False))
    _close(out, open_marks, 0, len(text))
    return Markup("".join(out))


def _common_prefix(current: Sequence[Mark], wanted: Sequence[Mark]) -> int:
    same = 0
    for a, b in zip(current, wanted, strict=False):
        if a != b:
            break
        same += 1
    return same


def _close(out: list[str], open_marks: list[Mark], keep: int, at: int) -> None:
    """Close the open marks above `keep`; after a mark's last piece, its reference."""
    while len(open_marks) > keep:
        mark = open_marks.pop()
        out.append("</mark>")
        if mark.note is not None and mark.end == at:
            out.append(
                f'<sup class="ref"><a href="#item-{escape(mark.key)}" '
                f'aria-label="statement {escape(mark.note)}">[{escape(mark.note)}]</a></sup>'
            )


def _open(mark: Mark, first: bool) -> str:
    anchor = f' id="{escape(mark.key)}"' if first else ""
    return (
        f'<mark{anchor} class="span {escape(mark.role)} {escape(mark.css)}" '
        f'data-span="{escape(mark.key)}" title="{escape(mark.label)}">'
    )
