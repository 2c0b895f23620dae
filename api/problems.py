"""Every error the API gives is an RFC 9457 problem document, mapped here once.

`AllegraphError`s carry a message meant for a person; their class decides the status.
Anything unexpected is logged with its traceback on the server and answered with a plain
500 problem that reveals nothing of the code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from loaders.errors import (
    AllegraphError,
    BackendError,
    GraphNotReady,
    InputError,
    NotFoundError,
    QueryOverLimit,
    ResultTooLarge,
    StoreError,
    WriteRefused,
)

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("allegraph.api")

# Most specific first: the first class an error is an instance of decides.
STATUS: list[tuple[type[AllegraphError], int]] = [
    (NotFoundError, 404),
    (WriteRefused, 403),
    (QueryOverLimit, 503),
    (ResultTooLarge, 422),
    (InputError, 422),
    (StoreError, 503),
    (BackendError, 503),
    (AllegraphError, 400),
]


class ProblemPlace(BaseModel):
    place: str = Field(description="Line and column, or JSON pointer; empty for the whole input.")
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field("about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(None, examples=["no actor 'spectre'"])
    instance: str | None = Field(None, examples=["/actors/spectre"])
    source: str | None = Field(None, description="The uploaded file a problem list is about.")
    problems: list[ProblemPlace] | None = Field(None, description="Every problem in an input.")


def problem_response(
    status: int,
    detail: str | None,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def status_of(exc: AllegraphError) -> int:
    return next(status for cls, status in STATUS if isinstance(exc, cls))


PageRenderer = Callable[[Request, int, str | None], Response | None]
"""Renders an error as a page for a person (the workbench's), or None to keep the problem."""


def install(app: FastAPI, pages: PageRenderer | None = None) -> None:
    """Route every error through `problem_response` (or, for a page, through `pages`)."""

    def answer(
        request: Request,
        status: int,
        detail: str | None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> Response:
        page = pages(request, status, detail) if pages is not None else None
        if page is not None:
            page.headers.update(headers or {})
            return page
        return problem_response(status, detail, request.url.path, headers, **extra)

    @app.exception_handler(AllegraphError)
    async def allegraph_error(request: Request, exc: AllegraphError) -> Response:
        extra: dict[str, Any] = {}
        if isinstance(exc, InputError):
            extra["source"] = exc.source
            extra["problems"] = [{"place": p.place, "reason": p.reason} for p in exc.problems]
        headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, GraphNotReady) else {}
        return answer(request, status_of(exc), str(exc), headers, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        return answer(request, exc.status_code, detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        places = [
            {"place": "/".join(str(p) for p in e.get("loc", ())), "reason": e.get("msg", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{p['place']}: {p['reason']}" for p in places) or "invalid request"
        return answer(request, 422, detail, problems=places)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(500, "an unexpected error; it has been logged", request.url.path)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {MEDIA_TYPE: {}}, "description": description}
    for code, description in {
        400: "The request is malformed or asks for something impossible.",
        401: "A key is needed (X-API-Key header).",
        403: "The key is wrong, or the request would write where only reads are allowed.",
        404: "Not found.",
        413: "The request body is over the size limit.",
        422: "The request or its upload is invalid; every problem is listed.",
        503: "A query ran past its time limit, or a database is unavailable (while the graph "
        "database starts, with Retry-After).",
    }.items()
}
