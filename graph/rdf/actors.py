"""Finding an actor from what a person types: an IRI, an id, a name or an alias."""

from __future__ import annotations

from graph.rdf import catalog
from graph.rdf.store import RDFStore


def resolve_actor(store: RDFStore, text: str) -> str:
    """The actor IRI meant by `text` (case- and accent-insensitive); `NotFoundError` when
    none is, `UsageError` when several are."""
    return catalog.find_actor(catalog.actors(store), text).iri
