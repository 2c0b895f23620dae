"""The command line's writes, sent to the server that holds the data directory's store.

`RunningServer.find` reads the server file (`api.announce`) and checks that the process
named there answers; the commands then send their work to its local write routes
(`api.routes.admin`) and get back what a local run would have given: an ingest's report
(documents, triples, every refused file with its places, named as given), a merge's or
split's actors and documents, or the same error. Files go in batches, each one request,
one write under the server's lock and one sync, so a reader of the server sees each batch
whole or not at all. A server whose graph database is still starting answers a write 503
with Retry-After before writing anything; the command waits as told and sends it again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from api.announce import TOKEN_HEADER, ServerFile, read_server_file
from graph.rdf.curation import CurationReport
from graph.rdf.ingest import DEFAULT_BATCH, IngestReport
from loaders import companions
from loaders.errors import InputError, NotFoundError, Problem, StoreError, UsageError
from loaders.source import check_size

BATCH_FILES = DEFAULT_BATCH
"""Files per request: each is one bulk load (a batch of a local ingest, so a reader sees it
whole) and one sync. 2,000 documents took 16 to 17 s with 100 or with 200 a request."""
ENVELOPE = 64 * 1024  # room left in a request for its options and multipart framing
TIMEOUT = httpx.Timeout(30.0, read=3600.0)  # a batch may wait for another write to end
START_WAIT_S = 600.0  # how long a write waits for the server's graph database to start


class RunningServer:
    """A connection to the server announced in a data directory."""

    def __init__(self, announced: ServerFile) -> None:
        self.announced = announced
        self.url = announced.url
        self._client = httpx.Client(
            base_url=announced.url,
            headers={TOKEN_HEADER: f"Bearer {announced.token}"},
            timeout=TIMEOUT,
            trust_env=False,  # never through a proxy: the server is on this machine
        )

    @classmethod
    def find(cls, data_dir: Path) -> RunningServer | None:
        """The server holding `data_dir`, if one announced itself and answers as itself."""
        announced = read_server_file(data_dir)
        if announced is None:
            return None
        server = cls(announced)
        try:
            answer = server._client.get("/admin/whoami", timeout=5.0)
            if answer.status_code == 200 and answer.json().get("pid") == announced.pid:
                return server
        except (httpx.HTTPError, ValueError):
            pass
        server.close()
        return None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ingest ----------------------------------------------------------------------------

    def ingest(
        self,
        files: Iterable[Path],
        *,
        format: str = "auto",
        shacl: bool = True,
        max_bytes: int,
        mapping: Path | None = None,
        progress: Callable[[Path], None] | None = None,
    ) -> IngestReport:
        """Send the files in batches; the report is the sum of the server's answers."""
        started = time.perf_counter()
        report = IngestReport()
        limit = self.announced.max_body - ENVELOPE
        batch = _Batch()
        for path in files:
            group = self._group(path, max_bytes, limit, report)
            if group is not None:
                if batch.groups and not batch.fits(group, limit):
                    self._send(batch, report, format, shacl, max_bytes, mapping, False)
                    batch = _Batch()
                batch.add(group)
            if progress is not None:
                progress(path)
        if batch.groups:
            compact = len(report.ingested) + len(batch.groups) >= DEFAULT_BATCH
            self._send(batch, report, format, shacl, max_bytes, mapping, compact)
        report.seconds = time.perf_counter() - started
        return report

    def _group(
        self, path: Path, max_bytes: int, limit: int, report: IngestReport
    ) -> list[tuple[Path, int]] | None:
        """The file and its companions with their sizes, or None when it is refused here:
        missing or too large (as a local ingest refuses it), or over the server's limit."""
        try:
            if not path.is_file() or path.stat().st_size > max_bytes:
                check_size(path, max_bytes)
            group = [(p, p.stat().st_size) for p in (path, *companions(path))]
        except InputError as exc:
            report.failed.append(exc)
            return None
        except OSError as exc:
            report.failed.append(InputError.single(path, f"cannot read: {exc.strerror or exc}"))
            return None
        size = sum(s for _, s in group)
        if size > limit:
            report.failed.append(
                InputError.single(
                    path,
                    f"{size:,} bytes with the files read with it, over the {limit:,} bytes the "
                    f"server at {self.url} takes at once (ALLEGRAPH_MAX_UPLOAD_BYTES); stop "
                    "the server to ingest it here",
                )
            )
            return None
        return group

    def _send(
        self,
        batch: _Batch,
        report: IngestReport,
        format: str,
        shacl: bool,
        max_bytes: int,
        mapping: Path | None,
        compact: bool,
    ) -> None:
        options = {
            "format": format,
            "shacl": shacl,
            "max_bytes": max_bytes,
            "compact": compact,
            "files": [[(p.name, str(p)) for p, _ in group] for group in batch.groups],
        }
        parts: list[tuple[str, tuple[str, bytes, str]]] = []
        for group in batch.groups:
            for path, _ in group:
                parts.append(("file", (str(len(parts)), _read(path), "application/octet-stream")))
        if mapping is not None:
            parts.append(("mapping", ("mapping.yaml", _read(mapping), "application/yaml")))
        answer = self._post(
            "/admin/ingest", report, data={"options": json.dumps(options)}, files=parts
        )
        report.ingested.extend(answer["ingested"])
        report.triples += int(answer["triples"])
        report.failed.extend(
            InputError(f["file"], [Problem(p["place"], p["reason"]) for p in f["problems"]])
            for f in answer["failed"]
        )

    # remove, merge, split ----------------------------------------------------------------

    def remove(self, doc_ids: list[str]) -> list[str]:
        """Withdraw the documents (all, or none when one is not in the store)."""
        answer = self._post("/admin/remove", None, json={"documents": doc_ids})
        return [str(d) for d in answer["removed"]]

    def merge(self, keep: str, merged: str) -> CurationReport:
        answer = self._post("/admin/actors/merge", None, json={"keep": keep, "merged": merged})
        return CurationReport(answer["kept"], answer["actors"], answer["documents"])

    def split(self, actor: str) -> CurationReport:
        answer = self._post("/admin/actors/split", None, json={"actor": actor})
        return CurationReport(answer["kept"], answer["actors"], answer["documents"])

    def _post(self, route: str, report: IngestReport | None, **request: Any) -> dict[str, Any]:
        deadline = time.monotonic() + START_WAIT_S
        response = self._post_once(route, report, request)
        while (wait := _retry_after(response)) is not None and time.monotonic() < deadline:
            time.sleep(wait)
            response = self._post_once(route, report, request)
        if response.status_code != 200:
            raise _error(response, self.url)
        found: dict[str, Any] = response.json()
        return found

    def _post_once(
        self, route: str, report: IngestReport | None, request: dict[str, Any]
    ) -> httpx.Response:
        try:
            return self._client.post(route, **request)
        except httpx.HTTPError as exc:
            done = f" after {len(report.ingested):,} document(s)" if report else ""
            raise StoreError(
                f"the server at {self.url} stopped answering{done}: {exc}; what it had "
                "answered for is written, whole"
            ) from None


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait before sending again, when the server asks for it (a 503 while its
    graph database starts; nothing was written), else None."""
    if response.status_code != 503:
        return None
    try:
        return min(max(float(response.headers["retry-after"]), 0.1), 30.0)
    except (KeyError, ValueError):
        return None


class _Batch:
    def __init__(self) -> None:
        self.groups: list[list[tuple[Path, int]]] = []
        self.size = 0

    def fits(self, group: list[tuple[Path, int]], limit: int) -> bool:
        return len(self.groups) < BATCH_FILES and self.size + sum(s for _, s in group) <= limit

    def add(self, group: list[tuple[Path, int]]) -> None:
        self.groups.append(group)
        self.size += sum(s for _, s in group)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError.single(path, f"cannot read: {exc.strerror or exc}") from None


def _error(response: httpx.Response, url: str) -> Exception:
    """The error a local run would have raised, from the server's problem document."""
    try:
        body: dict[str, Any] = response.json()
    except ValueError:
        body = {}
    detail = str(body.get("detail") or response.reason_phrase)
    status = response.status_code
    if status == 422 and body.get("source") and isinstance(body.get("problems"), list):
        problems = [Problem(p.get("place", ""), p.get("reason", "")) for p in body["problems"]]
        return InputError(str(body["source"]), problems)
    if status == 404:
        return NotFoundError(detail)
    if status in (400, 422):
        return UsageError(detail)
    if status in (401, 403):
        return StoreError(f"the server at {url} refused the command: {detail}")
    return StoreError(f"the server at {url} could not do it: {detail}")
