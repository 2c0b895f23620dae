"""The rows a Cypher backend writes: one node or one relationship, with the documents behind it.

The sync (`graph.sync.mapping`) makes them from RDF; the backends write them. They live on the
property-graph side so a backend never has to import the RDF side to know their shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class NodeRow:
    iri: str
    labels: tuple[str, ...]
    props: dict[str, Any]
    documents: list[str]

    def as_param(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "props": {**self.props, "iri": self.iri},
            "documents": self.documents,
        }


@dataclass
class EdgeRow:
    type: str
    source: str
    target: str
    owner: str
    documents: list[str]
    props: dict[str, Any] = field(default_factory=dict)

    def as_param(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "owner": self.owner,
            "documents": self.documents,
            "props": self.props,
        }
