"""The Graph Store HTTP Protocol's read side (`/rdf-graphs`), fetched as RDF tools fetch it:
rdflib's `Graph().parse(url)` and httpx with each `Accept`, compared with the store's own
graph; an unknown graph is a 404, a request naming no graph or two a 400."""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.network import NETWORK_GRAPH
from graph.rdf.store import RDFStore
from ontology import AG
from ontology.namespace import RDF
from tests.conftest import SEED_YAML

DOC = str(document_iri("svr-nato-false-flag"))


def graph_url(url: str, **params: str) -> str:
    return f"{url}/rdf-graphs?{urlencode(params)}"


@pytest.fixture(scope="module")
def reference() -> Iterator[RDFStore]:
    """The seed in a store of its own (in memory), to compare the served graphs with."""
    with RDFStore() as store:
        assert ingest_paths(store, [SEED_YAML]).ok
        yield store


def stored(store: RDFStore, graph: str) -> Graph:
    """The graph as the store itself writes it."""
    written = io.BytesIO()
    store.export(written, "ntriples", URIRef(graph))
    return Graph().parse(data=written.getvalue(), format="nt")


def test_rdflib_parses_a_document_graph_from_its_url(seed_api: str, reference: RDFStore) -> None:
    fetched = Graph().parse(graph_url(seed_api, graph=DOC))
    assert (URIRef(DOC), RDF.type, AG.Document) in fetched
    assert isomorphic(fetched, stored(reference, DOC))


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("text/plain", "application/n-triples", "nt"),
        ("*/*", "text/turtle", "turtle"),
    ],
)
def test_each_serialisation_by_accept(
    seed_api: str, reference: RDFStore, accept: str, media: str, rdflib_format: str
) -> None:
    response = httpx.get(graph_url(seed_api, graph=str(NETWORK_GRAPH)), headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers["vary"]
    parsed = Graph().parse(data=response.content, format=rdflib_format)
    assert isomorphic(parsed, stored(reference, str(NETWORK_GRAPH)))


def test_the_default_graph_is_the_union_of_every_graph(seed_api: str, reference: RDFStore) -> None:
    response = httpx.get(graph_url(seed_api, default=""), headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    union = Graph().parse(data=response.text, format="turtle")
    for graph in (DOC, str(NETWORK_GRAPH)):
        assert set(stored(reference, graph)) <= set(union)
    document = Graph().parse(graph_url(seed_api, graph=DOC))
    assert len(union) > len(document)


def test_wrong_requests_are_refused(seed_api: str) -> None:
    cases = [
        (f"{seed_api}/rdf-graphs", {}, 400),
        (graph_url(seed_api, graph=DOC, default=""), {}, 400),
        (f"{seed_api}/rdf-graphs?graph={DOC}&graph={NETWORK_GRAPH}", {}, 400),
        (graph_url(seed_api, graph="not an iri"), {}, 400),
        (graph_url(seed_api, graph=str(document_iri("no-such-document"))), {}, 404),
        (graph_url(seed_api, graph=DOC), {"Accept": "image/png"}, 406),
    ]
    for url, headers, status in cases:
        response = httpx.get(url, headers=headers)
        assert response.status_code == status, (url, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert httpx.put(graph_url(seed_api, graph=DOC), content=b"").status_code == 405
