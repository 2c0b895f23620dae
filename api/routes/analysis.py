"""The investigator's questions: chains of accusations, mirror accusations, timelines.

Each answers from the Cypher graph by default (`engine=cypher`) or from the RDF store
(`engine=sparql`); both give the same answer (the tests check it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, TypeAdapter
from starlette.concurrency import run_in_threadpool

from api import schemas
from api.answer_cache import asks_fresh
from api.fast_path import looked_up_before_routing, url_key
from api.present import Presenter
from api.problems import ERROR_RESPONSES
from api.security import may_read
from api.services import Services, services
from graph import queries
from graph.rdf import catalog
from loaders.errors import UsageError
from ontology import StatementKind

router = APIRouter(tags=["Analysis"], responses=ERROR_RESPONSES, dependencies=[Depends(may_read)])


class Engine(StrEnum):
    cypher = "cypher"
    sparql = "sparql"


EngineParam = Annotated[
    Engine, Query(description="Answer from the Cypher graph or from SPARQL.", examples=["cypher"])
]
# The parameters of a chain search and of a mirror search, shared with their pictures
# (`api.routes.viz`).
From = Annotated[
    str, Query(alias="from", description="Actor id, IRI, name or alias.", examples=["svr"])
]
To = Annotated[
    str, Query(alias="to", description="Actor id, IRI, name or alias.", examples=["Q212"])
]
MaxHops = Annotated[int, Query(ge=1, le=6, description="Longest chain.", examples=[4])]
SameActType = Annotated[
    bool, Query(description="Only accusations of the same act type.", examples=[True])
]
RollUp = Annotated[
    bool, Query(description="Roll actors up through part-of and speaks-for.", examples=[True])
]
Kinds = Annotated[
    list[str] | None,
    Query(
        description="Statement kinds to follow (repeat, or separate by commas).",
        examples=[["accusation", "warning"]],
    ),
]


@router.get("/chains", response_model=list[schemas.Chain])
async def chains(
    request: Request,
    source: From,
    target: To,
    max_hops: MaxHops = 4,
    kinds: Kinds = None,
    limit: Annotated[
        int, Query(ge=1, le=1000, description="Most chains, shortest first.", examples=[100])
    ] = 100,
    engine: EngineParam = Engine.cypher,
    found: Services = Depends(services),
) -> Response:
    """Who-accused-whom chains from one actor to another: every simple path, shortest first."""
    index = found.actors()
    a, b = catalog.find_actor(index, source).iri, catalog.find_actor(index, target).iri
    wanted = kinds_to_follow(kinds)

    def answer() -> list[schemas.Chain]:
        if engine == Engine.sparql:
            paths = queries.chains_sparql(found.store, a, b, max_hops, wanted, limit)
        else:
            paths = queries.chains_cypher(found.graph, a, b, max_hops, wanted, limit)
        present = Presenter(index)
        return [
            schemas.Chain(hops=len(p) - 1, actors=[present.actor_ref(i) for i in p]) for p in paths
        ]

    return await kept_json(request, found, answer, "chain search")


async def kept_json(
    request: Request, found: Services, answer: Callable[[], Sequence[BaseModel]], what: str
) -> Response:
    """The JSON of `answer()` within the time limit, kept under the URL until the next
    write: the same question asked again (a report's embed, a team on one case) costs no
    query, and `api.fast_path` answers it before routing."""
    key = url_key(request.scope)

    def render() -> bytes:
        items = found.within_time_limit(answer, what)
        return _JSON_LIST.dump_json(list(items), by_alias=True)

    fresh = asks_fresh(request.headers) or looked_up_before_routing(request)
    body = None if fresh else found.cached(key)
    if body is None:  # looked up already: computed, not looked up again
        body = await run_in_threadpool(found.rendered.computed, key, render)
    return Response(body, media_type="application/json")


_JSON_LIST: TypeAdapter[list[Any]] = TypeAdapter(list[Any])


def kinds_to_follow(given: list[str] | None) -> list[str]:
    wanted = [k.strip() for part in given or [] for k in part.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in queries.SHORTCUT_KINDS]
    if unknown:
        followable = ", ".join(queries.SHORTCUT_KINDS)
        raise UsageError(f"kind {unknown[0]!r} cannot be followed; use {followable}")
    return wanted or [StatementKind.accusation.value]


@router.get("/mirrors", response_model=list[schemas.Mirror])
async def mirrors(
    request: Request,
    same_act_type: SameActType = True,
    roll_up: RollUp = True,
    engine: EngineParam = Engine.cypher,
    found: Services = Depends(services),
) -> Response:
    """Mirror accusations: A accused B and B accused A (of the same kind of act)."""

    def answer() -> list[schemas.Mirror]:
        if engine == Engine.sparql:
            found_mirrors = queries.mirrors_sparql(found.store, same_act_type, roll_up)
        else:
            found_mirrors = queries.mirrors_cypher(found.graph, same_act_type, roll_up)
        present = Presenter(found.actors())
        return [
            schemas.Mirror(
                a=present.actor_ref(m.a),
                b=present.actor_ref(m.b),
                act_type=present.act_type(m.act_type) if m.act_type else None,
            )
            for m in found_mirrors
        ]

    return await kept_json(request, found, answer, "mirror search")


@router.get("/timeline", response_model=list[schemas.TimelineEntry])
async def timeline(
    request: Request,
    actor: Annotated[str, Query(description="Actor id, IRI, name or alias.", examples=["NATO"])],
    engine: EngineParam = Engine.cypher,
    found: Services = Depends(services),
) -> Response:
    """Every statement an actor made or received, by date (undated ones last)."""
    index = found.actors()
    iri = catalog.find_actor(index, actor).iri

    def answer() -> list[schemas.TimelineEntry]:
        if engine == Engine.sparql:
            entries = queries.timeline_sparql(found.store, iri)
        else:
            entries = queries.timeline_cypher(found.graph, iri)
        present = Presenter(index)
        return [
            schemas.TimelineEntry(
                date=e.date,
                statement=e.statement,
                kind=e.kind,
                claimant=present.actor_ref(e.claimant),
                targets=[present.actor_ref(t) for t in e.targets],
                quote=e.quote,
            )
            for e in entries
        ]

    return await kept_json(request, found, answer, "timeline")
