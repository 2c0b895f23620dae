"""What the store knows about actors, statements and documents, read for people and scripts.

The investigator endpoints of the API (and any report) list and filter these; the queries
here read the RDF store, which is always current, in pages: one query picks the page of
IRIs in a stable order, a second fetches the details of just those.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from graph.rdf.mapping import document_iri, name_key
from graph.rdf.network import ACTORS_GRAPH, NETWORK_GRAPH
from graph.rdf.ntriples import iri_text
from graph.rdf.store import RDFStore
from loaders.errors import NotFoundError, UsageError
from ontology import ACTOR_KINDS, ACTORS, AG, STATEMENT_KINDS, StatementKind
from ontology.namespace import DCTERMS, OA, OWL, RDF, RDFS, SCHEMA, SKOS

ACTOR_PREFIX = str(ACTORS)
_KINDS = {str(iri): kind for kind, iri in STATEMENT_KINDS.items()}


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def _value(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str | None:
    return None if term is None else term.value


def actor_id(iri: str) -> str:
    """The short id of an actor (`Q1352849`, `jens-stoltenberg`), the tail of its IRI."""
    return iri.removeprefix(ACTOR_PREFIX)


# actors ------------------------------------------------------------------------------------


@dataclass
class Actor:
    iri: str
    names: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    same_as: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        return actor_id(self.iri)

    @property
    def name(self) -> str:
        return min(self.names) if self.names else self.id

    @cached_property
    def search_keys(self) -> set[str]:
        """Every name and alias as a case- and accent-insensitive search key (worked out
        once: every search and every lookup by name goes through all actors' keys)."""
        return {name_key(n) for n in (*self.names, *self.aliases)}


def actors(store: RDFStore) -> dict[str, Actor]:
    """Every actor with its names, aliases, kinds and same-as links.

    Read from the actors graph, which holds each of their triples once (each document
    restates the names of the actors it mentions: scanning them all took 35 s at 100,000
    documents), by a few predicates straight from Oxigraph's indexes.
    """
    ox_store, held = store.oxigraph, ox.NamedNode(str(ACTORS_GRAPH))

    def scan(predicate: object, value: ox.NamedNode | None = None) -> Iterator[tuple[str, str]]:
        for quad in ox_store.quads_for_pattern(None, ox.NamedNode(str(predicate)), value, held):
            yield _text(quad.subject), _text(quad.object)

    found = {s: Actor(s) for s, _ in scan(RDF.type, ox.NamedNode(str(AG.Actor)))}
    for kind, iri in ACTOR_KINDS.items():
        for subject, _ in scan(RDF.type, ox.NamedNode(str(iri))):
            if subject in found:
                found[subject].kinds.add(kind)
    fields = {RDFS.label: "names", SKOS.altLabel: "aliases", OWL.sameAs: "same_as"}
    for predicate, name in fields.items():
        for subject, value in scan(predicate):
            if subject in found:
                getattr(found[subject], name).add(value)
    return found


@dataclass(frozen=True)
class ActorFigures:
    made: dict[str, int]
    received: dict[str, int]
    documents: int
    part_of: tuple[str, ...]
    speaks_for: tuple[str, ...]
    parts: tuple[str, ...]
    spokespersons: tuple[str, ...]


def actor_figures(store: RDFStore, iri: str) -> ActorFigures:
    """How many statements of each kind an actor made and received, in how many documents,
    and its standing relations (from the network graph)."""
    actor = iri_text(iri)
    made = _count_by_kind(store, f"?s {iri_text(str(AG.claimant))} {actor}")
    received = _count_by_kind(store, f"?s {iri_text(str(AG.target))} {actor}")
    documents = store.solutions(
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?g {iri_text(str(AG.mentions))} "
        f"{actor} }} }}"
    )
    relations = _relations(store, iri)
    return ActorFigures(
        made,
        received,
        int(documents[0]["n"].value),
        *(
            tuple(sorted(relations.get(k, ())))
            for k in ("partOf", "speaksFor", "^partOf", "^speaksFor")
        ),
    )


def _count_by_kind(store: RDFStore, pattern: str) -> dict[str, int]:
    rows = store.solutions(
        f"SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} . ?s a ?kind }} "
        f"FILTER (?kind != {iri_text(str(AG.Statement))}) }} GROUP BY ?kind"
    )
    counts = {_KINDS[r["kind"].value]: int(r["n"].value) for r in rows if r["kind"].value in _KINDS}
    return dict(sorted(counts.items()))


def _relations(store: RDFStore, iri: str) -> dict[str, set[str]]:
    actor, graph = iri_text(iri), iri_text(str(NETWORK_GRAPH))
    predicates = f"{iri_text(str(AG.partOf))} {iri_text(str(AG.speaksFor))}"
    rows = store.solutions(
        f"SELECT ?dir ?p ?other WHERE {{ GRAPH {graph} {{ VALUES ?p {{ {predicates} }} "
        f"{{ {actor} ?p ?other BIND('' AS ?dir) }} UNION {{ ?other ?p {actor} BIND('^' AS ?dir) }}"
        f" }} }}"
    )
    found: dict[str, set[str]] = {}
    for row in rows:
        name = row["dir"].value + row["p"].value.rsplit("#", 1)[-1]
        found.setdefault(name, set()).add(row["other"].value)
    return found


def find_actor(index: dict[str, Actor], text: str) -> Actor:
    """The actor meant by an id, IRI, name or alias (case- and accent-insensitive)."""
    for candidate in (text, ACTOR_PREFIX + text):
        if candidate in index:
            return index[candidate]
    key = name_key(text)
    matches = [a for a in index.values() if key in a.search_keys or a.id == key]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(f"no actor named {text!r}")
    several = ", ".join(sorted(a.iri for a in matches))
    raise UsageError(f"{text!r} names several actors: {several}")


def search_actors(index: dict[str, Actor], query: str | None, kind: str | None) -> list[Actor]:
    """Actors whose name or alias contains `query` (case-, accent- and punctuation-blind),
    exact name matches first, then by name."""
    key = name_key(query) if query else ""
    found = [
        a
        for a in index.values()
        if (not key or any(key in k for k in a.search_keys)) and (kind is None or kind in a.kinds)
    ]
    return sorted(found, key=lambda a: (key not in a.search_keys, a.name.casefold(), a.iri))


# statements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementFilter:
    kind: StatementKind | None = None
    claimant: str | None = None
    target: str | None = None
    actor: str | None = None  # as claimant or target
    document: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def pattern(self) -> str:
        """A SPARQL group binding ?s (and ?date) to every statement that passes."""
        kind = iri_text(str(self.kind.iri if self.kind else AG.Statement))
        parts = [f"?s a {kind}"]
        if self.claimant:
            parts.append(f"?s {iri_text(str(AG.claimant))} {iri_text(self.claimant)}")
        if self.target:
            parts.append(f"?s {iri_text(str(AG.target))} {iri_text(self.target)}")
        body = " . ".join(parts)
        if self.actor:
            a, claimant, target = (
                iri_text(self.actor),
                iri_text(str(AG.claimant)),
                iri_text(str(AG.target)),
            )
            body += f" . {{ ?s {claimant} {a} }} UNION {{ ?s {target} {a} }}"
        graph = iri_text(str(document_iri(self.document))) if self.document else "?g"
        body = f"GRAPH {graph} {{ {body} OPTIONAL {{ ?s {iri_text(str(AG.statedOn))} ?date }} }}"
        if self.since:
            body += f' FILTER (BOUND(?date) && SUBSTR(STR(?date), 1, 10) >= "{self.since}")'
        if self.until:
            body += f' FILTER (BOUND(?date) && SUBSTR(STR(?date), 1, 10) <= "{self.until}")'
        return body


@dataclass(frozen=True)
class Statement:
    iri: str
    kind: str
    claimant: str
    targets: tuple[str, ...]
    quote: str
    date: str | None
    modality: str
    document: str
    act: str | None
    act_label: str | None
    act_types: tuple[str, ...]
    responds_to: tuple[str, ...]
    start: int | None
    end: int | None


def statements(
    store: RDFStore, where: StatementFilter, limit: int, offset: int
) -> tuple[int, list[Statement]]:
    """The total number of matching statements, and one page of them (oldest first)."""
    pattern = where.pattern()
    total = store.solutions(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {pattern} }}")
    page = store.solutions(
        f"SELECT DISTINCT ?s ?date WHERE {{ {pattern} }} "
        f"ORDER BY (!BOUND(?date)) STR(?date) ?s LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    return int(total[0]["n"].value), statement_details(store, [r["s"].value for r in page])


def statement_details(store: RDFStore, iris: Iterable[str]) -> list[Statement]:
    """Everything about the given statements, in the order given.

    Asked as three plain lookups (the statements' own triples, their acts', their spans) and
    put together here: one query with an OPTIONAL per property made Oxigraph join each
    OPTIONAL against every statement in the store (7 s for 25 statements at 10,000
    documents; the lookups take milliseconds)."""
    order = list(dict.fromkeys(iris))
    if not order:
        return []
    own = _triples_of(store, order)
    acts = _triples_of(store, sorted({o for t in own.values() for o in t.get(_ACT, ())}))
    spans = _spans_of(store, order)
    found = {}
    for iri in order:
        statement = _statement(iri, own.get(iri, {}), acts, spans.get(iri))
        if statement is not None:
            found[iri] = statement
    return [found[i] for i in order if i in found]


_ACT, _GRAPH = str(AG.allegedAct), "graph"


def _triples_of(store: RDFStore, subjects: list[str]) -> dict[str, dict[str, list[str]]]:
    """Subject → predicate → sorted objects (as text), and its graphs under `"graph"`."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if not subjects:
        return found
    values = " ".join(iri_text(i) for i in subjects)
    query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    for row in store.solutions(query):
        by = found[row["s"].value]
        by[row["p"].value].append(_text(row["o"]))
        by[_GRAPH].append(row["g"].value)
    for by in found.values():
        for key in by:
            by[key] = sorted(set(by[key]))
    return found


def _spans_of(store: RDFStore, statements: list[str]) -> dict[str, tuple[int, int]]:
    """Each statement's evidence span (the first, where annotations give several)."""
    values = " ".join(iri_text(i) for i in statements)
    rows = store.solutions(
        f"""SELECT ?s ?start ?end WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{
          ?ann <{OA.hasBody}> ?s ; <{OA.hasTarget}> ?target . ?target <{OA.hasSelector}> ?sel .
          ?sel <{OA.start}> ?start ; <{OA.end}> ?end }} }}"""
    )
    found: dict[str, tuple[int, int]] = {}
    for row in rows:
        span = (int(row["start"].value), int(row["end"].value))
        found[row["s"].value] = min(found.get(row["s"].value, span), span)
    return found


def _statement(
    iri: str,
    own: dict[str, list[str]],
    acts: dict[str, dict[str, list[str]]],
    span: tuple[int, int] | None,
) -> Statement | None:
    """A statement from its triples; None unless it has a kind, claimant, quote, modality."""

    def first(predicate: object) -> str | None:
        values = own.get(str(predicate))
        return values[0] if values else None

    kinds = [k for k in own.get(str(RDF.type), []) if k != str(AG.Statement)]
    claimant, quote, modality = first(AG.claimant), first(AG.quote), first(AG.modality)
    if not kinds or claimant is None or quote is None or modality is None:
        return None
    kind = next((k for k in kinds if k in _KINDS), kinds[0])
    act = first(AG.allegedAct)
    act_triples = acts.get(act, {}) if act else {}
    labels = act_triples.get(str(RDFS.label), [])
    return Statement(
        iri=iri,
        kind=_KINDS.get(kind, kind.rsplit("#", 1)[-1]),
        claimant=claimant,
        targets=tuple(own.get(str(AG.target), [])),
        quote=quote,
        date=first(AG.statedOn),
        modality=modality.rsplit("#", 1)[-1].lower(),
        document=own[_GRAPH][0],
        act=act if labels else None,
        act_label=labels[0] if labels else None,
        act_types=tuple(act_triples.get(str(AG.actType), [])) if labels else (),
        responds_to=tuple(own.get(str(AG.respondsTo), [])),
        start=span[0] if span else None,
        end=span[1] if span else None,
    )


# documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    id: str
    iri: str
    title: str | None
    url: str | None
    publisher: str | None
    published: str | None
    language: str | None


@dataclass(frozen=True)
class Mention:
    actor: str
    start: int
    end: int
    text: str


def documents(store: RDFStore, limit: int, offset: int) -> tuple[int, list[Document]]:
    """How many documents there are, and one page of them by id (picked by id alone, then
    read one by one: ordering the whole document query with its OPTIONALs took 250 ms at
    10,000 documents)."""
    total = store.solutions(
        f"SELECT (COUNT(?g) AS ?n) WHERE {{ GRAPH ?g {{ ?g a {iri_text(str(AG.Document))} }} }}"
    )
    page = store.solutions(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g a <{AG.Document}> ; <{DCTERMS.identifier}> ?id }} }} "
        f"ORDER BY ?id LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    return int(total[0]["n"].value), _documents_in(store, [row["g"].value for row in page])


def _documents_in(store: RDFStore, graphs: list[str]) -> list[Document]:
    """The documents of these graphs, in this order."""
    found = []
    for graph in graphs:
        rows = store.solutions(_DOCUMENT.replace("$GRAPH", iri_text(graph)))
        found += [_document(rows[0])] if rows else []
    return found


def document(store: RDFStore, doc_id: str) -> tuple[Document, str]:
    """One document's metadata and text, or `NotFoundError`."""
    graph = store.document_graph(doc_id)
    rows = store.solutions(_DOCUMENT.replace("$GRAPH", iri_text(str(graph))))
    text = store.solutions(
        f"SELECT ?text WHERE {{ GRAPH {iri_text(str(graph))} "
        f"{{ ?d {iri_text(str(AG.text))} ?text }} }}"
    )
    if not rows:
        raise NotFoundError(f"no document {doc_id!r} in the store")
    return _document(rows[0]), text[0]["text"].value if text else ""


def mentions(store: RDFStore, doc_id: str) -> list[Mention]:
    """Every marked mention of an actor in one document, in text order."""
    graph = iri_text(str(store.document_graph(doc_id)))
    rows = store.solutions(
        f"""SELECT ?actor ?start ?end ?exact WHERE {{ GRAPH {graph} {{
          ?ann <{OA.motivatedBy}> <{OA.identifying}> ; <{OA.hasBody}> ?actor ;
               <{OA.hasTarget}>/<{OA.hasSelector}> ?pos, ?quote .
          ?actor a <{AG.Actor}> .
          ?pos <{OA.start}> ?start ; <{OA.end}> ?end . ?quote <{OA.exact}> ?exact }} }}"""
    )
    found = {
        Mention(r["actor"].value, int(r["start"].value), int(r["end"].value), r["exact"].value)
        for r in rows
    }
    return sorted(found, key=lambda m: (m.start, m.end, m.actor))


def latest_documents(store: RDFStore, limit: int) -> list[Document]:
    """The most recently published documents (then undated ones by id), for an overview.

    The newest are picked by date alone, then read one by one: ordering the full document
    query (with its OPTIONALs) took half a second at 10,000 documents."""
    dated = store.solutions(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g <{DCTERMS.issued}> ?published }} }} "
        f"ORDER BY DESC(STR(?published)) ?g LIMIT {int(limit)}"
    )
    graphs = [row["g"].value for row in dated]
    if len(graphs) < limit:
        undated = store.solutions(
            f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g a <{AG.Document}> ; <{DCTERMS.identifier}> ?id "
            f"FILTER NOT EXISTS {{ ?g <{DCTERMS.issued}> ?published }} }} }} "
            f"ORDER BY ?id LIMIT {int(limit - len(graphs))}"
        )
        graphs += [row["g"].value for row in undated]
    return _documents_in(store, graphs)


@dataclass(frozen=True)
class MarkedSpan:
    """One annotated span of a document's text and what it marks: an actor's mention, an
    alleged act, or a statement's quote (`role` is `actor`, `act` or `statement`)."""

    body: str
    role: str
    start: int
    end: int


_ROLES = {str(AG.Actor): "actor", str(AG.AllegedAct): "act", str(AG.Statement): "statement"}


def marked_spans(store: RDFStore, doc_id: str) -> list[MarkedSpan]:
    """Every annotated span of one document, in text order (outer spans first)."""
    graph = iri_text(str(store.document_graph(doc_id)))
    types = " ".join(iri_text(t) for t in _ROLES)
    rows = store.solutions(
        f"""SELECT DISTINCT ?body ?type ?start ?end WHERE {{ GRAPH {graph} {{
          VALUES ?type {{ {types} }}
          ?ann <{OA.hasBody}> ?body ; <{OA.hasTarget}>/<{OA.hasSelector}> ?pos .
          ?body a ?type . ?pos <{OA.start}> ?start ; <{OA.end}> ?end }} }}"""
    )
    found = {
        MarkedSpan(
            r["body"].value, _ROLES[r["type"].value], int(r["start"].value), int(r["end"].value)
        )
        for r in rows
    }
    return sorted(found, key=lambda m: (m.start, -m.end, m.role, m.body))


def _document(row: dict[str, ox.NamedNode | ox.Literal | None]) -> Document:
    return Document(
        id=_value(row["id"]) or "",
        iri=_value(row["g"]) or "",
        title=_value(row.get("title")),
        url=_value(row.get("url")),
        publisher=_value(row.get("publisher")),
        published=_value(row.get("published")),
        language=_value(row.get("language")),
    )


_DOCUMENT = f"""SELECT ?g ?id ?title ?url ?publisher ?published ?language WHERE {{
  GRAPH $GRAPH {{
    ?g a <{AG.Document}> ; <{DCTERMS.identifier}> ?id .
    OPTIONAL {{ ?g <{DCTERMS.title}> ?title }}
    OPTIONAL {{ ?g <{SCHEMA.url}> ?url }}
    OPTIONAL {{ ?g <{DCTERMS.publisher}> ?publisher }}
    OPTIONAL {{ ?g <{DCTERMS.issued}> ?published }}
    OPTIONAL {{ ?g <{DCTERMS.language}> ?language }}
  }}
}}"""
