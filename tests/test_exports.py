"""Exports for Gephi, Kumu and OpenCTI, read back by those tools' own readers and validators:
networkx (GEXF 1.3, GraphML), igraph (GraphML), Python's csv (Gephi's and Kumu's columns),
the OASIS stix2-validator and the stix2 library (STIX 2.1). Each statement is one edge, and
what each edge carries is compared with what the subgraph (read from the store) holds."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import igraph
import networkx as nx
import pytest
import stix2
from stix2validator import ValidationOptions, validate_string

import viz
from graph.rdf.store import RDFStore
from loaders.errors import UsageError
from viz.exports import FORMATS, export_subgraph
from viz.exports.links import statement_links
from viz.exports.stix import STATEMENT_EXTENSION, stix_id
from viz.model import Subgraph

SVR = "https://w3id.org/allegraph/id/actor/svr"
STOLTENBERG = "https://w3id.org/allegraph/id/actor/jens-stoltenberg"
RUSSIA = "https://w3id.org/allegraph/id/actor/Q159"


@pytest.fixture
def network(seed_store: RDFStore) -> Subgraph:
    return viz.network_subgraph(seed_store)


def _statements(subgraph: Subgraph) -> Counter[tuple[str, str, str]]:
    """(claimant, target, statement) of every statement behind the subgraph's links."""
    return Counter(
        (e.source, e.target, said.statement) for e in subgraph.edges for said in e.evidence
    )


def test_the_whole_network_holds_every_actor_and_every_network_link(
    seed_store: RDFStore, network: Subgraph
) -> None:
    actors = seed_store.solutions("SELECT DISTINCT ?a WHERE { ?a a ag:Actor }")
    assert network.node_iris == {row["a"].value for row in actors}
    said = seed_store.solutions(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?t WHERE { ?s a ?k ; ag:target ?t "
        "VALUES ?k { ag:Accusation ag:Denial ag:Warning ag:Threat } } }"
    )
    assert sum(_statements(network).values()) == int(said[0]["n"].value)


def test_each_statement_is_its_own_link(network: Subgraph) -> None:
    links = statement_links(network)
    with_statements = [link for link in links if link.statement]
    assert Counter((k.source, k.target, k.statement) for k in with_statements) == _statements(
        network
    )
    assert len({link.id for link in links}) == len(links)
    parallel = Counter((link.source, link.target) for link in with_statements)
    assert max(parallel.values()) > 1  # the seed has parallel statements: the point of it


def test_gexf_is_1_3_with_a_kind_per_parallel_edge_and_a_timeline(network: Subgraph) -> None:
    data = export_subgraph(network, "gexf")
    root = ET.fromstring(data)
    ns = {"g": "http://gexf.net/1.3"}
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    graph = root.find("g:graph", ns)
    assert graph is not None
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    edges = graph.findall("g:edges/g:edge", ns)
    # GEXF 1.3 keeps parallel edges only with a kind, (source, target, kind) unique.
    triples = [(e.get("source"), e.get("target"), e.get("kind")) for e in edges]
    assert all(kind for _, _, kind in triples) and len(set(triples)) == len(triples)
    declared = {a.get("id"): a.get("type") for a in graph.iter("{http://gexf.net/1.3}attribute")}
    assert all(declared.values()) and declared["documents"] == "integer"
    used = {v.get("for") for v in graph.iter("{http://gexf.net/1.3}attvalue")}
    assert used <= declared.keys()
    links = statement_links(network)
    dated = {link.id: link.day for link in links}
    for edge in edges:
        spell = edge.find("g:spells/g:spell", ns)
        assert (spell.get("start") if spell is not None else None) == dated[edge.get("id")]
    assert any(d for d in dated.values()) and any(d is None for d in dated.values())

    read = nx.read_gexf(io.BytesIO(data), version="1.3")
    assert isinstance(read, nx.MultiDiGraph)
    assert set(read.nodes) == network.node_iris
    assert read.number_of_edges() == len(links)
    by_id = {link.id: link for link in links}
    for source, target, values in read.edges(data=True):
        link = by_id[values["id"]]
        assert (source, target) == (link.source, link.target)
        assert values.get("quote") == link.quote and values.get("act") == link.act
        assert values["statement_kind"] == link.kind and values["weight"] == 1.0
    for iri, values in read.nodes(data=True):
        node = next(n for n in network.nodes if n.iri == iri)
        assert (values["label"], values["kind"]) == (node.label, node.kind)
        assert values["documents"] == len(node.documents)


def test_graphml_has_typed_keys_and_reads_back_in_igraph_and_networkx(
    network: Subgraph, tmp_path: Path
) -> None:
    data = export_subgraph(network, "graphml")
    keys = ET.fromstring(data).findall("{http://graphml.graphdrawing.org/xmlns}key")
    assert keys and all(k.get("attr.type") for k in keys)  # Gephi drops untyped keys
    path = tmp_path / "seed.graphml"
    path.write_bytes(data)
    links = statement_links(network)

    read = igraph.Graph.Read_GraphML(str(path))
    assert read.is_directed()
    assert (read.vcount(), read.ecount()) == (len(network.nodes), len(links))
    iris = read.vs["iri"]
    assert set(iris) == network.node_iris
    assert read.vs["documents"] == [float(len(n.documents)) for n in network.nodes]
    got = Counter(
        (iris[e.source], iris[e.target], e["statement"] or None, e["kind"]) for e in read.es
    )
    assert got == Counter((k.source, k.target, k.statement, k.kind) for k in links)

    again = nx.read_graphml(path)
    assert again.number_of_edges() == len(links) and isinstance(again, nx.MultiDiGraph)
    assert {d["iri"] for _, d in again.nodes(data=True)} == network.node_iris


def test_csv_has_gephi_and_kumu_columns(network: Subgraph) -> None:
    archive = zipfile.ZipFile(io.BytesIO(export_subgraph(network, "csv")))
    assert archive.namelist() == ["nodes.csv", "edges.csv"]
    nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8"))))
    edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8"))))
    assert {"Id", "Label"} <= nodes[0].keys()
    assert {"Source", "Target", "Type", "Id", "Label", "Weight", "From", "To"} <= edges[0].keys()
    assert {n["Id"] for n in nodes} == network.node_iris
    names = {n["Id"]: n["Label"] for n in nodes}
    links = statement_links(network)
    assert len(edges) == len(links) and {e["Type"] for e in edges} == {"Directed"}
    for row, link in zip(edges, links, strict=True):
        assert (row["Source"], row["Target"], row["Id"]) == (link.source, link.target, link.id)
        assert (row["From"], row["To"]) == (names[link.source], names[link.target])
        assert row["Quote"] == (link.quote or "") and row["Date"] == (link.date or "")
    assert export_subgraph(network, "csv") == export_subgraph(network, "csv")


def _validated(data: bytes) -> dict[str, object]:
    results = validate_string(
        data.decode("utf-8"), ValidationOptions(version="2.1", enforce_refs=True)
    )
    problems = [str(e) for e in results.errors]
    assert results.is_valid, problems
    bundle: dict[str, object] = json.loads(data)
    return bundle


def test_stix_bundle_is_valid_and_keeps_allegations_as_claims(network: Subgraph) -> None:
    data = export_subgraph(network, "stix")
    bundle = _validated(data)
    parsed = stix2.parse(data.decode("utf-8"), allow_custom=False)
    objects = {o.id: o for o in parsed.objects}
    types = Counter(o.type for o in parsed.objects)
    assert "threat-actor" not in types
    assert all(
        o.relationship_type != "attributed-to" for o in parsed.objects if o.type == "relationship"
    )
    statements = {s for _, _, s in _statements(network)}
    assert types["note"] == len(statements)
    assert types["identity"] == len(network.nodes) + 1  # the actors, and allegraph itself
    names = {n.iri: n.label for n in network.nodes}
    for edge in network.edges:
        for said in edge.evidence:
            note = objects[stix_id("note", said.statement)]
            assert note.extensions[STATEMENT_EXTENSION]["statement"] == said.statement
            assert note.authors == [names[edge.source]]
            assert note.content == (said.quote or note.abstract)
            refs = {objects[r].name for r in note.object_refs}
            assert {names[edge.source], names[edge.target]} <= refs
    (report,) = [o for o in parsed.objects if o.type == "report"]
    assert {o.id for o in parsed.objects if o.type == "note"} <= set(report.object_refs)
    assert data == export_subgraph(network, "stix")  # stable: same ids, same bytes
    assert bundle["type"] == "bundle"


def test_every_question_exports_in_every_format(seed_store: RDFStore) -> None:
    questions = [
        viz.neighbourhood_subgraph(seed_store, SVR, 1),
        viz.mirrors_subgraph(seed_store),
        viz.chains_subgraph(seed_store, STOLTENBERG, RUSSIA, 4, ["accusation", "warning"]),
    ]
    for subgraph in questions:
        assert subgraph.edges
        for name in FORMATS:
            assert export_subgraph(subgraph, name)
        _validated(export_subgraph(subgraph, "stix"))
        read = nx.read_gexf(io.BytesIO(export_subgraph(subgraph, "gexf")), version="1.3")
        assert read.number_of_edges() == len(statement_links(subgraph))


def test_an_empty_network_exports_and_an_unknown_format_is_refused(store: RDFStore) -> None:
    empty = viz.network_subgraph(store)
    assert not empty.nodes
    _validated(export_subgraph(empty, "stix"))
    assert nx.read_gexf(io.BytesIO(export_subgraph(empty, "gexf")), version="1.3").order() == 0
    with pytest.raises(UsageError, match="unknown export format 'pajek'"):
        export_subgraph(empty, "pajek")


def test_text_xml_cannot_hold_is_replaced_not_fatal() -> None:
    from viz.model import Evidence, Source, VizEdge, VizNode, assemble

    said = Evidence(
        "https://example.org/statement/d/s1",
        "<act> & more",
        "a quote with a form feed\x0c and a bell\x07",
        "2022-03-15T10:00:00+01:00",
        "hedged",
        Source("https://example.org/document/d", "Title\x0b"),
    )
    nodes = [
        VizNode("https://example.org/a", "A\x01", "State"),
        VizNode("https://example.org/b", "B", "NGO"),
    ]
    edges = [VizEdge(nodes[0].iri, nodes[1].iri, "ACCUSED", (said,))]
    subgraph = assemble(nodes, edges, "hostile")
    read = nx.read_gexf(io.BytesIO(export_subgraph(subgraph, "gexf")), version="1.3")
    (quote,) = [d["quote"] for _, _, d in read.edges(data=True)]
    assert quote == "a quote with a form feed\ufffd and a bell\ufffd"
    again = nx.read_graphml(io.BytesIO(export_subgraph(subgraph, "graphml")))
    assert {d["act"] for _, _, d in again.edges(data=True)} == {"<act> & more"}
    spell = ET.fromstring(export_subgraph(subgraph, "gexf")).find(".//{http://gexf.net/1.3}spell")
    assert spell is not None and spell.get("start") == "2022-03-15"
    _validated(export_subgraph(subgraph, "stix"))
