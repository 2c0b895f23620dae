"""The workbench's pages over a real uvicorn serving the seed article: each view shows what
the store holds (compared with the JSON API, not with hard-coded figures), errors come back
as pages, and what a document says is escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import API_KEY, SEED_YAML

SEED_DOC = "svr-nato-false-flag"


def page(url: str, path: str, **params: Any) -> httpx.Response:
    answer = httpx.get(url + path, params=params, timeout=60)
    assert answer.headers["content-type"].startswith("text/html"), answer.text[:300]
    return answer


def api(url: str, path: str, **params: Any) -> Any:
    answer = httpx.get(url + path, params=params, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


class _Text(HTMLParser):
    """The visible text of a page, with its tags' attributes collected by tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    parsed = _Text()
    parsed.feed(html)
    return re.sub(r"\s+", " ", "".join(parsed.parts))


def tags(html: str, tag: str) -> list[dict[str, str | None]]:
    parsed = _Text()
    parsed.feed(html)
    return [attrs for name, attrs in parsed.attrs if name == tag]


def test_home_shows_the_store_at_a_glance(seed_api: str) -> None:
    shown = text_of(page(seed_api, "/").text)
    statements = api(seed_api, "/statements", limit=1)["total"]
    actors = api(seed_api, "/actors", limit=1)["total"]
    assert re.search(rf"Actors\s*{actors}\b", shown) and re.search(
        rf"Statements\s*{statements}\b", shown
    )
    accused = api(seed_api, "/statements", kind="accusation", limit=100)["items"]
    most = max(
        {t["name"] for s in accused for t in s["targets"]},
        key=lambda n: sum(n in [t["name"] for t in s["targets"]] for s in accused),
    )
    assert f"1. {most}" in shown or most in shown.split("Most accused", 1)[1][:80]
    assert "Russia’s SVR accuses NATO" in shown  # the latest document


def test_actor_page_lists_every_statement_the_api_has(seed_api: str) -> None:
    html = page(seed_api, "/ui/actors/svr").text
    expected = api(seed_api, "/actors/svr/statements", limit=100)
    links = [
        a["href"] for a in tags(html, "a") if (a.get("href") or "").startswith("/ui/documents/")
    ]
    for statement in expected["items"]:
        assert statement["quote"] in text_of(html)
        anchor = "#st-" + statement["iri"].rsplit("/", 1)[1]
        assert f"/ui/documents/{SEED_DOC}{anchor}" in links
    assert f"{expected['total']} statements" in text_of(html)


def test_actor_page_filters_and_pages_its_statements(
    seed_api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.workbench.pages.PAGE", 2)
    made = api(seed_api, "/actors/jens-stoltenberg/statements", role="claimant", limit=100)["items"]
    first = page(seed_api, "/ui/actors/jens-stoltenberg", role="claimant").text
    second = page(seed_api, "/ui/actors/jens-stoltenberg", role="claimant", offset=2).text
    quotes = [s["quote"] for s in made]
    assert len(made) > 2
    assert all(q in text_of(first) for q in quotes[:2]) and quotes[2] not in text_of(first)
    assert quotes[2] in text_of(second) and 'rel="next"' in first
    denials = text_of(
        page(seed_api, "/ui/actors/jens-stoltenberg", role="claimant", kind="denial").text
    )
    assert all(q in denials for q in (s["quote"] for s in made if s["kind"] == "denial"))
    assert not any(q in denials for q in (s["quote"] for s in made if s["kind"] == "warning"))


def test_actor_page_draws_its_network_with_a_table_twin_and_embed_code(seed_api: str) -> None:
    html = page(seed_api, "/ui/actors/svr", depth=1).text
    frames = [f["src"] for f in tags(html, "iframe")]
    assert frames == ["/viz/actors/svr?depth=1&most=150"]
    assert httpx.get(seed_api + frames[0], timeout=60).status_code == 200
    twin = html.split("The picture as a table", 1)[1]
    for target in ("NATO", "Ukraine", "White Helmets", "Russia"):
        assert target in text_of(twin)
    embed = [t for t in tags(html, "textarea")]
    assert embed and "<iframe" in html.split("<textarea", 1)[1].replace("&lt;", "<")


def test_chain_finder_gives_each_hop_with_its_evidence(seed_api: str) -> None:
    html = page(seed_api, "/ui/chains", **{"from": "svr", "to": "NATO"}).text
    chains = api(seed_api, "/chains", **{"from": "svr", "to": "NATO"})
    shown = text_of(html)
    assert f"{len(chains)} chain" in shown
    evidence = api(seed_api, "/actors/svr/statements", role="claimant", limit=100)["items"]
    to_nato = [s["quote"] for s in evidence if "NATO" in [t["name"] for t in s["targets"]]]
    assert to_nato and all(q in shown for q in to_nato)
    assert any(f["src"].startswith("/viz/chains?") for f in tags(html, "iframe"))


def test_chain_finder_without_a_question_shows_the_form(seed_api: str) -> None:
    html = page(seed_api, "/ui/chains").text
    assert {i.get("name") for i in tags(html, "input")} >= {"from", "to", "max_hops", "kinds"}


def test_mirrors_show_the_evidence_on_both_sides(seed_api: str) -> None:
    html = page(seed_api, "/ui/mirrors").text
    pairs = api(seed_api, "/mirrors")
    shown = text_of(html)
    distinct = {(m["a"]["id"], m["b"]["id"]) for m in pairs}
    assert f"{len(distinct)} mirror pair" in shown
    for m in pairs:  # each pair once, with every act type it mirrors
        assert m["act_type"] in shown
    assert "Russia accuses NATO" in shown and "NATO accuses Russia" in shown
    stoltenberg = api(seed_api, "/actors/jens-stoltenberg/statements", role="claimant")["items"]
    accusing = [s["quote"] for s in stoltenberg if s["kind"] == "accusation"]
    assert accusing and all(q in shown for q in accusing)


def test_reader_marks_every_statement_span_and_links_it_both_ways(seed_api: str) -> None:
    html = page(seed_api, f"/ui/documents/{SEED_DOC}").text
    document = api(seed_api, f"/documents/{SEED_DOC}")
    marks = tags(html, "mark")
    anchors = {m["id"] for m in marks if m.get("id", "") and m["id"].startswith("st-")}
    items = {t["id"] for t in tags(html, "li") if (t.get("id") or "").startswith("item-st-")}
    keys = {"st-" + s["iri"].rsplit("/", 1)[1] for s in document["statements"]}
    assert anchors == keys and items == {"item-" + k for k in keys}
    refs = {a["href"] for a in tags(html, "a") if (a.get("href") or "").startswith("#item-")}
    assert refs == {"#item-" + k for k in keys}
    kinds = {m["class"].split()[1] for m in marks if m.get("class")}
    assert kinds == {"actor", "act", "statement"}
    named = text_of(html.split("Actors named", 1)[1])
    assert all(m["actor"]["name"] in named for m in document["mentions"])


def test_search_page_is_case_and_accent_blind_and_filters_by_kind(seed_api: str) -> None:
    shown = text_of(page(seed_api, "/ui/search", q="STOLTENBÉRG").text)
    assert "Jens Stoltenberg" in shown and "1 actor" in shown
    states = api(seed_api, "/actors", kind="State", limit=100)
    listed = text_of(page(seed_api, "/ui/search", kind="State").text)
    assert f"{states['total']} actors" in listed
    assert all(a["name"] in listed for a in states["items"])


def test_consoles_run_queries_as_the_api_does(seed_api: str) -> None:
    sparql = page(seed_api, "/ui/sparql", query="SELECT ?n WHERE { ?a rdfs:label ?n } LIMIT 3")
    assert sparql.status_code == 200 and "3 rows" in text_of(sparql.text)
    cypher = page(seed_api, "/ui/cypher", query="MATCH p = (:Actor)-[:DENIED]->(:Actor) RETURN p")
    assert "Jens Stoltenberg" in text_of(cypher.text)
    assert any(f["src"].startswith("/ui/cypher/picture?") for f in tags(cypher.text, "iframe"))
    csv = httpx.get(
        seed_api + "/ui/cypher/download",
        params={"query": "MATCH (a:Actor) RETURN a.label AS name ORDER BY name", "format": "csv"},
        timeout=60,
    )
    assert csv.status_code == 200 and csv.text.splitlines()[0] == "name"
    assert "attachment" in csv.headers["content-disposition"]


def test_a_write_in_the_cypher_console_is_refused_on_the_page(seed_api: str) -> None:
    refused = page(seed_api, "/ui/cypher", query="CREATE (:Actor {label: 'planted'})")
    assert refused.status_code == 403 and "refused" in text_of(refused.text)
    planted = api(seed_api, "/actors", q="planted")
    assert planted["total"] == 0


@pytest.mark.parametrize(("console", "suffix"), [("sparql", ".rq"), ("cypher", ".cypher")])
def test_every_example_of_docs_queries_is_offered_and_answers(
    seed_api: str, console: str, suffix: str
) -> None:
    shown = text_of(page(seed_api, f"/ui/{console}").text)
    examples = sorted(Path("docs/queries").glob(f"*{suffix}"))
    assert examples
    for example in examples:
        assert example.stem in shown
        answer = page(seed_api, f"/ui/{console}", query=example.read_text("utf-8"))
        assert answer.status_code == 200 and "Results (0 rows)" not in text_of(answer.text)


def test_errors_on_pages_are_pages(seed_api: str) -> None:
    missing = page(seed_api, "/ui/actors/spectre")
    assert missing.status_code == 404 and "no actor named 'spectre'" in text_of(missing.text)
    wrong = page(seed_api, "/ui/chains", **{"from": "svr", "to": "NATO", "max_hops": "99"})
    assert wrong.status_code == 422 and "max_hops" in text_of(wrong.text)
    assert httpx.get(seed_api + "/actors/spectre", timeout=60).headers["content-type"] == (
        "application/problem+json"
    )


@pytest.fixture
def fresh_api(tmp_path: Path) -> Iterator[str]:
    """A server of its own (it is written to), with the seed article and a write key."""
    from api.settings import Settings
    from graph.rdf.ingest import ingest_paths
    from graph.rdf.store import RDFStore
    from tests.api_server import running_api

    data = tmp_path / "data"
    with RDFStore.in_data_dir(data) as opened:
        assert ingest_paths(opened, [SEED_YAML]).ok
    with running_api(Settings(data=data, api_key=API_KEY)) as url:  # type: ignore[arg-type]
        yield url


HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1">'


def test_what_a_document_says_is_escaped_and_a_write_refreshes_the_pages(fresh_api: str) -> None:
    before = text_of(page(fresh_api, "/").text)
    assert re.search(r"Documents\s*1\b", before)
    doc = {
        "id": "hostile",
        "title": HOSTILE,
        "text": f"{HOSTILE} accused Hostile Actor of {HOSTILE}.",
        "entities": [
            {"id": "a", "name": HOSTILE, "kind": "Person", "mentions": [{"text": "Hostile Actor"}]}
        ],
    }
    stored = httpx.post(
        fresh_api + "/documents", json=doc, headers={"X-API-Key": API_KEY}, timeout=120
    )
    assert stored.status_code == 201, stored.text
    after = page(fresh_api, "/").text
    assert re.search(r"Documents\s*2\b", text_of(after))
    reader = page(fresh_api, "/ui/documents/hostile").text
    for html in (after, reader, page(fresh_api, "/ui/search", q="script").text):
        assert "<script>window" not in html and "<img src=x" not in html


def test_closed_reads_close_the_workbench(tmp_path: Path) -> None:
    from api.settings import Settings
    from tests.api_server import running_api

    settings = Settings(data=tmp_path / "data", api_key=API_KEY, open_reads=False)  # type: ignore[arg-type]
    with running_api(settings) as url:
        for path in ("/", "/ui/search", "/ui/sparql", "/ui/documents", "/viz/mirrors"):
            assert httpx.get(url + path, timeout=60).status_code == 401
        asked = httpx.get(url + "/ui/search?q=x", timeout=60)
        assert [i.get("name") for i in tags(asked.text, "input")][-2:] == ["back", "key"]
        assert httpx.get(url + "/", headers={"X-API-Key": API_KEY}, timeout=60).status_code == 200

        with httpx.Client(base_url=url, timeout=60) as browser:
            wrong = browser.post("/ui/key", data={"key": "guess", "back": "/ui/search"})
            assert wrong.status_code == 403 and "allegraph_key" not in browser.cookies
            kept = browser.post("/ui/key", data={"key": API_KEY, "back": "/ui/search?q=x"})
            assert kept.status_code == 303 and kept.headers["location"] == "/ui/search?q=x"
            cookie = kept.headers["set-cookie"].lower()
            assert "httponly" in cookie and "samesite=strict" in cookie
            assert browser.get("/").status_code == 200
            assert browser.get("/actors", params={"q": "a"}).status_code == 200
            assert browser.post("/documents", json={"id": "x"}).status_code == 401  # writes: header
        for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            answer = httpx.post(url + "/ui/key", data={"key": API_KEY, "back": elsewhere})
            assert answer.headers["location"] == "/"
