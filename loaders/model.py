"""`AnnotatedDocument`: the one model every loader produces and the RDF mapping consumes.

Offsets count Unicode code points into `text` (Python string indices), end exclusive,
like the W3C Web Annotation TextPositionSelector.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ontology import ActorKind, Modality, StatementKind, act_types

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]*$",
        max_length=200,
        description="Letters, digits and . _ ~ - ; unique within its list. Used in IRIs.",
        examples=["svr", "s1"],
    ),
]
When = Annotated[
    dt.date | dt.datetime,
    Field(description="ISO 8601 date (2022-03-15) or date-time with offset."),
]


class Strict(BaseModel):
    """Unknown fields are refused, so a typo (`statments`) is an error, not silently lost."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Span(Strict):
    """A character span of the document text.

    Give `start` and `end`, or `text` alone (located in the document: it must occur once,
    or give `start` too), or all three (then they must agree).
    """

    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    text: str | None = Field(default=None, min_length=1)


class Entity(Strict):
    """An actor named in the document."""

    id: Identifier
    kind: ActorKind
    name: str = Field(min_length=1, description="The actor's usual name.")
    aliases: list[str] = Field(default_factory=list, description="Other names and spellings.")
    wikidata: str | None = Field(default=None, pattern=r"^Q[1-9][0-9]*$", examples=["Q1352849"])
    mentions: list[Span] = Field(default_factory=list)


class Act(Strict):
    """What is alleged: a false-flag chemical attack in Idlib."""

    id: Identifier
    label: str = Field(min_length=1)
    types: list[str] = Field(default_factory=list, description="Act-type notations (ag:ActTypes).")
    mentions: list[Span] = Field(default_factory=list)

    @field_validator("types")
    @classmethod
    def _known_types(cls, types: list[str]) -> list[str]:
        known = act_types()
        unknown = [t for t in types if t not in known]
        if unknown:
            raise ValueError(f"unknown act type {unknown[0]!r}; known: {', '.join(known)}")
        return types


class Statement(Strict):
    """One speech act by one claimant, evidenced by one quote span."""

    id: Identifier
    kind: StatementKind
    claimant: str = Field(description="Entity id of who made the statement.")
    targets: list[str] = Field(default_factory=list, description="Entity ids it is about.")
    act: str | None = Field(default=None, description="Act id of what is alleged.")
    quote: Span
    date: When | None = None
    modality: Modality = Modality.asserted
    responds_to: list[str] = Field(default_factory=list, description="Statement ids answered.")


class Relation(Strict):
    """A standing relation between two actors that lets statements roll up."""

    kind: Literal["part-of", "speaks-for"]
    source: str = Field(description="Entity id of the part, or of who speaks.")
    target: str = Field(description="Entity id of the whole, or of who is spoken for.")


class AnnotatedDocument(Strict):
    """A document's text with everything an investigator marked in it."""

    id: Identifier
    title: str | None = None
    url: str | None = Field(
        default=None,
        pattern=r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$",
        description='Absolute IRI of the source (no spaces, no <>"{}|\\^` characters).',
    )
    publisher: str | None = None
    published: When | None = None
    language: str | None = Field(default=None, pattern=r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
    text: str = Field(min_length=1)
    entities: list[Entity] = Field(default_factory=list)
    acts: list[Act] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
