"""The JSON shapes the API answers with (they are also its OpenAPI schemas)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, field_validator

from loaders.source import MAX_DEPTH

T = TypeVar("T")


class ActorRef(BaseModel):
    id: str = Field(examples=["svr"])
    iri: str = Field(examples=["https://w3id.org/allegraph/id/actor/svr"])
    name: str = Field(examples=["SVR"])


class ActorSummary(ActorRef):
    kinds: list[str] = Field(examples=[["IntelligenceService"]])
    aliases: list[str] = Field(examples=[["Foreign Intelligence Service"]])


class StatementCounts(BaseModel):
    made: dict[str, int] = Field(description="Statements the actor made, by kind.")
    received: dict[str, int] = Field(description="Statements about the actor, by kind.")


class Actor(ActorSummary):
    names: list[str]
    same_as: list[str] = Field(description="Wikidata and other identities (owl:sameAs).")
    statements: StatementCounts
    documents: int = Field(description="Documents that mention the actor.")
    part_of: list[ActorRef]
    speaks_for: list[ActorRef]
    parts: list[ActorRef] = Field(description="Actors that are part of this one.")
    spokespersons: list[ActorRef] = Field(description="Actors that speak for this one.")


class Act(BaseModel):
    iri: str
    label: str
    types: list[str] = Field(examples=[["false-flag", "chemical-attack"]])


class Span(BaseModel):
    start: int
    end: int


class DocumentRef(BaseModel):
    id: str = Field(examples=["svr-nato-false-flag"])
    iri: str
    title: str | None = None
    url: str | None = None


class Statement(BaseModel):
    iri: str
    kind: str = Field(examples=["accusation"])
    claimant: ActorRef
    targets: list[ActorRef]
    act: Act | None
    quote: str
    span: Span | None = Field(description="Where the quote is in the document's text.")
    date: str | None = Field(examples=["2022-03-15"])
    modality: str = Field(examples=["hedged"])
    responds_to: list[str] = Field(description="IRIs of the statements this one answers.")
    document: DocumentRef


class Document(DocumentRef):
    publisher: str | None = None
    published: str | None = None
    language: str | None = None


class Mention(BaseModel):
    actor: ActorRef
    start: int
    end: int
    text: str


class DocumentDetail(Document):
    text: str
    mentions: list[Mention]
    statements: list[Statement]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many there are in all.")
    limit: int
    offset: int
    next: str | None = Field(description="The URL of the next page, if any.")


class Chain(BaseModel):
    hops: int
    actors: list[ActorRef]


class Mirror(BaseModel):
    a: ActorRef
    b: ActorRef
    act_type: str | None = Field(description="The act type both accuse the other of.")


class TimelineEntry(BaseModel):
    date: str | None
    statement: str
    kind: str
    claimant: ActorRef
    targets: list[ActorRef]
    quote: str


def _members(value: dict[str, Any] | list[Any]) -> list[Any]:
    return list(value.values()) if isinstance(value, dict) else value


class CypherRequest(BaseModel):
    query: str = Field(
        min_length=1,
        examples=["MATCH (a:Actor)-[r:ACCUSED]->(b:Actor) RETURN a.label, b.label LIMIT 5"],
    )
    parameters: dict[str, Any] = Field(default_factory=dict, examples=[{"name": "SVR"}])

    @field_validator("parameters")
    @classmethod
    def _not_too_deep(cls, value: dict[str, Any]) -> dict[str, Any]:
        """Values nested past `MAX_DEPTH` are refused here, before anything recurses into
        them (writing them out for the database would)."""
        level: list[dict[str, Any] | list[Any]] = [value]
        depth = 1
        while level:
            level = [v for item in level for v in _members(item) if isinstance(v, dict | list)]
            depth += bool(level)
            if depth > MAX_DEPTH:
                raise ValueError(f"nested deeper than {MAX_DEPTH} levels, the limit")
        return value


class CypherResult(BaseModel):
    columns: list[str]
    rows: list[dict[str, Any]] = Field(
        description="One object per row; nodes as {iri, labels, properties}, relationships "
        "as {type, start, end, properties}, paths as {nodes, relationships}."
    )


class Ingested(BaseModel):
    id: str = Field(examples=["svr-nato-false-flag"])
    iri: str
    created: bool = Field(description="False when an earlier version was replaced.")


class Upload(BaseModel):
    documents: list[Ingested]
    triples: int = Field(description="Triples written in all.")
    synced: bool = Field(description="False if the graph database could not be synced now.")


class Removed(BaseModel):
    id: str
    removed: bool
