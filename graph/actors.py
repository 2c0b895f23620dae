"""Finding an actor from what a person types: an IRI, an id, a name or an alias."""

from __future__ import annotations

from graph.rdf import name_key
from graph.store import RDFStore
from loaders.errors import NotFoundError, UsageError
from ontology import AG, ID
from ontology.namespace import RDFS, SKOS

_NAMES = f"""SELECT DISTINCT ?a ?name WHERE {{ ?a a <{AG.Actor}> .
  {{ ?a <{RDFS.label}> ?name }} UNION {{ ?a <{SKOS.altLabel}> ?name }} }}"""


def resolve_actor(store: RDFStore, text: str) -> str:
    """The actor IRI meant by `text` (case- and accent-insensitive), or a `UsageError`."""
    names: dict[str, set[str]] = {}
    for row in store.solutions(_NAMES):
        names.setdefault(row["a"].value, set()).add(row["name"].value)
    for candidate in (text, f"{ID}actor/{text}"):
        if candidate in names:
            return candidate
    key = name_key(text)
    matches = sorted(
        a
        for a, found in names.items()
        if key in {name_key(n) for n in found} or a.endswith("/" + key)
    )
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(f"no actor named {text!r}")
    raise UsageError(f"{text!r} names several actors: {', '.join(matches)}")
