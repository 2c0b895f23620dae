"""Turning parsed data into a checked `AnnotatedDocument`, the same way for every loader.

Pydantic checks each field alone; the checks here need the whole document: unique ids,
references, spans. Spans given as text alone get their offsets here, so the RDF mapping
only ever sees complete spans. Every problem is reported, each with its place.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from loaders.errors import InputError, Problem
from loaders.model import AnnotatedDocument, Span

PlaceOf = Callable[[str], str]
"""Turns a JSON pointer into the place a person should look (``line 12`` for YAML)."""


def validate_document(
    source: str | Path, data: object, place_of: PlaceOf = lambda pointer: pointer
) -> AnnotatedDocument:
    """Validate parsed data as an annotated document or raise `InputError` naming each place."""
    if not isinstance(data, Mapping):
        raise InputError.single(source, "expected an object (mapping) at the top level", "/")
    nul = [Problem(place_of(p), NUL_REASON) for p in _nul_characters(data)] if _nul_in(data) else []
    if nul:
        raise InputError(source, nul)
    try:
        doc = AnnotatedDocument.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, _pydantic_problems(exc, data, place_of)) from None
    problems = check_document(doc)
    if problems:
        raise InputError(source, [Problem(place_of(p.place), p.reason) for p in problems])
    return doc


NUL_REASON = (
    "holds the NUL character (U+0000), which no text may hold: the graph database cannot store it"
)


def _nul_in(data: object) -> bool:
    """Whether a text of the data may hold U+0000: one serialisation in C (which writes it
    as an escape), where walking every string of every document cost a quarter of
    ingest's reading; only then are the places looked for (and whenever the data cannot
    be serialised so, as before)."""
    try:
        return "\\u0000" in json.dumps(data, default=str)
    except (TypeError, ValueError):  # a key JSON cannot have, a reference cycle
        return True


def _nul_characters(node: object, pointer: str = "") -> Iterator[str]:
    """The pointer of every string (or key) holding U+0000, in document order: FalkorDB's
    strings end at it, so one such document would stop every sync until removed."""
    if isinstance(node, str):
        if "\0" in node:
            yield pointer or "/"
    elif isinstance(node, Mapping):
        for key, value in node.items():
            here = pointer + json_pointer([key])
            if isinstance(key, str) and "\0" in key:
                yield here
            yield from _nul_characters(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nul_characters(value, pointer + json_pointer([index]))


def _pydantic_problems(exc: ValidationError, data: object, place_of: PlaceOf) -> list[Problem]:
    reasons: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        pointer = _existing_pointer(data, error["loc"])
        message = error["msg"]
        if error["type"] == "value_error":
            message = str(error.get("ctx", {}).get("error", message))
        elif error["type"] == "extra_forbidden":
            message = "unknown field (check its spelling)"
        elif error["type"] == "missing":
            pointer = json_pointer(error["loc"])
            message = "required field is missing"
        if message not in reasons.setdefault(pointer, []):
            reasons[pointer].append(message)
    return [Problem(place_of(p), "; ".join(msgs)) for p, msgs in reasons.items()]


def _existing_pointer(data: object, loc: tuple[int | str, ...]) -> str:
    """The longest prefix of a pydantic location that exists in the data, as a JSON pointer.

    Pydantic appends union member names (`date`, `datetime`) that are not keys of the input.
    """
    walked: list[int | str] = []
    node: Any = data
    for part in loc:
        # Two branches with one body: mypy narrows the index type in each.
        if isinstance(node, Mapping) and part in node:  # noqa: SIM114
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
        walked.append(part)
    return json_pointer(tuple(walked))


def json_pointer(parts: Iterable[int | str]) -> str:
    """RFC 6901 pointer for a path of keys and indices (`/statements/3/quote`)."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped) or "/"


def check_document(doc: AnnotatedDocument) -> list[Problem]:
    """The problems of a whole document (if any); spans given in part are completed in place.

    In place because the document is new, made from the input by the caller: a deep copy
    of it cost a tenth of an ingest.
    """
    problems = [
        *_duplicate_ids("/entities", (e.id for e in doc.entities)),
        *_duplicate_ids("/acts", (a.id for a in doc.acts)),
        *_duplicate_ids("/statements", (s.id for s in doc.statements)),
        *_dangling_references(doc),
    ]
    for pointer, span in _spans(doc):
        problems.extend(Problem(pointer, r) for r in _resolve_span(doc.text, span))
    return problems


def _duplicate_ids(pointer: str, ids: Iterable[str]) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, ident in enumerate(ids):
        if ident in seen:
            yield Problem(
                f"{pointer}/{index}/id",
                f"duplicate id {ident!r} (first used at {pointer}/{seen[ident]})",
            )
        else:
            seen[ident] = index


def _dangling_references(doc: AnnotatedDocument) -> Iterator[Problem]:
    entities = {e.id for e in doc.entities}
    acts = {a.id for a in doc.acts}
    statements = {s.id for s in doc.statements}

    def missing(pointer: str, ref: str, known: set[str], what: str) -> Iterator[Problem]:
        if ref not in known:
            yield Problem(pointer, f"unknown {what} {ref!r}")

    for i, st in enumerate(doc.statements):
        base = f"/statements/{i}"
        yield from missing(f"{base}/claimant", st.claimant, entities, "entity")
        for j, target in enumerate(st.targets):
            yield from missing(f"{base}/targets/{j}", target, entities, "entity")
        if st.act is not None:
            yield from missing(f"{base}/act", st.act, acts, "act")
        for j, answered in enumerate(st.responds_to):
            yield from missing(f"{base}/responds_to/{j}", answered, statements, "statement")
            if answered == st.id:
                yield Problem(f"{base}/responds_to/{j}", "a statement cannot respond to itself")
    for i, rel in enumerate(doc.relations):
        yield from missing(f"/relations/{i}/source", rel.source, entities, "entity")
        yield from missing(f"/relations/{i}/target", rel.target, entities, "entity")
        if rel.source == rel.target:
            yield Problem(f"/relations/{i}", f"an actor cannot be {rel.kind} itself")


def _spans(doc: AnnotatedDocument) -> Iterator[tuple[str, Span]]:
    for i, entity in enumerate(doc.entities):
        for j, span in enumerate(entity.mentions):
            yield f"/entities/{i}/mentions/{j}", span
    for i, act in enumerate(doc.acts):
        for j, span in enumerate(act.mentions):
            yield f"/acts/{i}/mentions/{j}", span
    for i, st in enumerate(doc.statements):
        yield f"/statements/{i}/quote", st.quote


def _resolve_span(text: str, span: Span) -> list[str]:
    """Fill in the span's missing parts in place; return what is wrong with it."""
    if span.start is None and span.text is None:
        return ["a span needs start and end, or its text"]
    if span.start is not None and span.end is None and span.text is None:
        return ["a span with a start needs an end or its text"]
    if span.start is None:
        return _locate(text, span)
    if span.end is None:
        assert span.text is not None
        span.end = span.start + len(span.text)
    if span.end <= span.start:
        return [f"span end {span.end} is not after its start {span.start}"]
    if span.end > len(text):
        return [f"span {span.start}..{span.end} lies outside the text (length {len(text)})"]
    actual = text[span.start : span.end]
    if span.text is None:
        span.text = actual
    elif span.text != actual:
        return [f"span {span.start}..{span.end} reads {_clip(actual)!r}, not {_clip(span.text)!r}"]
    return []


def _locate(text: str, span: Span) -> list[str]:
    assert span.text is not None
    first = text.find(span.text)
    if first >= 0 and span.end is not None and span.end != first + len(span.text):
        return [f"quoted text {_clip(span.text)!r} is found at {first}, which does not fit end"]
    if first < 0:
        return [f"quoted text {_clip(span.text)!r} does not occur in the document text"]
    second = text.find(span.text, first + 1)
    if second >= 0:
        return [
            f"quoted text {_clip(span.text)!r} occurs more than once "
            f"(at {first} and {second}); give its start"
        ]
    span.start, span.end = first, first + len(span.text)
    return []


def _clip(value: str, width: int = 60) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
