"""Pictures over HTTP: each /viz route answers a page that works inside an <iframe> (checked
in real Chromium with every request outside the server refused) or a pasteable snippet."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx


def picture(url: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(url + path, params=params, timeout=120)


def test_each_question_is_a_standalone_page(seed_api: str) -> None:
    for path, params in [
        ("/viz/actors/svr", {"depth": 2}),
        ("/viz/chains", {"from": "Stoltenberg", "to": "Russia", "kinds": "warning"}),
        ("/viz/mirrors", {}),
    ]:
        response = picture(seed_api, path, **params)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith("text/html")
        html = response.text
        assert html.lstrip().lower().startswith("<!doctype html>")
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?://""", html)
        assert "x-frame-options" not in response.headers  # may be framed by a report


def test_a_fragment_is_a_snippet_not_a_page(seed_api: str) -> None:
    snippet = picture(seed_api, "/viz/mirrors", fragment=1).text
    assert "<html" not in snippet.lower() and "allegraph-viz" in snippet


def test_cypher_pictures_and_their_refusals(seed_api: str) -> None:
    body = {"query": "MATCH p = (:Actor)-[:DENIED]->(:Actor) RETURN p", "parameters": {}}
    drawn = httpx.post(seed_api + "/viz/cypher", json=body, timeout=120)
    assert drawn.status_code == 200 and "Jens Stoltenberg" in drawn.text
    write = httpx.post(seed_api + "/viz/cypher", json={"query": "CREATE (n:X) RETURN n"})
    assert write.status_code == 403
    assert picture(seed_api, "/viz/actors/nobody").status_code == 404


def test_the_mirrors_picture_draws_inside_an_iframe(
    seed_api: str, browser: Any, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    report.write_text(
        f'<!DOCTYPE html><h1>Report</h1><iframe src="{seed_api}/viz/mirrors" '
        'width="900" height="700"></iframe>',
        encoding="utf-8",
    )
    page = browser.new_page()
    refused: list[str] = []

    def only_local(route: Any) -> None:
        url = route.request.url
        if url.startswith((seed_api, "file:", "about:", "data:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(report.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(".allegraph-viz[data-ready='true']").wait_for(timeout=60_000)
    names = page.frames[1].evaluate(
        "() => window.allegraphNetworks[0].network.body.data.nodes.get().map(n => n.label)"
    )
    mirrors = httpx.get(seed_api + "/mirrors").json()
    expected = {m[side]["name"] for m in mirrors for side in ("a", "b")}
    assert expected <= set(names)
    assert refused == []
    page.close()
