"""The API's documentation pages, served with no CDN: Swagger UI at `/docs` and ReDoc at
`/redoc`, their scripts and styles from the `fastapi-offline` package under `/docs-assets`;
and the OpenAPI description they show, at `/openapi.json`. The pages and the description need
the read key when reads are closed (`ALLEGRAPH_OPEN_READS=false`), like every other read.

FastAPI's own pages load both from a CDN, so they are blank without internet; the app turns
them off (`docs_url=None`, `redoc_url=None`) and includes these routes instead. They are a
router of their own so that a dependency (a key check) can be put on them in one place.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, swagger_ui_default_parameters
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from api.security import may_read

ASSETS = "/docs-assets"
OPENAPI = "/openapi.json"
# Swagger UI would ask validator.swagger.io about the description: nothing leaves the server.
SWAGGER_PARAMETERS = {**swagger_ui_default_parameters, "validatorUrl": None}
# The pages may load from this server only: ReDoc's sidebar shows a logo from its makers'
# CDN, which this refuses before any request is made (ReDoc then hides the image). Inline
# script and style: Swagger UI starts from an inline script, ReDoc writes its styles inline;
# ReDoc's search runs in a worker made from a blob.
CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:"
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(may_read)])


def install(app: FastAPI) -> None:
    """Serve the viewers' files, the two pages and the description (the app is made with
    `docs_url=None` and `openapi_url=None`)."""
    files = StaticFiles(packages=[("fastapi_offline", "static")])
    app.mount(ASSETS, files, name="docs-assets")
    app.include_router(router)


def _base(request: Request) -> str:
    """Where the app is mounted (behind a proxy with a path prefix), so links still work."""
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")


@router.get(OPENAPI)
async def openapi_description(request: Request) -> JSONResponse:
    """The OpenAPI description of the API (made once, then kept by the app)."""
    return JSONResponse(request.app.openapi())


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over the API's OpenAPI description."""
    base = _base(request)
    page = get_swagger_ui_html(
        openapi_url=f"{base}{OPENAPI}",
        title=f"{request.app.title}: API documentation",
        swagger_js_url=f"{base}{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{base}{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{base}{ASSETS}/favicon.png",
        swagger_ui_parameters=SWAGGER_PARAMETERS,
    )
    return _locked(page)


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc over the API's OpenAPI description (no web fonts: the system's are used)."""
    base = _base(request)
    page = get_redoc_html(
        openapi_url=f"{base}{OPENAPI}",
        title=f"{request.app.title}: API reference",
        redoc_js_url=f"{base}{ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{base}{ASSETS}/favicon.png",
        with_google_fonts=False,
    )
    return _locked(page)


def _locked(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    return page
