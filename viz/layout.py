"""Node positions computed in Python for large pictures, so the browser draws at once.

vis-network's physics never settled within two minutes at 5,000 nodes / 20,000 edges;
igraph's Fruchterman-Reingold placed them in well under a second (networkx took 46 s), and
with physics off the page became interactive in under three (DESIGN.md, bench/viz.py).
"""

from __future__ import annotations

import math
import random

import igraph  # type: ignore[import-untyped]

from viz.model import Subgraph

PHYSICS_LIMIT = 300  # above this many nodes: layout here, physics off in the browser
SPACING = 70.0  # vis-network units per node along each side of the picture


def needs_precomputed_layout(subgraph: Subgraph) -> bool:
    return len(subgraph.nodes) > PHYSICS_LIMIT


def precomputed_layout(subgraph: Subgraph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """x, y per node IRI (a given seed gives the same picture), scaled to about
    `SPACING` units between neighbours so labels and arrows stay apart."""
    index = {node.iri: i for i, node in enumerate(subgraph.nodes)}
    if not index:
        return {}
    pairs = {(index[e.source], index[e.target]) for e in subgraph.edges if e.source != e.target}
    graph = igraph.Graph(n=len(index), edges=sorted(pairs), directed=False)
    # Start spread as igraph's own random start is: crowded in a small square, its grid
    # put every node in one cell (48 s at 5,000 nodes instead of under one).
    chance, half = random.Random(seed), math.sqrt(len(index)) / 2
    start = [[chance.uniform(-half, half), chance.uniform(-half, half)] for _ in index]
    coords = graph.layout_fruchterman_reingold(seed=start).coords
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = SPACING * math.sqrt(len(index)) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        iri: (round((xs[i] - mid_x) * scale, 1), round((ys[i] - mid_y) * scale, 1))
        for iri, i in index.items()
    }
