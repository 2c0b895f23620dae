"""The document reader's marked text: spans nest or cross, and the text survives intact."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from api.workbench.reader import Mark, marked_text


class _Pieces(HTMLParser):
    """The text inside each mark key, and whether the tags nest properly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.by_key: dict[str, str] = {}
        self.in_ref = 0
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "sup":
            self.in_ref += 1
        self.stack.append(dict(attrs).get("data-span") or tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self.balanced = False
            return
        if self.stack.pop() == "sup":
            self.in_ref -= 1

    def handle_data(self, data: str) -> None:
        if self.in_ref:
            return
        self.text.append(data)
        for key in {k for k in self.stack if k not in ("sup", "a")}:
            self.by_key[key] = self.by_key.get(key, "") + data


def read(html: str) -> _Pieces:
    """Parsed as plain text: pieces sliced from a `Markup` stay `Markup`, and adding a
    plain piece to one escapes it ("&" read back as "&amp;")."""
    parsed = _Pieces()
    parsed.feed(str(html))
    parsed.close()
    return parsed


def test_crossing_quotes_keep_their_own_words_and_the_text() -> None:
    text = "Alpha beta gamma delta"
    marks = [
        Mark(0, 10, "statement", "st-1", "one", note="1"),
        Mark(6, 16, "statement", "st-2", "two", note="2"),
        Mark(6, 10, "actor", "ac-1", "beta"),
    ]
    parsed = read(marked_text(text, marks))
    assert parsed.balanced and not parsed.stack
    assert "".join(parsed.text) == text
    assert parsed.by_key == {"st-1": "Alpha beta", "st-2": "beta gamma", "ac-1": "beta"}


def test_each_statement_has_one_anchor_and_a_reference_after_its_end() -> None:
    html = str(marked_text("ab cd ef", [Mark(0, 5, "statement", "st-9", "q", note="3")]))
    assert html.count('id="st-9"') == 1
    assert html.index('href="#item-st-9"') > html.index("cd")


def test_text_and_labels_are_escaped() -> None:
    hostile = '<script>alert(1)</script>"&'
    html = str(marked_text(hostile, [Mark(0, 8, "actor", "x", '"><img src=x onerror=1>')]))
    assert "<script>" not in html and "<img" not in html
    assert "".join(read(html).text) == hostile


def test_spans_outside_the_text_are_left_out() -> None:
    assert str(marked_text("short", [Mark(2, 99, "act", "a", "too long")])) == "short"


@given(
    st.text(min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=8),
)
def test_any_spans_give_balanced_html_that_keeps_the_text(
    text: str, bounds: list[tuple[int, int]]
) -> None:
    marks = [
        Mark(min(a, b), max(a, b), "statement", f"st-{i}", "q", note=str(i))
        for i, (a, b) in enumerate(bounds)
        if a != b
    ]
    parsed = read(marked_text(text, marks))
    assert parsed.balanced and not parsed.stack
    assert "".join(parsed.text) == text
    for m in marks:
        if m.end <= len(text):
            assert parsed.by_key.get(m.key, "") == text[m.start : m.end]
