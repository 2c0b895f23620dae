"""Read-only Cypher over the synced graph. The database enforces read-only (FalkorDB's
GRAPH.RO_QUERY, Neo4j's READ access mode); a write comes back as a 403 and changes nothing."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends
from starlette.concurrency import run_in_threadpool

from api.problems import ERROR_RESPONSES
from api.schemas import CypherRequest, CypherResult
from api.security import may_read
from api.services import Services, services
from loaders.errors import ResultTooLarge

router = APIRouter(tags=["Cypher"], responses=ERROR_RESPONSES, dependencies=[Depends(may_read)])


@router.post("/cypher", response_model=CypherResult, summary="Read-only Cypher query")
async def cypher_query(
    request: CypherRequest = Body(
        openapi_examples={
            "accusations": {
                "summary": "Who accused whom",
                "value": {
                    "query": "MATCH (a:Actor)-[r:ACCUSED]->(b:Actor) "
                    "RETURN a.label AS accuser, b.label AS accused LIMIT 10",
                    "parameters": {},
                },
            },
            "by name": {
                "summary": "An actor's accusations, by parameter",
                "value": {
                    "query": "MATCH (a:Actor {label: $name})-[:ACCUSED]->(b) RETURN b.label AS b",
                    "parameters": {"name": "SVR"},
                },
            },
        }
    ),
    found: Services = Depends(services),
) -> CypherResult:
    """Rows as objects; time limit and row cap as for SPARQL."""
    settings = found.settings
    rows = await run_in_threadpool(  # `found.graph` may wait for the graph: not on the loop
        lambda: found.graph.read(request.query, request.parameters, settings.query_timeout_ms)
    )
    if len(rows) > settings.result_cap:
        raise ResultTooLarge(
            f"the result has {len(rows):,} rows, more than the cap of {settings.result_cap:,}; "
            "narrow it or add LIMIT"
        )
    columns = list(rows[0]) if rows else []
    return CypherResult(columns=columns, rows=rows)
