"""The OpenAPI description is the contract: schemathesis generates requests from it (valid
ones, then invalid ones) against a real server, and checks every answer against it: no 5xx,
documented status codes, content types and response schemas."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import API_KEY

EXAMPLES = 20
# A query is valid by its language, not by a JSON Schema: a schema-valid string is mostly not
# SPARQL or Cypher, and rightly a 400. Everything else about these operations is checked.
QUERY_LANGUAGES = {"/sparql", "/cypher", "/viz/cypher"}
# The Graph Store Protocol takes exactly one of ?graph=IRI and ?default, which OpenAPI cannot
# say: a schema-valid request with neither (or both) is rightly a 400.
ONE_OF_TWO = {"/rdf-graphs"}


def _operations(url: str) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_its_contract(seed_api: str, mode: GenerationMode) -> None:
    operations = _operations(seed_api)
    assert {op.path for op in operations} >= {"/sparql", "/cypher", "/actors/{actor_id}"}
    untestable = []
    for operation in operations:
        try:
            _check(operation, mode, seed_api)
        except Unsatisfiable:  # nothing in this operation can be made invalid
            untestable.append(f"{operation.method} {operation.path}")
    assert len(untestable) <= len(operations) // 4, untestable


def _check(operation: schemathesis.APIOperation, mode: GenerationMode, url: str) -> None:
    headers = {"X-API-Key": API_KEY} if operation.method.upper() == "DELETE" else None
    loose = QUERY_LANGUAGES | ONE_OF_TWO
    excluded = [positive_data_acceptance] if operation.path in loose else []

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same cases on every run, so CI is repeatable
        suppress_health_check=list(HealthCheck),
    )
    def keeps_contract(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=url, timeout=60, excluded_checks=excluded)

    keeps_contract()
