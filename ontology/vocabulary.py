"""The controlled vocabularies of the native format, each value tied to its ontology term.

The names an investigator writes (``kind: IntelligenceService``, ``modality: hedged``,
``types: [false-flag]``) map onto IRIs here and nowhere else. Act types and shortcut
properties are read from the Turtle, so adding a concept there is all it takes.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Final

from rdflib import URIRef

from ontology.files import load_ontology
from ontology.namespace import AG, SKOS


class ActorKind(StrEnum):
    """Kinds of actor; each value is the local name of an ``ag:`` class below ``ag:Actor``."""

    Person = "Person"
    Organization = "Organization"
    State = "State"
    GovernmentAgency = "GovernmentAgency"
    IntelligenceService = "IntelligenceService"
    MilitaryForce = "MilitaryForce"
    ArmedGroup = "ArmedGroup"
    NGO = "NGO"
    MediaOutlet = "MediaOutlet"
    InternationalOrganization = "InternationalOrganization"

    @property
    def iri(self) -> URIRef:
        return AG[self.value]


class StatementKind(StrEnum):
    """Kinds of statement; each value is the lower-cased local name of an ``ag:`` class."""

    accusation = "accusation"
    denial = "denial"
    warning = "warning"
    threat = "threat"
    claim = "claim"
    retraction = "retraction"

    @property
    def iri(self) -> URIRef:
        return AG[self.value.capitalize()]

    @property
    def shortcut(self) -> URIRef | None:
        """The actor-to-actor property written beside a statement of this kind, if any."""
        return shortcut_properties().get(self.iri)


class Modality(StrEnum):
    """How firmly a statement was made; each value names an ``ag:Modality`` individual."""

    asserted = "asserted"
    suggested = "suggested"
    hedged = "hedged"
    reported = "reported"

    @property
    def iri(self) -> URIRef:
        return AG[self.value.capitalize()]


ACTOR_KINDS: Final = MappingProxyType({kind.value: kind.iri for kind in ActorKind})
STATEMENT_KINDS: Final = MappingProxyType({kind.value: kind.iri for kind in StatementKind})
MODALITIES: Final = MappingProxyType({m.value: m.iri for m in Modality})


@cache
def act_types() -> MappingProxyType[str, URIRef]:
    """Act-type notations (``false-flag``) to their concepts, read from ``ag:ActTypes``."""
    graph = load_ontology()
    found: dict[str, URIRef] = {}
    for concept in graph.subjects(SKOS.inScheme, AG.ActTypes):
        notation = graph.value(concept, SKOS.notation)
        if isinstance(concept, URIRef) and notation is not None:
            found[str(notation)] = concept
    return MappingProxyType(dict(sorted(found.items())))


@cache
def shortcut_properties() -> MappingProxyType[URIRef, URIRef]:
    """Statement class to its shortcut property (``ag:Accusation`` → ``ag:accused``)."""
    graph = load_ontology()
    pairs = {
        kind: prop
        for kind, prop in graph.subject_objects(AG.shortcut)
        if isinstance(kind, URIRef) and isinstance(prop, URIRef)
    }
    return MappingProxyType(pairs)
