"""A subgraph's links spread out one per statement: what every export writes as its edges.

A `VizEdge` bundles every statement behind one (claimant, relation, target) link, which is
right for a picture and wrong for a tool that counts or filters: Gephi would see one edge
where three accusations were made. Here each statement becomes its own `Link`, carrying its
kind, act, quote, date, modality and source; a link no statement backs (part-of,
speaks-for) stays one `Link` without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from viz.model import Evidence, Source, Subgraph, VizEdge


@dataclass(frozen=True)
class Link:
    """One directed link between two nodes: a statement, or a relation no statement backs."""

    id: str
    source: str
    target: str
    relation: str  # the property graph's relationship type: ACCUSED, PART_OF …
    kind: str  # the statement kind (accusation …), else the relation in words (part-of)
    statement: str | None = None
    act: str | None = None
    quote: str | None = None
    date: str | None = None
    modality: str | None = None
    document: Source | None = None

    @property
    def day(self) -> str | None:
        """The date without its time (`2022-03-15`): what a timeline steps through."""
        return self.date[:10] if self.date else None

    @property
    def label(self) -> str:
        """What a tool shows on the edge: the alleged act, else the kind."""
        return self.act or self.kind


def statement_links(subgraph: Subgraph) -> list[Link]:
    """Every statement of every edge as its own link, in the subgraph's edge order and by
    date within an edge."""
    return [link for edge in subgraph.edges for link in _links(edge)]


def _links(edge: VizEdge) -> list[Link]:
    kind = edge.kind.value if edge.kind is not None else relation_words(edge.relation)
    if not edge.evidence:
        link_id = f"{edge.source} {edge.relation} {edge.target}"
        return [Link(link_id, edge.source, edge.target, edge.relation, kind)]
    return [_statement_link(edge, kind, said) for said in edge.evidence]


def _statement_link(edge: VizEdge, kind: str, said: Evidence) -> Link:
    # A statement with two targets backs two edges: its IRI and the target make the id.
    return Link(
        f"{said.statement} {edge.target}",
        edge.source,
        edge.target,
        edge.relation,
        kind,
        said.statement,
        said.act,
        said.quote or None,
        said.date,
        said.modality,
        said.document,
    )


def relation_words(relation: str) -> str:
    """`PART_OF` → `part-of`: a relationship type as the lower-case word tools show."""
    return relation.lower().replace("_", "-")


def short_id(iri: str) -> str:
    """The last two steps of an IRI's path (`svr-nato-false-flag/s7`): a statement's document
    and its own id, short enough for a label and still unique in practice."""
    return "/".join(iri.rstrip("/").rsplit("/", 2)[-2:])


# Characters XML 1.0 cannot hold at all, not even escaped: a quote pasted with a form feed in
# it would otherwise make the whole GEXF or GraphML file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text with each character XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
