"""Network pictures without a browser: the subgraph of each question against the question's
own answer on the seed article, and the HTML: escaped, self-contained, with a legend."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from graph import queries
from graph.rdf.actors import resolve_actor
from graph.rdf.ingest import ingest_paths
from graph.rdf.store import RDFStore
from graph.sync.run import sync_documents
from loaders import discover
from loaders.errors import NotFoundError, UsageError, WriteRefused
from loaders.synthetic import write_corpus
from ontology import ActorKind
from viz import (
    Evidence,
    Source,
    Subgraph,
    VizEdge,
    VizNode,
    chains_subgraph,
    cypher_subgraph,
    mirrors_subgraph,
    neighbourhood_subgraph,
    render_network,
    sparql_subgraph,
)
from viz.layout import PHYSICS_LIMIT
from viz.model import assemble

HOSTILE = '</script><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'


def actor(store: RDFStore, name: str) -> str:
    return resolve_actor(store, name)


# subgraphs against the questions' answers ---------------------------------------------------


def test_neighbourhood_holds_exactly_the_query_answer(seed_store: RDFStore) -> None:
    svr = actor(seed_store, "SVR")
    for depth in (0, 1, 2):
        picture = neighbourhood_subgraph(seed_store, svr, depth)
        answer = queries.neighbourhood_sparql(seed_store, svr, depth)
        assert picture.node_iris == set(answer.actors)
        assert picture.edge_keys == set(answer.edges)


def test_neighbourhood_in_cypher_matches_sparql(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    nato = actor(seed_store, "NATO")
    from_graph = neighbourhood_subgraph(seed_store, nato, 2, graph_db)
    from_store = neighbourhood_subgraph(seed_store, nato, 2)
    assert from_graph == from_store


def test_links_carry_their_statements(seed_store: RDFStore) -> None:
    stoltenberg, russia = actor(seed_store, "Stoltenberg"), actor(seed_store, "Russia")
    picture = neighbourhood_subgraph(seed_store, stoltenberg, 1)
    [denied] = [e for e in picture.edges if e.key == (stoltenberg, "DENIED", russia)]
    quotes = {e.quote for e in denied.evidence}
    assert quotes == {"This is just another lie.", "and that’s an absolute lie."}
    assert {e.date for e in denied.evidence} == {"2022-03-15"}
    assert {e.modality for e in denied.evidence} == {"asserted"}
    # A denial has no act of its own: it is labelled with the act it answers.
    assert all(e.act and e.act.startswith("answers: ") for e in denied.evidence)
    [source] = {e.document for e in denied.evidence}
    assert source is not None and source.title.startswith("Russia’s SVR accuses NATO")
    assert picture.sources == (source,)
    kinds = {n.label: n.kind for n in picture.nodes}
    assert kinds["Jens Stoltenberg"] == ActorKind.Person and kinds["Russia"] == ActorKind.State
    degrees = {n.label: n.degree for n in picture.nodes}
    assert degrees["Jens Stoltenberg"] == sum(
        1 for e in picture.edges if stoltenberg in (e.source, e.target)
    )


def test_chains_hold_the_actors_and_links_on_the_chains(seed_store: RDFStore) -> None:
    stoltenberg, russia = actor(seed_store, "Stoltenberg"), actor(seed_store, "Russia")
    ukraine = actor(seed_store, "Ukraine")
    paths = queries.chains_sparql(seed_store, stoltenberg, ukraine, 4)
    picture = chains_subgraph(seed_store, stoltenberg, ukraine)
    assert paths == [(stoltenberg, russia, ukraine)]
    assert picture.node_iris == {stoltenberg, russia, ukraine}
    assert picture.edge_keys == {(stoltenberg, "ACCUSED", russia), (russia, "ACCUSED", ukraine)}
    with pytest.raises(UsageError, match="unknown kind"):
        chains_subgraph(seed_store, stoltenberg, ukraine, kinds=["gossip"])


def test_mirrors_show_both_sides_and_what_rolls_them_up(seed_store: RDFStore) -> None:
    names = {n: actor(seed_store, n) for n in ("SVR", "Russia", "NATO", "Stoltenberg")}
    picture = mirrors_subgraph(seed_store)
    assert {(m.a, m.b) for m in queries.mirrors_sparql(seed_store)} == {
        tuple(sorted((names["Russia"], names["NATO"])))
    }
    assert picture.node_iris == set(names.values())
    assert picture.edge_keys == {
        (names["SVR"], "ACCUSED", names["NATO"]),
        (names["Russia"], "ACCUSED", names["NATO"]),
        (names["Stoltenberg"], "ACCUSED", names["Russia"]),
        (names["SVR"], "PART_OF", names["Russia"]),
        (names["Stoltenberg"], "SPEAKS_FOR", names["NATO"]),
    }


def test_cypher_paths_and_bare_relationships_become_links(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    rows = graph_db.read("MATCH (a:Actor)-[:ACCUSED]->(b:Actor) RETURN a.iri AS a, b.iri AS b")
    expected = {(r["a"], "ACCUSED", r["b"]) for r in rows}
    picture = cypher_subgraph(
        seed_store, graph_db, "MATCH p = (:Actor)-[:ACCUSED]->(:Actor) RETURN p"
    )
    assert picture.edge_keys == expected
    assert picture.node_iris == {iri for key in expected for iri in (key[0], key[2])}
    # A relationship alone, and only the one statement the query returned.
    one = cypher_subgraph(
        seed_store,
        graph_db,
        "MATCH (:Actor)-[r:DENIED]->(:Actor) WHERE r.statement ENDS WITH $s RETURN r",
        {"s": "/s7"},
    )
    stoltenberg, russia = actor(seed_store, "Stoltenberg"), actor(seed_store, "Russia")
    assert one.edge_keys == {(stoltenberg, "DENIED", russia)}
    assert [e.quote for e in one.edges[0].evidence] == ["This is just another lie."]


def test_cypher_pictures_refuse_writes_and_plain_values(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    with pytest.raises(WriteRefused):
        cypher_subgraph(seed_store, graph_db, "CREATE (n:Resource {iri: 'x'}) RETURN n")
    assert graph_db.read("MATCH (n:Resource {iri: 'x'}) RETURN n") == []
    with pytest.raises(UsageError, match="no nodes, relationships or paths"):
        cypher_subgraph(seed_store, graph_db, "MATCH (a:Actor) RETURN a.iri AS iri")


def test_sparql_construct_graph_becomes_the_picture(seed_store: RDFStore) -> None:
    rows = seed_store.solutions("SELECT ?a ?b WHERE { ?a ag:accused ?b }")
    expected = {(r["a"].value, "ACCUSED", r["b"].value) for r in rows}
    picture = sparql_subgraph(
        seed_store, "CONSTRUCT { ?a ag:accused ?b } WHERE { ?a ag:accused ?b }"
    )
    assert picture.edge_keys == expected
    assert all(e.evidence for e in picture.edges)
    with pytest.raises(UsageError, match="CONSTRUCT"):
        sparql_subgraph(seed_store, "SELECT ?a WHERE { ?a a ag:Actor }")


def test_unknown_actor_is_not_found(seed_store: RDFStore) -> None:
    with pytest.raises(NotFoundError):
        neighbourhood_subgraph(seed_store, "https://example.org/nobody", 1)


# rendering ------------------------------------------------------------------------------------


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def data_of(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" class="ag-data">(.*?)</script>', html, re.S)
    assert found is not None
    loaded: dict[str, Any] = json.loads(found.group(1))
    return loaded


def hostile_subgraph(url: str = "https://news.example/a?x=1&y=2") -> Subgraph:
    source = Source("urn:doc:1", f"Title {HOSTILE}", url, "Wire <b>", "2024-01-02")
    said = Evidence("urn:s:1", f"act {HOSTILE}", f"quote {HOSTILE}", "2024-01-02", "hedged", source)
    nodes = [VizNode("urn:a", HOSTILE, "State"), VizNode("urn:b", "B & co", "NGO")]
    return assemble(nodes, [VizEdge("urn:a", "urn:b", "ACCUSED", (said,))], HOSTILE, [source])


def test_names_and_quotes_from_the_data_stay_text() -> None:
    html = render_network(hostile_subgraph(), caption=f"caption {HOSTILE}")
    found = tags(html)
    assert [t for t, _ in found if t == "img"] == []
    assert [t for t, _ in found if t == "script"] == ["script"] * 3  # data, vis-network, app
    data = data_of(html)
    assert data["nodes"][[n["iri"] for n in data["nodes"]].index("urn:a")]["label"] == HOSTILE
    assert data["edges"][0]["evidence"][0]["quote"] == f"quote {HOSTILE}"
    assert "</script><img" not in html


def test_the_page_loads_nothing_and_links_only_to_sources() -> None:
    for fragment in (False, True):
        html = render_network(hostile_subgraph(), fragment=fragment)
        for tag, attrs in tags(html):
            loaded = {k: v for k, v in attrs.items() if k in ("src", "srcset", "data", "poster")}
            assert loaded == {}, (tag, attrs)
            if tag != "a":
                assert "href" not in attrs, (tag, attrs)
            else:
                assert attrs["href"] == "https://news.example/a?x=1&y=2"
        assert not re.search(r"url\(\s*['\"]?https?:|@import", html)


def test_only_web_links_become_links() -> None:
    html = render_network(hostile_subgraph(url="javascript:alert(1)"))
    assert not [a for t, a in tags(html) if t == "a"]
    assert data_of(html)["sources"][0]["url"] is None


def test_the_legend_names_the_kinds_and_links_shown(seed_store: RDFStore) -> None:
    picture = neighbourhood_subgraph(seed_store, actor(seed_store, "Stoltenberg"), 1)
    html = render_network(picture, title="Who Stoltenberg answered", caption="From the seed.")
    legend = re.search(r'<div class="ag-legend">(.*?)</div>', html, re.S)
    assert legend is not None
    text = re.sub(r"<[^>]+>", " ", legend.group(1)).split()
    assert {"Person", "State", "International", "accused", "denied", "warned"} <= set(text)
    assert "Intelligence" not in text  # no kind that is not in the picture
    assert "Who Stoltenberg answered" in html and "From the seed." in html
    assert "Russia’s SVR accuses NATO" in html  # the source, named in the caption


def test_a_fragment_has_no_ids_and_no_page_around_it(seed_store: RDFStore) -> None:
    picture = mirrors_subgraph(seed_store)
    fragment = render_network(picture, fragment=True)
    assert not [a for _, a in tags(fragment) if "id" in a]
    assert "<html" not in fragment and "<body" not in fragment
    page = render_network(picture)
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page


def synthetic(n: int) -> Subgraph:
    nodes = [VizNode(f"urn:n:{i}", f"n{i}", "Person") for i in range(n)]
    edges = [VizEdge(f"urn:n:{i}", f"urn:n:{(i * 7 + 1) % n}", "ACCUSED") for i in range(n)]
    return assemble(nodes, edges, "synthetic")


def test_large_pictures_are_laid_out_in_python_with_physics_off() -> None:
    big = data_of(render_network(synthetic(PHYSICS_LIMIT + 1)))
    assert big["options"]["physics"] == {"enabled": False} and big["physics"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in big["nodes"])
    small = data_of(render_network(synthetic(PHYSICS_LIMIT)))
    assert small["physics"] is True and "x" not in small["nodes"][0]


def test_empty_answers_draw_an_empty_picture() -> None:
    html = render_network(assemble([], [], "nothing"))
    assert "Nothing to show" in html and data_of(html)["nodes"] == []


def test_mirror_sides_agree_with_the_statements_on_a_generated_corpus(
    store: RDFStore, tmp_path: Path
) -> None:
    """The rolled-up accusations behind each mirror, checked against one plain query over
    the statements (too slow for real use, simple enough to trust)."""
    write_corpus(40, tmp_path / "corpus", seed=5)
    ingest_paths(store, list(discover([tmp_path / "corpus"])), shacl=False)
    found = queries.mirrors_sparql(store)
    assert found
    picture = mirrors_subgraph(store)
    rows = store.solutions(
        "SELECT DISTINCT ?c ?t WHERE { VALUES (?x ?y ?k) { "
        + " ".join(
            f"(<{x}> <{y}> <{m.act_type}>)" for m in found for x, y in ((m.a, m.b), (m.b, m.a))
        )
        + " } ?s a ag:Accusation ; ag:claimant ?c ; ag:target ?t ; "
        "ag:allegedAct/ag:actType ?k . "
        "?c (ag:partOf|ag:speaksFor)* ?x . ?t (ag:partOf|ag:speaksFor)* ?y }"
    )
    expected = {(r["c"].value, "ACCUSED", r["t"].value) for r in rows}
    assert {k for k in picture.edge_keys if k[1] == "ACCUSED"} == expected


def test_a_capped_neighbourhood_keeps_the_actor_and_the_most_linked(seed_store: RDFStore) -> None:
    svr = resolve_actor(seed_store, "SVR")
    whole = neighbourhood_subgraph(seed_store, svr, 2)
    capped = neighbourhood_subgraph(seed_store, svr, 2, most=4)
    links = {n.iri: n.degree for n in whole.nodes}
    others = sorted((a for a in links if a != svr), key=lambda a: (-links[a], a))
    assert capped.node_iris == {svr, *others[:3]}
    assert capped.edge_keys == {k for k in whole.edge_keys if {k[0], k[2]} <= capped.node_iris}
    assert "most linked" in capped.title and len(whole.nodes) > 4
    assert neighbourhood_subgraph(seed_store, svr, 2, most=99).node_iris == whole.node_iris


def test_mirrors_come_a_page_of_pairs_at_a_time(tmp_path: Path, store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    write_corpus(60, tmp_path / "corpus", seed=9)
    ingest_paths(store, list(discover([tmp_path / "corpus"])), shacl=False)
    sync_documents(store, graph_db)
    found = queries.mirrors_cypher(graph_db, True, True)
    pairs = list(dict.fromkeys((m.a, m.b) for m in found))
    assert len(pairs) >= 3
    whole = mirrors_subgraph(store, graph_db)
    pages = [mirrors_subgraph(store, graph_db, offset=k, limit=2) for k in (0, 2)]
    for page, shown in zip(pages, (pairs[:2], pairs[2:4]), strict=True):
        assert {a for pair in shown for a in pair} <= page.node_iris <= whole.node_iris
        assert f"of {len(pairs)}" in page.title
    assert pages[0].edge_keys | pages[1].edge_keys <= whole.edge_keys
    assert len(pages[0].nodes) < len(whole.nodes)
