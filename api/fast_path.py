"""Answering the hottest read, one actor's page, from memory before routing.

`GET /actors/{id}` is what report pages and scripts ask most. Once rendered, its bytes are
kept by `Services.memo` until the next write; this middleware sends them straight back,
skipping routing, dependencies and validation (about a third of the cost of a request).
It only answers when reads are open; anything else goes on to the app as usual.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/actors/"


class CachedActorPages:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self._cached(scope)
        if body is None:
            await self.app(scope, receive, send)
            return
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _cached(scope: Scope) -> bytes | None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["query_string"]:
            return None
        path: str = scope["path"]
        actor_id = path[len(PREFIX) :]
        if not path.startswith(PREFIX) or not actor_id or "/" in actor_id:
            return None
        services = getattr(scope["app"].state, "services", None)
        if services is None or not services.settings.open_reads:
            return None
        found: bytes | None = services.cached(("actor", actor_id))  # the path is decoded
        return found
