"""Actors: search by name or alias, one actor's figures, and the statements by or about it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api import schemas
from api.fast_path import looked_up_before_routing
from api.present import Presenter, page
from api.problems import ERROR_RESPONSES
from api.routes.paging import Limit, Offset
from api.routes.statements import statement_page
from api.security import may_read
from api.services import Services, services
from graph.rdf import catalog
from ontology import ActorKind, StatementKind

router = APIRouter(tags=["Actors"], responses=ERROR_RESPONSES, dependencies=[Depends(may_read)])

ActorId = Annotated[
    str,
    Path(
        description="The actor's id (the tail of its IRI), or a name or alias.",
        examples=["svr", "Q7184", "Jens Stoltenberg"],
    ),
]


@router.get("/actors", response_model=schemas.Page[schemas.ActorSummary])
def list_actors(
    request: Request,
    q: Annotated[
        str | None,
        Query(description="Part of a name or alias; case- and accent-blind.", examples=["nato"]),
    ] = None,
    kind: Annotated[
        ActorKind | None, Query(description="Only actors of this kind.", examples=["State"])
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    found: Services = Depends(services),
) -> schemas.Page[schemas.ActorSummary]:
    """Actors whose name or alias contains `q`, exact matches first."""
    matches = catalog.search_actors(found.actors(), q, kind.value if kind else None)
    present = Presenter(found.actors())
    items = [present.actor_summary(a) for a in matches[offset : offset + limit]]
    return page(request, items, len(matches), limit, offset)


@router.get("/actors/{actor_id}", response_model=schemas.Actor)
async def get_actor(
    request: Request, actor_id: ActorId, found: Services = Depends(services)
) -> Response:
    """One actor: names, kinds, statements made and received, standing relations."""
    key = ("actor", actor_id)
    # Kept pages are sent by `api.fast_path` when reads are open; else looked up here.
    body = None if looked_up_before_routing(request) else found.cached(key)
    if body is None:
        body = await run_in_threadpool(
            found.rendered.computed, key, lambda: _render_actor(found, actor_id)
        )
    return Response(body, media_type="application/json")


def _render_actor(found: Services, actor_id: str) -> bytes:
    index = found.actors()
    actor = catalog.find_actor(index, actor_id)
    figures = catalog.actor_figures(found.store, actor.iri)
    return Presenter(index).actor(actor, figures).model_dump_json().encode("utf-8")


@router.get("/actors/{actor_id}/statements", response_model=schemas.Page[schemas.Statement])
async def actor_statements(
    request: Request,
    actor_id: ActorId,
    role: Annotated[
        str,
        Query(
            pattern="^(any|claimant|target)$",
            description="The actor as claimant, target, or either.",
            examples=["claimant"],
        ),
    ] = "any",
    kind: Annotated[
        StatementKind | None, Query(description="Only this kind.", examples=["accusation"])
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    found: Services = Depends(services),
) -> schemas.Page[schemas.Statement]:
    """The statements an actor made or that are about it, oldest first."""
    actor = catalog.find_actor(found.actors(), actor_id)
    where = catalog.StatementFilter(
        kind=kind,
        claimant=actor.iri if role == "claimant" else None,
        target=actor.iri if role == "target" else None,
        actor=actor.iri if role == "any" else None,
    )
    return await run_in_threadpool(statement_page, request, found, where, limit, offset)
