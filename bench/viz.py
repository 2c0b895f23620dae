"""Picture benchmark: how long a rendered network takes to become interactive in headless
Chromium (Debian's, network cut off), for synthetic subgraphs of several sizes, with the
layout precomputed by igraph (physics off) and, where feasible, left to vis-network's
physics in the browser, as allegraph does up to 300 nodes and pyvis always does (capped by
--physics-timeout).

"Interactive" is: from navigation until every picture on the page is drawn (and, with
physics, settled), then until a click on the busiest node is answered with its details
panel. Browser start-up is not counted.

Usage: python bench/viz.py [--sizes 500,2000,5000] [--edges-per-node 4] [--repeat 3]
                           [--physics-sizes 300,500,2000] [--physics-timeout 60]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ontology import ActorKind  # noqa: E402
from viz import layout  # noqa: E402
from viz.browser import chromium, node_position, open_offline  # noqa: E402
from viz.model import (  # noqa: E402
    SHORTCUT_RELATIONS,
    Evidence,
    Source,
    Subgraph,
    VizEdge,
    VizNode,
    assemble,
)
from viz.render import render_network  # noqa: E402


def synthetic_subgraph(nodes: int, edges: int, seed: int = 0) -> Subgraph:
    """Actors of every kind joined by random links of every statement kind; a few hubs
    (preferential attachment) as in real accusation networks."""
    chance = random.Random(seed)
    kinds = list(ActorKind)
    actors = [
        VizNode(f"urn:bench:actor/{i}", f"Actor {i}", chance.choice(kinds).value)
        for i in range(nodes)
    ]
    source = Source("urn:bench:document/0", "Synthetic corpus", "https://news.example/0")
    relations = list(SHORTCUT_RELATIONS)
    ends: list[int] = []
    links: dict[tuple[str, str, str], VizEdge] = {}
    while len(links) < edges:
        a = chance.choice(ends) if ends and chance.random() < 0.5 else chance.randrange(nodes)
        b = chance.randrange(nodes)
        if a == b:
            continue
        relation = chance.choice(relations)
        said = Evidence(
            f"urn:bench:s/{len(links)}", "an act", "a quote", "2024-01-01", "asserted", source
        )
        edge = VizEdge(actors[a].iri, actors[b].iri, relation, (said,))
        links[edge.key] = edge
        ends += [a, b]
    return assemble(actors, links.values(), f"{nodes:,} actors", [source])


def time_to_interactive(html: Path, hub: str, timeout_s: float) -> tuple[float, float] | None:
    """Seconds from navigation until drawn, and then until a click on `hub` is answered
    with its details panel; None past the timeout."""
    with chromium() as browser:
        try:
            opened = open_offline(browser, html, timeout_ms=int(timeout_s * 1000))
            start = time.perf_counter()
            x, y = node_position(opened, hub)
            opened.page.mouse.click(x, y)
            opened.page.wait_for_selector(".ag-details:not([hidden])", timeout=timeout_s * 1000)
            clicked = time.perf_counter() - start
        except Exception as exc:  # a timeout of either wait
            if "Timeout" not in type(exc).__name__:
                raise
            return None
        if opened.blocked or opened.errors:
            raise SystemExit(f"the page failed: {opened.blocked or opened.errors}")
        return opened.seconds, clicked


def run(
    nodes: int, per_node: int, physics: bool, timeout_s: float, repeat: int, work: Path
) -> None:
    """Render once, open `repeat` times in a fresh browser each; print the median run."""
    subgraph = synthetic_subgraph(nodes, nodes * per_node)
    hub = max(subgraph.nodes, key=lambda n: n.degree)
    start = time.perf_counter()
    if physics:  # no layout from Python: vis-network's physics settles it in the browser
        saved = layout.PHYSICS_LIMIT
        layout.PHYSICS_LIMIT = 10**9
        try:
            html = render_network(replace(subgraph, title=subgraph.title + " (physics)"))
        finally:
            layout.PHYSICS_LIMIT = saved
    else:
        html = render_network(subgraph)
    render_s = time.perf_counter() - start
    path = work / f"net-{nodes}-{'physics' if physics else 'layout'}.html"
    path.write_text(html, encoding="utf-8")
    runs = [time_to_interactive(path, hub.iri, timeout_s) for _ in range(repeat)]
    done = sorted((r for r in runs if r is not None), key=sum)
    if len(done) < len(runs):
        shown = f"not interactive within {timeout_s:.0f} s"
    else:
        drawn, clicked = done[len(done) // 2]
        shown = f"drawn {drawn:5.2f} s + click {clicked:4.2f} s = {drawn + clicked:5.2f} s"
    print(
        f"{nodes:>6,} nodes {len(subgraph.edges):>7,} edges  "
        f"{'physics' if physics else 'igraph layout':<14} render {render_s:5.2f} s  "
        f"html {len(html) / 1e6:4.1f} MB  {shown}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000,5000")
    parser.add_argument("--edges-per-node", type=int, default=4)
    parser.add_argument("--physics-sizes", default="300,500,2000")
    parser.add_argument("--repeat", type=int, default=3, help="browser runs per size (median)")
    parser.add_argument("--physics-timeout", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for nodes in [int(s) for s in args.sizes.split(",") if s]:
            run(nodes, args.edges_per_node, False, 60.0, args.repeat, Path(tmp))
        for nodes in [int(s) for s in args.physics_sizes.split(",") if s]:
            run(nodes, args.edges_per_node, True, args.physics_timeout, 1, Path(tmp))


if __name__ == "__main__":
    main()
