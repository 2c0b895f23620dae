"""Answering the hottest reads from memory before routing.

One actor's page, a chain search, the mirrors, a timeline and a SPARQL query asked by GET are
what report pages, embeds and scripts ask again and again. Once answered, their bytes are
kept (`api.answer_cache`) under the request's path and query string until the next write;
this middleware sends them straight back, skipping routing, dependencies and validation
(about a third of the cost of a request). It only answers when reads are open and the
client did not ask for a fresh answer; anything else goes on to the app as usual.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.answer_cache import asks_fresh
from api.sparql.workers import Answer

PREFIX = "/actors/"
KEPT_BY_URL = ("/chains", "/mirrors", "/timeline")
"""JSON answers kept under their URL: the same URL asks the same question."""
SPARQL = "/sparql"
"""Kept under its URL and the `Accept` header, which chooses the results' format."""


_LOOKED_UP = "allegraph_kept_answer_looked_up"


def looked_up_before_routing(request: Request) -> bool:
    """Whether this middleware looked the request's answer up and found none: the route
    then computes it without looking again (a miss counted once, one lookup fewer)."""
    return bool(request.scope.get("state", {}).get(_LOOKED_UP))


def url_key(scope: Scope) -> tuple[str, ...]:
    """The key a GET answer is kept under: its path, query string and, for SPARQL, Accept."""
    query = scope["query_string"].decode("latin-1")
    if scope["path"] == SPARQL:
        return ("url", SPARQL, query, Headers(scope=scope).get("accept", ""))
    return ("url", scope["path"], query)


class KeptAnswers:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self._kept(scope)
        if answer is None:
            await self.app(scope, receive, send)
            return
        headers = [
            (b"content-type", answer.content_type.encode("latin-1")),
            (b"content-length", str(len(answer.body)).encode()),
        ]
        if scope["path"] == SPARQL:
            headers.append((b"vary", b"Accept"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

    @staticmethod
    def _kept(scope: Scope) -> Answer | None:
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        services = getattr(scope["app"].state, "services", None)
        if services is None or not services.settings.open_reads:
            return None
        path: str = scope["path"]
        if path.startswith(PREFIX):
            actor_id = path[len(PREFIX) :]
            if scope["query_string"] or not actor_id or "/" in actor_id:
                return None
            scope.setdefault("state", {})[_LOOKED_UP] = True
            body = services.cached(("actor", actor_id))  # the path is decoded
            return None if body is None else Answer("application/json", body)
        if path not in KEPT_BY_URL and path != SPARQL:
            return None
        if asks_fresh(Headers(scope=scope)):
            return None
        scope.setdefault("state", {})[_LOOKED_UP] = True
        if path == SPARQL:
            kept: Answer | None = services.sparql_answers.get(url_key(scope))
            return kept
        body = services.cached(url_key(scope))
        return None if body is None else Answer("application/json", body)
