"""The investigator's workbench: server-rendered pages at `/` and `/ui/…` over the same
services as the API, with a small stylesheet and script shipped as static files (nothing
from a CDN, no build step). Every view is a URL; every picture has a table twin.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.workbench import consoles, key, pages
from api.workbench.templating import render

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Add the workbench's pages and static files to the app."""
    app.include_router(pages.router)
    app.include_router(consoles.router)
    app.include_router(key.router)
    app.mount("/ui/static", StaticFiles(directory=STATIC), name="workbench-static")


def is_page(request: Request) -> bool:
    """Whether the request is for a workbench page (which answers errors in HTML)."""
    path = request.url.path
    return (path == "/" or path.startswith("/ui/")) and not path.startswith("/ui/static/")


def error_page(request: Request, status: int, detail: str | None) -> HTMLResponse | None:
    """An error on a workbench page as a page a person can read; None for the API's routes,
    which keep their problem documents."""
    if not is_page(request):
        return None
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return render(
        request, "error.html", status_code=status, status=status, title=title, detail=detail or ""
    )
