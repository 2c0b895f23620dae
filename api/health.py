"""`/health`: whether the server can answer, for a load balancer or a monitor.

It reads from the RDF store and asks the graph database a trivial query (with a short time
limit, so a hung database is reported, not waited for): 200 when both answer, 503 naming the
part that did not. It is open even when reads are closed, and tells nothing of the data.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.services import Services, services

CHECK_TIMEOUT_MS = 2000

router = APIRouter(tags=["Operations"])


class Check(BaseModel):
    ok: bool
    ms: float = Field(description="How long the check took.")
    error: str | None = Field(None, description="What failed, when it did.")


class Health(BaseModel):
    status: str = Field(examples=["ok"], description="`ok`, or `unavailable`.")
    checks: dict[str, Check] = Field(description="`store` and `graph`.")


def _check(probe: Callable[[], object]) -> Check:
    started = time.perf_counter()
    try:
        probe()
        error = None
    except Exception as exc:  # any failure of the part is the answer, not an error of ours
        error = type(exc).__name__
    return Check(ok=error is None, ms=round((time.perf_counter() - started) * 1000, 2), error=error)


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The store or the graph is down."}},
    summary="Whether the store and the graph database answer",
)
def health(found: Services = Depends(services)) -> JSONResponse:
    """200 when the RDF store and the graph database both answer, else 503."""
    checks = {
        "store": _check(lambda: bool(found.store.oxigraph.query("ASK { ?s ?p ?o }"))),
        "graph": _check(lambda: found.graph.read("RETURN 1 AS one", None, CHECK_TIMEOUT_MS)),
    }
    ok = all(check.ok for check in checks.values())
    body = Health(status="ok" if ok else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
