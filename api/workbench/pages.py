"""The workbench's pages: one route per view, each a stable URL that can be bookmarked.

Handlers are thin: read the parameters, gather the view's data (`api.workbench.views`) on a
worker thread within the query time limit, render its template. Rendered pages are kept
until the next write, like the API's actor answers, so a busy actor's page is served from
memory after its first visit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.routes.analysis import Kinds, MaxHops, RollUp, SameActType, kinds_to_follow
from api.security import may_read
from api.services import Services, services
from api.workbench import views
from api.workbench.templating import render
from graph.rdf import catalog
from loaders import FORMATS
from ontology import ActorKind, StatementKind

router = APIRouter(include_in_schema=False, dependencies=[Depends(may_read)])

PAGE = 25  # statements per page on an actor's page
PAIRS = 20  # mirror pairs per page
Depth = Annotated[int, Query(ge=0, le=3, description="Links away from the actor.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
OptionalFrom = Annotated[str | None, Query(alias="from")]
OptionalTo = Annotated[str | None, Query(alias="to")]


async def _cached_page(
    request: Request, found: Services, template: str, gather: Callable[[], dict[str, Any]]
) -> HTMLResponse:
    """The page for this URL, rendered once per version of the store."""

    def draw() -> bytes:
        context = found.within_time_limit(gather, "page")
        return bytes(render(request, template, **context).body)

    key = ("workbench", request.url.path, request.url.query)
    body = await run_in_threadpool(found.memo, key, draw)
    return HTMLResponse(body)


@router.get("/")
async def home(request: Request, found: Services = Depends(services)) -> HTMLResponse:
    return await _cached_page(request, found, "home.html", lambda: {"home": views.home(found)})


@router.get("/ui/search")
async def search(
    request: Request,
    q: str | None = None,
    kind: ActorKind | None = None,
    offset: Offset = 0,
    found: Services = Depends(services),
) -> HTMLResponse:
    matches = catalog.search_actors(found.actors(), q, kind.value if kind else None)
    return render(
        request,
        "search.html",
        q=q or "",
        kind=kind.value if kind else "",
        kinds=[k.value for k in ActorKind],
        matches=matches[offset : offset + 50],
        total=len(matches),
        offset=offset,
        limit=50,
    )


@router.get("/ui/actors/{actor_id}")
async def actor(
    request: Request,
    actor_id: Annotated[str, PathParam()],
    depth: Depth = 1,
    role: Annotated[str, Query(pattern="^(any|claimant|target)$")] = "any",
    kind: StatementKind | None = None,
    offset: Offset = 0,
    found: Services = Depends(services),
) -> HTMLResponse:
    found_actor = catalog.find_actor(found.actors(), actor_id)
    iri = found_actor.iri
    where = catalog.StatementFilter(
        kind=kind,
        claimant=iri if role == "claimant" else None,
        target=iri if role == "target" else None,
        actor=iri if role == "any" else None,
    )

    def gather() -> dict[str, Any]:
        page = views.actor_page(found, found_actor, where, depth, PAGE, offset)
        return {
            "page": page,
            "depth": depth,
            "most": views.PICTURE_MOST,
            "role": role,
            "kind": kind.value if kind else "",
            "kinds": [k.value for k in StatementKind],
            "offset": offset,
            "limit": PAGE,
        }

    return await _cached_page(request, found, "actor.html", gather)


@router.get("/ui/chains")
async def chains(
    request: Request,
    source: OptionalFrom = None,
    target: OptionalTo = None,
    max_hops: MaxHops = 4,
    kinds: Kinds = None,
    found: Services = Depends(services),
) -> HTMLResponse:
    wanted = kinds_to_follow(kinds)
    form = {"source": source or "", "target": target or "", "max_hops": max_hops, "kinds": wanted}
    if not source or not target:
        return render(request, "chains.html", form=form, asked=False, followable=_followable())
    index = found.actors()
    a, b = catalog.find_actor(index, source), catalog.find_actor(index, target)
    form |= {"source": a.name, "target": b.name}

    def gather() -> dict[str, Any]:
        found_chains = views.chains(found, a.iri, b.iri, max_hops, wanted, 50)
        return {
            "form": form,
            "asked": True,
            "chains": found_chains,
            "source": a,
            "target": b,
            "followable": _followable(),
        }

    return await _cached_page(request, found, "chains.html", gather)


def _followable() -> list[str]:
    return [k.value for k in StatementKind if k.shortcut is not None]


@router.get("/ui/mirrors")
async def mirrors(
    request: Request,
    same_act_type: SameActType = True,
    roll_up: RollUp = True,
    offset: Offset = 0,
    found: Services = Depends(services),
) -> HTMLResponse:
    def gather() -> dict[str, Any]:
        pairs, total = views.mirrors(found, same_act_type, roll_up, offset, PAIRS)
        return {
            "pairs": pairs,
            "total": total,
            "offset": offset,
            "limit": PAIRS,
            "same_act_type": same_act_type,
            "roll_up": roll_up,
        }

    return await _cached_page(request, found, "mirrors.html", gather)


@router.get("/ui/documents")
async def documents(
    request: Request, offset: Offset = 0, found: Services = Depends(services)
) -> HTMLResponse:
    def gather() -> dict[str, Any]:
        total, docs = catalog.documents(found.store, 50, offset)
        return {"documents": docs, "total": total, "offset": offset, "limit": 50}

    return await _cached_page(request, found, "documents.html", gather)


@router.get("/ui/documents/{doc_id}")
async def document(
    request: Request, doc_id: Annotated[str, PathParam()], found: Services = Depends(services)
) -> HTMLResponse:
    return await _cached_page(
        request, found, "document.html", lambda: {"reading": views.reading(found, doc_id)}
    )


@router.get("/ui/upload")
async def upload(request: Request) -> HTMLResponse:
    return render(request, "upload.html", formats=["auto", *FORMATS])
