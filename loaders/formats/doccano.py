"""doccano's JSONL export: one document per line, `text` with its `entities`
(`id`, `label`, `start_offset`, `end_offset`) and `relations` (`id`, `from_id`, `to_id`,
`type`), as the sequence-labelling-with-relations project writes them; older exports'
`"label": [[start, end, "LABEL"], …]` are read too.

Other keys of a line (or of its `meta`) are document metadata: `doc_id`, `title`, `url`,
`publisher`, `published`, `language`; `notes` maps a span id to its notes (`name: …`).
Lines nobody labelled are skipped. Problems are reported by line.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from loaders.assemble import assemble_each, only_document
from loaders.errors import InputError, Problem
from loaders.mapping import DEFAULT, LabelMapping
from loaders.model import AnnotatedDocument
from loaders.names import slug
from loaders.source import load_json, read_text, too_deep
from loaders.spans import Export, Link, Mark, parse_notes

NAME = "doccano"
SUFFIXES = (".jsonl", ".json1")
_META = ("title", "url", "publisher", "published", "language")


def detect(path: Path, head: str) -> bool:
    """A `.jsonl` (or doccano's old `.json1`) whose first line is a labelled text."""
    if path.suffix.lower() not in (*SUFFIXES, ".json"):
        return False
    first = head.lstrip().split("\n", 1)[0]
    if too_deep(first) is not None:  # not parsed here: a loader reports it, this one if
        return path.suffix.lower() in SUFFIXES  # the file is a .jsonl, native if a .json
    try:
        line = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(line, dict) and "text" in line and _is_doccano(line)


# Parts of allegraph's own document that a doccano line does not have (its other keys,
# title or language, doccano exports too, from the project's metadata columns).
_NATIVE_ONLY = frozenset(AnnotatedDocument.model_fields) & {"acts", "statements"}


def _is_doccano(line: dict[str, Any]) -> bool:
    if _NATIVE_ONLY & line.keys():
        return False
    entities = line.get("entities")
    if isinstance(entities, list):
        if not entities and isinstance(line.get("id"), str):
            return False  # doccano numbers its lines; a one-line native document has a name
        return all(isinstance(e, dict) and "start_offset" in e for e in entities)
    return isinstance(line.get("label", line.get("labels")), list)


def parse(path: Path, mapping: LabelMapping = DEFAULT) -> AnnotatedDocument:
    return only_document(path, parse_all(path, mapping), "labelled line")


def parse_all(path: Path, mapping: LabelMapping = DEFAULT) -> list[AnnotatedDocument]:
    """Every labelled line of the file; every problem of every line is reported."""
    stem = slug(path.stem) or "doccano"
    lines = enumerate(read_text(path).splitlines(), start=1)
    exports = (
        partial(line_export, str(path), raw, number, stem) for number, raw in lines if raw.strip()
    )
    return assemble_each(path, exports, mapping)


def line_export(source: str, raw: str, number: int, stem: str) -> Export | None:
    """One line as an `Export`, or None when it carries no labels."""
    place = f"line {number}"
    line = load_json(source, raw, line=number)
    if not isinstance(line, dict) or not isinstance(line.get("text"), str):
        raise InputError.single(source, "expected an object with a `text` string", place)
    meta: dict[str, Any] = line["meta"] if isinstance(line.get("meta"), dict) else {}
    fields = {**meta, **line}
    export = Export(source, line["text"], {k: fields[k] for k in _META if k in fields})
    ident = fields.get("doc_id", fields.get("document_id"))
    export.metadata["id"] = ident if isinstance(ident, str) else None
    export.default_id = f"doccano-{line['id']}" if "id" in line else f"{stem}-{number}"
    notes = fields.get("notes") if isinstance(fields.get("notes"), dict) else {}
    problems: list[Problem] = []
    _entities(export, line, place, notes, problems)
    _relations(export, line, place, problems)
    if problems:
        raise InputError(source, problems)
    return export if export.marks else None


def _entities(
    export: Export, line: dict[str, Any], place: str, notes: Any, problems: list[Problem]
) -> None:
    if isinstance(line.get("entities"), list):
        spans = [
            (e.get("id", i), e.get("label"), e.get("start_offset"), e.get("end_offset"), i)
            for i, e in enumerate(line["entities"])
            if isinstance(e, dict)
        ]
        field = "entities"
    else:
        old = line.get("label", line.get("labels")) or []
        spans = [(i, *_triple(item), i) for i, item in enumerate(old)]
        field = "label" if "label" in line else "labels"
    for key, label, start, end, index in spans:
        where = f"{place}, /{field}/{index}"
        if not isinstance(start, int) or not isinstance(end, int) or not isinstance(label, str):
            problems.append(Problem(where, "a span needs a label and integer offsets"))
            continue
        note = notes.get(str(key)) if isinstance(notes, dict) else None
        mark_notes = parse_notes(note) if isinstance(note, str) else {}
        export.marks.append(Mark(str(key), label, start, end, None, where, mark_notes))


def _triple(item: Any) -> tuple[Any, Any, Any]:
    """`[start, end, "LABEL"]` as (label, start, end); anything else as blanks."""
    if isinstance(item, list) and len(item) == 3:
        return item[2], item[0], item[1]
    return None, None, None


def _relations(export: Export, line: dict[str, Any], place: str, problems: list[Problem]) -> None:
    for index, relation in enumerate(line.get("relations") or []):
        where = f"{place}, /relations/{index}"
        if not isinstance(relation, dict) or not isinstance(relation.get("type"), str):
            problems.append(Problem(where, "a relation needs from_id, to_id and a type"))
            continue
        source, target = str(relation.get("from_id")), str(relation.get("to_id"))
        export.links.append(Link(relation["type"], source, target, where))
