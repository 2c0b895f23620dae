"""Node and edge lists as CSV, two files in one zip (`nodes.csv`, `edges.csv`).

The columns are the ones Gephi's spreadsheet importer recognises: `Id` and `Label` for
nodes; `Source`, `Target`, `Type` (`Directed`), `Id`, `Label` and `Weight` for edges; every
other column becomes an attribute. Kumu reads the same files: `Label` names its elements
and `From` / `To` (the actors' names) its connections. The document a statement comes from
is in `Document…` columns, as `Source` is Gephi's source node.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from viz.exports.links import Link, statement_links
from viz.model import Subgraph

NAME = "csv"
MEDIA_TYPE = "application/zip"
SUFFIX = ".zip"
DESCRIPTION = "nodes.csv and edges.csv in a zip (Gephi's and Kumu's column names)"

NODES = "nodes.csv"
EDGES = "edges.csv"
NODE_COLUMNS = ["Id", "Label", "Kind", "IRI", "Documents"]
EDGE_COLUMNS = [
    "Source",
    "Target",
    "Type",
    "Id",
    "Label",
    "Weight",
    "From",
    "To",
    "Kind",
    "Relation",
    "Statement",
    "Act",
    "Quote",
    "Date",
    "Modality",
    "Document",
    "Document URL",
    "Document IRI",
]
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries dated alike: the same graph, the same bytes


def write(subgraph: Subgraph) -> bytes:
    """A zip holding `nodes.csv` and `edges.csv` (UTF-8, RFC 4180 quoting)."""
    names = {node.iri: node.label for node in subgraph.nodes}
    nodes = _table(
        NODE_COLUMNS,
        ([n.iri, n.label, n.kind, n.iri, len(n.documents)] for n in subgraph.nodes),
    )
    edges = _table(EDGE_COLUMNS, (_edge_row(link, names) for link in statement_links(subgraph)))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in ((NODES, nodes), (EDGES, edges)):
            entry = zipfile.ZipInfo(name, _FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text.encode("utf-8"))
    return packed.getvalue()


def _table(columns: list[str], rows: Iterable[list[str | int | float]]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return text.getvalue()


def _edge_row(link: Link, names: dict[str, str]) -> list[str | float]:
    document = link.document
    return [
        link.source,
        link.target,
        "Directed",
        link.id,
        link.label,
        1.0,
        names.get(link.source, link.source),
        names.get(link.target, link.target),
        link.kind,
        link.relation,
        link.statement or "",
        link.act or "",
        link.quote or "",
        link.date or "",
        link.modality or "",
        document.title if document else "",
        (document.url or "") if document else "",
        document.iri if document else "",
    ]
