"""Statements, filtered by kind, claimant, target and date, oldest first."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from api import schemas
from api.present import Presenter, page
from api.problems import ERROR_RESPONSES
from api.routes.paging import Limit, Offset
from api.security import may_read
from api.services import Services, services
from graph.rdf import catalog
from ontology import StatementKind

router = APIRouter(tags=["Statements"], responses=ERROR_RESPONSES, dependencies=[Depends(may_read)])

ActorParam = Annotated[
    str | None, Query(description="Actor id, IRI, name or alias.", examples=["svr"])
]


@router.get("/statements", response_model=schemas.Page[schemas.Statement])
async def list_statements(
    request: Request,
    kind: Annotated[
        StatementKind | None, Query(description="Only this kind.", examples=["denial"])
    ] = None,
    claimant: ActorParam = None,
    target: ActorParam = None,
    since: Annotated[
        dt.date | None,
        Query(description="Stated on or after (YYYY-MM-DD).", examples=["2022-01-01"]),
    ] = None,
    until: Annotated[
        dt.date | None,
        Query(description="Stated on or before (YYYY-MM-DD).", examples=["2022-12-31"]),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    found: Services = Depends(services),
) -> schemas.Page[schemas.Statement]:
    """Statements that pass every filter given; with a date filter, only dated ones."""
    index = found.actors()
    where = catalog.StatementFilter(
        kind=kind,
        claimant=catalog.find_actor(index, claimant).iri if claimant else None,
        target=catalog.find_actor(index, target).iri if target else None,
        since=since,
        until=until,
    )
    return await run_in_threadpool(statement_page, request, found, where, limit, offset)


def statement_page(
    request: Request, found: Services, where: catalog.StatementFilter, limit: int, offset: int
) -> schemas.Page[schemas.Statement]:
    total, statements = catalog.statements(found.store, where, limit, offset)
    present = Presenter(found.actors())
    return page(request, [present.statement(s) for s in statements], total, limit, offset)
