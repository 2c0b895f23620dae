"""Regenerate docs/img/seed-network.png, the README's picture of the seed article's network:
ingest the seed into a temporary data directory, draw the SVR's network to depth 3 (every
actor the article links) with `render_network`, and photograph it in headless Chromium
with the network cut off.

Usage: python docs/screenshot.py [--output docs/img/seed-network.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.rdf.actors import resolve_actor  # noqa: E402
from graph.rdf.ingest import ingest_paths  # noqa: E402
from graph.rdf.store import RDFStore  # noqa: E402
from viz import neighbourhood_subgraph, render_network  # noqa: E402
from viz.browser import chromium, open_offline  # noqa: E402

SEED = ROOT / "examples" / "svr-nato-false-flag.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "img" / "seed-network.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with RDFStore.in_data_dir(Path(tmp) / "data") as store:
            report = ingest_paths(store, [SEED])
            if not report.ok:
                raise SystemExit("\n".join(e.describe() for e in report.failed))
            picture = neighbourhood_subgraph(store, resolve_actor(store, "SVR"), 3)
        html = render_network(
            picture,
            title="Who accused whom in the seed article",
            caption="allegraph viz --actor SVR --depth 3.",
            height=620,
        )
        page = Path(tmp) / "seed-network.html"
        page.write_text(html, encoding="utf-8")
        with chromium() as browser:
            opened = open_offline(browser, page, width=1200, height=760)
            if opened.blocked or opened.errors:
                raise SystemExit(f"the picture failed: {opened.blocked or opened.errors}")
            args.output.parent.mkdir(parents=True, exist_ok=True)
            opened.page.locator(".allegraph-viz").screenshot(path=str(args.output))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
