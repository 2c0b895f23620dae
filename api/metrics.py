"""`/metrics` in Prometheus's text format (the prometheus-client library).

Requests and their latencies by route template (`/actors/{actor_id}`, never the id itself, so
the number of series stays small), and what the server holds: documents, statements, how many
documents the graph database has yet to catch up on, and when the last sync ended. The store's
counts are read when Prometheus scrapes, not kept up to date between scrapes. Each app has a
registry of its own, so several apps in one process (the tests) count apart.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.fast_path import KEPT_BY_URL, SPARQL
from api.fast_path import PREFIX as CACHED_PREFIX
from api.security import may_read
from graph.rdf.stats import count_instances
from graph.sync.run import unsynced_documents
from loaders.errors import AllegraphError
from ontology import AG

UNMATCHED = "(unmatched)"  # a path no route answers: one label for them all
CACHED_ROUTE = "/actors/{actor_id}"  # what `api.fast_path` answers before routing
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

router = APIRouter(tags=["Operations"])


def route_of(scope: Scope) -> str:
    """The template of the route that answered (`/actors/{actor_id}`), once it has."""
    route = scope.get("route")
    path: str | None = getattr(route, "path", None)
    if path is not None:
        return path
    found: str = scope.get("path", "")
    if found.startswith(CACHED_PREFIX) and "/" not in found[len(CACHED_PREFIX) :]:
        return CACHED_ROUTE
    if found in KEPT_BY_URL or found == SPARQL:  # a kept answer, sent before routing
        return found
    return UNMATCHED


class RequestMetrics:
    """Counts every HTTP request and times it, by method, route template and status."""

    def __init__(self, app: ASGIApp, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter(
            "allegraph_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "allegraph_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by route template.",
            ["method", "route"],
            registry=registry,
            buckets=LATENCY_BUCKETS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            method, route = scope["method"], route_of(scope)
            self.requests.labels(method, route, str(status)).inc()
            self.latency.labels(method, route).observe(time.perf_counter() - started)


class StoreCollector(Collector):
    """What the server holds, read at each scrape (nothing, before the app has started)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        services = getattr(self.app.state, "services", None)
        if services is None:
            return
        yield from _cache_metrics(services)
        try:
            documents = count_instances(services.store, AG.Document)
            statements = count_instances(services.store, AG.Statement)
            pending = (
                unsynced_documents(services.store, services.graph)
                if services.graph_ready  # a scrape never waits for a starting graph
                else None
            )
        except AllegraphError:
            return  # /health tells which part is down; a scrape shows the rest
        yield _gauge("allegraph_documents", "Documents in the store.", documents)
        yield _gauge("allegraph_statements", "Statements (accusations, denials …).", statements)
        if pending is not None:
            yield _gauge(
                "allegraph_sync_pending_documents",
                "Documents whose current version the graph database does not hold yet (or "
                "that it still holds after their withdrawal): what the next sync would do.",
                pending,
            )
        if services.synced_at is not None:
            yield _gauge(
                "allegraph_sync_last_success_timestamp_seconds",
                "When the last sync ended (Unix time).",
                services.synced_at,
            )


def _cache_metrics(services: Any) -> Iterator[Metric]:
    """Answers kept until the next write (`api.answer_cache`): lookups and memory."""
    lookups = CounterMetricFamily(
        "allegraph_answer_cache_lookups",
        "Answers looked up in memory, by cache and outcome.",
        labels=["cache", "outcome"],
    )
    held = GaugeMetricFamily(
        "allegraph_answer_cache_bytes", "Memory the kept answers take, by cache.", labels=["cache"]
    )
    for name, cache in (("rendered", services.rendered), ("sparql", services.sparql_answers)):
        lookups.add_metric([name, "hit"], cache.hits)
        lookups.add_metric([name, "miss"], cache.misses)
        held.add_metric([name], cache.used_bytes)
    yield lookups
    yield held


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def install(app: FastAPI) -> None:
    """Count every request (add it last, so it sees the answers of every other layer)."""
    registry = CollectorRegistry()
    registry.register(StoreCollector(app))
    app.state.metrics_registry = registry
    app.add_middleware(RequestMetrics, registry=registry)
    app.include_router(router)


_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}
}


@router.get(
    "/metrics",
    response_class=Response,
    responses=_TEXT,
    summary="Metrics for Prometheus",
    dependencies=[Depends(may_read)],
)
def metrics(request: Request) -> Response:
    """Prometheus's text format: requests and latencies by route, documents, statements and
    the sync's lag. Needs the read key when reads are closed."""
    from prometheus_client import generate_latest

    body = generate_latest(request.app.state.metrics_registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
