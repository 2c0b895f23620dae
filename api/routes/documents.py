"""Documents: list them, read one with its annotations, upload one, withdraw one.

An upload is written to a private temporary folder under the names the client gave, and
ingested from there by the same loaders as `allegraph ingest` (so every format, and its
detection, works the same); then the graph is synced. Writes need the API key.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api import schemas
from api.present import Presenter, page
from api.problems import ERROR_RESPONSES
from api.routes.paging import Limit, Offset
from api.security import may_read, may_write
from api.services import Services, services
from graph.rdf import catalog
from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from loaders import FORMATS, discover
from loaders.errors import BackendError, InputError, UsageError

router = APIRouter(tags=["Documents"], responses=ERROR_RESPONSES)

DocId = Annotated[str, Path(description="The document's id.", examples=["svr-nato-false-flag"])]
# What a raw (non-multipart) upload's media type says about its file name.
SUFFIX_OF = {
    "application/json": ".json",
    "application/ld+json": ".jsonld",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/yaml": ".yaml",
    "application/x-yaml": ".yaml",
    "text/yaml": ".yaml",
}


@router.get(
    "/documents",
    response_model=schemas.Page[schemas.Document],
    dependencies=[Depends(may_read)],
)
def list_documents(
    request: Request, limit: Limit = 50, offset: Offset = 0, found: Services = Depends(services)
) -> schemas.Page[schemas.Document]:
    """Every document, by id."""
    total, found_documents = catalog.documents(found.store, limit, offset)
    items = [Presenter.document(d) for d in found_documents]
    return page(request, items, total, limit, offset)


@router.get(
    "/documents/{doc_id}",
    response_model=schemas.DocumentDetail,
    dependencies=[Depends(may_read)],
)
def get_document(doc_id: DocId, found: Services = Depends(services)) -> schemas.DocumentDetail:
    """One document: its metadata, its text, the actors marked in it and its statements."""
    doc, text = catalog.document(found.store, doc_id)
    present = Presenter(found.actors())
    _, statements = catalog.statements(
        found.store, catalog.StatementFilter(document=doc.id), 10_000, 0
    )
    by_iri = {doc.iri: doc}
    return schemas.DocumentDetail(
        **present.document(doc).model_dump(),
        text=text,
        mentions=[
            schemas.Mention(actor=present.actor_ref(m.actor), start=m.start, end=m.end, text=m.text)
            for m in catalog.mentions(found.store, doc.id)
        ],
        statements=[present.statement(s, by_iri) for s in statements],
    )


_UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "The document's file(s): one native JSON/YAML file, "
                        "an export, or a brat pair (NAME.txt + NAME.ann).",
                    },
                    "format": {"type": "string", "enum": ["auto", *FORMATS]},
                },
                "required": ["file"],
            },
            "example": {"file": ["svr-nato-false-flag.yaml"], "format": "auto"},
        },
        **{
            media: {"schema": {"type": "object"} if "json" in media else {"type": "string"}}
            for media in SUFFIX_OF
        },
    },
}


@router.post(
    "/documents",
    status_code=201,
    response_model=schemas.Upload,
    responses={200: {"description": "Replaced an earlier version.", "model": schemas.Upload}},
    openapi_extra={"requestBody": _UPLOAD_BODY},
    dependencies=[Depends(may_write)],
)
async def upload_document(
    request: Request, response: Response, found: Services = Depends(services)
) -> schemas.Upload:
    """Ingest an annotated document in any supported format, then sync the graph.

    Send it as `multipart/form-data` (field `file`, repeated for a brat pair; optional
    `format`), or as the raw body with its media type (`application/json`,
    `application/yaml` …). A document already stored under the same id is replaced.
    """
    with tempfile.TemporaryDirectory(prefix="allegraph-upload-") as folder:
        format = await _save_upload(request, FilePath(folder))
        result = await run_in_threadpool(_ingest, found, FilePath(folder), format)
    if not any(d.created for d in result.documents):
        response.status_code = 200
    return result


async def _save_upload(request: Request, folder: FilePath) -> str:
    """Write the upload's files into `folder`; return the format asked for."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
        if not files:
            raise UsageError("the multipart upload has no `file` part")
        for upload in files:
            (folder / _safe_name(upload.filename or "document")).write_bytes(await upload.read())
        format = form.get("format")
        return _format(format if isinstance(format, str) else None)
    if media not in SUFFIX_OF:
        known = ", ".join(["multipart/form-data", *SUFFIX_OF])
        raise UsageError(f"upload a document as one of {known}; got {media or 'no Content-Type'}")
    name = _safe_name(request.query_params.get("filename") or "document")
    path = (folder / name).with_suffix(FilePath(name).suffix or SUFFIX_OF[media])
    path.write_bytes(await request.body())
    return _format(request.query_params.get("format"))


def _safe_name(name: str) -> str:
    """The last part of a client's file name, with nothing that could climb out of a folder."""
    base = re.sub(r"[^\w.\-]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(".")
    return base[:120] or "document"


def _format(value: str | None) -> str:
    if value in (None, "", "auto"):
        return "auto"
    if value not in FORMATS:
        raise UsageError(f"unknown format {value!r}; known: auto, {', '.join(FORMATS)}")
    return value


def _ingest(found: Services, folder: FilePath, format: str) -> schemas.Upload:
    files = list(discover([folder], format))
    if not files:
        raise UsageError("no file in the upload has a name the chosen format reads")
    with found.writing():
        before = set(found.store.document_ids())
        report = ingest_paths(
            found.store, files, format=format, max_bytes=found.settings.max_upload_bytes
        )
        synced = sync_after_write(found) if report.ingested else False
    if report.failed:
        first = report.failed[0]
        raise InputError(FilePath(first.source).name, first.problems)
    if not report.ingested:
        raise UsageError("the upload holds no document")
    documents = [
        schemas.Ingested(id=d, iri=str(document_iri(d)), created=d not in before)
        for d in report.ingested
    ]
    return schemas.Upload(documents=documents, triples=report.triples, synced=synced)


def sync_after_write(found: Services) -> bool:
    """Sync after a write; a graph database that fails leaves the store right and the graph
    to be repaired by the next sync, so the write still stands."""
    try:
        found.sync()
        return True
    except BackendError:
        found.changed()
        return False


@router.delete(
    "/documents/{doc_id}", response_model=schemas.Removed, dependencies=[Depends(may_write)]
)
def delete_document(doc_id: DocId, found: Services = Depends(services)) -> schemas.Removed:
    """Withdraw a document and everything read from it; the graph follows at once."""
    with found.writing():
        graph = found.store.document_graph(doc_id)
        found.store.remove_graph(graph)
        sync_after_write(found)
    return schemas.Removed(id=doc_id, removed=True)
