"""Where the ontology's Turtle files are, and loading them once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph

HERE = Path(__file__).resolve().parent
ONTOLOGY_TTL = HERE / "allegraph.ttl"
SHAPES_TTL = HERE / "shapes.ttl"


@cache
def load_ontology() -> Graph:
    """The ontology graph (classes, properties, concept schemes). Do not mutate it."""
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


@cache
def load_shapes() -> Graph:
    """The SHACL shapes graph every document is validated against. Do not mutate it."""
    return Graph().parse(SHAPES_TTL, format="turtle")
