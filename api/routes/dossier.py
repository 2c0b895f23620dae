"""Evidence dossiers over HTTP: the same three questions as the pictures (`/viz/...`), with
the same parameters, answered as one self-contained HTML file to download and hand on.

The file is `viz.dossier`'s: the picture, every statement behind it as numbered evidence,
how it was asked and when; it opens offline and prints cleanly. Errors are problem documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.problems import ERROR_RESPONSES
from api.routes.analysis import From, Kinds, MaxHops, RollUp, SameActType, To, kinds_to_follow
from api.routes.viz import ActorId, Depth
from api.security import may_read
from api.services import Services, services
from graph.rdf import catalog
from viz import dossier

router = APIRouter(
    tags=["Pictures"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(may_read)],
    default_response_class=HTMLResponse,
)

_HTML: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/html": {"example": '<!DOCTYPE html><html lang="en">…</html>'}},
        "description": "The dossier, as an attachment (`Content-Disposition`).",
    }
}


def _filename(*parts: str) -> str:
    """`dossier-svr.html`: ASCII letters, digits and dashes only, so the header needs no
    quoting rules beyond its double quotes."""
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", p.casefold()).strip("-") for p in parts)
    return f"dossier-{slug.strip('-')[:120] or 'allegraph'}.html"


async def _attachment(
    found: Services, build: Callable[[], dossier.Dossier], filename: str
) -> HTMLResponse:
    def draw() -> str:
        return dossier.render_dossier(build())

    html = await run_in_threadpool(found.within_time_limit, draw, "dossier")
    return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/dossier/actors/{actor_id}", responses=_HTML, summary="Dossier: an actor's network")
async def actor_dossier(
    actor_id: ActorId,
    depth: Depth = 1,
    found: Services = Depends(services),
) -> HTMLResponse:
    """Everyone within `depth` links of an actor, and every statement behind those links
    and by or about the actor, as one HTML file."""
    actor = catalog.find_actor(found.actors(), actor_id)
    return await _attachment(
        found,
        lambda: dossier.actor_dossier(found.store, actor.iri, depth, found.graph),
        _filename(actor.id),
    )


@router.get("/dossier/chains", responses=_HTML, summary="Dossier: chains between two actors")
async def chains_dossier(
    source: From,
    target: To,
    max_hops: MaxHops = 4,
    kinds: Kinds = None,
    found: Services = Depends(services),
) -> HTMLResponse:
    """Every who-accused-whom chain from one actor to another, with the evidence of each
    hop, as one HTML file."""
    index = found.actors()
    a, b = catalog.find_actor(index, source), catalog.find_actor(index, target)
    wanted = kinds_to_follow(kinds)
    return await _attachment(
        found,
        lambda: dossier.chains_dossier(found.store, a.iri, b.iri, max_hops, wanted, found.graph),
        _filename("chains", a.id, b.id),
    )


@router.get("/dossier/mirrors", responses=_HTML, summary="Dossier: mirror accusations")
async def mirrors_dossier(
    same_act_type: SameActType = True,
    roll_up: RollUp = True,
    found: Services = Depends(services),
) -> HTMLResponse:
    """Actors who accuse each other, with the accusations both ways, as one HTML file."""
    return await _attachment(
        found,
        lambda: dossier.mirrors_dossier(found.store, found.graph, same_act_type, roll_up),
        _filename("mirrors"),
    )
