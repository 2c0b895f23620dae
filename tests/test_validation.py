"""Property tests of the validator: it accepts exactly the spans that fit, and never crashes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import InputError
from loaders.validation import validate_document
from tests.docs import minimal

# Surrogates cannot be encoded; NUL is refused (`test_a_nul_anywhere_in_the_text_is_refused`).
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
    min_size=1,
    max_size=80,
)


@given(text=texts, data=st.data())
def test_a_span_inside_the_text_resolves_to_its_slice(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    doc = minimal()
    doc["text"] = text
    doc["statements"] = []
    doc["entities"][0]["mentions"] = [{"start": start, "end": end}]
    doc["entities"][1]["mentions"] = []
    resolved = validate_document("mem", doc)
    assert resolved.entities[0].mentions[0].text == text[start:end]


@given(text=texts, start=st.integers(-5, 100), end=st.integers(-5, 100), quoted=st.text(max_size=5))
def test_any_span_is_accepted_only_if_it_matches(
    text: str, start: int, end: int, quoted: str
) -> None:
    doc = minimal()
    doc["text"] = text
    doc["statements"] = []
    doc["entities"][1]["mentions"] = []
    span: dict[str, Any] = {"start": start, "end": end}
    if quoted:
        span["text"] = quoted
    doc["entities"][0]["mentions"] = [span]
    fits = 0 <= start < end <= len(text) and (not quoted or text[start:end] == quoted)
    try:
        resolved = validate_document("mem", doc)
    except InputError as error:
        assert not fits
        assert error.problems[0].place.startswith("/entities/0/mentions/0")
    else:
        assert fits
        assert resolved.entities[0].mentions[0].text == text[start:end]


@given(text=texts, at=st.integers(0, 80))
def test_a_nul_anywhere_in_the_text_is_refused(text: str, at: int) -> None:
    doc = minimal()
    doc["text"] = text[:at] + "\0" + text[at:]
    with pytest.raises(InputError) as refused:
        validate_document("mem", doc)
    assert [p.place for p in refused.value.problems] == ["/text"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(
    field=st.sampled_from(
        ["id", "text", "entities", "statements", "acts", "relations", "published"]
    ),
    value=json_values,
)
def test_arbitrary_values_are_refused_cleanly_or_accepted(field: str, value: object) -> None:
    doc = minimal()
    doc[field] = value
    try:
        validate_document("mem", doc)
    except InputError as error:
        assert error.problems and all(p.reason for p in error.problems)
