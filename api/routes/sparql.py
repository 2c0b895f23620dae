"""The SPARQL 1.1 Protocol endpoint (query operation only) over the RDF store.

GET with `?query=`, POST form-encoded, POST `application/sparql-query`; the dataset from
`default-graph-uri` / `named-graph-uri`, else the union of every document graph as the default
graph. Updates are refused: documents change through ingest, so that each stays validated
and whole. Queries run in worker processes (`api.sparql.workers`) that are stopped at the
time limit; results are read up to the size cap and written in the format `Accept` prefers.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from api.answer_cache import asks_fresh
from api.fast_path import looked_up_before_routing, url_key
from api.problems import ERROR_RESPONSES
from api.security import may_read
from api.services import Services, services
from api.sparql.answer import GRAPH_TYPES, RESULT_TYPES
from api.sparql.workers import Answer, Job, NotAcceptable

router = APIRouter(tags=["SPARQL"], responses=ERROR_RESPONSES)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


def _one(params: dict[str, list[str]], where: str) -> Job:
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise HTTPException(403, "SPARQL updates are not accepted: documents change through ingest")
    queries = params.get("query", [])
    if len(queries) != 1:
        found = "no query parameter" if not queries else f"{len(queries)} query parameters"
        raise HTTPException(400, f"{where} must carry exactly one query; it has {found}")
    wanted = next(iter(params.get("format") or params.get("output") or []), None)
    return Job(
        queries[0],
        params.get("default-graph-uri", []),
        params.get("named-graph-uri", []),
        format=wanted,
    )


def _form(body: bytes) -> dict[str, list[str]]:
    try:
        text = body.decode("ascii")
        return parse_qs(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HTTPException(400, "the form body is not URL-encoded UTF-8") from None


async def _read(request: Request) -> Job:
    params = _form(request.scope.get("query_string", b""))
    if request.method == "GET":
        return _one(params, "a GET request")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if media == FORM:
        return _one(_form(body), "a form-encoded POST")
    if media == DIRECT:
        if "query" in params:
            raise HTTPException(400, "give the query in the body or the URL, not both")
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "the query is not valid UTF-8") from None
        return _one({**params, "query": [query]}, "a POST")
    if media == UPDATE:
        raise HTTPException(403, "SPARQL updates are not accepted: documents change through ingest")
    shown = media or "no Content-Type"
    raise HTTPException(415, f"POST a query as {FORM} or {DIRECT}, not {shown}")


# What makes two runs of one query differ even though the store has not changed (SPARQL 1.1
# 17.4: RAND, NOW, UUID, STRUUID, BNODE; and whatever a SERVICE endpoint answers now). Matched
# on the text, so a word in a string or an IRI only means the answer is not kept.
_CHANGING = re.compile(r"\b(RAND|NOW|UUID|STRUUID|BNODE|SERVICE)\b", re.IGNORECASE)


def _keep_key(request: Request, job: Job) -> tuple[str, ...] | None:
    """The key an answer to `job` is kept under, or None when it must be computed each time:
    a GET's URL (`api.fast_path` answers it again before routing), a POST's query."""
    if _CHANGING.search(job.query):
        return None
    if request.method == "GET":
        return url_key(request.scope)
    graphs = ("\n".join(job.default_graphs), "\n".join(job.named_graphs))
    return ("post", job.query, *graphs, job.accept or "", job.format or "", job.base_iri or "")


async def _answer(request: Request, found: Services) -> Response:
    endpoint = str(request.url.replace(query="", fragment=""))
    job = replace(await _read(request), accept=request.headers.get("accept"), base_iri=endpoint)
    key = _keep_key(request, job)
    fresh = asks_fresh(request.headers) or looked_up_before_routing(request)
    answer = None if key is None or fresh else found.sparql_answers.get(key)
    if answer is None:

        def run() -> Answer:
            return found.sparql.run(job, found.settings.query_timeout_s)

        def kept() -> Answer:
            return run() if key is None else found.sparql_answers.computed(key, run)

        try:
            answer = await run_in_threadpool(kept)
        except NotAcceptable as exc:
            raise HTTPException(406, str(exc)) from None
    return Response(answer.body, media_type=answer.content_type, headers={"Vary": "Accept"})


_QUERY_PARAMS: list[dict[str, Any]] = [
    {
        "name": "query",
        "in": "query",
        "required": False,
        "description": "The SPARQL query (GET; or POST with a form or a direct body).",
        "schema": {"type": "string"},
        "example": "SELECT ?accuser ?accused WHERE { ?accuser ag:accused ?accused } LIMIT 10",
    },
    {
        "name": "default-graph-uri",
        "in": "query",
        "required": False,
        "description": "A graph of the default graph (repeatable); default: every document.",
        "example": ["https://w3id.org/allegraph/id/document/svr-nato-false-flag"],
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "required": False,
        "description": "A named graph the query may address with GRAPH (repeatable).",
        "example": ["https://w3id.org/allegraph/id/document/svr-nato-false-flag"],
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    },
]
_RESULTS = {
    200: {
        "description": "Query results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE), by Accept.",
        "content": {
            **{media: {"schema": {}} for media in RESULT_TYPES},
            **{media: {"schema": {}} for media in GRAPH_TYPES},
        },
    },
    406: {"description": "No acceptable media type for this result.", **ERROR_RESPONSES[404]},
    415: {"description": "A POST body that is neither a form nor a query.", **ERROR_RESPONSES[404]},
}


@router.get(
    "/sparql",
    summary="SPARQL 1.1 query (GET)",
    response_class=Response,
    responses=_RESULTS,  # type: ignore[arg-type]
    openapi_extra={"parameters": [{**_QUERY_PARAMS[0], "required": True}, *_QUERY_PARAMS[1:]]},
    dependencies=[Depends(may_read)],
)
async def sparql_get(request: Request, found: Services = Depends(services)) -> Response:
    """Run a SPARQL query; prefixes `ag:`, `oa:`, `prov:`, `schema:`, `skos:` … are predefined."""
    return await _answer(request, found)


@router.post(
    "/sparql",
    summary="SPARQL 1.1 query (POST)",
    response_class=Response,
    responses=_RESULTS,  # type: ignore[arg-type]
    openapi_extra={
        "parameters": _QUERY_PARAMS[1:],
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string"},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        },
                        "required": ["query"],
                    },
                    "example": {"query": "ASK { ?a ag:accused ?b }"},
                },
                DIRECT: {
                    "schema": {"type": "string"},
                    "example": "SELECT ?a ?b WHERE { ?a ag:accused ?b }",
                },
            },
        },
    },
    dependencies=[Depends(may_read)],
)
async def sparql_post(request: Request, found: Services = Depends(services)) -> Response:
    """Run a SPARQL query sent as a form (`query=`) or as the body (`application/sparql-query`)."""
    return await _answer(request, found)
