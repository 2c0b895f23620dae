"""Read-only Cypher at /cypher against the embedded FalkorDB, through a real server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

COUNT = "MATCH (n) RETURN count(n) AS n"


def cypher(url: str, query: str, **parameters: Any) -> httpx.Response:
    return httpx.post(url + "/cypher", json={"query": query, "parameters": parameters}, timeout=60)


def test_rows_with_nodes_relationships_and_parameters(seed_api: str) -> None:
    body = cypher(
        seed_api,
        "MATCH (a:Actor {label: $name})-[r:ACCUSED]->(b:Actor) RETURN a, r, b.label AS b",
        name="SVR",
    ).json()
    assert body["columns"] == ["a", "r", "b"]
    assert {row["b"] for row in body["rows"]} >= {"NATO", "Ukraine"}
    node, rel = body["rows"][0]["a"], body["rows"][0]["r"]
    assert "Actor" in node["labels"] and node["iri"].endswith("/actor/svr")
    assert rel["type"] == "ACCUSED" and rel["start"] == node["iri"]
    assert rel["properties"]["statement"].startswith("https://w3id.org/allegraph/id/statement/")


@pytest.mark.parametrize(
    "write",
    [
        "CREATE (:Intruder)",
        "MATCH (n:Actor) SET n.label = 'x'",
        "MATCH (n) DETACH DELETE n",
        "MERGE (:Intruder {iri: 'x'})",
        "MATCH (n:Actor) REMOVE n:Actor",
    ],
)
def test_writes_are_refused_by_the_database_and_change_nothing(seed_api: str, write: str) -> None:
    before = cypher(seed_api, COUNT).json()["rows"]
    response = cypher(seed_api, write)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert cypher(seed_api, COUNT).json()["rows"] == before


def test_a_bad_query_is_a_400_with_the_databases_message(seed_api: str) -> None:
    response = cypher(seed_api, "MATCH (n RETURN n")
    assert response.status_code == 400
    assert "Cypher query failed" in response.json()["detail"]


def test_the_row_cap_is_a_clear_422(seed_api: str) -> None:
    response = cypher(seed_api, "UNWIND range(1, 501) AS x RETURN x")
    assert response.status_code == 422 and "cap of 500" in response.json()["detail"]


def test_a_query_past_the_time_limit_is_a_503(seed_api: str) -> None:
    slow = "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"
    response = cypher(seed_api, slow)
    assert response.status_code == 503
    assert cypher(seed_api, COUNT).status_code == 200


@pytest.mark.parametrize(
    "body", [b"", b"{", b'{"query": ""}', b'{"query": 5}', b'{"parameters": {}}', b"[]"]
)
def test_malformed_bodies_are_4xx(seed_api: str, body: bytes) -> None:
    response = httpx.post(
        seed_api + "/cypher", content=body, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")
