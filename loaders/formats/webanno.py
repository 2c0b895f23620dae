"""W3C Web Annotation JSON-LD (https://www.w3.org/TR/annotation-model/): one `Annotation`,
a list of them, an `AnnotationPage` (`items`) or an `AnnotationCollection` whose embedded
pages (`first`, then `next`) hold them.

An annotation's target is the document with a `TextPositionSelector` (`start`, `end`)
and/or a `TextQuoteSelector` (`exact`, `prefix`, `suffix`), or an RFC 5147
`FragmentSelector` (`char=4,7`); its bodies say what the span is: `tagging` the label,
`identifying` a Wikidata item, `classifying` the modality, and a `commenting` (or
unpurposed) textual body the notes. A `linking` annotation whose target
is two annotations, from and to, is a role or relation, named by its tagging body.

Web Annotation does not carry the text it annotates: it is read from `NAME.txt` beside
the file (or from the target's `source`, when that names a file beside it), and metadata
from `NAME.json` beside a `NAME.jsonld`. Problems are reported by JSON pointer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.assemble import assemble
from loaders.errors import InputError, Problem
from loaders.mapping import DEFAULT, LabelMapping
from loaders.model import AnnotatedDocument
from loaders.names import slug
from loaders.source import read_json, read_text
from loaders.spans import Export, Link, Mark, parse_notes, read_sidecar, wikidata_id

NAME = "webanno"
SUFFIXES = (".jsonld", ".json")
_SIGNS = ("http://www.w3.org/ns/anno.jsonld", "TextQuoteSelector", "TextPositionSelector")


def detect(path: Path, head: str) -> bool:
    return path.suffix.lower() in SUFFIXES and any(sign in head for sign in _SIGNS)


def is_companion(path: Path) -> bool:
    """The text and metadata of a `.jsonld` beside them: read with it, not on their own."""
    return path.suffix.lower() in (".txt", ".json") and path.with_suffix(".jsonld").is_file()


def parse(path: Path, mapping: LabelMapping = DEFAULT) -> AnnotatedDocument:
    data = read_json(path)
    items = list(_annotations(data, ""))
    text = _document_text(path, [a for a, _ in items])
    metadata: dict[str, Any] = {}
    if isinstance(data, dict) and isinstance(data.get("label"), str):
        metadata["title"] = data["label"]
    source = _source_iri(items)
    if source and source.startswith(("http://", "https://")):
        metadata["url"] = source
    if path.suffix.lower() == ".jsonld":
        metadata.update(read_sidecar(path.with_suffix(".json")))
    export = Export(str(path), text, metadata, default_id=slug(path.stem) or "document")
    problems = [p for annotation, place in items for p in _read(export, annotation, place)]
    if problems:
        raise InputError(path, problems)
    return assemble(export, mapping)


def parse_all(path: Path, mapping: LabelMapping = DEFAULT) -> list[AnnotatedDocument]:
    return [parse(path, mapping)]


def _types(node: dict[str, Any]) -> set[str]:
    found = node.get("type", node.get("@type", []))
    names = found if isinstance(found, list) else [found]
    return {str(n).rsplit(":", 1)[-1].rsplit("#", 1)[-1] for n in names}


def _annotations(node: Any, pointer: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every annotation in a list, page, collection (embedded pages) or JSON-LD @graph."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _annotations(item, f"{pointer}/{index}")
    elif isinstance(node, dict):
        types = _types(node)
        if "Annotation" in types:
            yield node, pointer or "/"
        for key in ("items", "@graph", "first", "next"):
            if key in node and not ("Annotation" in types and key == "items"):
                yield from _annotations(node[key], f"{pointer}/{key}")


def _targets(annotation: dict[str, Any]) -> list[Any]:
    target = annotation.get("target", [])
    return target if isinstance(target, list) else [target]


def _source_iri(items: list[tuple[dict[str, Any], str]]) -> str | None:
    for annotation, _ in items:
        for target in _targets(annotation):
            if isinstance(target, dict) and isinstance(target.get("source"), str):
                return str(target["source"])
    return None


def _document_text(path: Path, annotations: list[dict[str, Any]]) -> str:
    beside = path.with_suffix(".txt")
    if beside.is_file():
        return read_text(beside)
    source = _source_iri([(a, "") for a in annotations])
    if source:
        named = path.parent / source.removeprefix("file://").rsplit("/", 1)[-1]
        if named.is_file() and named.resolve().parent == path.parent.resolve():
            return read_text(named)
    raise InputError.single(path, f"no text to annotate: put it in {beside.name} beside the file")


def _bodies(annotation: dict[str, Any]) -> list[Any]:
    body = annotation.get("body", [])
    bodies = body if isinstance(body, list) else [body]
    if "bodyValue" in annotation:
        bodies.append(
            {"type": "TextualBody", "purpose": "tagging", "value": annotation["bodyValue"]}
        )
    return bodies


def _purpose(body: dict[str, Any]) -> str:
    return str(body.get("purpose", "")).rsplit(":", 1)[-1].rsplit("#", 1)[-1]


def _read(export: Export, annotation: dict[str, Any], place: str) -> Iterator[Problem]:
    labels, notes, wikidata, modality = [], [], None, None
    for body in _bodies(annotation):
        if isinstance(body, str):
            wikidata = wikidata or wikidata_id(body)
            continue
        if not isinstance(body, dict):
            continue
        purpose, value = _purpose(body), body.get("value")
        iri = body.get("source", body.get("id"))
        if purpose in ("identifying", "") and isinstance(iri, str) and wikidata_id(iri):
            wikidata = wikidata_id(iri)
        elif purpose == "tagging" and isinstance(value, str):
            labels.append(value)
        elif purpose == "classifying" and isinstance(value, str):
            modality = value
        elif isinstance(value, str):
            notes.append(value)
    if not labels and str(annotation.get("motivation", "")).endswith("tagging") and notes:
        labels.append(notes.pop(0))  # a tagging annotation whose body names no purpose
    if len(labels) != 1:
        yield Problem(place, f"an annotation needs exactly one tagging body, has {labels}")
        return
    ident = str(annotation.get("id", annotation.get("@id", place)))
    if str(annotation.get("motivation", "")).endswith("linking"):
        yield from _link(export, annotation, labels[0], place)
        return
    found = _selected_span(export.text, _targets(annotation), place)
    if isinstance(found, Problem):
        yield found
        return
    start, end, exact = found
    mark = Mark(ident, labels[0], start, end, exact, place, parse_notes(*notes), wikidata)
    mark.modality = modality
    export.marks.append(mark)


def _link(export: Export, annotation: dict[str, Any], role: str, place: str) -> Iterator[Problem]:
    ends = [
        t.get("id", t.get("source")) if isinstance(t, dict) else t for t in _targets(annotation)
    ]
    if len(ends) != 2 or not all(isinstance(e, str) for e in ends):
        yield Problem(place, "a linking annotation needs two targets: the annotations it links")
        return
    export.links.append(Link(role, str(ends[0]), str(ends[1]), place))


def _selected_span(text: str, targets: list[Any], place: str) -> tuple[int, int, str] | Problem:
    """The span a target's selectors pick: by position (checked against the quote if there
    is one), else by quote (located with its prefix and suffix)."""
    target = next((t for t in targets if isinstance(t, dict) and "selector" in t), None)
    if target is None:
        return Problem(place, "the target has no selector")
    raw = target["selector"]
    listed = raw if isinstance(raw, list) else [raw]
    selectors = {_types(s).pop(): s for s in listed if isinstance(s, dict) and _types(s)}
    position, quote = selectors.get("TextPositionSelector"), selectors.get("TextQuoteSelector")
    fragment = re.fullmatch(
        r"char=(\d+),(\d+)", str(selectors.get("FragmentSelector", {}).get("value", ""))
    )
    if position is None and fragment:  # RFC 5147 text fragment, as the model allows
        position = {"start": int(fragment[1]), "end": int(fragment[2])}
    exact = quote.get("exact") if quote else None
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            return Problem(place, "a TextPositionSelector needs integer start and end")
        return start, end, exact if isinstance(exact, str) else text[start:end]
    if not isinstance(exact, str) or not exact:
        return Problem(place, "no TextPositionSelector and no TextQuoteSelector with `exact`")
    assert quote is not None
    prefix, suffix = str(quote.get("prefix", "")), str(quote.get("suffix", ""))
    found = _locate(text, exact, prefix, suffix)
    if found is None:
        return Problem(place, f"the quote {exact[:60]!r} is not found (once) in the text")
    return found, found + len(exact), exact


def _locate(text: str, exact: str, prefix: str, suffix: str) -> int | None:
    """Where `prefix exact suffix` occurs once (the quote alone if that is unique)."""
    hits: list[int] = []
    index = text.find(exact)
    while index >= 0:
        after = index + len(exact)
        before_ok = text[max(0, index - len(prefix)) : index] == prefix
        if before_ok and text[after : after + len(suffix)] == suffix:
            hits.append(index)
        index = text.find(exact, index + 1)
    return hits[0] if len(hits) == 1 else None
