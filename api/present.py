"""Turning what graph/ returns (IRIs, dataclasses) into the API's JSON shapes."""

from __future__ import annotations

from functools import cache
from typing import TypeVar
from urllib.parse import unquote

from fastapi import Request

from api import schemas
from graph.rdf import catalog
from graph.rdf.mapping import document_iri
from ontology import act_types

T = TypeVar("T")


@cache
def _notations() -> dict[str, str]:
    """Act-type IRI → its notation (`false-flag`), from the ontology, once."""
    return {str(iri): notation for notation, iri in act_types().items()}


class Presenter:
    """Names actors from the cached actor index; one per request."""

    def __init__(self, actors: dict[str, catalog.Actor]) -> None:
        self.actors = actors

    def actor_ref(self, iri: str) -> schemas.ActorRef:
        found = self.actors.get(iri)
        name = found.name if found else catalog.actor_id(iri)
        return schemas.ActorRef(id=catalog.actor_id(iri), iri=iri, name=name)

    def actor_summary(self, actor: catalog.Actor) -> schemas.ActorSummary:
        return schemas.ActorSummary(
            id=actor.id,
            iri=actor.iri,
            name=actor.name,
            kinds=sorted(actor.kinds),
            aliases=sorted(actor.aliases),
        )

    def actor(self, actor: catalog.Actor, figures: catalog.ActorFigures) -> schemas.Actor:
        refs = self.actor_ref
        return schemas.Actor(
            **self.actor_summary(actor).model_dump(),
            names=sorted(actor.names),
            same_as=sorted(actor.same_as),
            statements=schemas.StatementCounts(made=figures.made, received=figures.received),
            documents=figures.documents,
            part_of=[refs(i) for i in figures.part_of],
            speaks_for=[refs(i) for i in figures.speaks_for],
            parts=[refs(i) for i in figures.parts],
            spokespersons=[refs(i) for i in figures.spokespersons],
        )

    def act_type(self, iri: str) -> str:
        return _notations().get(iri, iri)

    def statement(
        self, st: catalog.Statement, documents: dict[str, catalog.Document] | None = None
    ) -> schemas.Statement:
        act = None
        if st.act and st.act_label is not None:
            types = sorted(self.act_type(t) for t in st.act_types)
            act = schemas.Act(iri=st.act, label=st.act_label, types=types)
        doc = (documents or {}).get(st.document)
        return schemas.Statement(
            iri=st.iri,
            kind=st.kind,
            claimant=self.actor_ref(st.claimant),
            targets=[self.actor_ref(t) for t in st.targets],
            act=act,
            quote=st.quote,
            span=_span(st),
            date=st.date,
            modality=st.modality,
            responds_to=list(st.responds_to),
            document=self.document_ref(st.document, doc),
        )

    @staticmethod
    def document_ref(iri: str, doc: catalog.Document | None = None) -> schemas.DocumentRef:
        if doc is not None:
            return schemas.DocumentRef(id=doc.id, iri=doc.iri, title=doc.title, url=doc.url)
        prefix = str(document_iri(""))
        return schemas.DocumentRef(id=unquote(iri.removeprefix(prefix)), iri=iri)

    @staticmethod
    def document(doc: catalog.Document) -> schemas.Document:
        return schemas.Document(**doc.__dict__)


def _span(st: catalog.Statement) -> schemas.Span | None:
    if st.start is None or st.end is None:
        return None
    return schemas.Span(start=st.start, end=st.end)


def page(request: Request, items: list[T], total: int, limit: int, offset: int) -> schemas.Page[T]:
    """One page of a list, with the URL of the next (same filters) unless it is the last."""
    return schemas.Page[T](
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        next=next_page(request, total, limit, offset),
    )


def next_page(request: Request, total: int, limit: int, offset: int) -> str | None:
    """The URL of the next page (same filters), or None on the last page."""
    if offset + limit >= total:
        return None
    return str(request.url.include_query_params(offset=offset + limit, limit=limit))
