"""How a picture looks: a colour and shape per actor kind, a colour and dash pattern per
link kind, and the legend's small drawings of both.

Ten actor kinds get the ten colours of the Tableau 10 palette (told apart by most readers,
colour-blind ones included thanks to the shapes); accusations are solid red, denials
dashed blue, warnings dotted orange, threats dash-dotted purple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from ontology import ActorKind, StatementKind


@dataclass(frozen=True)
class NodeStyle:
    colour: str
    border: str
    shape: str  # a vis-network shape with its label below (dot, diamond, …)


@dataclass(frozen=True)
class EdgeStyle:
    colour: str
    dashes: tuple[int, ...]  # empty: solid
    width: float
    verb: str  # what the legend and tooltips say: "accused", "part of"


ACTOR_STYLES: dict[ActorKind, NodeStyle] = {
    ActorKind.State: NodeStyle("#e15759", "#a8373a", "hexagon"),
    ActorKind.Person: NodeStyle("#4e79a7", "#2f4f73", "dot"),
    ActorKind.IntelligenceService: NodeStyle("#59a14f", "#3a7033", "diamond"),
    ActorKind.InternationalOrganization: NodeStyle("#17becf", "#0f8491", "square"),
    ActorKind.GovernmentAgency: NodeStyle("#f28e2b", "#b5631a", "square"),
    ActorKind.MilitaryForce: NodeStyle("#edc948", "#a88a1f", "triangle"),
    ActorKind.ArmedGroup: NodeStyle("#b07aa1", "#7d4f70", "triangleDown"),
    ActorKind.NGO: NodeStyle("#ff9da7", "#c96a74", "star"),
    ActorKind.MediaOutlet: NodeStyle("#76b7b2", "#4b827d", "dot"),
    ActorKind.Organization: NodeStyle("#9c755f", "#6b4f3f", "diamond"),
}
OTHER_NODE = NodeStyle("#d4d0cc", "#8c8580", "ellipse")

_VERBS = {
    StatementKind.accusation: "accused",
    StatementKind.denial: "denied",
    StatementKind.warning: "warned",
    StatementKind.threat: "threatened",
}
EDGE_STYLES: dict[str, EdgeStyle] = {
    "ACCUSED": EdgeStyle("#d62728", (), 2.5, _VERBS[StatementKind.accusation]),
    "DENIED": EdgeStyle("#1f77b4", (10, 6), 2.0, _VERBS[StatementKind.denial]),
    "WARNED": EdgeStyle("#ff7f0e", (3, 5), 2.0, _VERBS[StatementKind.warning]),
    "THREATENED": EdgeStyle("#7b2d8e", (12, 4, 3, 4), 2.0, _VERBS[StatementKind.threat]),
    "PART_OF": EdgeStyle("#7f7f7f", (2, 4), 1.2, "part of"),
    "SPEAKS_FOR": EdgeStyle("#7f7f7f", (8, 3, 2, 3), 1.2, "speaks for"),
}


_BY_KIND = {kind.value: style for kind, style in ACTOR_STYLES.items()}


def node_style(kind: str) -> NodeStyle:
    return _BY_KIND.get(kind, OTHER_NODE)


def edge_style(relation: str) -> EdgeStyle:
    found = EDGE_STYLES.get(relation)
    if found is not None:
        return found
    return EdgeStyle("#a0a0a0", (), 1.0, relation.replace("_", " ").lower())


def kind_label(kind: str) -> str:
    """`IntelligenceService` → `Intelligence service`; `NGO` stays `NGO`."""
    words = re.findall(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|\d+", kind) or [kind]
    first, rest = words[0], [w if w.isupper() else w.lower() for w in words[1:]]
    return " ".join([first, *rest])


def kind_order(kind: str) -> tuple[int, str]:
    """Actor kinds in the legend first, in ACTOR_STYLES order, then other classes."""
    order = [k.value for k in ACTOR_STYLES]
    return (order.index(kind), kind) if kind in order else (len(order), kind)


# legend drawings (inline SVG, nothing loaded) ------------------------------------------------

_SHAPES = {
    "dot": '<circle cx="9" cy="9" r="6.5"/>',
    "ellipse": '<ellipse cx="9" cy="9" rx="8" ry="5"/>',
    "square": '<rect x="3" y="3" width="12" height="12"/>',
    "diamond": '<polygon points="9,1.5 16.5,9 9,16.5 1.5,9"/>',
    "triangle": '<polygon points="9,2 16,15 2,15"/>',
    "triangleDown": '<polygon points="2,3 16,3 9,16"/>',
    "hexagon": '<polygon points="5,2.5 13,2.5 17,9 13,15.5 5,15.5 1,9"/>',
    "star": '<polygon points="9,1 11.2,6.6 17,6.9 12.5,10.6 14,16.3 9,13.1 4,16.3 5.5,10.6 1,6.9 '
    '6.8,6.6"/>',
}


def node_glyph(style: NodeStyle) -> str:
    shape = _SHAPES.get(style.shape, _SHAPES["dot"])
    return (
        f'<svg class="ag-glyph" width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">'
        f'<g fill="{escape(style.colour)}" stroke="{escape(style.border)}" stroke-width="1.2">'
        f"{shape}</g></svg>"
    )


def edge_glyph(style: EdgeStyle, dashed: bool = True) -> str:
    dashes = (",".join(str(d) for d in style.dashes) if dashed else "") or "none"
    colour = escape(style.colour)
    return (
        f'<svg class="ag-glyph" width="34" height="12" viewBox="0 0 34 12" aria-hidden="true">'
        f'<line x1="1" y1="6" x2="26" y2="6" stroke="{colour}" '
        f'stroke-width="{style.width}" stroke-dasharray="{dashes}"/>'
        f'<polygon points="25,1.5 33,6 25,10.5" fill="{colour}"/></svg>'
    )
