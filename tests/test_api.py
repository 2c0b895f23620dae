"""The investigator endpoints, against a real uvicorn serving the seed article."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from graph.rdf.mapping import name_key
from tests.conftest import SEED_TEXT

SEED_DOC = "svr-nato-false-flag"


def get(url: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(url + path, params=params, timeout=60)


def names(refs: list[dict[str, Any]]) -> list[str]:
    return [r["name"] for r in refs]


def test_actor_search_is_case_and_accent_blind(seed_api: str) -> None:
    found = get(seed_api, "/actors", q="STOLTENBÉRG").json()
    assert names(found["items"]) == ["Jens Stoltenberg"]
    by_alias = get(seed_api, "/actors", q="foreign intelligence").json()
    assert [a["id"] for a in by_alias["items"]] == ["svr"]


def test_actor_list_pages_and_links_the_next_page(seed_api: str) -> None:
    first = get(seed_api, "/actors", limit=3).json()
    assert len(first["items"]) == 3 and first["total"] > 3
    second = httpx.get(first["next"], timeout=60).json()
    assert second["offset"] == 3
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in second["items"]}


def test_actor_by_id_name_or_alias(seed_api: str) -> None:
    svr = get(seed_api, "/actors/svr").json()
    assert svr["statements"]["made"]["accusation"] >= 3
    assert names(svr["part_of"]) == ["Russia"]
    assert get(seed_api, "/actors/Jens Stoltenberg").json()["speaks_for"][0]["name"] == "NATO"
    assert get(seed_api, "/actors/moscow").json()["name"] == "Russia"


def test_unknown_actor_is_a_404_problem(seed_api: str) -> None:
    response = get(seed_api, "/actors/spectre")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "no actor named 'spectre'"


def test_actor_statements_by_role(seed_api: str) -> None:
    made = get(seed_api, "/actors/svr/statements", role="claimant").json()
    assert made["total"] >= 3
    assert {s["claimant"]["id"] for s in made["items"]} == {"svr"}
    about_nato = get(seed_api, "/actors/NATO/statements", role="target").json()
    assert all("NATO" in names(s["targets"]) for s in about_nato["items"])


def test_statements_filtered_by_kind_and_claimant(seed_api: str) -> None:
    denials = get(seed_api, "/statements", kind="denial", claimant="Stoltenberg").json()
    assert denials["total"] >= 1
    for st in denials["items"]:
        assert st["kind"] == "denial" and st["claimant"]["name"] == "Jens Stoltenberg"


def test_statement_quotes_are_the_source_text_at_their_spans(seed_api: str) -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    page = get(seed_api, "/statements", limit=1000).json()
    assert page["total"] == len(page["items"]) > 5
    for st in page["items"]:
        assert st["quote"] in text
        assert st["span"]["end"] - st["span"]["start"] == len(st["quote"])


def test_statements_date_filters(seed_api: str) -> None:
    dated = get(seed_api, "/statements", since="1900-01-01").json()
    assert all(s["date"] for s in dated["items"])
    assert get(seed_api, "/statements", since="2999-01-01").json()["total"] == 0
    backwards = get(seed_api, "/statements", since="2022-02-01", until="2022-01-01")
    assert backwards.json()["total"] == 0


def test_mirrors_yield_russia_and_nato_on_a_false_flag(seed_api: str) -> None:
    for engine in ("cypher", "sparql"):
        mirrors = get(seed_api, "/mirrors", engine=engine).json()
        pairs = {(m["a"]["name"], m["b"]["name"], m["act_type"]) for m in mirrors}
        assert ("Russia", "NATO", "false-flag") in pairs


def test_timeline_is_in_date_order(seed_api: str) -> None:
    entries = get(seed_api, "/timeline", actor="NATO").json()
    dates = [e["date"] for e in entries if e["date"]]
    assert entries and dates == sorted(dates)


def test_documents_list_and_detail(seed_api: str) -> None:
    listing = get(seed_api, "/documents").json()
    assert [d["id"] for d in listing["items"]] == [SEED_DOC]
    doc = get(seed_api, f"/documents/{SEED_DOC}").json()
    assert doc["text"] == SEED_TEXT.read_text(encoding="utf-8")
    for mention in doc["mentions"]:
        assert doc["text"][mention["start"] : mention["end"]] == mention["text"]
    kinds = {s["kind"] for s in doc["statements"]}
    assert {"accusation", "denial", "warning"} <= kinds
    assert get(seed_api, "/documents/nope").status_code == 404


def test_the_same_chain_through_chains_sparql_and_cypher(seed_api: str) -> None:
    chains = get(seed_api, "/chains", **{"from": "svr", "to": "Ukraine"}).json()
    assert chains[0]["hops"] == 1 and [a["id"] for a in chains[0]["actors"]] == ["svr", "Q212"]
    sparql = get(
        seed_api,
        "/sparql",
        query="ASK { <https://w3id.org/allegraph/id/actor/svr> ag:accused "
        "<https://w3id.org/allegraph/id/actor/Q212> }",
    )
    assert sparql.json()["boolean"] is True
    cypher = httpx.post(
        seed_api + "/cypher",
        json={
            "query": "MATCH p = (a:Actor {iri: $a})-[:ACCUSED]->(b:Actor {iri: $b}) RETURN p",
            "parameters": {
                "a": chains[0]["actors"][0]["iri"],
                "b": chains[0]["actors"][1]["iri"],
            },
        },
        timeout=60,
    ).json()
    path = cypher["rows"][0]["p"]
    assert [n["iri"] for n in path["nodes"]] == [a["iri"] for a in chains[0]["actors"]]
    assert path["relationships"][0]["start"] == chains[0]["actors"][0]["iri"]


def test_chains_follow_the_kinds_asked_for(seed_api: str) -> None:
    params = {"from": "Stoltenberg", "to": "Russia", "kinds": "warning,accusation"}
    with_warnings = get(seed_api, "/chains", **params).json()
    assert with_warnings, "Stoltenberg warned about Moscow"
    assert get(seed_api, "/chains", **{**params, "kinds": "claim"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/actors?limit=0", "/actors?limit=abc", "/chains?from=svr", "/statements?since=yesterday"],
)
def test_bad_parameters_are_4xx_problems(seed_api: str, path: str) -> None:
    response = httpx.get(seed_api + path, timeout=60)
    assert 400 <= response.status_code < 500
    assert response.json()["status"] == response.status_code


def test_name_keys_used_by_search_ignore_accents() -> None:
    assert name_key("Stoltenbérg") == name_key("STOLTENBERG")


def test_an_actor_page_by_name_is_the_same_twice(seed_api: str) -> None:
    first = get(seed_api, "/actors/Jens%20Stoltenberg")
    second = get(seed_api, "/actors/Jens Stoltenberg")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and first.json()["id"] == "jens-stoltenberg"
