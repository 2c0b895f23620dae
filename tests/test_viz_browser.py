"""Network pictures in a real browser: Debian's Chromium, headless, with every request but
the page itself refused. The network drawn must hold exactly the question's nodes and
links, answer a click with the node's details, load nothing, and not be blank."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from graph import queries
from graph.rdf.actors import resolve_actor
from graph.rdf.store import RDFStore
from viz import Evidence, Source, Subgraph, neighbourhood_subgraph, render_network
from viz.browser import OfflinePage, node_position, open_offline
from viz.layout import PHYSICS_LIMIT
from viz.model import VizEdge, VizNode, assemble

HOSTILE = '</script><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'


def picture_file(tmp_path: Path, html: str, name: str = "picture.html") -> Path:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def drawn(opened: OfflinePage, picture: int = 0) -> tuple[set[str], set[tuple[str, str, str]]]:
    """The node IRIs and (source, relation, target) links in vis-network's own data."""
    nodes, edges = opened.evaluate(
        """k => {
          const {network} = window.allegraphNetworks[k];
          const nodes = network.body.data.nodes, edges = network.body.data.edges;
          const iri = id => nodes.get(id).iri;
          return [nodes.get().map(n => n.iri),
                  edges.get().map(e => [iri(e.from), e.relation, iri(e.to)])];
        }""",
        picture,
    )
    return set(nodes), {(e[0], e[1], e[2]) for e in edges}


def seed_picture(store: RDFStore, depth: int = 2) -> tuple[str, Subgraph]:
    svr = resolve_actor(store, "SVR")
    return svr, neighbourhood_subgraph(store, svr, depth)


def test_the_network_holds_exactly_the_query_answer_offline(
    seed_store: RDFStore,
    browser: Any,
    tmp_path: Path,
) -> None:
    svr, picture = seed_picture(seed_store)
    path = picture_file(tmp_path, render_network(picture, caption="The seed article."))
    opened = open_offline(browser, path)
    answer = queries.neighbourhood_sparql(seed_store, svr, 2)
    assert drawn(opened) == (set(answer.actors), set(answer.edges))
    assert opened.blocked == [] and opened.errors == []
    assert opened.evaluate("window.network === window.allegraphNetworks[0].network")


def test_clicking_a_node_shows_its_details_and_hovering_its_tooltip(
    seed_store: RDFStore,
    browser: Any,
    tmp_path: Path,
) -> None:
    svr, picture = seed_picture(seed_store)
    opened = open_offline(browser, picture_file(tmp_path, render_network(picture)))
    x, y = node_position(opened, svr)
    opened.page.mouse.move(x, y)
    tooltip = opened.page.locator(".ag-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert "SVR" in tooltip.inner_text() and "Intelligence service" in tooltip.inner_text()
    opened.page.mouse.click(x, y)
    details = opened.page.locator(".ag-details")
    details.wait_for(state="visible", timeout=5000)
    text = details.inner_text()
    assert "SVR" in text and "Russia’s SVR accuses NATO" in text  # the source document
    assert opened.errors == []


def test_no_request_leaves_the_page_and_the_guard_would_see_one(
    seed_store: RDFStore,
    browser: Any,
    tmp_path: Path,
) -> None:
    _, picture = seed_picture(seed_store, 1)
    opened = open_offline(browser, picture_file(tmp_path, render_network(picture)))
    assert opened.blocked == []
    # The same guard on a page that does ask for a remote image (never reached: refused).
    host = picture_file(
        tmp_path,
        '<img src="http://remote.invalid/pixel.png">' + render_network(picture, fragment=True),
        "host.html",
    )
    assert open_offline(browser, host).blocked == ["http://remote.invalid/pixel.png"]


def test_the_screenshot_is_not_blank(seed_store: RDFStore, browser: Any, tmp_path: Path) -> None:
    from PIL import Image

    _, picture = seed_picture(seed_store)
    opened = open_offline(browser, picture_file(tmp_path, render_network(picture)))
    canvas = opened.page.locator(".ag-canvas canvas")
    image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    coloured = sum(count for count, colour in colours if min(colour) < 235)  # type: ignore[misc, arg-type]
    assert coloured > image.width * image.height * 0.01
    assert len(colours) > 100  # nodes, links and labels in many colours and shades


def test_hostile_names_and_quotes_do_not_run(browser: Any, tmp_path: Path) -> None:
    nodes = [VizNode("urn:a", HOSTILE, "State"), VizNode("urn:b", "B", "NGO")]
    picture = assemble(nodes, [VizEdge("urn:a", "urn:b", "ACCUSED")], HOSTILE)
    opened = open_offline(browser, picture_file(tmp_path, render_network(picture)))
    assert opened.evaluate("window.pwned") is None
    assert HOSTILE in opened.evaluate("window.nodes.get().map(n => n.label)")
    assert opened.page.locator("img").count() == 0
    assert opened.page.title() == HOSTILE
    assert opened.errors == [] and opened.blocked == []


def test_a_fragment_pasted_twice_draws_twice(
    seed_store: RDFStore,
    browser: Any,
    tmp_path: Path,
) -> None:
    _, picture = seed_picture(seed_store, 1)
    snippet = render_network(picture, fragment=True)
    report = f"<!DOCTYPE html><html><body><h1>Report</h1>{snippet}<p>…</p>{snippet}</body></html>"
    opened = open_offline(browser, picture_file(tmp_path, report, "report.html"))
    assert opened.evaluate("window.allegraphNetworks.length") == 2
    assert drawn(opened, 0) == drawn(opened, 1) == (set(picture.node_iris), set(picture.edge_keys))
    assert opened.errors == [] and opened.blocked == []


def test_a_large_picture_opens_with_its_precomputed_layout(browser: Any, tmp_path: Path) -> None:
    n = PHYSICS_LIMIT * 3
    nodes = [VizNode(f"urn:n:{i}", f"n{i}", "Person") for i in range(n)]
    edges = [VizEdge(f"urn:n:{i}", f"urn:n:{(i * 7 + 1) % n}", "DENIED") for i in range(n)]
    picture = assemble(nodes, edges, "large")
    opened = open_offline(browser, picture_file(tmp_path, render_network(picture)))
    assert drawn(opened) == (set(picture.node_iris), set(picture.edge_keys))
    assert opened.evaluate("window.network.physics.options.enabled") is False
    assert opened.errors == []


def test_a_large_picture_brings_arrows_back_when_zoomed_in(browser: Any, tmp_path: Path) -> None:
    n = PHYSICS_LIMIT + 50
    nodes = [VizNode(f"urn:n:{i}", f"n{i}", "State") for i in range(n)]
    edges = [VizEdge(f"urn:n:{i}", f"urn:n:{(i + 1) % n}", "ACCUSED") for i in range(n)]
    opened = open_offline(
        browser, picture_file(tmp_path, render_network(assemble(nodes, edges, "x")))
    )
    arrows = "window.network.edgesHandler.options.arrows.to.enabled"
    assert opened.evaluate(arrows) is False
    box = opened.page.locator(".ag-canvas").bounding_box()
    assert box is not None
    opened.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(12):
        opened.page.mouse.wheel(0, -400)
        if opened.evaluate(arrows):
            break
    assert opened.evaluate(arrows) is True
    assert opened.errors == []


def test_a_link_tells_its_statements_and_links_to_the_source(browser: Any, tmp_path: Path) -> None:
    source = Source("urn:doc:1", "Wire story", "https://news.example/story?id=1&p=2", "Wire")
    said = Evidence(
        "urn:s:1",
        "a staged attack",
        "They are planning a staged attack.",
        "2022-03-15",
        "hedged",
        source,
    )
    nodes = [VizNode("urn:a", "Accuser", "State"), VizNode("urn:b", "Accused", "NGO")]
    picture = assemble(nodes, [VizEdge("urn:a", "urn:b", "ACCUSED", (said,))], "t", [source])
    opened = open_offline(browser, picture_file(tmp_path, render_network(picture)))
    x, y = opened.evaluate(
        """() => {
          const {root, network} = window.allegraphNetworks[0];
          const at = network.canvasToDOM(network.body.edges["e0"].edgeType.getPoint(0.3));
          const box = root.querySelector('.ag-canvas').getBoundingClientRect();
          return [box.left + at.x, box.top + at.y];
        }"""
    )
    opened.page.mouse.move(x, y)
    tooltip = opened.page.locator(".ag-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    text = tooltip.inner_text()
    for expected in ("Accuser accused Accused", "a staged attack", "planning a staged", "hedged"):
        assert expected in text
    assert "2022-03-15" in text and "Wire story" in text
    opened.page.mouse.click(x, y)
    link = opened.page.locator(".ag-details a")
    link.wait_for(state="visible", timeout=5000)
    assert link.get_attribute("href") == "https://news.example/story?id=1&p=2"
    assert opened.blocked == [] and opened.errors == []
