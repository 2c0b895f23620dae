"""The plain subgraph a picture is drawn from: actors (or other resources) and the links
between them, each link with the statements that back it.

Builders (viz/subgraphs.py) fill it from the store and the graph; the renderer
(viz/render.py) only reads it, so a picture can be tested without a browser.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ontology import StatementKind

# Cypher relationship type of each shortcut → the statement kind it stands for.
SHORTCUT_RELATIONS: dict[str, StatementKind] = {
    "ACCUSED": StatementKind.accusation,
    "DENIED": StatementKind.denial,
    "WARNED": StatementKind.warning,
    "THREATENED": StatementKind.threat,
}


@dataclass(frozen=True)
class Source:
    """A document a picture draws on, named in its caption and tooltips."""

    iri: str
    title: str
    url: str | None = None
    publisher: str | None = None
    issued: str | None = None


@dataclass(frozen=True)
class Evidence:
    """One statement behind a link: what was said, when, how firmly, and where."""

    statement: str
    act: str | None
    quote: str
    date: str | None
    modality: str | None
    document: Source | None


@dataclass(frozen=True)
class VizNode:
    """An actor (kind is an `ActorKind` value) or another resource (kind is its class)."""

    iri: str
    label: str
    kind: str
    degree: int = 0
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class VizEdge:
    """A directed link of one relation (`ACCUSED`, `PART_OF` …) between two nodes."""

    source: str
    target: str
    relation: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.relation, self.target)

    @property
    def kind(self) -> StatementKind | None:
        """The statement kind of a shortcut link; None for part-of and other relations."""
        return SHORTCUT_RELATIONS.get(self.relation)

    @property
    def acts(self) -> tuple[str, ...]:
        """The distinct alleged acts of the link's statements, in order of first mention."""
        return tuple(dict.fromkeys(e.act for e in self.evidence if e.act))


@dataclass(frozen=True)
class Subgraph:
    """Nodes and edges of one picture; every edge's ends are among the nodes."""

    nodes: tuple[VizNode, ...]
    edges: tuple[VizEdge, ...]
    title: str = "allegraph network"
    sources: tuple[Source, ...] = field(default=())

    @property
    def node_iris(self) -> frozenset[str]:
        return frozenset(n.iri for n in self.nodes)

    @property
    def edge_keys(self) -> frozenset[tuple[str, str, str]]:
        """(source, relation, target) of every edge: what tests compare with queries."""
        return frozenset(e.key for e in self.edges)


def assemble(
    nodes: Iterable[VizNode],
    edges: Iterable[VizEdge],
    title: str,
    sources: Iterable[Source] = (),
) -> Subgraph:
    """A subgraph in a stable order, with degrees counted over its own edges (so node
    size says how connected an actor is in this picture, not in the whole store)."""
    edge_list = sorted(set(edges), key=lambda e: (e.source, e.relation, e.target))
    degree: Counter[str] = Counter()
    for edge in edge_list:
        degree[edge.source] += 1
        degree[edge.target] += 1
    by_iri = {n.iri: n for n in nodes}
    missing = {e.source for e in edge_list} | {e.target for e in edge_list}
    for iri in missing - by_iri.keys():
        by_iri[iri] = VizNode(iri, iri.rsplit("/", 1)[-1], "Resource")
    node_list = [replace(n, degree=degree[n.iri]) for n in by_iri.values()]
    node_list.sort(key=lambda n: (n.label.casefold(), n.iri))
    unique_sources = {s.iri: s for s in sources}
    ordered = sorted(unique_sources.values(), key=lambda s: (s.title.casefold(), s.iri))
    return Subgraph(tuple(node_list), tuple(edge_list), title, tuple(ordered))
