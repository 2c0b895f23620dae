"""A subgraph in, one HTML picture out: a standalone page or a snippet for a larger report.

pyvis assembles the vis-network nodes, edges and options and ships vis-network itself; the
page around them is written here, because pyvis's template links CDN stylesheets and
scripts. Everything is inline, nothing is loaded: the picture opens with no connection.
Data goes in as JSON inside a `<script type="application/json">` with `<`, `>` and `&`
escaped, and the script sets every text with `textContent`, so a name or quote holding
`</script>` or `<img onerror=…>` stays text.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from pyvis.edge import Edge  # type: ignore[import-untyped]
from pyvis.network import Network  # type: ignore[import-untyped]

from viz.layout import needs_precomputed_layout, precomputed_layout
from viz.model import Evidence, Source, Subgraph, VizEdge, VizNode
from viz.style import edge_glyph, edge_style, kind_label, kind_order, node_glyph, node_style

EDGE_LABEL_CHARS = 28  # an act longer than this is cut in the edge label (tooltips hold all)
CAPTION_SOURCES = 8  # documents named in the caption; the rest are counted


def render_network(
    subgraph: Subgraph,
    *,
    title: str | None = None,
    caption: str | None = None,
    fragment: bool = False,
    height: int = 640,
) -> str:
    """The picture as HTML: a whole page (for a file or an `<iframe>`), or (`fragment`) a
    `<figure>` with its style and scripts to paste into another page, any number of times
    (it uses no element ids). `height` is the drawing area's, in CSS pixels."""
    big = needs_precomputed_layout(subgraph)
    sources = _source_table(subgraph)
    data = {
        "nodes": _vis_nodes(subgraph, sources, big),
        "edges": _vis_edges(subgraph, sources, big),
        "options": _options(big),
        "physics": not big,
        "arrowsOnZoom": big,
        "sources": [_source_json(s) for s in sources],
    }
    shown = title if title is not None else subgraph.title
    snippet = _snippet(subgraph, shown, caption, data, height)
    return snippet if fragment else page(shown, snippet)


# vis-network data, assembled with pyvis ------------------------------------------------------


def _vis_nodes(subgraph: Subgraph, sources: list[Source], big: bool) -> list[dict[str, Any]]:
    net = Network(directed=True, cdn_resources="in_line")
    positions = precomputed_layout(subgraph) if big else {}
    doc_index = {s.iri: i for i, s in enumerate(sources)}
    for i, node in enumerate(subgraph.nodes):
        style = node_style(node.kind)
        extra: dict[str, Any] = {}
        if node.iri in positions:
            extra["x"], extra["y"] = positions[node.iri]
        net.add_node(
            i,
            label=node.label,
            shape=style.shape,
            color={
                "background": style.colour,
                "border": style.border,
                "highlight": {"background": style.colour, "border": "#111111"},
                "hover": {"background": style.colour, "border": "#111111"},
            },
            size=_size(node, big),
            iri=node.iri,
            kindLabel=kind_label(node.kind),
            degree=node.degree,
            docs=[doc_index[d] for d in node.documents if d in doc_index],
            **extra,
        )
    nodes: list[dict[str, Any]] = net.get_network_data()[0]
    return nodes


def _size(node: VizNode, big: bool) -> float:
    """Node size grows with the square root of its degree, so hubs stand out without
    swallowing their neighbours."""
    base, step = (6.0, 2.0) if big else (14.0, 5.0)
    return round(base + step * math.sqrt(node.degree), 1)


def _vis_edges(subgraph: Subgraph, sources: list[Source], big: bool) -> list[dict[str, Any]]:
    index = {node.iri: i for i, node in enumerate(subgraph.nodes)}
    doc_index = {s.iri: i for i, s in enumerate(sources)}
    parallel: dict[frozenset[str], int] = {}
    edges: list[dict[str, Any]] = []
    for i, edge in enumerate(subgraph.edges):
        style = edge_style(edge.relation)
        pair = frozenset((edge.source, edge.target))
        rank = parallel[pair] = parallel.get(pair, -1) + 1
        options: dict[str, Any] = {
            "id": f"e{i}",
            "relation": edge.relation,
            "verb": style.verb,
            "color": style.colour,
            "width": style.width,
            "evidence": [_evidence_json(e, doc_index) for e in edge.evidence],
        }
        if not big:  # dashes, curves and labels cost too much drawing time at thousands
            options["dashes"] = list(style.dashes) or False
            # Parallel links between one pair curve apart instead of overlapping.
            roundness = 0.12 + 0.14 * rank
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": roundness}
            options["label"] = _edge_label(edge)
        # pyvis's add_edge checks both ends against a list of node ids: quadratic, 1.6 s at
        # 20,000 edges. Its Edge class gives the same dictionary directly (arrows are set
        # once in the options, not on each edge).
        edges.append(Edge(index[edge.source], index[edge.target], **options).options)
    return edges


def _edge_label(edge: VizEdge) -> str:
    acts = edge.acts
    if not acts:
        return edge_style(edge.relation).verb
    first = acts[0] if len(acts[0]) <= EDGE_LABEL_CHARS else acts[0][: EDGE_LABEL_CHARS - 1] + "…"
    return first if len(acts) == 1 else f"{first} (+{len(acts) - 1})"


def _evidence_json(evidence: Evidence, doc_index: dict[str, int]) -> dict[str, Any]:
    return {
        "act": evidence.act,
        "quote": evidence.quote,
        "date": evidence.date,
        "modality": evidence.modality,
        "source": doc_index.get(evidence.document.iri) if evidence.document else None,
    }


def _options(big: bool) -> dict[str, Any]:
    font = {"size": 15, "face": "system-ui, DejaVu Sans, sans-serif", "strokeWidth": 4}
    options: dict[str, Any] = {
        "nodes": {"font": {**font, "strokeColor": "#ffffff"}, "borderWidth": 1.5},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.7}}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": False},
        "layout": {"randomSeed": 7, "improvedLayout": not big},
    }
    if big:
        # vis-network copies the edge options into every edge: set once and kept small,
        # they start 20,000 edges about twice as fast as per-edge curves and fonts.
        options["physics"] = {"enabled": False}
        options["edges"]["smooth"] = False
        # Arrows cost a third of the first drawing and are specks at this zoom: the page
        # turns them on once the reader zooms in (ARROWS_FROM_SCALE in network.js).
        options["edges"]["arrows"] = {"to": {"enabled": False, "scaleFactor": 0.7}}
        options["interaction"].update({"hideEdgesOnDrag": True, "hideEdgesOnZoom": True})
        return options
    edge_font = {**font, "size": 11, "align": "horizontal", "color": "#333333"}
    options["edges"]["font"] = edge_font
    options["physics"] = {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -140,
            "springLength": 230,
            "avoidOverlap": 0.8,
        },
        "stabilization": {"enabled": True, "iterations": 400, "fit": True},
    }
    return options


# sources ---------------------------------------------------------------------------------------


def _source_table(subgraph: Subgraph) -> list[Source]:
    """Every document the picture cites: the subgraph's sources, then any other that
    only a statement names."""
    table = {s.iri: s for s in subgraph.sources}
    for edge in subgraph.edges:
        for evidence in edge.evidence:
            if evidence.document is not None:
                table.setdefault(evidence.document.iri, evidence.document)
    return list(table.values())


def _source_json(source: Source) -> dict[str, Any]:
    return {
        "title": source.title,
        "url": safe_url(source.url),
        "publisher": source.publisher,
        "issued": source.issued,
    }


def safe_url(url: str | None) -> str | None:
    """Only web links become hrefs (never `javascript:`)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


# HTML -------------------------------------------------------------------------------------


@cache
def asset(name: str) -> str:
    return (files("viz") / name).read_text(encoding="utf-8")


@cache
def vis_network_js() -> str:
    """vis-network as pyvis ships it, without its source-map comment (nothing to fetch)."""
    import pyvis  # type: ignore[import-untyped]

    path = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", text)


def script_json(value: Any) -> str:
    """JSON that is safe inside a `<script>` element: no `</script>`, no `<!--`."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _snippet(
    subgraph: Subgraph, title: str, caption: str | None, data: dict[str, Any], height: int
) -> str:
    waiting = ""
    if not subgraph.nodes:
        waiting = '<div class="ag-empty">Nothing to show: the question has no answer here.</div>'
    elif data["physics"]:
        waiting = f'<div class="ag-loading">Laying out {len(subgraph.nodes):,} nodes…</div>'
    legend = _legend(subgraph, dashed=bool(data["physics"]))
    return (
        f"<style>{asset('network.css')}</style>\n"
        f'<figure class="allegraph-viz" style="--ag-height: {int(height)}px">\n'
        f'<figcaption class="ag-title">{escape(title)}</figcaption>\n'
        f'<div class="ag-stage"><div class="ag-canvas"></div>{legend}\n'
        f'<div class="ag-tooltip" hidden></div>{waiting}\n'
        f'<aside class="ag-details" hidden><button type="button" class="ag-close" '
        f'aria-label="Close">×</button><div class="ag-details-body"></div></aside></div>\n'
        f'<p class="ag-caption">{_caption(subgraph, caption)}</p>\n'
        f'<script type="application/json" class="ag-data">{script_json(data)}</script>\n'
        f"</figure>\n"
        f'<script>if (typeof vis === "undefined") {{\n{vis_network_js()}\n}}</script>\n'
        f"<script>{asset('network.js')}</script>\n"
    )


def _legend(subgraph: Subgraph, dashed: bool) -> str:
    kinds = sorted({n.kind for n in subgraph.nodes}, key=kind_order)
    relations = sorted({e.relation for e in subgraph.edges})
    rows = [
        f"<li>{node_glyph(node_style(k))}<span>{escape(kind_label(k))}</span></li>" for k in kinds
    ]
    if relations:
        rows.append('<li class="ag-legend-head">Links</li>')
        rows += [
            f"<li>{edge_glyph(edge_style(r), dashed)}<span>{escape(edge_style(r).verb)}</span></li>"
            for r in relations
        ]
    if not rows:
        return ""
    return f'<div class="ag-legend"><ul>{"".join(rows)}</ul></div>'


def _caption(subgraph: Subgraph, caption: str | None) -> str:
    parts = [escape(caption)] if caption else []
    parts.append(f"{len(subgraph.nodes):,} nodes, {len(subgraph.edges):,} links.")
    cited = _source_table(subgraph)
    if cited:
        names = [_source_html(s) for s in cited[:CAPTION_SOURCES]]
        more = len(cited) - CAPTION_SOURCES
        if more > 0:
            names.append(f"and {more:,} more")
        parts.append("Sources: " + "; ".join(names) + ".")
    return " ".join(parts)


def _source_html(source: Source) -> str:
    text = escape(source.title) + "".join(
        f", {escape(x)}" for x in (source.publisher, source.issued) if x
    )
    url = safe_url(source.url)
    if url is None:
        return f"<cite>{text}</cite>"
    return f'<a href="{escape(url)}" rel="noopener noreferrer"><cite>{text}</cite></a>'


CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:"
)
PAGE_STYLE = "body { margin: 16px; background: #fafafa; }"


def page(title: str, body: str, style: str = PAGE_STYLE) -> str:
    """A standalone page (a picture's, a dossier's); its Content-Security-Policy forbids
    loading anything at all."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>{style}</style>\n"
        f"</head>\n<body>\n{body}</body>\n</html>\n"
    )
