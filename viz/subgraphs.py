"""Builders: one investigator question in, the subgraph of its answer out.

Each takes an open `RDFStore` (details always come from there) and, where the question can
be answered in Cypher, an optional `CypherBackend` (None answers it in SPARQL). Actors are
IRIs here: resolving what a person typed is the caller's job (`graph.rdf.actors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, URIRef

from graph import queries
from graph.property.backend import CypherBackend
from graph.rdf.network import ACTORS_GRAPH, NETWORK_GRAPH
from graph.rdf.ntriples import iri_text
from graph.rdf.store import RDFStore
from graph.sync.mapping import relationship_type
from loaders.errors import NotFoundError, ResultTooLarge, UsageError
from ontology import AG
from ontology.namespace import RDF
from viz.details import EdgeKey, node_details, sources_of, with_evidence
from viz.model import Evidence, Subgraph, VizEdge, assemble

MAX_NODES = 20_000  # a picture beyond this is unreadable and slow to open: refused


def _subgraph(
    store: RDFStore, nodes: Iterable[str], edges: Iterable[VizEdge], title: str
) -> Subgraph:
    edge_list = list(edges)
    wanted = set(nodes) | {e.source for e in edge_list} | {e.target for e in edge_list}
    if len(wanted) > MAX_NODES:
        raise ResultTooLarge(f"{len(wanted):,} nodes is more than a picture shows ({MAX_NODES:,})")
    details = node_details(store, wanted)
    return assemble(details, edge_list, title, sources_of(store, details, edge_list))


def _actor_name(store: RDFStore, actor: str) -> str:
    rows = store.solutions(
        f"SELECT ?name WHERE {{ <{ox.NamedNode(actor).value}> a ag:Actor ; rdfs:label ?name }} "
        "ORDER BY ?name LIMIT 1"
    )
    if not rows:
        raise NotFoundError(f"no actor {actor!r} in the store")
    return str(rows[0]["name"].value)


# the whole network / neighbourhood / chains / mirrors -------------------------------------


def network_subgraph(store: RDFStore) -> Subgraph:
    """Every actor and every link between actors (accusations, denials, warnings, threats,
    part-of, speaks-for), each with its statements: what an export of everything holds."""
    rows = store.solutions(f"SELECT ?a ?p ?b WHERE {{ GRAPH <{NETWORK_GRAPH}> {{ ?a ?p ?b }} }}")
    keys = [(r["a"].value, relationship_type(r["p"].value), r["b"].value) for r in rows]
    held = f"SELECT ?a WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ ?a a ag:Actor }} }}"
    actors = [r["a"].value for r in store.solutions(held)]
    return _subgraph(store, actors, with_evidence(store, keys), "The actor network")


def neighbourhood_subgraph(
    store: RDFStore,
    actor: str,
    depth: int = 1,
    backend: CypherBackend | None = None,
    most: int | None = None,
) -> Subgraph:
    """An actor and everyone within `depth` links of it, with all links among them; with
    `most`, only the actor and the `most - 1` others with the most links among them (a busy
    actor's neighbourhood can hold thousands, unreadable and slow to gather evidence for)."""
    if depth < 0:
        raise UsageError("depth must be 0 or more")
    name = _actor_name(store, actor)
    if backend is None:
        hood = queries.neighbourhood_sparql(store, actor, depth)
    else:
        hood = queries.neighbourhood_cypher(backend, actor, depth)
    title = f"{name} and its network (depth {depth})"
    if most is not None and len(hood.actors) > most:
        title = f"{name} and the {most - 1:,} most linked of {len(hood.actors) - 1:,} around it"
        title += f" (depth {depth})"
        hood = queries.most_linked(hood, actor, most)
    return _subgraph(store, hood.actors, with_evidence(store, hood.edges), title)


def chains_subgraph(
    store: RDFStore,
    source: str,
    target: str,
    max_hops: int = 4,
    kinds: Iterable[str] | None = None,
    backend: CypherBackend | None = None,
    limit: int = queries.CHAIN_LIMIT,
) -> Subgraph:
    """Every who-accused-whom chain from one actor to another: the actors on them and the
    links of the chosen kinds between consecutive ones."""
    wanted = list(kinds or ["accusation"])
    unknown = [k for k in wanted if k not in queries.SHORTCUT_KINDS]
    if unknown:
        known = ", ".join(queries.SHORTCUT_KINDS)
        raise UsageError(f"unknown kind {unknown[0]!r}; known: {known}")
    names = _actor_name(store, source), _actor_name(store, target)
    if backend is None:
        paths = queries.chains_sparql(store, source, target, max_hops, wanted, limit)
    else:
        paths = queries.chains_cypher(backend, source, target, max_hops, wanted, limit)
    steps = {(a, b) for path in paths for a, b in pairwise(path)}
    keys = _network_links(store, steps, [str(queries.SHORTCUT_KINDS[k].shortcut) for k in wanted])
    actors = {source, target} | {a for path in paths for a in path}
    title = f"Chains from {names[0]} to {names[1]} ({len(paths)} found)"
    return _subgraph(store, actors, with_evidence(store, keys), title)


def _network_links(
    store: RDFStore, pairs: Iterable[tuple[str, str]], predicates: Iterable[str]
) -> list[EdgeKey]:
    """The (source, relation, target) links of the given predicates between given pairs."""
    pair_list = sorted(set(pairs))
    if not pair_list:
        return []
    values = " ".join(
        f"(<{ox.NamedNode(a).value}> <{ox.NamedNode(b).value}>)" for a, b in pair_list
    )
    chosen = " ".join(f"<{ox.NamedNode(p).value}>" for p in predicates)
    rows = store.solutions(
        f"SELECT DISTINCT ?a ?p ?b WHERE {{ VALUES (?a ?b) {{ {values} }} VALUES ?p {{ {chosen} }} "
        f"GRAPH <{NETWORK_GRAPH}> {{ ?a ?p ?b }} }}"
    )
    return [(r["a"].value, relationship_type(r["p"].value), r["b"].value) for r in rows]


def _links_among(store: RDFStore, actors: Iterable[str], predicates: list[str]) -> list[EdgeKey]:
    """The links of the given predicates from any of `actors` to any other of them."""
    values = " ".join(f"<{ox.NamedNode(a).value}>" for a in sorted(set(actors)))
    if not values:
        return []
    chosen = " ".join(f"<{ox.NamedNode(p).value}>" for p in predicates)
    rows = store.solutions(
        f"SELECT DISTINCT ?a ?p ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
        f"VALUES ?p {{ {chosen} }} GRAPH <{NETWORK_GRAPH}> {{ ?a ?p ?b }} }}"
    )
    return [(r["a"].value, relationship_type(r["p"].value), r["b"].value) for r in rows]


def mirrors_subgraph(
    store: RDFStore,
    backend: CypherBackend | None = None,
    same_act_type: bool = True,
    roll_up: bool = True,
    offset: int = 0,
    limit: int | None = None,
) -> Subgraph:
    """Actors that accuse each other: the accusations both ways and, when rolled up, the
    part-of / speaks-for links that make them one side (the SVR for Russia). `offset` and
    `limit` take a page of the pairs (in the order of their IRIs): a large corpus has
    thousands."""
    if backend is None:
        found = queries.mirrors_sparql(store, same_act_type, roll_up)
    else:
        found = queries.mirrors_cypher(backend, same_act_type, roll_up)
    pairs = list(dict.fromkeys((m.a, m.b) for m in found))
    shown = pairs[offset : None if limit is None else offset + limit]
    title = f"Mirror accusations ({len(pairs)})"
    if len(shown) < len(pairs):
        title = f"Mirror accusations {offset + 1}–{offset + len(shown)} of {len(pairs)}"
    wanted = set(shown)
    return mirror_pairs_subgraph(store, [m for m in found if (m.a, m.b) in wanted], roll_up, title)


def mirror_pairs_subgraph(
    store: RDFStore, found: list[queries.Mirror], roll_up: bool, title: str
) -> Subgraph:
    """The picture of the given mirror pairs, with the accusations that make each side."""
    sides = {(m.a, m.b, m.act_type) for m in found} | {(m.b, m.a, m.act_type) for m in found}
    accusations = _accusations_between(store, sides, roll_up)
    actors = {a for m in found for a in (m.a, m.b)} | {a for pair in accusations for a in pair}
    keys: list[EdgeKey] = [(c, "ACCUSED", t) for c, t in accusations]
    if roll_up:
        up = [str(AG.partOf), str(AG.speaksFor)]
        keys += _links_among(store, actors, up)
    return _subgraph(store, actors, with_evidence(store, keys), title)


def _accusations_between(
    store: RDFStore, sides: set[tuple[str, str, str | None]], roll_up: bool
) -> set[tuple[str, str]]:
    """(claimant, target) of the accusations that make up each side of a mirror.

    Rolled up in the actor network graph first, then checked against the statements for
    the act type: one query joining roll-up paths to every statement took 13 s on 300
    documents."""
    if not sides:
        return set()
    ends = {x for x, _, _ in sides} | {y for _, y, _ in sides}
    below = _rolled_up(store, ends) if roll_up else {e: {e} for e in ends}
    accused = set(_links_among(store, set().union(*below.values()), [str(AG.accused)]))
    wanted = {
        (c, t, k)
        for x, y, k in sides
        for c in below[x]
        for t in below[y]
        if (c, "ACCUSED", t) in accused
    }
    if not wanted:
        return set()

    def iri(value: str | None) -> str:
        return "UNDEF" if value is None else iri_text(value)

    values = " ".join(f"({iri(c)} {iri(t)} {iri(k)})" for c, t, k in sorted(wanted, key=str))
    rows = store.solutions(
        f"SELECT DISTINCT ?c ?t WHERE {{ VALUES (?c ?t ?k) {{ {values} }} "
        "?s a ag:Accusation ; ag:claimant ?c ; ag:target ?t . "
        "OPTIONAL { ?s ag:allegedAct/ag:actType ?type } FILTER (!BOUND(?k) || ?type = ?k) }"
    )
    return {(r["c"].value, r["t"].value) for r in rows}


def _rolled_up(store: RDFStore, sides: set[str]) -> dict[str, set[str]]:
    """Each side and every actor part of it or speaking for it, at any depth."""
    values = " ".join(f"<{ox.NamedNode(a).value}>" for a in sorted(sides))
    rows = store.solutions(
        f"SELECT DISTINCT ?c ?x WHERE {{ VALUES ?x {{ {values} }} "
        f"GRAPH <{NETWORK_GRAPH}> {{ ?c (ag:partOf|ag:speaksFor)* ?x }} }}"
    )
    found: dict[str, set[str]] = {side: {side} for side in sides}
    for row in rows:
        found[row["x"].value].add(row["c"].value)
    return found


# arbitrary queries -------------------------------------------------------------------------


def cypher_subgraph(
    store: RDFStore,
    backend: CypherBackend,
    query: str,
    parameters: dict[str, Any] | None = None,
    timeout_ms: int | None = 30_000,
) -> Subgraph:
    """The nodes, relationships and paths a read-only Cypher query returns (the database
    refuses a write). Shortcut links keep only the statements the query returned."""
    rows = backend.read(query, parameters or {}, timeout_ms)
    nodes: set[str] = set()
    relationships: list[dict[str, Any]] = []
    for value in _graph_values(rows):
        if "relationships" in value:
            nodes.update(n["iri"] for n in value["nodes"] if n.get("iri"))
            relationships.extend(value["relationships"])
        elif "type" in value:
            relationships.append(value)
        elif value.get("iri"):
            nodes.add(value["iri"])
    if rows and not nodes and not relationships:
        raise UsageError(
            "the Cypher query returned no nodes, relationships or paths to draw "
            "(return them, e.g. MATCH p = (a)-[:ACCUSED]->(b) RETURN p)"
        )
    _check_ends(relationships)
    statements: dict[EdgeKey, set[str]] = {}
    for rel in relationships:
        key = (rel["start"], rel["type"], rel["end"])
        said = rel.get("properties", {}).get("statement")
        statements.setdefault(key, set()).update([said] if isinstance(said, str) else [])
    edges = [
        VizEdge(e.source, e.target, e.relation, _only(e, statements[e.key]))
        for e in with_evidence(store, statements)
    ]
    return _subgraph(store, nodes, edges, "Cypher query")


_SHAPES = ({"nodes", "relationships"}, {"type", "start", "end"}, {"iri", "labels"})


def _graph_values(value: Any) -> Iterator[dict[str, Any]]:
    """Nodes, relationships and paths anywhere in the rows (in lists and maps too), in the
    plain shapes every backend returns (graph/property/backend.py)."""
    if isinstance(value, dict):
        if any(shape <= value.keys() for shape in _SHAPES):
            yield value
        else:
            for inner in value.values():
                yield from _graph_values(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _graph_values(inner)


def _check_ends(relationships: list[dict[str, Any]]) -> None:
    """Every backend names a relationship's ends by IRI (graph/property/backend.py); a node without
    one is not allegraph's and cannot be drawn with its details."""
    if any(not isinstance(r.get(side), str) for r in relationships for side in ("start", "end")):
        raise UsageError("the Cypher query returned relationships between nodes without an IRI")


def _only(edge: VizEdge, statements: set[str]) -> tuple[Evidence, ...]:
    if not statements:
        return edge.evidence
    return tuple(e for e in edge.evidence if e.statement in statements)


def sparql_subgraph(store: RDFStore, query: str) -> Subgraph:
    """The graph a SPARQL CONSTRUCT (or DESCRIBE) builds: IRI-to-IRI triples become links
    named like the property graph's relationships (`ag:accused` → `ACCUSED`)."""
    result = store.query(query)
    if result.type not in ("CONSTRUCT", "DESCRIBE") or result.graph is None:
        raise UsageError("a picture needs a SPARQL CONSTRUCT or DESCRIBE query")
    nodes: set[str] = set()
    keys: set[EdgeKey] = set()
    for s, p, o in result.graph:
        if isinstance(s, BNode) or not isinstance(s, URIRef):
            continue
        if p == RDF.type:
            nodes.add(str(s))
        elif isinstance(o, URIRef):
            keys.add((str(s), relationship_type(str(p)), str(o)))
    return _subgraph(store, nodes, with_evidence(store, keys), "SPARQL query")
