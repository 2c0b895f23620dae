"""One JSON line per request, each with a request id that the answer carries too.

The id is the client's own `X-Request-ID` when it sends a plausible one (so a proxy's id runs
through), else a new one; the answer sends it back in `X-Request-ID`, and it is kept in the
request's state (`request.state.request_id`) and in a context variable, so that every line
logged while the request is answered (a document ingested, on a worker thread) carries it.
Every `allegraph.*` logger (`allegraph.requests` here, `allegraph.ingest`, `allegraph.api`'s
errors) is written to standard error as JSON lines, unless the embedding program has given
the `allegraph` logger a handler of its own.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import route_of

HEADER = "X-Request-ID"
_PLAUSIBLE = re.compile(r"[A-Za-z0-9._:-]{1,128}")  # nothing that could forge a log line
log = logging.getLogger("allegraph.requests")
current_request: ContextVar[str | None] = ContextVar("allegraph_request_id", default=None)


class JsonLines(logging.Formatter):
    """A record as one JSON object: time, level, message and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line: dict[str, Any] = {"time": when, "level": record.levelname.lower()}
        line["message"] = record.getMessage()
        request = current_request.get()
        if request is not None:
            line["request_id"] = request
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def request_id(scope: Scope) -> str:
    """The client's plausible `X-Request-ID`, or a new one."""
    given = Headers(scope=scope).get(HEADER)
    return given if given is not None and _PLAUSIBLE.fullmatch(given) else uuid.uuid4().hex


class RequestLog:
    """Gives each HTTP request its id and logs it once answered (or failed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ident = request_id(scope)
        scope.setdefault("state", {})["request_id"] = ident
        marker = current_request.set(ident)
        started, status = time.perf_counter(), 500

        async def marked(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = list(message.get("headers", []))
                MutableHeaders(scope=message)[HEADER] = ident
            await send(message)

        try:
            await self.app(scope, receive, marked)
        finally:
            fields = {
                "request_id": ident,
                "method": scope["method"],
                "path": scope["path"],
                "route": route_of(scope),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "client": (scope.get("client") or ("", 0))[0],
            }
            log.info("request", extra={"fields": fields})
            current_request.reset(marker)


def install(app: FastAPI) -> None:
    """Log every request (add it last, so it sees the answers of every other layer)."""
    every = logging.getLogger("allegraph")
    if not every.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        every.addHandler(handler)
        every.setLevel(logging.INFO)
        every.propagate = False
    app.add_middleware(RequestLog)
