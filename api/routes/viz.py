"""Network pictures over HTTP: each route answers one question as an interactive HTML page
(for a browser or an `<iframe>`), or with `fragment=1` as a snippet to paste into a report.

The pictures are drawn by `viz/`, offline and standalone (everything inline, a
Content-Security-Policy that allows no outside resource); errors are problem documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

import viz
from api.problems import ERROR_RESPONSES
from api.routes.analysis import (
    From,
    Kinds,
    MaxHops,
    RollUp,
    SameActType,
    To,
    kinds_to_follow,
)
from api.schemas import CypherRequest
from api.security import may_read
from api.services import Services, services
from graph.rdf import catalog
from viz.subgraphs import MAX_NODES

router = APIRouter(
    tags=["Pictures"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(may_read)],
    default_response_class=HTMLResponse,
)

Fragment = Annotated[
    bool,
    Query(
        description="A snippet (`<figure>` + style + script) instead of a page.", examples=[False]
    ),
]
Title = Annotated[
    str | None,
    Query(max_length=300, description="Title above the picture.", examples=["Who accused whom"]),
]
# The parameters of an actor's neighbourhood, shared with its dossier (`api.routes.dossier`).
ActorId = Annotated[str, Path(description="Actor id, IRI, name or alias.", examples=["svr"])]
Depth = Annotated[int, Query(ge=0, le=4, description="Links away from the actor.", examples=[2])]
Most = Annotated[
    int | None,
    Query(
        ge=2,
        le=MAX_NODES,
        description="At most this many actors: the actor and those with the most links.",
        examples=[150],
    ),
]
_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"example": "<!DOCTYPE html><html>…</html>"}}}
}


async def _picture(
    found: Services, build: Callable[[], viz.Subgraph], title: str | None, fragment: bool
) -> HTMLResponse:
    def draw() -> str:
        return viz.render_network(build(), title=title, fragment=fragment)

    html = await run_in_threadpool(found.within_time_limit, draw, "picture")
    return HTMLResponse(html)


@router.get("/viz/actors/{actor_id}", responses=_HTML, summary="Picture: an actor's neighbourhood")
async def actor_picture(
    actor_id: ActorId,
    depth: Depth = 1,
    most: Most = None,
    fragment: Fragment = False,
    title: Title = None,
    found: Services = Depends(services),
) -> HTMLResponse:
    """Everyone within `depth` links of an actor, and the links between them."""
    iri = catalog.find_actor(found.actors(), actor_id).iri
    return await _picture(
        found,
        lambda: viz.neighbourhood_subgraph(found.store, iri, depth, found.graph, most),
        title,
        fragment,
    )


@router.get("/viz/chains", responses=_HTML, summary="Picture: chains between two actors")
async def chains_picture(
    source: From,
    target: To,
    max_hops: MaxHops = 4,
    kinds: Kinds = None,
    fragment: Fragment = False,
    title: Title = None,
    found: Services = Depends(services),
) -> HTMLResponse:
    """Every who-accused-whom chain from one actor to another, drawn as one network."""
    index = found.actors()
    a, b = catalog.find_actor(index, source).iri, catalog.find_actor(index, target).iri
    wanted = kinds_to_follow(kinds)
    return await _picture(
        found,
        lambda: viz.chains_subgraph(found.store, a, b, max_hops, wanted, backend=found.graph),
        title,
        fragment,
    )


@router.get("/viz/mirrors", responses=_HTML, summary="Picture: mirror accusations")
async def mirrors_picture(
    same_act_type: SameActType = True,
    roll_up: RollUp = True,
    offset: Annotated[int, Query(ge=0, description="Pairs to skip.", examples=[0])] = 0,
    limit: Annotated[
        int | None, Query(ge=1, le=1000, description="Most pairs to draw.", examples=[20])
    ] = None,
    fragment: Fragment = False,
    title: Title = None,
    found: Services = Depends(services),
) -> HTMLResponse:
    """Actors who accuse each other, with the accusations both ways (a page of the pairs,
    with `offset` and `limit`)."""
    return await _picture(
        found,
        lambda: viz.mirrors_subgraph(
            found.store, found.graph, same_act_type, roll_up, offset, limit
        ),
        title,
        fragment,
    )


@router.post("/viz/cypher", responses=_HTML, summary="Picture: a read-only Cypher query")
async def cypher_picture(
    request: CypherRequest = Body(
        openapi_examples={
            "denials": {
                "summary": "Every denial",
                "value": {
                    "query": "MATCH p = (:Actor)-[:DENIED]->(:Actor) RETURN p",
                    "parameters": {},
                },
            }
        }
    ),
    fragment: Fragment = False,
    title: Title = None,
    found: Services = Depends(services),
) -> HTMLResponse:
    """The nodes, relationships and paths a read-only Cypher query returns, drawn."""
    return await _picture(
        found,
        lambda: viz.cypher_subgraph(
            found.store,
            found.graph,
            request.query,
            request.parameters,
            found.settings.query_timeout_ms,
        ),
        title,
        fragment,
    )
