"""The JSON Schema of the native format, as `allegraph schema` prints it."""

from __future__ import annotations

from typing import Any

from loaders.model import AnnotatedDocument
from ontology import act_types

SCHEMA_ID = "https://w3id.org/allegraph/schema/annotated-document.json"


def document_schema() -> dict[str, Any]:
    """Pydantic's schema, plus the act-type vocabulary (kept in the ontology's Turtle)."""
    schema = AnnotatedDocument.model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
    act = schema["$defs"]["Act"]["properties"]["types"]
    act["items"] = {"enum": list(act_types())}
    return schema
