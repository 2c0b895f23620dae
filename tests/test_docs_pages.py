"""The API's documentation pages work with no internet: /docs (Swagger UI) and /redoc
render the operations in real Chromium while every request outside the server is refused,
and none is even attempted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


@contextmanager
def server_only(browser: Any, base: str) -> Iterator[tuple[Any, list[str], list[str]]]:
    """A page that may reach the server and nothing else; yields it with the requests it
    tried elsewhere and its script errors."""
    page = browser.new_page()
    elsewhere: list[str] = []
    errors: list[str] = []

    def only_the_server(route: Any) -> None:
        url = route.request.url
        if url.startswith((base + "/", "data:", "about:")):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    page.route("**/*", only_the_server)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page, elsewhere, errors
    finally:
        page.close()


def test_swagger_ui_lists_the_operations_offline(seed_api: str, browser: Any) -> None:
    with server_only(browser, seed_api) as (page, elsewhere, errors):
        page.goto(seed_api + "/docs")
        sparql = page.locator(".opblock-summary-path", has_text=re.compile(r"^/sparql$")).first
        sparql.wait_for(state="visible", timeout=60_000)
        assert page.locator(".opblock").count() > 20  # every operation, not an error box
        assert page.get_by_text("/dossier/actors/{actor_id}", exact=True).count() == 1
        assert elsewhere == [] and errors == []


def test_redoc_renders_the_reference_offline(seed_api: str, browser: Any) -> None:
    with server_only(browser, seed_api) as (page, elsewhere, errors):
        page.goto(seed_api + "/redoc")
        operation = page.get_by_role("heading", name="Dossier: an actor's network")
        operation.wait_for(state="visible", timeout=60_000)
        assert page.locator("h1", has_text="allegraph").count() >= 1
        assert elsewhere == [] and errors == []


def test_the_pages_name_no_outside_address_and_their_files_are_served(seed_api: str) -> None:
    for path in ("/docs", "/redoc"):
        response = httpx.get(seed_api + path)
        assert "default-src 'none'" in response.headers["content-security-policy"]
        html = response.text
        assert not re.search(r"""(src|href)=["']?https?://""", html), path
        assert "/docs-assets/" in html
    script = httpx.get(seed_api + "/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert len(script.content) > 100_000
    assert httpx.get(seed_api + "/docs-assets/nothing.js").status_code == 404
    schema = httpx.get(seed_api + "/openapi.json").json()
    assert "/docs" not in schema["paths"] and "/sparql" in schema["paths"]
    assert "ReadKey" in schema["components"]["securitySchemes"]
