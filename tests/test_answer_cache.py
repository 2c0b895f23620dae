"""Answers kept until the next write (`api.answer_cache`): never stale, never unbounded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.answer_cache import AnswerCache
from api.settings import Settings
from tests.api_server import running_api
from tests.conftest import API_KEY

KEY = {"X-API-Key": API_KEY}


def accusations(doc_id: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """A native document in which each (accuser, accused) pair is one sentence."""
    text, entities, statements = "", {}, []
    for a, b in pairs:
        start = len(text)
        sentence = f"{a} accused {b} of sabotage."
        for name in (a, b):
            at = start + sentence.index(name)
            found = entities.setdefault(name, {"id": name, "kind": "State", "name": name})
            found.setdefault("mentions", []).append(
                {"start": at, "end": at + len(name), "text": name}
            )
        text += sentence + " "
        statements.append(
            {
                "id": f"s{len(statements)}",
                "kind": "accusation",
                "claimant": a,
                "targets": [b],
                "quote": {"start": start, "end": start + len(sentence)},
                "modality": "asserted",
            }
        )
    return {
        "id": doc_id,
        "title": doc_id,
        "text": text,
        "entities": list(entities.values()),
        "statements": statements,
    }


def upload(url: str, document: dict[str, Any]) -> None:
    body = json.dumps(document).encode("utf-8")
    files = {"file": (f"{document['id']}.json", body, "application/json")}
    response = httpx.post(url + "/documents", files=files, headers=KEY, timeout=120)
    assert response.status_code in (200, 201), response.text


def lookups(url: str, cache: str, outcome: str) -> float:
    text = httpx.get(url + "/metrics").text
    wanted = f'allegraph_answer_cache_lookups_total{{cache="{cache}",outcome="{outcome}"}}'
    return next(float(line.split()[-1]) for line in text.splitlines() if line.startswith(wanted))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("cache") / "data"
    settings = Settings(data=data, api_key=API_KEY, cache_mb=1)  # type: ignore[call-arg]
    with running_api(settings) as url:
        upload(url, accusations("first", [("Aland", "Borva"), ("Borva", "Cestia")]))
        yield url


def test_a_write_forgets_kept_chains_and_sparql_answers(api: str) -> None:
    chains = {"from": "Aland", "to": "Cestia", "max_hops": 3}
    count = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ag:accused ?b }"}
    for _ in range(2):  # the second answer is the kept one
        assert [c["hops"] for c in httpx.get(api + "/chains", params=chains).json()] == [2]
        before = httpx.get(api + "/sparql", params=count).json()
    upload(api, accusations("second", [("Aland", "Cestia")]))
    assert [c["hops"] for c in httpx.get(api + "/chains", params=chains).json()] == [1, 2]
    after = httpx.get(api + "/sparql", params=count).json()
    n = [int(b["results"]["bindings"][0]["n"]["value"]) for b in (before, after)]
    assert n[1] > n[0]


def test_the_same_question_is_answered_from_memory(api: str) -> None:
    query = {"query": "SELECT ?a WHERE { ?a ag:accused ?b } ORDER BY ?a"}
    misses = lookups(api, "sparql", "miss")
    first = httpx.get(api + "/sparql", params=query)
    assert lookups(api, "sparql", "miss") == misses + 1  # looked up once, then computed
    hits = lookups(api, "sparql", "hit")
    second = httpx.get(api + "/sparql", params=query)
    assert second.content == first.content
    assert lookups(api, "sparql", "hit") == hits + 1
    asked_fresh = httpx.get(api + "/sparql", params=query, headers={"Cache-Control": "no-cache"})
    assert asked_fresh.content == first.content
    assert lookups(api, "sparql", "hit") == hits + 1  # computed anew, not looked up


def test_answers_that_change_by_themselves_are_never_kept(api: str) -> None:
    query = {"query": "SELECT (STRUUID() AS ?u) (NOW() AS ?t) WHERE {}"}
    answers = {httpx.get(api + "/sparql", params=query).text for _ in range(3)}
    assert len(answers) == 3


def test_flooding_distinct_urls_keeps_memory_within_the_budget(api: str) -> None:
    """A client inventing query strings (the workbench keys pages by theirs) cannot make the
    server keep more than its budget (1 MiB here, half of it for pages)."""
    for i in range(300):
        assert httpx.get(api + "/", params={"n": str(i)}).status_code == 200
    text = httpx.get(api + "/metrics").text
    held = next(
        float(line.split()[-1])
        for line in text.splitlines()
        if line.startswith('allegraph_answer_cache_bytes{cache="rendered"}')
    )
    assert 0 < held <= 512 * 1024


def test_least_recently_used_answers_go_first() -> None:
    cache: AnswerCache[bytes] = AnswerCache(8 * 1300, len)
    for key in "abcdefgh":
        cache.memo(key, lambda: b"x" * 1000)
    assert cache.get("a") is not None  # now the most recently used
    cache.memo("i", lambda: b"x" * 1000)
    assert cache.get("b") is None and cache.get("a") is not None
    assert cache.used_bytes <= cache.budget
    cache.memo("huge", lambda: b"x" * 2000)  # over an eighth of the budget: not kept
    assert cache.get("huge") is None


def test_an_answer_computed_across_a_write_is_not_kept() -> None:
    cache: AnswerCache[bytes] = AnswerCache(1 << 20, len)

    def computed_while_the_store_changes() -> bytes:
        cache.clear()
        return b"maybe stale"

    cache.memo("k", computed_while_the_store_changes)
    assert cache.get("k") is None


def test_zero_budget_keeps_nothing(tmp_path: Path) -> None:
    cache: AnswerCache[bytes] = AnswerCache(0, len)
    cache.memo("k", lambda: b"answer")
    assert cache.get("k") is None and len(cache) == 0


def test_a_kept_sparql_answer_is_kept_per_format(api: str) -> None:
    query = {"query": "SELECT ?a WHERE { ?a ag:accused ?b }"}
    for _ in range(2):
        as_json = httpx.get(api + "/sparql", params=query)
        as_xml = httpx.get(
            api + "/sparql", params=query, headers={"Accept": "application/sparql-results+xml"}
        )
        assert as_json.headers["content-type"].startswith("application/sparql-results+json")
        assert as_xml.headers["content-type"].startswith("application/sparql-results+xml")
        assert as_xml.headers["vary"] == "Accept"


def test_kept_answers_still_need_the_key_when_reads_are_closed(tmp_path: Path) -> None:
    settings = Settings(data=tmp_path / "data", api_key=API_KEY, open_reads=False)  # type: ignore[call-arg]
    with running_api(settings) as url:
        upload(url, accusations("closed", [("Aland", "Borva")]))
        chains = {"from": "Aland", "to": "Borva"}
        for _ in range(2):
            assert httpx.get(url + "/chains", params=chains, headers=KEY).status_code == 200
        assert httpx.get(url + "/chains", params=chains).status_code == 401
        query = {"query": "ASK { ?a ag:accused ?b }"}
        assert httpx.get(url + "/sparql", params=query, headers=KEY).status_code == 200
        assert httpx.get(url + "/sparql", params=query).status_code == 401
