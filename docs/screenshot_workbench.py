"""Photograph every workbench view on the seed article for docs/workbench.md and the README:
ingest the seed into a temporary data directory, serve it on a free loopback port, open each
view in headless Chromium with every request beyond the server refused, and save a PNG.

Usage: python docs/screenshot_workbench.py [--output-dir docs/img]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.settings import Settings  # noqa: E402
from graph.rdf.ingest import ingest_paths  # noqa: E402
from graph.rdf.store import RDFStore  # noqa: E402
from viz.browser import chromium  # noqa: E402

SEED = ROOT / "examples" / "svr-nato-false-flag.yaml"
VIEWS = {
    "workbench-home": "/",
    "workbench-search": "/ui/search?q=nato",
    "workbench-actor": "/ui/actors/svr",
    "workbench-chains": "/ui/chains?from=jens-stoltenberg&to=Q159",
    "workbench-mirrors": "/ui/mirrors",
    "workbench-document": "/ui/documents/svr-nato-false-flag#st-s10",
    "workbench-sparql": "/ui/sparql?query=SELECT+%3Faccuser+%3Faccused+WHERE+%7B+%3Faccuser"
    "+ag%3Aaccused+%3Faccused+%7D+LIMIT+10",
    "workbench-cypher": "/ui/cypher?query=MATCH+p+%3D+%28%3AActor%29-%5B%3ADENIED%5D-%3E"
    "%28%3AActor%29+RETURN+p",
    "workbench-upload": "/ui/upload",
}


@contextmanager
def serving(data: Path) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(data=data)), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        with RDFStore.in_data_dir(data) as store:
            if not ingest_paths(store, [SEED]).ok:
                raise SystemExit("the seed article did not ingest")
        with serving(data) as url, chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            outside: list[str] = []
            page.route(
                "**/*",
                lambda r: (
                    r.continue_()
                    if r.request.url.startswith(url)
                    else (outside.append(r.request.url), r.abort())
                ),
            )
            for name, view in VIEWS.items():
                page.goto(url + view)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)  # the pictures settle
                page.screenshot(path=str(args.output_dir / f"{name}.png"))
                print(f"wrote {args.output_dir / name}.png")
            if outside:
                raise SystemExit(f"a view asked beyond the server: {outside}")
    shutil.copyfile(args.output_dir / "workbench-home.png", args.output_dir / "workbench.png")


if __name__ == "__main__":
    main()
