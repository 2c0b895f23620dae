"""The investigator's questions, each in SPARQL (over the RDF store) and in Cypher (over the
synced graph), returning the same answers in the same plain shapes, in the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from math import ceil

from graph.property import cypher
from graph.property.backend import CypherBackend
from graph.rdf.network import NETWORK_GRAPH
from graph.rdf.ntriples import iri_text
from graph.rdf.store import RDFStore
from graph.sync import rolled_up_graph
from graph.sync.mapping import relationship_type, shortcut_type
from ontology import AG, StatementKind
from ontology.namespace import RDFS

CHAIN_LIMIT = 100  # chains returned at most, shortest first
SHORTCUT_KINDS = {k.value: k for k in StatementKind if k.shortcut is not None}
Path = tuple[str, ...]


@dataclass(frozen=True)
class Mirror:
    a: str
    b: str
    act_type: str | None


@dataclass(frozen=True)
class TimelineEntry:
    date: str | None
    statement: str
    kind: str
    claimant: str
    targets: tuple[str, ...]
    quote: str


def _kinds(kinds: Iterable[str] | None) -> list[StatementKind]:
    return [SHORTCUT_KINDS[k] for k in (kinds or ["accusation"])]


def _simple_paths(paths: Iterable[Iterable[str]]) -> list[Path]:
    unique = {tuple(p) for p in paths if len(set(p)) == len(tuple(p))}
    return sorted(unique, key=lambda p: (len(p), p))


# chains ----------------------------------------------------------------------------------


def chains_sparql(
    store: RDFStore,
    source: str,
    target: str,
    max_hops: int,
    kinds: Iterable[str] | None = None,
    limit: int = CHAIN_LIMIT,
) -> list[Path]:
    predicates = " ".join(iri_text(str(k.shortcut)) for k in _kinds(kinds))
    found: list[Path] = []
    for hops in range(1, max_hops + 1):
        if len(found) >= limit:
            break
        ends = [iri_text(source), iri_text(target)]
        nodes = [ends[0], *(f"?x{i}" for i in range(1, hops)), ends[1]]
        steps = " . ".join(f"{nodes[i]} ?p{i} {nodes[i + 1]}" for i in range(hops))
        values = " ".join(f"VALUES ?p{i} {{ {predicates} }}" for i in range(hops))
        middle = nodes[1:-1]
        apart = " ".join(
            f"FILTER ({a} NOT IN ({', '.join([*ends, *middle[:k]])}))" for k, a in enumerate(middle)
        )
        order = " ".join(f"STR({m})" for m in middle)
        query = (
            f"SELECT DISTINCT {' '.join(middle) or '*'} WHERE {{ {values} "
            f"GRAPH {iri_text(str(NETWORK_GRAPH))} {{ {steps} }} {apart} }} "
            f"{'ORDER BY ' + order if order else ''} LIMIT {limit - len(found)}"
        )
        for row in store.solutions(query):
            found.append((source, *(row[m[1:]].value for m in middle), target))
    return _simple_paths(found)


def chains_cypher(
    backend: CypherBackend,
    source: str,
    target: str,
    max_hops: int,
    kinds: Iterable[str] | None = None,
    limit: int = CHAIN_LIMIT,
) -> list[Path]:
    found: list[Path] = []
    for hops in range(1, max_hops + 1):
        if len(found) >= limit or source == target:
            break
        found.extend(
            chains_of_length_cypher(backend, source, target, hops, kinds, limit - len(found))
        )
    return _simple_paths(found)


def chains_of_length_cypher(
    backend: CypherBackend,
    source: str,
    target: str,
    hops: int,
    kinds: Iterable[str] | None = None,
    limit: int = CHAIN_LIMIT,
) -> list[Path]:
    """The chains of exactly `hops` steps, first `limit` in order.

    Walked in result order, and only as far as the limit needs: the chains' first
    `hops - 2` steps ("stems") come a batch at a time in order (`_stems`), and one query
    per batch adds the last two steps (`cypher.chain_ends`). Every chain through a batch
    sorts before every chain through the next, so the first `limit` found are the first
    `limit` there are. Building every chain before ordering them took 1.5-2 s for 100
    4-hop chains between middling actors at 100,000 documents.
    """
    types = chain_types(kinds)
    if limit <= 0 or source == target or hops < 1:
        return []
    if hops == 1:
        parameters = {"source": source, "target": target, "limit": limit}
        return [tuple(r["actors"]) for r in backend.read(cypher.chain_edge(types), parameters)]
    found: list[Path] = []
    ends, stems = cypher.chain_ends(types), _stems(backend, source, target, hops - 2, types)
    size, taken = _FIRST_ENDS, 0
    while len(found) < limit and (batch := list(islice(stems, size))):
        parameters = {"target": target, "stems": [list(stem) for stem in batch]}
        rows = backend.read(ends, parameters | {"limit": limit - len(found)})
        found.extend((*batch[r["i"]], r["last"], target) for r in rows)
        taken += len(batch)
        size = _next_batch(size, taken, len(found), limit)
    return found


def _next_batch(size: int, taken: int, found: int, limit: int) -> int:
    """How many stems to complete next: enough for the chains still wanted at the rate so
    far, and a quarter more; twice the last batch while none were found. Between busy
    actors one stem gives hundreds of chains and between quiet ones a few, so a fixed size
    either completes stems for nothing or asks again and again."""
    if found == 0:
        return size * 2
    return max(1, ceil((limit - found) * taken / found * 1.25))


def chain_types(kinds: Iterable[str] | None) -> list[str]:
    """The relationship types a chain follows for statement kinds (`accusation` → ACCUSED)."""
    return [shortcut_type(k) for k in _kinds(kinds)]


_FIRST_ENDS = 2  # stems completed by a search's first query (see _next_batch for the others)
_FIRST_STEPS = 32  # steps asked for first from a stem; each next query asks for twice as many


def _stems(
    backend: CypherBackend, source: str, target: str, steps: int, types: list[str]
) -> Iterator[Path]:
    """The simple paths of `steps` steps from the source that avoid the target, in result
    order, lazily: each step's query runs when the step after needs more stems."""
    stems: Iterator[Path] = iter([(source,)])
    for _ in range(steps):
        stems = _step(backend, stems, target, types)
    return stems


def _step(
    backend: CypherBackend, stems: Iterator[Path], target: str, types: list[str]
) -> Iterator[Path]:
    """Each stem one step longer, in order, a limited number of steps per query (twice as
    many each time): a query that fills its limit ends inside some stem's steps, and the
    next one starts there, after the last actor given."""
    statement = cypher.chain_steps(types)
    pending: list[Path] = []
    after, limit = "", _FIRST_STEPS
    while pending := pending or list(islice(stems, max(1, limit // _FIRST_STEPS))):
        parameters = {"target": target, "stems": [list(s) for s in pending]}
        rows = backend.read(statement, parameters | {"after": after, "limit": limit})
        yield from ((*pending[r["i"]], r["next"]) for r in rows)
        if len(rows) < limit:
            pending, after = [], ""
        else:
            pending, after = pending[rows[-1]["i"] :], rows[-1]["next"]
        limit *= 2


# mirrors ---------------------------------------------------------------------------------


_UP = "(ag:partOf|ag:speaksFor)*"


def mirrors_sparql(
    store: RDFStore, same_act_type: bool = True, roll_up: bool = True
) -> list[Mirror]:
    # Two copies of one subquery (who accuses whom, rolled up), the second with its sides
    # swapped, joined: written as one pattern, Oxigraph took minutes on 150 documents.
    def accusations(accuser: str, accused: str) -> str:
        act = "ag:allegedAct/ag:actType ?k ;" if same_act_type else ""
        if roll_up:
            sides = f"?c {_UP} {accuser} . ?t {_UP} {accused} ."
        else:
            sides = f"BIND (?c AS {accuser}) BIND (?t AS {accused})"
        keep = "?k" if same_act_type else ""
        return (
            f"{{ SELECT DISTINCT {accuser} {accused} {keep} WHERE {{ "
            f"?s a ag:Accusation ; {act} ag:claimant ?c ; ag:target ?t . {sides} }} }}"
        )

    query = (
        f"SELECT DISTINCT ?x ?y {'?k' if same_act_type else ''} WHERE {{ "
        f"{accusations('?x', '?y')} {accusations('?y', '?x')} "
        f"FILTER (STR(?x) < STR(?y)) }}"
    )
    rows = store.solutions(query, _PREFIXES)
    found = {
        Mirror(r["x"].value, r["y"].value, r["k"].value if same_act_type else None) for r in rows
    }
    return sorted(found, key=lambda m: (m.a, m.b, m.act_type or ""))


def mirrors_cypher(
    backend: CypherBackend, same_act_type: bool = True, roll_up: bool = True
) -> list[Mirror]:
    """Rolled up, the mirrors the sync keeps (`graph.sync.rolled_up_graph`) while they are
    exact, else (a sync under way or cut off) computed from the accusations."""
    if roll_up and rolled_up_graph.is_exact(backend):
        return mirrors_maintained(backend, same_act_type)
    if roll_up:
        return mirrors_recomputed(backend, same_act_type)
    rows = backend.read(cypher.mirrors_without_roll_up(same_act_type))
    found = {Mirror(r["a"], r["b"], r["actType"]) for r in rows}
    return _by_pair(found)


def mirrors_maintained(backend: CypherBackend, same_act_type: bool = True) -> list[Mirror]:
    """The rolled-up mirrors as the sync keeps them: one edge per pair, read as it is."""
    found: set[Mirror] = set()
    for row in backend.read(cypher.mirrors_maintained()):
        if same_act_type:
            found.update(Mirror(row["a"], row["b"], k) for k in row["actTypes"])
        else:
            found.add(Mirror(row["a"], row["b"], None))
    return _by_pair(found)


def mirrors_recomputed(backend: CypherBackend, same_act_type: bool = True) -> list[Mirror]:
    """The rolled-up mirrors computed from the accusations (6 s at 100,000 documents): the
    sides found both ways are paired here, see `cypher.rolled_up_accusations`."""
    rows = backend.read(cypher.rolled_up_accusations(same_act_type))
    sides = {(r["a"], r["b"], r["actType"]) for r in rows}
    return _by_pair({Mirror(a, b, k) for a, b, k in sides if a < b and (b, a, k) in sides})


def _by_pair(found: Iterable[Mirror]) -> list[Mirror]:
    return sorted(found, key=lambda m: (m.a, m.b, m.act_type or ""))


# neighbourhood ---------------------------------------------------------------------------

_NETWORK = "ag:accused|ag:denied|ag:warned|ag:threatened|ag:partOf|ag:speaksFor"


@dataclass(frozen=True)
class Neighbourhood:
    actors: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]  # (source, shortcut or relation, target)


def neighbourhood_sparql(store: RDFStore, actor: str, depth: int) -> Neighbourhood:
    step = f"({_NETWORK}|^({_NETWORK}))?"
    graph = iri_text(str(NETWORK_GRAPH))
    reached: set[str] = set()
    if depth > 0:  # depth 0 is the actor alone, as in Cypher
        path = "/".join([step] * depth)
        rows = store.solutions(
            f"SELECT DISTINCT ?b WHERE {{ GRAPH {graph} {{ {iri_text(actor)} {path} ?b }} }}",
            _PREFIXES,
        )
        reached = {r["b"].value for r in rows}
    actors = sorted({actor, *reached})
    values = " ".join(iri_text(a) for a in actors)
    edges = store.solutions(
        f"SELECT DISTINCT ?a ?p ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
        f"GRAPH {graph} {{ ?a ?p ?b }} }}"
    )
    found = {(r["a"].value, _relation(r["p"].value), r["b"].value) for r in edges}
    return Neighbourhood(tuple(actors), tuple(sorted(found)))


def neighbourhood_cypher(backend: CypherBackend, actor: str, depth: int) -> Neighbourhood:
    rows = backend.read(cypher.neighbourhood(depth), {"actor": actor})
    actors = sorted({actor, *(r["actor"] for r in rows)})
    edges = backend.read(cypher.NETWORK_EDGES, {"actors": actors})
    found = {(r["source"], r["type"], r["target"]) for r in edges}
    return Neighbourhood(tuple(actors), tuple(sorted(found)))


def most_linked(hood: Neighbourhood, centre: str, most: int) -> Neighbourhood:
    """The centre and the `most - 1` actors with the most links in the neighbourhood (ties by
    IRI), and the links among them: a busy actor's neighbourhood holds thousands."""
    links: Counter[str] = Counter()
    for source, _, target in hood.edges:
        links[source] += 1
        links[target] += 1
    others = sorted((a for a in hood.actors if a != centre), key=lambda a: (-links[a], a))
    kept = {centre, *others[: max(most - 1, 0)]}
    edges = tuple(e for e in hood.edges if e[0] in kept and e[2] in kept)
    return Neighbourhood(tuple(sorted(kept)), edges)


def _relation(predicate: str) -> str:
    """`ag:accused` → `ACCUSED`, `ag:partOf` → `PART_OF`: the Cypher relationship type."""
    return relationship_type(predicate)


# timeline --------------------------------------------------------------------------------


def timeline_sparql(store: RDFStore, actor: str) -> list[TimelineEntry]:
    query = f"""
    SELECT ?s ?date ?kind ?c ?quote (GROUP_CONCAT(STR(?t); separator=" ") AS ?targets) WHERE {{
      {{ ?s ag:claimant {iri_text(actor)} }} UNION {{ ?s ag:target {iri_text(actor)} }}
      ?s a ?kind ; ag:claimant ?c ; ag:quote ?quote .
      ?kind rdfs:subClassOf ag:Statement .
      OPTIONAL {{ ?s ag:statedOn ?date }}
      OPTIONAL {{ ?s ag:target ?t }}
    }} GROUP BY ?s ?date ?kind ?c ?quote"""
    rows = store.solutions(query, {**_PREFIXES, "rdfs": str(RDFS)})
    entries = {
        TimelineEntry(
            r["date"].value if r["date"] else None,
            r["s"].value,
            r["kind"].value.rsplit("#", 1)[1],
            r["c"].value,
            tuple(sorted(set(r["targets"].value.split()))),
            r["quote"].value,
        )
        for r in rows
    }
    return _by_date(entries)


def timeline_cypher(backend: CypherBackend, actor: str) -> list[TimelineEntry]:
    rows = backend.read(cypher.TIMELINE, {"actor": actor})
    entries = {
        TimelineEntry(
            r["date"],
            r["statement"],
            r["kind"],
            r["claimant"],
            tuple(sorted(set(r["targets"]))),
            r["quote"],
        )
        for r in rows
    }
    return _by_date(entries)


def top_actors_cypher(
    backend: CypherBackend, role: str, kind: StatementKind, limit: int
) -> list[tuple[str, int]]:
    """The actors that made (`role="claimant"`) or received (`role="target"`) the most
    statements of one kind: (actor IRI, count), most first (as `graph.rdf.stats.top_actors`)."""
    rows = backend.read(cypher.top_actors(kind, role.upper()), {"limit": int(limit)})
    return [(row["actor"], row["statements"]) for row in rows]


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM, or "" for undated statements
    made: int
    received: int


def timeline_months_cypher(backend: CypherBackend, actor: str) -> list[Month]:
    """Statements an actor made and received, counted by month (undated last)."""
    counts: dict[str, dict[str, int]] = {}
    for row in backend.read(cypher.TIMELINE_MONTHS, {"actor": actor}):
        counts.setdefault(row["month"], {})[row["role"]] = row["statements"]
    months = sorted(counts, key=lambda m: (m == "", m))
    return [Month(m, counts[m].get("CLAIMANT", 0), counts[m].get("TARGET", 0)) for m in months]


def _by_date(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    return sorted(entries, key=lambda e: (e.date is None, e.date or "", e.statement))


_PREFIXES = {"ag": str(AG._NS)}
