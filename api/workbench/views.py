"""What each workbench page shows, gathered from the store and the graph as plain data.

The pages (`api.workbench.pages`) render these with templates; nothing here knows HTML
except the marked document text, which `api.workbench.reader` builds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from markupsafe import Markup

from api import schemas
from api.present import Presenter
from api.services import Services
from api.workbench.reader import Mark, marked_text
from graph import queries
from graph.rdf import catalog
from graph.rdf.stats import StoreStats, store_stats
from loaders.errors import NotFoundError
from ontology import StatementKind
from viz import Evidence, Subgraph, VizEdge
from viz.details import with_evidence
from viz.model import SHORTCUT_RELATIONS
from viz.subgraphs import mirror_pairs_subgraph

TOP = 8  # actors in each of the home page's "most" lists
TWIN_ROWS = 500  # links listed under a picture; the rest are counted
PICTURE_MOST = 150  # actors in an actor's picture: it and those with the most links


def statement_key(iri: str) -> str:
    """The anchor of a statement's span in its document's reader page (`st-s3`)."""
    return "st-" + iri.rstrip("/").rsplit("/", 1)[-1]


def evidence_url(document_id: str, statement_iri: str) -> str:
    """Where a statement's exact words are shown, highlighted, in the document reader."""
    return f"/ui/documents/{quote(document_id, safe='')}#{statement_key(statement_iri)}"


# home --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    stats: StoreStats
    most_accused: list[tuple[schemas.ActorRef, int]]
    most_accusing: list[tuple[schemas.ActorRef, int]]
    latest: list[catalog.Document]


def home(found: Services) -> Home:
    present = Presenter(found.actors())

    def ranked(role: str) -> list[tuple[schemas.ActorRef, int]]:
        rows = queries.top_actors_cypher(found.graph, role, StatementKind.accusation, TOP)
        return [(present.actor_ref(iri), n) for iri, n in rows]

    return Home(
        store_stats(found.store, quads=False),
        ranked("target"),
        ranked("claimant"),
        catalog.latest_documents(found.store, TOP),
    )


# actor -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TwinRow:
    """One link of a picture, as a row of the table beside it."""

    source: schemas.ActorRef
    relation: str
    target: schemas.ActorRef


@dataclass(frozen=True)
class Twin:
    title: str
    rows: list[TwinRow]
    nodes: int
    links: int


def neighbourhood_twin(found: Services, actor: catalog.Actor, depth: int) -> Twin:
    """The links of the actor's picture (`/viz/actors/…?most=PICTURE_MOST`) as table rows,
    asked without their statements: the picture's tooltips hold those, and gathering them
    for a busy actor takes seconds."""
    hood = queries.neighbourhood_cypher(found.graph, actor.iri, depth)
    title = f"{actor.name} and its network (depth {depth})"
    if len(hood.actors) > PICTURE_MOST:
        title = (
            f"{actor.name} and the {PICTURE_MOST - 1:,} most linked of "
            f"{len(hood.actors) - 1:,} around it (depth {depth})"
        )
        hood = queries.most_linked(hood, actor.iri, PICTURE_MOST)
    present = Presenter(found.actors())
    rows = [
        TwinRow(present.actor_ref(a), relation.replace("_", " ").lower(), present.actor_ref(b))
        for a, relation, b in hood.edges[:TWIN_ROWS]
    ]
    return Twin(title, rows, len(hood.actors), len(hood.edges))


@dataclass(frozen=True)
class ActorPage:
    actor: schemas.Actor
    statements: list[schemas.Statement]
    total: int
    timeline: list[queries.Month]
    network: Twin


def actor_page(
    found: Services,
    actor: catalog.Actor,
    where: catalog.StatementFilter,
    depth: int,
    limit: int,
    offset: int,
) -> ActorPage:
    index = found.actors()
    present = Presenter(index)
    figures = catalog.actor_figures(found.store, actor.iri)
    total, found_statements = catalog.statements(found.store, where, limit, offset)
    documents = _documents_of(found, {s.document for s in found_statements})
    return ActorPage(
        present.actor(actor, figures),
        [present.statement(s, documents) for s in found_statements],
        total,
        queries.timeline_months_cypher(found.graph, actor.iri),
        neighbourhood_twin(found, actor, depth),
    )


def _documents_of(found: Services, iris: set[str]) -> dict[str, catalog.Document]:
    """The documents behind a page of statements, for their titles."""
    docs: dict[str, catalog.Document] = {}
    for iri in iris:
        doc_id = Presenter.document_ref(iri).id
        try:
            docs[iri] = catalog.document(found.store, doc_id)[0]
        except NotFoundError:
            continue
    return docs


# chains and mirrors ------------------------------------------------------------------------


@dataclass(frozen=True)
class Proof:
    """One statement shown as evidence, with a link to its words in the document."""

    evidence: Evidence
    url: str | None
    document_title: str | None


@dataclass(frozen=True)
class Hop:
    source: schemas.ActorRef
    target: schemas.ActorRef
    proofs: list[Proof]


@dataclass(frozen=True)
class Chain:
    hops: list[Hop]


def _proofs(evidence: tuple[Evidence, ...] | list[Evidence]) -> list[Proof]:
    proofs = []
    for item in evidence:
        source = item.document
        url = None
        if source is not None:
            url = evidence_url(Presenter.document_ref(source.iri).id, item.statement)
        proofs.append(Proof(item, url, source.title if source else None))
    return proofs


def chains(
    found: Services, source: str, target: str, max_hops: int, kinds: list[str], limit: int
) -> list[Chain]:
    """Chains shortest first, each hop with the statements that make it."""
    paths = queries.chains_cypher(found.graph, source, target, max_hops, kinds, limit)
    relations = [r for r, k in SHORTCUT_RELATIONS.items() if k.value in kinds]
    keys = {(a, r, b) for path in paths for a, b in itertools.pairwise(path) for r in relations}
    edges = {e.key: e for e in with_evidence(found.store, keys)}
    present = Presenter(found.actors())
    result = []
    for path in paths:
        hops = []
        for a, b in itertools.pairwise(path):
            evidence = [
                x for r in relations for x in edges.get((a, r, b), VizEdge(a, b, r)).evidence
            ]
            hops.append(Hop(present.actor_ref(a), present.actor_ref(b), _proofs(evidence)))
        result.append(Chain(hops))
    return result


@dataclass(frozen=True)
class MirrorPair:
    a: schemas.ActorRef
    b: schemas.ActorRef
    act_types: list[str]
    a_to_b: list[Proof] = field(default_factory=list)
    b_to_a: list[Proof] = field(default_factory=list)


def mirrors(
    found: Services, same_act_type: bool, roll_up: bool, offset: int, limit: int
) -> tuple[list[MirrorPair], int]:
    """One page of the mirror pairs (and how many there are), each with the accusations
    that make each side: from the members of one side to those of the other, when rolled
    up. Only the page's evidence is gathered: a large corpus has thousands of pairs."""
    found_mirrors = queries.mirrors_cypher(found.graph, same_act_type, roll_up)
    types: dict[tuple[str, str], list[str]] = {}
    for m in found_mirrors:
        types.setdefault((m.a, m.b), []).extend([m.act_type] if m.act_type else [])
    page = list(types)[offset : offset + limit]
    wanted = set(page)
    shown = [m for m in found_mirrors if (m.a, m.b) in wanted]
    subgraph = mirror_pairs_subgraph(found.store, shown, roll_up, "Mirror accusations")
    members = _sides(subgraph) if roll_up else {}
    accused = [e for e in subgraph.edges if e.relation == "ACCUSED"]
    present = Presenter(found.actors())

    def between(x: str, y: str) -> list[Proof]:
        xs, ys = members.get(x, {x}), members.get(y, {y})
        return _proofs(
            [v for e in accused if e.source in xs and e.target in ys for v in e.evidence]
        )

    pairs = [
        MirrorPair(
            present.actor_ref(a),
            present.actor_ref(b),
            [present.act_type(t) for t in types[(a, b)]],
            between(a, b),
            between(b, a),
        )
        for a, b in page
    ]
    return pairs, len(types)


def _sides(subgraph: Subgraph) -> dict[str, set[str]]:
    """Each actor and everyone part of it or speaking for it, at any depth."""
    up: dict[str, set[str]] = {}
    for e in subgraph.edges:
        if e.relation in ("PART_OF", "SPEAKS_FOR"):
            up.setdefault(e.target, set()).add(e.source)
    sides: dict[str, set[str]] = {}
    for node in subgraph.nodes:
        seen, todo = {node.iri}, [node.iri]
        while todo:
            for below in up.get(todo.pop(), ()):
                if below not in seen:
                    seen.add(below)
                    todo.append(below)
        sides[node.iri] = seen
    return sides


# document reader ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    document: catalog.Document
    text: Markup
    statements: list[tuple[str, schemas.Statement]]  # (anchor, statement), in text order
    actors: list[schemas.ActorRef]


def reading(found: Services, doc_id: str) -> Reading:
    """A document's text with every annotated span marked, and its statements numbered in
    the order their quotes appear."""
    doc, text = catalog.document(found.store, doc_id)
    present = Presenter(found.actors())
    _, found_statements = catalog.statements(
        found.store, catalog.StatementFilter(document=doc.id), 10_000, 0
    )
    ordered = sorted(found_statements, key=lambda s: (s.start is None, s.start or 0, s.iri))
    number = {s.iri: str(i) for i, s in enumerate(ordered, 1)}
    shown = [(statement_key(s.iri), present.statement(s, {doc.iri: doc})) for s in ordered]
    spans = catalog.marked_spans(found.store, doc.id)
    marks = [_mark(span, present, number, {s.iri: s for s in ordered}) for span in spans]
    actors = sorted({s.body for s in spans if s.role == "actor"})
    return Reading(
        doc,
        marked_text(text, marks),
        shown,
        sorted((present.actor_ref(a) for a in actors), key=lambda r: r.name.casefold()),
    )


def _mark(
    span: catalog.MarkedSpan,
    present: Presenter,
    number: dict[str, str],
    statements: dict[str, catalog.Statement],
) -> Mark:
    if span.role == "statement":
        st = statements.get(span.body)
        kind = st.kind if st else "statement"
        label = f"{kind} {number.get(span.body, '')}".strip()
        return Mark(
            span.start,
            span.end,
            "statement",
            statement_key(span.body),
            label,
            f"kind-{kind}",
            number.get(span.body),
        )
    if span.role == "actor":
        name = present.actor_ref(span.body).name
        return Mark(
            span.start,
            span.end,
            "actor",
            "ac-" + _tail(span.body) + f"-{span.start}",
            f"actor: {name}",
        )
    return Mark(
        span.start, span.end, "act", "act-" + _tail(span.body) + f"-{span.start}", "alleged act"
    )


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def query_string(**params: object) -> str:
    """A query string of the parameters that are set (lists repeat their key)."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None or value == "":
            continue
        values = value if isinstance(value, list) else [value]
        pairs += [(key, str(v).lower() if isinstance(v, bool) else str(v)) for v in values]
    return urlencode(pairs)
