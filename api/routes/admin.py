"""Writes sent by the data directory's own command line while this server holds the store.

`allegraph ingest`, `remove` and `actors merge/split` cannot open a store the server holds,
so they send their work here (`api.forward`), with the token the server wrote into the data
directory (`api.announce`): whoever can read that file could write the store anyway, so the
token stands in for the API key. These routes are not part of the public API description.

Each request is one write under the server's write lock, followed by a sync and the end of
every cache: an ingest batch's new documents go into the store in one bulk load and its
replacements in one update, each a single commit, so a reader sees all of a document or none
of it. The files of a batch are saved under the names they have on the caller's side, and
every report names them as the caller does, so it reads as a local ingest's would.
"""

from __future__ import annotations

import hmac
import json
import os
import tempfile
from ipaddress import ip_address
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.routes.documents import sync_after_write
from api.services import Services, services
from graph.rdf.actors import resolve_actor
from graph.rdf.curation import CurationReport, merge_actors, split_actor
from graph.rdf.ingest import IngestReport, ingest_paths
from loaders import load_mapping
from loaders.errors import UsageError
from loaders.mapping import DEFAULT as NO_MAPPING

MAX_FILES = 2000  # parts of one batch: its files and their companions


def local_owner(request: Request) -> None:
    """Let through only requests from this machine with the token of this server's run."""
    expected: str | None = getattr(request.app.state, "write_token", None)
    given = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
    if expected is None or not hmac.compare_digest(given, expected.encode()):
        raise HTTPException(403, "not a command of this server's data directory")
    host = request.client.host if request.client else ""
    try:
        local = ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local:
        raise HTTPException(403, "writes of the data directory's commands come from this machine")


router = APIRouter(prefix="/admin", include_in_schema=False, dependencies=[Depends(local_owner)])


@router.get("/whoami")
def whoami(found: Services = Depends(services)) -> dict[str, Any]:
    """Which process answers, so a command can tell this server from a stale file's."""
    return {"pid": os.getpid(), "data": str(found.settings.data)}


class IngestOptions(BaseModel):
    format: str = "auto"
    shacl: bool = True
    max_bytes: int = Field(gt=0)
    compact: bool = False
    files: list[list[tuple[str, str]]] = Field(
        description="Per file to ingest, its (name, name shown) and then its companions'."
    )


@router.post("/ingest")
async def ingest(request: Request, found: Services = Depends(services)) -> dict[str, Any]:
    """Ingest one batch of the caller's files, then sync."""
    form = await request.form(max_files=MAX_FILES + 1, max_fields=10)
    options = _options(form.get("options"))
    parts = [p for p in form.getlist("file") if isinstance(p, UploadFile)]
    if len(parts) != sum(len(group) for group in options.files):
        raise UsageError("the batch's files do not match its list of files")
    mapping = form.get("mapping")
    with tempfile.TemporaryDirectory(prefix="allegraph-forwarded-") as folder:
        paths, shown = await _save(Path(folder), options, parts)
        labels = None
        if isinstance(mapping, UploadFile):  # checked by the command already, read again here
            labels = Path(folder) / "mapping.yaml"
            labels.write_bytes(await mapping.read())
        report, synced = await run_in_threadpool(_ingest, found, paths, options, labels)
    return _report(report, shown) | {"synced": synced}


def _options(raw: object) -> IngestOptions:
    if not isinstance(raw, str):
        raise UsageError("the batch has no `options` part")
    try:
        return IngestOptions.model_validate(json.loads(raw))
    except ValueError as exc:
        raise UsageError(f"the batch's options are not valid: {exc}") from None


async def _save(
    folder: Path, options: IngestOptions, parts: list[UploadFile]
) -> tuple[list[Path], dict[str, str]]:
    """Save each file (with its companions) in a folder of its own under its own name;
    return the files to ingest and what each saved path is called on the caller's side."""
    paths: list[Path] = []
    shown: dict[str, str] = {}
    remaining = iter(parts)
    for number, group in enumerate(options.files):
        place = folder / str(number)
        place.mkdir()
        for name, caller_name in group:
            if not name or name != Path(name).name or name in (".", ".."):
                raise UsageError(f"not a file name: {name!r}")
            saved = place / name
            saved.write_bytes(await next(remaining).read())
            shown[str(saved)] = caller_name
        if group:
            paths.append(place / group[0][0])
    return paths, shown


def _ingest(
    found: Services, paths: list[Path], options: IngestOptions, mapping: Path | None
) -> tuple[IngestReport, bool]:
    labels = NO_MAPPING if mapping is None else load_mapping(mapping)
    with found.writing():
        report = ingest_paths(
            found.store,
            paths,
            format=options.format,
            shacl=options.shacl,
            max_bytes=options.max_bytes,
            mapping=labels,
            compact=options.compact,
        )
        synced = sync_after_write(found) if report.ingested else False
    return report, synced


def _report(report: IngestReport, shown: dict[str, str]) -> dict[str, Any]:
    """The report as the caller would have had it: saved paths named as it names them."""

    def named(text: str) -> str:
        for saved, caller_name in shown.items():
            text = text.replace(saved, caller_name)
        return text

    return {
        "ingested": report.ingested,
        "triples": report.triples,
        "failed": [
            {
                "file": named(e.source),
                "problems": [{"place": p.place, "reason": named(p.reason)} for p in e.problems],
            }
            for e in report.failed
        ],
    }


class Removal(BaseModel):
    documents: list[str] = Field(min_length=1)


@router.post("/remove")
def remove(body: Removal, found: Services = Depends(services)) -> dict[str, Any]:
    """Withdraw documents: all of them, or none when one is not in the store."""
    with found.writing():
        graphs = [found.store.document_graph(d) for d in body.documents]
        for graph in graphs:
            found.store.remove_graph(graph)
        synced = sync_after_write(found)
    return {"removed": body.documents, "synced": synced}


class Merge(BaseModel):
    keep: str
    merged: str


@router.post("/actors/merge")
def merge(body: Merge, found: Services = Depends(services)) -> dict[str, Any]:
    with found.writing():
        keep, merged = (
            resolve_actor(found.store, body.keep),
            resolve_actor(found.store, body.merged),
        )
        done = merge_actors(found.store, keep, merged)
        return _curation(done, sync_after_write(found))


class Split(BaseModel):
    actor: str


@router.post("/actors/split")
def split(body: Split, found: Services = Depends(services)) -> dict[str, Any]:
    with found.writing():
        done = split_actor(found.store, resolve_actor(found.store, body.actor))
        return _curation(done, sync_after_write(found))


def _curation(done: CurationReport, synced: bool) -> dict[str, Any]:
    return {"kept": done.kept, "actors": done.actors, "documents": done.documents, "synced": synced}
