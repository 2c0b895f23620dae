"""One actor across documents: which actor IRI an entity of a new document names.

An entity is the actor already in the store (or earlier in this ingest) that shares its
Wikidata id, else one of whose names or aliases is one of its names or aliases, compared
by `normal_name` (case, accents, punctuation and a leading article ignored). Only a new
actor gets a new IRI (`actor_iri`: by Wikidata id, else by name). Last, an investigator's
merges (`graph.rdf.curation`) send a merged-away actor to the actor it was merged into.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from rdflib import URIRef

from graph.rdf import catalog
from graph.rdf.mapping import actor_iri
from graph.rdf.store import RDFStore
from loaders.model import AnnotatedDocument, Entity
from loaders.names import normal_name
from ontology import WD


class ActorIndex:
    """The actors known so far, by Wikidata id and by normalised name."""

    def __init__(self, canonical: Mapping[URIRef, URIRef] | None = None) -> None:
        self.by_wikidata: dict[str, URIRef] = {}
        self.wikidata_of: dict[URIRef, str] = {}
        self.by_name: dict[str, set[URIRef]] = defaultdict(set)
        self.canonical = dict(canonical or {})

    @classmethod
    def from_store(cls, store: RDFStore, canonical: Mapping[URIRef, URIRef]) -> ActorIndex:
        index = cls(canonical)
        for actor in catalog.actors(store).values():
            iri = URIRef(actor.iri)
            for item in sorted(actor.same_as):
                if item.startswith(str(WD)):
                    index.add_wikidata(iri, item.removeprefix(str(WD)))
            for name in actor.names | actor.aliases:
                index.by_name[normal_name(name)].add(iri)
        return index

    def add_wikidata(self, actor: URIRef, item: str) -> None:
        self.by_wikidata.setdefault(item, actor)
        self.wikidata_of.setdefault(actor, item)

    def resolve(self, doc: AnnotatedDocument) -> dict[str, URIRef]:
        """Entity id → actor IRI for one document, remembered for the documents after it.
        Two entities of one document stay two actors unless they mint the same IRI."""
        found: dict[str, URIRef] = {}
        for entity in doc.entities:
            taken = set(found.values())
            iri = self.find(entity, taken)
            found[entity.id] = self.canonical.get(iri, iri)
        for entity in doc.entities:
            self.remember(entity, found[entity.id])
        return found

    def find(self, entity: Entity, taken: set[URIRef]) -> URIRef:
        minted = actor_iri(entity)
        if entity.wikidata and entity.wikidata in self.by_wikidata:
            return self.by_wikidata[entity.wikidata]
        if minted in taken:
            return minted
        by_name = self.by_name.get(normal_name(entity.name), set())
        by_alias = {a for alias in entity.aliases for a in self.by_name.get(normal_name(alias), ())}
        for candidates in (by_name, by_alias):
            fitting = sorted(a for a in candidates if self.fits(entity, a) and a not in taken)
            if minted in fitting:
                return minted
            if fitting:
                return fitting[0]
        return minted

    def fits(self, entity: Entity, actor: URIRef) -> bool:
        """A name match never joins two actors with different Wikidata ids."""
        known = self.wikidata_of.get(actor)
        return not (entity.wikidata and known and known != entity.wikidata)

    def remember(self, entity: Entity, actor: URIRef) -> None:
        if entity.wikidata:
            self.add_wikidata(actor, entity.wikidata)
        for name in (entity.name, *entity.aliases):
            self.by_name[normal_name(name)].add(actor)
