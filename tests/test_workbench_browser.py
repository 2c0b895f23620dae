"""The investigator's path through the workbench in a real headless Chromium (Debian's),
done with the mouse and again with the keyboard only: what is on screen at each step, no
request leaving 127.0.0.1, no script error, and no serious accessibility violation (axe-core,
from the npm registry, run inside each view)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import ROOT

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass
class Watched:
    """A page whose requests beyond the server are refused and recorded, with its errors."""

    page: Any
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    found = Watched(page)

    def only_loopback(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or url.startswith(("about:", "data:")):
            route.continue_()
        else:
            found.outside.append(url)
            route.abort()

    page.route("**/*", only_loopback)
    page.on("pageerror", lambda exc: found.errors.append(str(exc)))
    page.on("console", lambda m: found.errors.append(m.text) if m.type == "error" else None)
    try:
        yield found
    finally:
        page.close()


def statements_of(url: str, actor: str, **params: Any) -> list[dict[str, Any]]:
    answer = httpx.get(f"{url}/actors/{actor}/statements", params={"limit": 100, **params})
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_the_investigators_path_with_the_mouse(seed_api: str, watched: Watched) -> None:
    page = watched.page
    page.goto(seed_api + "/")
    page.get_by_role("heading", name="The corpus at a glance").wait_for()
    page.locator("#home-search").fill("SVR")
    page.get_by_role("option", name="SVR").first.click()
    page.wait_for_url("**/ui/actors/svr")
    against_nato = [
        s for s in statements_of(seed_api, "svr") if "NATO" in [t["name"] for t in s["targets"]]
    ]
    table = page.get_by_role("table", name="Statements made and received by SVR")
    row = table.get_by_role("row").filter(has_text=against_nato[0]["quote"][:60])
    assert row.count() == 1 and "NATO" in row.inner_text() and "accusation" in row.inner_text()

    page.get_by_role("link", name="Chains from SVR").click()
    page.get_by_label("To", exact=True).fill("NATO")
    page.get_by_role("button", name="Find chains").click()
    page.get_by_role("heading", name="Chains from SVR to NATO", exact=True).wait_for()
    assert against_nato[0]["quote"][:60] in page.locator("ol.chains").inner_text()

    page.get_by_role("link", name="Mirrors", exact=True).click()
    pair = page.locator("ol.mirrors > li").filter(has_text="Russia accuses NATO").first
    assert "NATO accuses Russia" in pair.inner_text()
    quote = pair.locator("section").nth(1).get_by_role("link").first
    words = quote.inner_text().strip("“”")
    quote.click()
    page.wait_for_url("**/ui/documents/svr-nato-false-flag#st-*")
    lit = page.locator("mark.statement.current")
    assert lit.count() >= 1 and words.startswith(lit.first.inner_text()[:30])
    assert lit.first.is_visible() and _in_viewport(page, lit.first)
    assert not watched.outside and not watched.errors


def _in_viewport(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] <= height


def _tab_to(page: Any, text: str, most: int = 200) -> None:
    """Press Tab until the focused element's text (or value) starts with `text`."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if focused.startswith(text):
            return
    raise AssertionError(f"no focusable element reads {text!r}")


def test_the_same_path_with_the_keyboard_only(seed_api: str, watched: Watched) -> None:
    page = watched.page
    page.goto(seed_api + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.locator("#home-search").focus()
    page.keyboard.type("svr")
    page.get_by_role("option", name="SVR").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/actors/svr")
    _tab_to(page, "Chains from SVR")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/chains?from=svr")
    page.locator("#to").focus()
    page.keyboard.type("NATO")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")  # submits the form
    page.get_by_role("heading", name="Chains from SVR to NATO", exact=True).wait_for()
    _tab_to(page, "Mirrors")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/mirrors")
    _tab_to(page, "“They are making absurd claims")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/documents/svr-nato-false-flag#st-*")
    lit = page.locator("mark.statement.current")
    assert lit.count() >= 1 and "absurd claims" in lit.first.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('current')")
    assert not watched.outside and not watched.errors


VIEWS = [
    "/",
    "/ui/search?q=svr",
    "/ui/actors/svr",
    "/ui/actors/jens-stoltenberg?role=claimant",
    "/ui/chains",
    "/ui/chains?from=svr&to=NATO",
    "/ui/mirrors",
    "/ui/documents",
    "/ui/documents/svr-nato-false-flag",
    "/ui/sparql?query=SELECT+%3Fn+WHERE+%7B+%3Fa+rdfs%3Alabel+%3Fn+%7D+LIMIT+5",
    "/ui/cypher?query=MATCH+p+%3D+%28%3AActor%29-%5B%3ADENIED%5D-%3E%28%3AActor%29+RETURN+p",
    "/ui/upload",
    "/ui/actors/spectre",
]


def test_no_view_has_a_serious_accessibility_violation(seed_api: str, watched: Watched) -> None:
    assert AXE.exists(), "axe-core is missing: run `make setup`"
    page, found = watched.page, {}
    for view in VIEWS:
        page.goto(seed_api + view)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .filter(v => ['serious', 'critical'].includes(v.impact))
                 .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')))"""
        )
        if violations:
            found[view] = violations
    assert not found, found
    assert not watched.outside
    assert [e for e in watched.errors if "404" not in e] == []  # the error view is a 404 page


def test_upload_from_the_page_shows_problems_in_place(
    seed_api: str, watched: Watched, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ntext: Some text.\nstatements:\n"
        "  - {id: s1, kind: accusation, claimant: nobody, quote: {text: Some}}\n"
    )
    page = watched.page
    page.goto(seed_api + "/ui/upload")
    page.get_by_label("File(s)").set_input_files(str(bad))
    page.get_by_label("Key (X-API-Key)").fill("test-key-0123456789")
    page.get_by_role("button", name="Upload").click()
    problem = page.get_by_role("alert")
    problem.wait_for()
    shown = problem.inner_text()
    assert "bad.yaml" in shown and "nobody" in shown
    assert httpx.get(seed_api + "/documents/bad").status_code == 404
    assert not watched.outside
