"""What the annotation tools have in common: labelled spans and labelled links between them.

Each tool's loader turns its export into an `Export` (spans, links, document metadata, in
the tool's own label names) and `loaders.assemble` turns that into an `AnnotatedDocument`,
so the rules for actors, acts and statements are written once for all four tools.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.errors import InputError
from loaders.source import read_json

NOTE_KEYS = frozenset(
    {
        "id",
        "name",
        "alias",
        "aliases",
        "wikidata",
        "label",
        "types",
        "date",
        "modality",
        "act",
        "act-label",
        "act-types",
    }
)
_NOTE = re.compile(r"^\s*([A-Za-z-]+)\s*:\s*(.*?)\s*$")
_WIKIDATA = re.compile(r"(?:wikidata:|wd:|wikidata\.org/(?:wiki|entity)/)(Q[1-9][0-9]*)\b", re.I)


@dataclass
class Mark:
    """One labelled span: an actor mention, an act, a statement (its quote or trigger)."""

    key: str  # the tool's id for it (T1, a region id, an entity id)
    label: str  # the tool's label name, before mapping
    start: int
    end: int
    text: str | None  # what the tool says the span reads, checked against the document
    place: str  # where it is in the file (line 12, /0/annotations/0/result/3)
    notes: dict[str, str] = field(default_factory=dict)
    wikidata: str | None = None
    modality: str | None = None  # the tool's value name, before mapping
    default_id: str | None = None  # a statement id the tool implies (brat E3 → s3)
    fragments: list[tuple[int, int]] = field(default_factory=list)  # brat's discontinuous parts
    same_as: list[str] = field(default_factory=list)  # keys the tool gives one entity (brat N, *)


@dataclass
class Link:
    """A labelled, directed link: an event role or relation, from `source` to `target`."""

    role: str  # the tool's role or relation name, before mapping
    source: str  # Mark key
    target: str  # Mark key
    place: str


@dataclass
class Export:
    """One document as a tool exported it."""

    source: str  # the file, for error messages
    text: str
    metadata: dict[str, Any]
    marks: list[Mark] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    default_id: str = "document"


def parse_notes(*texts: str) -> dict[str, str]:
    """`key: value` pairs from free-text notes, one per line or separated by `;`.

    Unknown keys and lines that are not `key: value` are the annotator's prose, kept out.
    A Wikidata id anywhere in the notes (`wd:Q159`, a wikidata.org link) is taken too.
    """
    found: dict[str, str] = {}
    for text in texts:
        for part in re.split(r"[;\n]", text):
            match = _NOTE.match(part)
            if match and match.group(1).lower() in NOTE_KEYS:
                key = match.group(1).lower()
                key = "aliases" if key == "alias" else key
                value = match.group(2)
                repeated = key == "aliases" and key in found
                found[key] = f"{found[key]} | {value}" if repeated else value
        wikidata = wikidata_id(text)
        if wikidata and "wikidata" not in found:
            found["wikidata"] = wikidata
    return found


def wikidata_id(text: str) -> str | None:
    """`Q159` from `Wikidata:Q159`, `wd:Q159` or a wikidata.org link; else None."""
    match = _WIKIDATA.search(text)
    if match:
        return match.group(1)
    bare = text.strip()
    return bare if re.fullmatch(r"Q[1-9][0-9]*", bare) else None


def split_list(value: str, separators: str = "|") -> list[str]:
    """`a | b | c` (or `a, b` with `,` among the separators) as a list, blanks dropped."""
    return [item.strip() for item in re.split(f"[{re.escape(separators)}]", value) if item.strip()]


def read_sidecar(path: Path) -> dict[str, Any]:
    """The optional metadata file beside an export (`NAME.json`): a JSON object, or {}."""
    if not path.is_file():
        return {}
    data = read_json(path)
    if not isinstance(data, dict):
        raise InputError.single(path, "expected a JSON object of document metadata", "/")
    return data
