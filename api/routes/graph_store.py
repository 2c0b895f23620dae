"""The SPARQL 1.1 Graph Store HTTP Protocol, read side: one graph of the store at a time,
for rdflib, Jena and other RDF tools (`Graph().parse(url)`).

`GET /rdf-graphs?graph=IRI` answers that named graph (a document's graph holds everything
read from it, with its provenance); `GET /rdf-graphs?default` the default graph, which here,
as at `/sparql`, is the union of every graph. The serialisation is chosen by `Accept` among
the triple formats the store writes. Writes (PUT, POST, DELETE) are not offered: documents
change through ingest, so that each stays validated and whole.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from rdflib import URIRef
from starlette.concurrency import run_in_threadpool

from api.negotiation import choose
from api.problems import ERROR_RESPONSES
from api.security import may_read
from api.services import Services, services
from api.sparql.answer import ALIASES

router = APIRouter(tags=["SPARQL"], responses=ERROR_RESPONSES, dependencies=[Depends(may_read)])

# Media type → the store's export format (`graph.rdf.store.EXPORT_FORMATS`); Turtle first,
# so a client that takes anything gets it.
MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
}


def _which_graph(request: Request) -> URIRef | None:
    """The named graph asked for, or None for `?default`; a 400 unless exactly one is."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    graphs, default = params.get("graph", []), "default" in params
    if default == bool(graphs) or len(graphs) > 1:
        raise HTTPException(
            400,
            "give exactly one of ?graph=IRI (once) or ?default, as the Graph Store Protocol asks",
        )
    if default:
        if params["default"] != [""]:
            raise HTTPException(400, "?default takes no value")
        return None
    try:
        return URIRef(ox.NamedNode(graphs[0]).value)
    except ValueError:
        raise HTTPException(400, f"the graph {graphs[0]!r} is not an absolute IRI") from None


_PARAMS: list[dict[str, Any]] = [
    {
        "name": "graph",
        "in": "query",
        "required": False,
        "description": "The IRI of a named graph (a document's, the actor network's …).",
        "schema": {"type": "string"},
        "example": "https://w3id.org/allegraph/id/document/svr-nato-false-flag",
    },
    {
        "name": "default",
        "in": "query",
        "required": False,
        "description": "Present without a value: the default graph (the union of all graphs).",
        "schema": {"type": "string", "enum": [""]},
        "allowEmptyValue": True,
    },
]
_GRAPH = {
    200: {
        "description": "The graph, in the serialisation `Accept` prefers.",
        "content": {media: {"schema": {"type": "string"}} for media in MEDIA_TYPES},
    },
    406: {"description": "No acceptable RDF serialisation.", **ERROR_RESPONSES[404]},
}


@router.get(
    "/rdf-graphs",
    summary="Graph Store Protocol: one graph (GET)",
    response_class=Response,
    responses=_GRAPH,  # type: ignore[arg-type]
    openapi_extra={"parameters": _PARAMS},
)
async def get_graph(request: Request, found: Services = Depends(services)) -> Response:
    """One named graph (`?graph=IRI`), or the default graph (`?default`), as Turtle,
    N-Triples or JSON-LD; 404 when the store holds no graph of that name."""
    graph = _which_graph(request)
    media = choose(request.headers.get("accept"), list(MEDIA_TYPES), ALIASES)
    if media is None:
        raise HTTPException(406, f"this graph can be sent as {', '.join(MEDIA_TYPES)}")
    if graph is not None and not found.store.has_graph(graph):
        raise HTTPException(404, f"the store holds no graph {str(graph)!r}")

    def serialise() -> bytes:
        written = io.BytesIO()
        found.store.export(written, MEDIA_TYPES[media], graph)
        return written.getvalue()

    body = await run_in_threadpool(found.within_time_limit, serialise, "graph export")
    charset = "" if media == "application/ld+json" else "; charset=utf-8"
    return Response(body, media_type=media + charset, headers={"Vary": "Accept"})
