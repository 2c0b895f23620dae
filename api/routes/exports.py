"""Network exports over HTTP: the whole actor network (`/export`) or the answer to one of
the pictures' questions (`/export/actors/{id}`, `/export/chains`, `/export/mirrors`, with the
same parameters as `/viz/...`), as a file for Gephi, Kumu or OpenCTI.

The files are `viz.exports`' (GEXF 1.3, GraphML, CSV in a zip, a STIX 2.1 bundle), each
statement its own edge, sent as an attachment in the format's media type.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool

import viz
from api.problems import ERROR_RESPONSES
from api.routes.analysis import From, Kinds, MaxHops, RollUp, SameActType, To, kinds_to_follow
from api.routes.viz import ActorId, Depth
from api.security import may_read
from api.services import Services, services
from graph.rdf import catalog
from viz.exports import FORMATS, export_format

router = APIRouter(tags=["Exports"], responses=ERROR_RESPONSES, dependencies=[Depends(may_read)])

Format = Annotated[
    str,
    Query(
        description="; ".join(f"`{f.name}`: {f.description}" for f in FORMATS.values()),
        examples=["gexf"],
        json_schema_extra={"enum": list(FORMATS)},
    ),
]
_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment (`Content-Disposition`).",
        "content": {
            f.media_type: {
                "schema": {"type": "object"}
                if "json" in f.media_type
                else {"type": "string", "format": "binary"}
            }
            for f in FORMATS.values()
        },
    }
}


def _filename(*parts: str) -> str:
    """`allegraph-chains-svr-q7184`: ASCII letters, digits and dashes, so the header needs
    no quoting beyond its double quotes."""
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", p.casefold()).strip("-") for p in parts)
    return f"allegraph-{slug.strip('-')[:120] or 'network'}"


async def _attachment(
    found: Services, build: Callable[[], viz.Subgraph], format: str, name: str
) -> Response:
    chosen = export_format(format)  # an unknown one is a 400 before any work

    def write() -> bytes:
        return chosen.write(build())

    data = await run_in_threadpool(found.within_time_limit, write, "export")
    disposition = f'attachment; filename="{name}{chosen.suffix}"'
    return Response(
        data, media_type=chosen.media_type, headers={"Content-Disposition": disposition}
    )


@router.get("/export", responses=_FILE, summary="Export: the whole actor network")
async def export_network(format: Format = "gexf", found: Services = Depends(services)) -> Response:
    """Every actor and every link between actors, each statement its own edge."""
    return await _attachment(
        found, lambda: viz.network_subgraph(found.store), format, _filename("network")
    )


@router.get(
    "/export/actors/{actor_id}", responses=_FILE, summary="Export: an actor's neighbourhood"
)
async def export_actor(
    actor_id: ActorId,
    depth: Depth = 1,
    format: Format = "gexf",
    found: Services = Depends(services),
) -> Response:
    """Everyone within `depth` links of an actor, and the statements between them."""
    actor = catalog.find_actor(found.actors(), actor_id)
    return await _attachment(
        found,
        lambda: viz.neighbourhood_subgraph(found.store, actor.iri, depth, found.graph),
        format,
        _filename(actor.id),
    )


@router.get("/export/chains", responses=_FILE, summary="Export: chains between two actors")
async def export_chains(
    source: From,
    target: To,
    max_hops: MaxHops = 4,
    kinds: Kinds = None,
    format: Format = "gexf",
    found: Services = Depends(services),
) -> Response:
    """Every who-accused-whom chain from one actor to another, as one network."""
    index = found.actors()
    a, b = catalog.find_actor(index, source), catalog.find_actor(index, target)
    wanted = kinds_to_follow(kinds)
    return await _attachment(
        found,
        lambda: viz.chains_subgraph(found.store, a.iri, b.iri, max_hops, wanted, found.graph),
        format,
        _filename("chains", a.id, b.id),
    )


@router.get("/export/mirrors", responses=_FILE, summary="Export: mirror accusations")
async def export_mirrors(
    same_act_type: SameActType = True,
    roll_up: RollUp = True,
    format: Format = "gexf",
    found: Services = Depends(services),
) -> Response:
    """Actors who accuse each other, with the accusations both ways."""
    return await _attachment(
        found,
        lambda: viz.mirrors_subgraph(found.store, found.graph, same_act_type, roll_up),
        format,
        _filename("mirrors"),
    )
