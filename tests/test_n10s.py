"""The n10s shape (graph/sync/n10s.py) against what neosemantics documents, in a real FalkorDB.

The expected graph is built here independently, with rdflib, from the store's own RDF and
n10s's documented rules (docs/property-graph.md, "The n10s shape"): every IRI a `:Resource`
with `uri`; rdf:type a label; a literal a property, as rdflib reads its value (language
tag dropped); any other IRI object a relationship; names `prefix__localName`, the prefixes
allegraph's own but dcterms, which n10s reserves as `dct`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node as Term

from graph.rdf.curation import CURATION_GRAPH
from graph.rdf.ingest import ingest_paths
from graph.rdf.network import NETWORK_GRAPH
from graph.rdf.store import RDFStore
from graph.sync.n10s import (
    N10S_STANDARD_PREFIXES,
    Temporal,
    differences,
    literal_value,
    n10s_prefixes,
    short_name,
    split_iri,
    sync_n10s,
)
from graph.sync.run import sync_documents
from loaders import discover
from loaders.errors import BackendError, UsageError
from loaders.synthetic import write_corpus
from ontology import AG
from ontology import namespace as terms
from ontology.namespace import DCTERMS, PREFIXES, RDF, SKOS
from tests.conftest import SEED_YAML
from tests.docs import minimal, write

SEED = "https://w3id.org/allegraph/id/document/svr-nato-false-flag"


# naming and values -------------------------------------------------------------------------


def test_prefixes_are_allegraphs_as_n10s_accepts_them() -> None:
    prefixes = n10s_prefixes()
    # n10s reserves `dct` for Dublin Core terms: `n10s.nsprefixes.add('dcterms', …)` fails.
    assert prefixes["dct"] == str(DCTERMS) and "dcterms" not in prefixes
    assert {p: ns for p, ns in prefixes.items() if p != "dct"} == {
        p: ns for p, ns in PREFIXES.items() if p != "dcterms"
    }
    assert len(set(prefixes.values())) == len(prefixes)  # one prefix per namespace
    standard_namespaces = {prefix: ns for ns, prefix in N10S_STANDARD_PREFIXES.items()}
    for prefix, namespace in prefixes.items():
        assert N10S_STANDARD_PREFIXES.get(namespace, prefix) == prefix
        assert standard_namespaces.get(prefix, namespace) == namespace


def test_names_are_shortened_as_n10s_splits_iris() -> None:
    assert split_iri("http://www.w3.org/ns/oa#hasBody") == ("http://www.w3.org/ns/oa#", "hasBody")
    assert split_iri("https://schema.org/url") == ("https://schema.org/", "url")
    assert short_name(str(AG.claimant)) == "ag__claimant"
    assert short_name(str(AG.Accusation)) == "ag__Accusation"
    assert short_name(str(DCTERMS.title)) == "dct__title"
    assert short_name(str(SKOS.altLabel)) == "skos__altLabel"
    with pytest.raises(UsageError, match=r"no prefix for the namespace <http://example\.org/v#>"):
        short_name("http://example.org/v#thing")


def _literal(text: str, datatype: Any = None, language: str | None = None) -> ox.Literal:
    if language is not None:
        return ox.Literal(text, language=language)
    return ox.Literal(text, datatype=ox.NamedNode(str(datatype or terms.XSD.string)))


def test_literals_keep_the_types_n10s_gives_them() -> None:
    assert literal_value(_literal("585", terms.XSD.integer)) == 585
    assert literal_value(_literal("7", terms.XSD.nonNegativeInteger)) == 7
    assert literal_value(_literal("1.5", terms.XSD.decimal)) == 1.5
    assert literal_value(_literal("true", terms.XSD.boolean)) is True
    assert literal_value(_literal("Russia", language="en")) == "Russia"  # tag dropped
    assert literal_value(_literal("10000", "http://example.com/EUR")) == "10000"
    assert literal_value(_literal("2022-03-15", terms.XSD.date)) == Temporal("date", "2022-03-15")
    assert (
        literal_value(_literal("2022-03-15T10:00:00", terms.XSD.dateTime)).function
        == "localdatetime"
    )
    zoned = literal_value(_literal("2022-03-15T10:00:00+02:00", terms.XSD.dateTime))
    assert zoned == Temporal("datetime", "2022-03-15T10:00:00+02:00")
    assert (
        literal_value(_literal("2022-03-15T08:00:00Z", terms.XSD.dateTime)).function == "datetime"
    )


# the seed against the documented shape -----------------------------------------------------

EXPECTED_PREFIXES = {("dct" if p == "dcterms" else p): ns for p, ns in PREFIXES.items()}


def _short(iri: Term) -> str:
    """n10s's documented naming, done again: the declared namespace the IRI starts with,
    whose rest is a plain local name, then `prefix__localName`."""
    text = str(iri)
    [(prefix, namespace)] = [
        (p, ns)
        for p, ns in EXPECTED_PREFIXES.items()
        if text.startswith(ns) and not set(text[len(ns) :]) & set("#/")
    ]
    return f"{prefix}__{text[len(namespace) :]}"


def _value(literal: Literal) -> Any:
    value = literal.toPython()
    return str(literal) if isinstance(value, Literal) else value


def expected_shape(store: RDFStore) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Nodes (uri → labels and properties) and relationships, from the store's TriG read
    back by rdflib: the ontology and document graphs, not the derived network graph nor
    the curation graph."""
    data = io.BytesIO()
    store.export(data, "trig")
    dataset = Dataset()
    dataset.parse(data=data.getvalue(), format="trig")
    labels: dict[str, set[str]] = {}
    values: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    edges: set[tuple[str, str, str]] = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g in (NETWORK_GRAPH, CURATION_GRAPH) or not isinstance(g, URIRef):
            continue
        labels.setdefault(str(s), {"Resource"})  # every subject is a node
        if isinstance(o, Literal):
            values[str(s)][_short(p)].add(_value(o))
        elif p == RDF.type:
            labels[str(s)].add(_short(o))
        else:
            labels.setdefault(str(o), {"Resource"})  # and every object but a literal
            edges.add((str(s), _short(p), str(o)))
    nodes = {
        uri: {"labels": node_labels, "values": values.get(uri, {})}
        for uri, node_labels in labels.items()
    }
    return nodes, sorted(edges)


def _held(graph_db) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    nodes = graph_db.read(
        "MATCH (n:Resource) RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props"
    )
    edges = graph_db.read("MATCH (a)-[r]->(b) RETURN a.uri AS a, type(r) AS t, b.uri AS b")
    held = {n["uri"]: (set(n["labels"]), n["props"]) for n in nodes}
    assert len(held) == len(nodes)  # one node per IRI
    return held, sorted((e["a"], e["t"], e["b"]) for e in edges)


def test_the_seed_gives_the_graph_n10s_documents(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    report = sync_n10s(seed_store, graph_db)
    want_nodes, want_edges = expected_shape(seed_store)
    held, edges = _held(graph_db)
    assert edges == want_edges  # each triple between IRIs once, named by its predicate
    assert report.nodes == len(held) == len(want_nodes) and report.edges == len(edges)
    assert held.keys() == want_nodes.keys()
    for uri, (labels, props) in held.items():
        want = want_nodes[uri]
        assert labels == want["labels"], uri
        assert props.pop("uri") == uri
        assert props.keys() == want["values"].keys(), uri
        for name, value in props.items():
            if name == "skos__altLabel":  # kept as an array, every alias
                assert sorted(value) == sorted(want["values"][name]), uri
            else:  # one value, as n10s's OVERWRITE keeps
                assert value in want["values"][name], (uri, name)
    [prefixes] = graph_db.read("MATCH (p:`_NsPrefDef`) RETURN properties(p) AS p")
    assert prefixes["p"] == EXPECTED_PREFIXES


def test_the_seed_in_the_names_a_n10s_user_expects(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_n10s(seed_store, graph_db)
    [row] = graph_db.read(
        "MATCH (s:ag__Accusation {uri: $s1})-[:ag__claimant]->(c:ag__Actor {rdfs__label: 'SVR'}), "
        "(s)-[:ag__target]->(:ag__Actor {rdfs__label: 'NATO'}), "
        "(s)-[:ag__allegedAct]->(a:ag__AllegedAct)-[:ag__actType]->(t:skos__Concept), "
        "(s)-[:prov__wasDerivedFrom]->(d:ag__Document) "
        "WHERE t.skos__notation = 'false-flag' "
        "RETURN labels(c) AS labels, d.dct__title AS title, "
        "d.ag__graphHash AS hash",
        {"s1": "https://w3id.org/allegraph/id/statement/svr-nato-false-flag/s1"},
    )
    assert set(row["labels"]) == {"Resource", "ag__Actor", "ag__IntelligenceService"}
    assert row["title"].startswith("Russia’s SVR accuses NATO")
    assert row["hash"] == seed_store.graph_hash(URIRef(SEED))
    [denial] = graph_db.read(
        "MATCH (s:ag__Denial:ag__Statement {uri: $s7}) RETURN s.ag__statedOn AS date",
        {"s7": "https://w3id.org/allegraph/id/statement/svr-nato-false-flag/s7"},
    )
    assert denial["date"] == dt.date(2022, 3, 15)  # an xsd:date is a date, as n10s makes it
    [stoltenberg] = graph_db.read(
        "MATCH (p:ag__Person)-[:ag__accused]->(:ag__Actor {rdfs__label: 'Russia'}) "
        "MATCH (p)-[:owl__sameAs|ag__speaksFor]->(x) RETURN p.skos__altLabel AS aliases, "
        "collect(x.uri) AS linked"
    )
    assert sorted(stoltenberg["aliases"]) == ["NATO Secretary General", "Stoltenberg"]
    assert stoltenberg["linked"] == ["https://w3id.org/allegraph/id/actor/Q7184"]
    spans = graph_db.read(
        "MATCH (:oa__Annotation)-[:oa__hasTarget]->(:oa__SpecificResource)"
        "-[:oa__hasSelector]->(p:oa__TextPositionSelector) RETURN p.oa__start AS start LIMIT 1"
    )
    assert isinstance(spans[0]["start"], int)


# syncing -----------------------------------------------------------------------------------


def test_nothing_changed_is_nothing_done_and_a_change_rebuilds(
    store: RDFStore,
    graph_db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    write_corpus(4, tmp_path / "corpus", seed=3)
    assert ingest_paths(store, [SEED_YAML, *discover([tmp_path / "corpus"])], shacl=False).ok
    first = sync_n10s(store, graph_db)
    assert (first.added, first.changed, first.removed) == (5, 0, 0)
    assert differences(store, graph_db) == []
    again = sync_n10s(store, graph_db)
    assert (again.added, again.changed, again.removed, again.elements) == (0, 0, 0, 0)
    held = _held(graph_db)
    assert store.remove_graph(URIRef(SEED))
    gone = sync_n10s(store, graph_db)
    assert (gone.added, gone.changed, gone.removed) == (0, 0, 1)
    assert differences(store, graph_db) == []
    assert graph_db.read("MATCH (n:Resource {uri: $u}) RETURN n", {"u": SEED}) == []
    assert len(_held(graph_db)[0]) < len(held[0])
    assert sync_n10s(store, graph_db, full=True).elements > 0
    assert differences(store, graph_db) == []


def test_verify_reports_a_difference(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_n10s(seed_store, graph_db)
    graph_db.write("MATCH ()-[r:ag__warned]->() DELETE r")
    assert differences(seed_store, graph_db) == ["type:ag__warned: RDF store 1, graph 0"]


def test_the_two_shapes_replace_each_other(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_n10s(seed_store, graph_db)
    assert sync_documents(seed_store, graph_db).added == 1
    assert graph_db.read("MATCH (n:Resource) WHERE n.uri IS NOT NULL RETURN n LIMIT 1") == []
    assert sync_n10s(seed_store, graph_db).added == 1
    assert graph_db.read("MATCH (n:Resource) WHERE n.iri IS NOT NULL RETURN n LIMIT 1") == []
    assert differences(seed_store, graph_db) == []


def test_prefixes_n10s_would_find_in_conflict_are_refused(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    graph_db.write(
        "CREATE (:`_NsPrefDef` {ns0: $ag, dcterms: $dct})", {"ag": str(AG._NS), "dct": str(DCTERMS)}
    )
    with pytest.raises(BackendError) as refused:
        sync_n10s(seed_store, graph_db)
    assert "prefix ns0 held, ag wanted" in str(refused.value)
    assert "prefix dcterms held, dct wanted" in str(refused.value)


def test_date_times_are_typed_and_falkordb_refuses_an_offset(
    store: RDFStore,
    graph_db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    document = minimal()
    document["statements"][0]["date"] = "2022-03-15T10:30:00"
    assert ingest_paths(store, [write(tmp_path / "local.json", document)]).ok
    sync_n10s(store, graph_db)
    [row] = graph_db.read("MATCH (s:ag__Accusation) RETURN s.ag__statedOn AS date")
    assert row["date"].replace(tzinfo=None) == dt.datetime(2022, 3, 15, 10, 30)
    document["statements"][0]["date"] = "2022-03-15T10:30:00+02:00"
    assert ingest_paths(store, [write(tmp_path / "zoned.json", document)]).ok
    with pytest.raises(BackendError, match=r"no datetime\(\) for .*ag__statedOn.*Neo4j"):
        sync_n10s(store, graph_db)


def test_cli_syncs_and_verifies_the_n10s_shape(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(SEED_YAML)).code == 0
    done = cli("sync", "--shape", "n10s", "--verify")
    assert done.code == 0, done.stderr
    assert "verified" in done.stdout
    unknown = cli("sync", "--shape", "rdf")
    assert unknown.code == 2 and "unknown shape 'rdf'" in unknown.stderr
