"""The HTTP API: wires settings, services, security, errors and routes into one FastAPI app.

`create_app(settings)` is all a server (or a test) needs; `allegraph serve` runs it with
uvicorn. The store is opened when the app starts, and the graph database opened and synced
on a thread of its own from then on (`api.graph_start`): what reads only the store answers
at once, what needs the graph waits for it (so Cypher answers match SPARQL), and both close
when the app stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from api import docs_pages, health, metrics, problems, request_log, workbench
from api.fast_path import KeptAnswers
from api.limits import BodyLimit
from api.routes import (
    actors,
    admin,
    analysis,
    cypher,
    documents,
    dossier,
    exports,
    graph_store,
    sparql,
    statements,
    viz,
)
from api.security import describe_security
from api.services import Services
from api.settings import Settings

DESCRIPTION = """
Who accused whom, of what, who denied it: the allegations annotated in documents, as RDF
(SPARQL 1.1 Protocol at `/sparql`), as a property graph (read-only Cypher at `/cypher`), and
as JSON for investigators (actors, statements, chains, mirror accusations, timelines).

Reads are open unless the server closes them; writes (`POST`/`DELETE /documents`) need the
server's key in the `X-API-Key` header. Every error is an RFC 9457 problem document.
"""


def _describe_security(app: FastAPI, settings: Settings) -> None:
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_security(plain(), settings.open_reads)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None, opened: Services | None = None) -> FastAPI:
    """The app; it opens its `Services` when it starts, unless given ones already open
    (`allegraph serve` opens them first, so a problem is one clear message, not a traceback),
    and starts their graph database.
    """
    settings = settings or Settings()
    chosen: Settings = settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = opened if opened is not None else await run_in_threadpool(Services, chosen)
        try:
            services.start_graph()
            app.state.services = services
            yield
        finally:
            await run_in_threadpool(services.close)

    app = FastAPI(
        title="allegraph",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load from a CDN; api.docs_pages serves them offline
        redoc_url=None,
        openapi_url=None,  # api.docs_pages serves it, behind the read key when reads are closed
    )
    problems.install(app, pages=workbench.error_page)
    docs_pages.install(app)
    _describe_security(app, settings)
    for module in (
        sparql,
        graph_store,
        cypher,
        actors,
        statements,
        analysis,
        documents,
        viz,
        dossier,
        exports,
    ):
        app.include_router(module.router)
    app.include_router(admin.router)  # the data directory's own commands (api.announce)
    workbench.install(app)
    # The last added runs first: CORS, then the cached actor pages, then the body limit.
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(KeptAnswers)  # a kept answer skips routing and validation
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Accept", "Content-Type", "X-API-Key"],
        )
    app.include_router(health.router)
    metrics.install(app)  # outermost: every answer is counted and logged, cached ones too
    request_log.install(app)
    return app
