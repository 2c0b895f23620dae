"""A STIX 2.1 bundle, for OpenCTI, MISP and the threat-intelligence tools where the DISARM
disinformation framework lives.

What each source says stays its claim, never our assertion:
- each actor is an `identity` (never a `threat-actor`: nobody here has judged it one);
- each statement is a `note` whose content is the quote, whose author is the claimant and
  whose `object_refs` name the claimant and every target; its kind, act, date, modality and
  IRI ride in a property extension (`extension-definition` for `ag:Statement`), its kind
  and modality also as labels. An `attributed-to` relationship would turn an allegation into
  a fact in the reader's tool, so none is written;
- each source document is a `report` whose `object_refs` hold what it says (its notes and
  the actors they name);
- part-of and speaks-for links, which investigators annotate, are relationships.
Ids are UUIDv5 from the IRIs, and every timestamp is the latest date the export holds, so
exporting the same graph again gives the same bundle and a tool updates rather than adds.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ontology import AG, ActorKind
from ontology.namespace import ONTOLOGY_IRI
from viz.exports.links import Link, statement_links
from viz.model import Source, Subgraph, VizNode
from viz.style import edge_style

NAME = "stix"
MEDIA_TYPE = "application/stix+json;version=2.1"
SUFFIX = ".json"
DESCRIPTION = "STIX 2.1 bundle: actors as identities, statements as notes, documents as reports"

SPEC_VERSION = "2.1"
EXTENSION = "property-extension"
_EPOCH = "1970-01-01T00:00:00.000Z"  # when nothing in the export carries a date
_CLASSES = {
    ActorKind.Person.value: "individual",
    ActorKind.ArmedGroup.value: "group",
    **{
        kind.value: "organization"
        for kind in ActorKind
        if kind not in (ActorKind.Person, ActorKind.ArmedGroup)
    },
}

Stix = dict[str, Any]


def stix_id(kind: str, iri: str) -> str:
    """`kind--UUIDv5(IRI)`: the same resource gets the same id in every export."""
    return f"{kind}--{uuid.uuid5(uuid.NAMESPACE_URL, iri)}"


PRODUCER = stix_id("identity", str(ONTOLOGY_IRI))
STATEMENT_EXTENSION = stix_id("extension-definition", str(AG.Statement))


def write(subgraph: Subgraph) -> bytes:
    """The subgraph as a STIX 2.1 bundle (UTF-8 JSON)."""
    links = statement_links(subgraph)
    stamp = _latest(links)
    names = {node.iri: node.label for node in subgraph.nodes}
    notes = [_note(group, names, stamp) for group in _by_statement(links)]
    objects: list[Stix] = [
        _producer(stamp),
        _extension_definition(stamp),
        *(_identity(node, stamp) for node in subgraph.nodes),
        *(note for note, _ in notes),
        *(_relationship(link, stamp) for link in links if link.statement is None),
        *_reports(notes, stamp),
    ]
    bundle = {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid5(uuid.NAMESPACE_URL, ' '.join(o['id'] for o in objects))}",
        "objects": objects,
    }
    return json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _common(kind: str, object_id: str, stamp: str) -> Stix:
    return {
        "type": kind,
        "spec_version": SPEC_VERSION,
        "id": object_id,
        "created": stamp,
        "modified": stamp,
    }


def _producer(stamp: str) -> Stix:
    """allegraph itself, the author of the extension definition."""
    return {
        **_common("identity", PRODUCER, stamp),
        "name": "allegraph",
        "identity_class": "system",
        "description": "The knowledge graph of allegations this bundle was exported from.",
    }


def _extension_definition(stamp: str) -> Stix:
    return {
        **_common("extension-definition", STATEMENT_EXTENSION, stamp),
        "created_by_ref": PRODUCER,
        "name": "allegraph statement",
        "description": "What an allegraph statement note records beyond its quote: the kind "
        "of speech act, the alleged act, when it was said, how firmly, and its IRI.",
        "schema": str(AG.Statement),
        "version": "1.0.0",
        "extension_types": [EXTENSION],
    }


def _identity(node: VizNode, stamp: str) -> Stix:
    return {
        **_common("identity", stix_id("identity", node.iri), stamp),
        "name": node.label,
        "identity_class": _CLASSES.get(node.kind, "unknown"),
        "description": f"{node.kind} in allegraph",
        "external_references": [{"source_name": "allegraph", "external_id": node.iri}],
    }


def _by_statement(links: list[Link]) -> list[list[Link]]:
    """The links of each statement together (one per target), in order of first link."""
    grouped: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        if link.statement is not None:
            grouped[link.statement].append(link)
    return list(grouped.values())


def _note(links: list[Link], names: dict[str, str], stamp: str) -> tuple[Stix, Link]:
    """One statement as a note, and its first link (which holds what all of them share)."""
    said = links[0]
    assert said.statement is not None
    claimant = names.get(said.source, said.source)
    targets = [link.target for link in links]
    abstract = (
        f"{claimant} {edge_style(said.relation).verb} "
        f"{', '.join(names.get(t, t) for t in targets)}" + (f": {said.act}" if said.act else "")
    )
    details = {
        "extension_type": EXTENSION,
        "statement": said.statement,
        "kind": said.kind,
        "claimant": said.source,
        "targets": targets,
        "act": said.act,
        "date": said.date,
        "modality": said.modality,
        "document": said.document.iri if said.document else None,
    }
    note = {
        **_common("note", stix_id("note", said.statement), stamp),
        "abstract": abstract,
        "content": said.quote or abstract,
        "authors": [claimant],
        "object_refs": [stix_id("identity", iri) for iri in dict.fromkeys([said.source, *targets])],
        "labels": [label for label in (said.kind, said.modality) if label],
        "external_references": _document_reference(said.document),
        "extensions": {STATEMENT_EXTENSION: {k: v for k, v in details.items() if v is not None}},
    }
    return {k: v for k, v in note.items() if v}, said


def _document_reference(document: Source | None) -> list[Stix]:
    if document is None:
        return []
    reference: Stix = {
        "source_name": document.publisher or "source document",
        "description": document.title,
    }
    if document.url:
        reference["url"] = document.url
    return [reference]


def _relationship(link: Link, stamp: str) -> Stix:
    rel_id = stix_id("relationship", link.id)
    return {
        **_common("relationship", rel_id, stamp),
        "relationship_type": link.kind,
        "source_ref": stix_id("identity", link.source),
        "target_ref": stix_id("identity", link.target),
    }


def _reports(notes: list[tuple[Stix, Link]], stamp: str) -> Iterable[Stix]:
    """One report per source document, holding its notes and the actors they name."""
    held: dict[str, list[str]] = defaultdict(list)
    documents: dict[str, Source] = {}
    for note, said in notes:
        if said.document is not None:
            documents[said.document.iri] = said.document
            held[said.document.iri] += [note["id"], *note["object_refs"]]
    for iri, document in sorted(documents.items()):
        reference: Stix = {"source_name": "allegraph", "external_id": iri}
        report = {
            **_common("report", stix_id("report", iri), stamp),
            "name": document.title,
            "description": f"Published by {document.publisher}" if document.publisher else None,
            "published": _timestamp(document.issued) or stamp,
            "object_refs": list(dict.fromkeys(held[iri])),
            "external_references": [reference, *_document_reference(document)],
        }
        yield {k: v for k, v in report.items() if v is not None}


def _latest(links: list[Link]) -> str:
    """The latest date of any statement or document in the export, as a STIX timestamp."""
    dates = [link.date for link in links if link.date]
    dates += [link.document.issued for link in links if link.document and link.document.issued]
    stamps = [stamp for stamp in map(_timestamp, dates) if stamp is not None]
    return max(stamps, default=_EPOCH)


def _timestamp(value: str | None) -> str | None:
    """An ISO 8601 date or date-time as STIX wants it (UTC, milliseconds, `Z`); None for
    anything else (a year alone)."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
