"""`/health`: whether the server can answer, for a load balancer or a monitor; `/health/live`:
whether the process answers at all, for a liveness probe.

It reads from the RDF store and asks the graph database a trivial query (with a short time
limit, so a hung database is reported, not waited for): 200 when both answer, 503 naming the
part that did not. A graph database still starting (opening, or its startup sync) or that
failed to start is reported as such at once, never waited for. It is open even when reads
are closed, and tells nothing of the data.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.graph_start import GraphState
from api.services import Services, services

CHECK_TIMEOUT_MS = 2000

router = APIRouter(tags=["Operations"])


class Check(BaseModel):
    ok: bool
    ms: float = Field(description="How long the check took.")
    error: str | None = Field(None, description="What failed, when it did.")
    state: GraphState | None = Field(
        None,
        description="The graph database's: `starting` (opening, or its startup sync), "
        "`ready`, or `failed` (`error` says why).",
    )


class Health(BaseModel):
    status: str = Field(
        examples=["ok"], description="`ok`, `starting` (the graph database), or `unavailable`."
    )
    checks: dict[str, Check] = Field(description="`store` and `graph`.")


class Liveness(BaseModel):
    status: str = Field(examples=["alive"], description="Always `alive`.")


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
        "graph": _graph_check(found),
    }
    ok = all(check.ok for check in checks.values())
    starting = checks["graph"].state is GraphState.starting
    status = "ok" if ok else "starting" if starting and checks["store"].ok else "unavailable"
    body = Health(status=status, checks=checks)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ok else 503)


def _graph_check(found: Services) -> Check:
    """The graph database's trivial query once it is ready; its state, unwaited, before."""
    start = found.starting_graph
    if start.state is not GraphState.ready:
        return Check(ok=False, ms=0.0, error=start.describe(), state=start.state)
    backend = start.wait(0)
    check = _check(lambda: backend.read("RETURN 1 AS one", None, CHECK_TIMEOUT_MS))
    check.state = GraphState.ready
    return check


@router.get("/health/live", response_model=Liveness, summary="Whether the server process answers")
def live() -> Liveness:
    """200 whenever the process answers, the graph database started or not. A liveness probe
    restarts what it finds dead; `/health` answers 503 while the graph database starts (a
    startup sync can take minutes on a large store), so a probe pointed there would restart
    a server that is only starting. `/health` is the readiness check."""
    return Liveness(status="alive")
