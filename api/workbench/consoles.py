"""The SPARQL and Cypher consoles: a query in, its rows as a table, its graph as a picture,
its answer as a download. Queries run exactly as the API runs them (SPARQL in the worker
processes behind `/sparql`, Cypher read-only with the time limit), so the consoles can do
nothing the API does not allow.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.problems import status_of
from api.security import may_read
from api.services import Services, services
from api.sparql.workers import Job
from api.workbench.templating import render
from loaders.errors import AllegraphError, ResultTooLarge
from viz import cypher_subgraph, render_network, sparql_subgraph

router = APIRouter(include_in_schema=False, dependencies=[Depends(may_read)])

# The example queries of docs/queries, shown beside the consoles when the docs are there.
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "queries"
QueryText = Annotated[str | None, Query(max_length=100_000)]
Format = Annotated[str, Query(pattern="^(csv|json)$")]
SPARQL_JSON = "application/sparql-results+json"


def examples(suffix: str) -> list[tuple[str, str]]:
    """(name, query) of each example file with this suffix, by name."""
    if not EXAMPLES.is_dir():
        return []
    return [(p.stem, p.read_text("utf-8")) for p in sorted(EXAMPLES.glob(f"*{suffix}"))]


# SPARQL ------------------------------------------------------------------------------------


def _sparql_json(found: Services, query: str) -> dict[str, Any]:
    job = Job(query, accept=f"{SPARQL_JSON}, application/n-triples;q=0.5")
    answer = found.sparql.run(job, found.settings.query_timeout_s)
    if answer.media_type == SPARQL_JSON:
        parsed: dict[str, Any] = json.loads(answer.body)
        return parsed
    lines = answer.body.decode("utf-8").splitlines()
    return {"triples": [line.removesuffix(" .") for line in lines if line.strip()]}


def _sparql_table(answer: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    if "triples" in answer:
        return ["triple"], [[t] for t in answer["triples"]]
    if "boolean" in answer:
        return ["answer"], [["yes" if answer["boolean"] else "no"]]
    columns: list[str] = answer["head"]["vars"]
    rows = [[b.get(c, {}).get("value", "") for c in columns] for b in answer["results"]["bindings"]]
    return columns, rows


@router.get("/ui/sparql")
async def sparql_console(
    request: Request, query: QueryText = None, found: Services = Depends(services)
) -> HTMLResponse:
    context: dict[str, Any] = {"query": query or "", "examples": examples(".rq"), "lang": "sparql"}
    status = 200
    if query:
        try:
            answer = await run_in_threadpool(_sparql_json, found, query)
            context["columns"], context["rows"] = _sparql_table(answer)
            context["graph"] = "triples" in answer
        except AllegraphError as exc:
            context["error"], status = str(exc), status_of(exc)
    return render(request, "console.html", status_code=status, **context)


@router.get("/ui/sparql/picture")
async def sparql_picture(
    query: QueryText = None, found: Services = Depends(services)
) -> HTMLResponse:
    text = query or ""
    html = await run_in_threadpool(
        found.within_time_limit,
        lambda: render_network(sparql_subgraph(found.store, text)),
        "picture",
    )
    return HTMLResponse(html)


# Cypher ------------------------------------------------------------------------------------


def _cypher_rows(found: Services, query: str) -> list[dict[str, Any]]:
    settings = found.settings
    rows = found.graph.read(query, {}, settings.query_timeout_ms)
    if len(rows) > settings.result_cap:
        raise ResultTooLarge(
            f"the result has {len(rows):,} rows, more than the cap of {settings.result_cap:,}"
        )
    return rows


def _cell(value: Any) -> str:
    """A Cypher value as a person reads it: a node by its label or IRI, a path by its nodes."""
    if isinstance(value, dict):
        if "labels" in value:
            props = value.get("properties", {})
            return str(props.get("label") or props.get("name") or value.get("iri"))
        if "type" in value and "start" in value:
            return f"-[{value['type']}]->"
        if "nodes" in value:
            return " → ".join(_cell(n) for n in value["nodes"])
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return "" if value is None else str(value)


def _has_graph(rows: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(v, dict) and ({"labels", "nodes", "start"} & v.keys())
        for row in rows
        for v in row.values()
    )


@router.get("/ui/cypher")
async def cypher_console(
    request: Request, query: QueryText = None, found: Services = Depends(services)
) -> HTMLResponse:
    context: dict[str, Any] = {
        "query": query or "",
        "examples": examples(".cypher"),
        "lang": "cypher",
    }
    status = 200
    if query:
        try:
            rows = await run_in_threadpool(_cypher_rows, found, query)
            context["columns"] = list(rows[0]) if rows else []
            context["rows"] = [[_cell(r[c]) for c in context["columns"]] for r in rows]
            context["graph"] = _has_graph(rows)
        except AllegraphError as exc:
            context["error"], status = str(exc), status_of(exc)
    return render(request, "console.html", status_code=status, **context)


@router.get("/ui/cypher/picture")
async def cypher_picture(
    query: QueryText = None, found: Services = Depends(services)
) -> HTMLResponse:
    text, limit = query or "", found.settings.query_timeout_ms
    html = await run_in_threadpool(
        lambda: render_network(cypher_subgraph(found.store, found.graph, text, {}, limit))
    )
    return HTMLResponse(html)


@router.get("/ui/cypher/download")
async def cypher_download(
    query: Annotated[str, Query(max_length=100_000)],
    format: Format = "csv",
    found: Services = Depends(services),
) -> Response:
    rows = await run_in_threadpool(_cypher_rows, found, query)
    disposition = {"Content-Disposition": f'attachment; filename="cypher-result.{format}"'}
    if format == "json":
        return Response(
            json.dumps(rows, ensure_ascii=False, indent=2),
            media_type="application/json",
            headers=disposition,
        )
    columns = list(rows[0]) if rows else []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_cell(r[c]) for c in columns] for r in rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=disposition)
