"""The SPARQL 1.1 Protocol endpoint, with real clients: SPARQLWrapper, rdflib's SPARQLStore,
curl and httpx, against a real uvicorn (the W3C protocol tests' cases among them)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from xml.etree import ElementTree

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

from graph.rdf.mapping import document_iri
from ontology import AG, ID

SVR, NATO = ID["actor/svr"], ID["actor/Q7184"]
ACCUSED = f"SELECT DISTINCT ?b WHERE {{ <{SVR}> <{AG.accused}> ?b }} ORDER BY ?b"
DOC = str(document_iri("svr-nato-false-flag"))


def wrapper(url: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_in_json_and_xml(seed_api: str, method: str) -> None:
    rows = wrapper(seed_api, ACCUSED, JSON, method).query().convert()
    accused = [b["b"]["value"] for b in rows["results"]["bindings"]]  # type: ignore[index]
    assert str(NATO) in accused and str(ID["actor/Q212"]) in accused
    xml = wrapper(seed_api, ACCUSED, XML, method).query().convert()
    uris = [n.firstChild.data for n in xml.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == accused


def test_sparqlwrapper_csv_tsv_and_ask(seed_api: str) -> None:
    text = wrapper(seed_api, ACCUSED, CSV).query().convert().decode()  # type: ignore[union-attr]
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["b"] and [str(NATO)] in table[1:]
    tsv = wrapper(seed_api, ACCUSED, TSV).query().convert().decode()  # type: ignore[union-attr]
    assert tsv.splitlines()[0] == "?b" and f"<{NATO}>" in tsv.splitlines()
    ask = wrapper(seed_api, f"ASK {{ <{NATO}> <{AG.accused}> <{SVR}> }}", JSON).query().convert()
    assert ask["boolean"] is False  # type: ignore[index]


def test_sparqlwrapper_construct_as_turtle_and_json_ld(seed_api: str) -> None:
    query = f"CONSTRUCT {{ <{SVR}> <{AG.accused}> ?b }} WHERE {{ <{SVR}> <{AG.accused}> ?b }}"
    turtle = wrapper(seed_api, query, TURTLE).query().convert()
    graph = Graph().parse(data=turtle, format="turtle")
    assert (SVR, AG.accused, NATO) in graph
    jsonld = wrapper(seed_api, query, JSONLD).query().convert()
    assert (SVR, AG.accused, NATO) in jsonld  # SPARQLWrapper parses JSON-LD into a Graph


def test_rdflib_sparqlstore_reads_the_endpoint(seed_api: str) -> None:
    store = SPARQLStore(seed_api + "/sparql")
    rows = list(store.query(ACCUSED))
    assert (NATO,) in [tuple(r) for r in rows]
    graph = Graph(store=store)
    assert (SVR, AG.accused, NATO) in graph  # a triple pattern becomes a SELECT over HTTP
    built = store.query(f"CONSTRUCT WHERE {{ <{SVR}> <{AG.accused}> ?b }}")
    assert (SVR, AG.accused, NATO) in built.graph  # type: ignore[operator]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_plain_curl_get_and_post(seed_api: str) -> None:
    def curl(*args: str) -> str:
        return subprocess.run(
            ["curl", "-sS", "--fail-with-body", *args], capture_output=True, text=True, check=True
        ).stdout

    got = curl("-G", seed_api + "/sparql", "--data-urlencode", f"query={ACCUSED}")
    assert str(NATO) in json.loads(got)["results"]["bindings"][0]["b"]["value"] or str(NATO) in got
    posted = curl(
        "-X",
        "POST",
        seed_api + "/sparql",
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        "Accept: text/csv",
        "--data-binary",
        ACCUSED,
    )
    assert posted.splitlines()[0] == "b" and str(NATO) in posted


def test_dataset_from_protocol_parameters(seed_api: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    nothing = httpx.get(
        seed_api + "/sparql", params={"query": count, "default-graph-uri": "http://nowhere/"}
    )
    assert nothing.json()["results"]["bindings"][0]["n"]["value"] == "0"
    one = httpx.get(seed_api + "/sparql", params={"query": count, "default-graph-uri": DOC})
    assert int(one.json()["results"]["bindings"][0]["n"]["value"]) > 100
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    only = httpx.post(seed_api + "/sparql", data={"query": named, "named-graph-uri": [DOC]}).json()
    assert [b["g"]["value"] for b in only["results"]["bindings"]] == [DOC]


def test_accept_negotiation_and_q_values(seed_api: str) -> None:
    def media(accept: str) -> str:
        r = httpx.get(seed_api + "/sparql", params={"query": ACCUSED}, headers={"Accept": accept})
        return (
            r.headers["content-type"].split(";")[0] if r.status_code == 200 else str(r.status_code)
        )

    assert (
        media("text/csv;q=0.5, application/sparql-results+xml") == "application/sparql-results+xml"
    )
    assert media("*/*") == "application/sparql-results+json"
    assert media("text/*") == "text/csv"
    assert media("image/png") == "406"


@pytest.mark.parametrize(
    ("how", "status"),
    [
        ({"method": "GET", "params": {"query": "SELEKT ?x"}}, 400),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ({"method": "GET", "params": {}}, 400),
        ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 403),
        ({"method": "POST", "data": {"update": "CLEAR ALL"}}, 403),
        (
            {
                "method": "POST",
                "content": b"CLEAR ALL",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            403,
        ),
        ({"method": "POST", "params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 415),
        (
            {
                "method": "POST",
                "content": b"query=ASK%20%7B%7D",
                "headers": {"Content-Type": "text/plain"},
            },
            415,
        ),
        ({"method": "POST", "content": b"ASK {}"}, 415),
        (
            {
                "method": "POST",
                "content": b"ASK { \xff }",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
        ),
        (
            {
                "method": "POST",
                "content": b"query=ASK%20%7B%FF%7D",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
        ),
        ({"method": "GET", "params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400),
        ({"method": "PUT", "params": {"query": "ASK {}"}}, 405),
    ],
)
def test_bad_protocol_requests_are_4xx(seed_api: str, how: dict[str, object], status: int) -> None:
    method = str(how.pop("method"))
    response = httpx.request(method, seed_api + "/sparql", **how)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


def test_a_malformed_query_reports_the_parsers_message(seed_api: str) -> None:
    response = httpx.get(seed_api + "/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert response.status_code == 400
    assert "does not parse" in response.json()["detail"]


def test_result_cap_is_a_clear_422(seed_api: str) -> None:
    response = httpx.get(seed_api + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 422
    assert "more than 500 rows" in response.json()["detail"]


def test_a_query_past_the_time_limit_is_a_503(seed_api: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    response = httpx.get(seed_api + "/sparql", params={"query": slow}, timeout=120)
    assert response.status_code == 503
    assert "longer than 5 s" in response.json()["detail"]
    assert httpx.get(seed_api + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_the_default_graph_spans_every_document(seed_api: str) -> None:
    graph = Graph(store=SPARQLStore(seed_api + "/sparql"))
    labels = set(
        graph.objects(URIRef(str(SVR)), URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    )
    assert {str(label) for label in labels} == {"SVR"}


def test_results_xml_is_well_formed(seed_api: str) -> None:
    response = httpx.get(
        seed_api + "/sparql",
        params={"query": "SELECT ?q WHERE { ?s ag:quote ?q } LIMIT 5"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"


def test_a_relative_iri_resolves_against_the_endpoint(seed_api: str) -> None:
    """The W3C protocol test: `<s>` is resolved against the request's IRI, not refused."""
    for method in ("GET", "POST"):
        graph = wrapper(seed_api, "CONSTRUCT { <s> <p> 1 } WHERE {}", TURTLE, method)
        built = Graph().parse(data=graph.query().convert(), format="turtle")  # type: ignore[arg-type]
        assert set(built.subjects()) == {URIRef(seed_api + "/s")}
        assert set(built.predicates()) == {URIRef(seed_api + "/p")}
