"""The allegraph ontology: Turtle files kept as data, and the Python names of their terms."""

from ontology.files import ONTOLOGY_TTL, SHAPES_TTL, load_ontology, load_shapes
from ontology.namespace import ACTORS, AG, ID, OA, SCHEMA, WD
from ontology.vocabulary import (
    ACTOR_KINDS,
    MODALITIES,
    STATEMENT_KINDS,
    ActorKind,
    Modality,
    StatementKind,
    act_types,
    shortcut_properties,
)

__all__ = [
    "ACTORS",
    "ACTOR_KINDS",
    "AG",
    "ID",
    "MODALITIES",
    "OA",
    "ONTOLOGY_TTL",
    "SCHEMA",
    "SHAPES_TTL",
    "STATEMENT_KINDS",
    "WD",
    "ActorKind",
    "Modality",
    "StatementKind",
    "act_types",
    "load_ontology",
    "load_shapes",
    "shortcut_properties",
]
