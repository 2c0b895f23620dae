"""Opening pictures in a real headless Chromium (Debian's `/usr/bin/chromium`) with every
request but the page itself refused: used by the browser tests, `bench/viz.py` and
`docs/screenshot.py`. Needs the dev extra (playwright); no browser is ever downloaded.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Route

CHROMIUM = Path(os.environ.get("ALLEGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL = ("file:", "about:", "data:")


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by playwright (never its own browser build)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OfflinePage:
    """A page opened with the network cut off, and what it tried and failed to do."""

    page: Page
    blocked: list[str] = field(default_factory=list)  # requests refused (should be none)
    errors: list[str] = field(default_factory=list)  # script errors on the page
    console_errors: list[str] = field(default_factory=list)  # errors logged to the console
    seconds: float = 0.0  # from navigation until every picture on the page was drawn

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)


def open_offline(
    browser: Browser, path: Path, width: int = 1280, height: int = 800, timeout_ms: int = 60_000
) -> OfflinePage:
    """Open `path` and wait until each picture on it says it is ready (drawn, and for
    small graphs settled)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    opened = OfflinePage(page)

    def refuse_remote(route: Route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            opened.blocked.append(url)
            route.abort()

    page.route("**/*", refuse_remote)
    page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    page.on("console", lambda message: _keep_error(opened, message))
    start = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_function(
        "() => [...document.querySelectorAll('.allegraph-viz')]"
        ".every(r => r.getAttribute('data-ready') === 'true')",
        timeout=timeout_ms,
    )
    opened.seconds = time.perf_counter() - start
    return opened


def _keep_error(opened: OfflinePage, message: ConsoleMessage) -> None:
    if message.type == "error":
        opened.console_errors.append(message.text)


def node_position(opened: OfflinePage, iri: str, picture: int = 0) -> tuple[float, float]:
    """Where a node (by IRI) is drawn, in page coordinates, for clicking it."""
    found = opened.evaluate(
        """([iri, k]) => {
          const {root, network, nodes} = window.allegraphNetworks[k];
          const id = nodes.get({filter: n => n.iri === iri})[0].id;
          const at = network.canvasToDOM(network.getPositions([id])[id]);
          const box = root.querySelector('.ag-canvas').getBoundingClientRect();
          return [box.left + at.x, box.top + at.y];
        }""",
        [iri, picture],
    )
    return float(found[0]), float(found[1])
