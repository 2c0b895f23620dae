"""GraphML with typed keys, for Gephi, yEd, Cytoscape, igraph and networkx.

Every `<key>` declares its `attr.type`: Gephi ignores a key without one. Nodes and edges get
short ids (`n0`, `e0`): GraphML ids are XML name tokens, which an IRI (with its `/`) is
not; the IRI travels as the `iri` attribute. Each statement is its own edge, as in every
export (`viz.exports.links`).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from viz.exports.links import Link, statement_links, xml_safe
from viz.model import Subgraph, VizNode

NAME = "graphml"
MEDIA_TYPE = "application/graphml+xml"
SUFFIX = ".graphml"
DESCRIPTION = "GraphML with typed keys (Gephi, yEd, Cytoscape, igraph, networkx)"

NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA = "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"

# (name, GraphML type) of each key; the key's id is its name.
NODE_KEYS = [("label", "string"), ("kind", "string"), ("iri", "string"), ("documents", "int")]
EDGE_KEYS = [
    ("label", "string"),
    ("kind", "string"),
    ("relation", "string"),
    ("statement", "string"),
    ("act", "string"),
    ("quote", "string"),
    ("date", "string"),
    ("modality", "string"),
    ("source", "string"),
    ("source_url", "string"),
    ("source_iri", "string"),
    ("weight", "double"),
]


def write(subgraph: Subgraph) -> bytes:
    """The subgraph as a GraphML document (UTF-8)."""
    root = ET.Element(
        "graphml",
        {"xmlns": NAMESPACE, "xmlns:xsi": _XSI, "xsi:schemaLocation": f"{NAMESPACE} {_SCHEMA}"},
    )
    for of, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            ET.SubElement(
                root,
                "key",
                {"id": f"{of[0]}_{name}", "for": of, "attr.name": name, "attr.type": kind},
            )
    graph = ET.SubElement(root, "graph", id="allegraph", edgedefault="directed")
    ET.SubElement(graph, "desc").text = xml_safe(subgraph.title)
    ids = {node.iri: f"n{i}" for i, node in enumerate(subgraph.nodes)}
    for node in subgraph.nodes:
        _node(graph, ids[node.iri], node)
    for i, link in enumerate(statement_links(subgraph)):
        _edge(graph, f"e{i}", link, ids)
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _data(parent: ET.Element, of: str, values: list[tuple[str, str | int | float | None]]) -> None:
    for name, value in values:
        if value is not None and value != "":
            ET.SubElement(parent, "data", key=f"{of}_{name}").text = xml_safe(str(value))


def _node(graph: ET.Element, node_id: str, node: VizNode) -> None:
    element = ET.SubElement(graph, "node", id=node_id)
    _data(
        element,
        "n",
        [
            ("label", node.label),
            ("kind", node.kind),
            ("iri", node.iri),
            ("documents", len(node.documents)),
        ],
    )


def _edge(graph: ET.Element, edge_id: str, link: Link, ids: dict[str, str]) -> None:
    element = ET.SubElement(
        graph, "edge", id=edge_id, source=ids[link.source], target=ids[link.target]
    )
    document = link.document
    _data(
        element,
        "e",
        [
            ("label", link.label),
            ("kind", link.kind),
            ("relation", link.relation),
            ("statement", link.statement),
            ("act", link.act),
            ("quote", link.quote),
            ("date", link.date),
            ("modality", link.modality),
            ("source", document.title if document else None),
            ("source_url", document.url if document else None),
            ("source_iri", document.iri if document else None),
            ("weight", 1.0),
        ],
    )
