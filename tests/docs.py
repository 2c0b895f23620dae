"""A small valid document to start each bad-input test from."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

TEXT = "The SVR accused NATO of a plot. NATO said: this is a lie."

MINIMAL: dict[str, Any] = {
    "id": "mini",
    "title": "A minimal document",
    "text": TEXT,
    "entities": [
        {
            "id": "svr",
            "kind": "IntelligenceService",
            "name": "SVR",
            "mentions": [{"start": 4, "end": 7, "text": "SVR"}],
        },
        {
            "id": "nato",
            "kind": "InternationalOrganization",
            "name": "NATO",
            "mentions": [{"start": 16, "end": 20}],
        },
    ],
    "acts": [{"id": "plot", "label": "a plot", "types": ["false-flag"]}],
    "statements": [
        {
            "id": "s1",
            "kind": "accusation",
            "claimant": "svr",
            "targets": ["nato"],
            "act": "plot",
            "quote": {"start": 0, "end": 31, "text": "The SVR accused NATO of a plot."},
            "date": "2022-03-15",
            "modality": "asserted",
        },
        {
            "id": "s2",
            "kind": "denial",
            "claimant": "nato",
            "targets": ["svr"],
            "quote": {"text": "this is a lie."},
            "responds_to": ["s1"],
        },
    ],
    "relations": [],
}


def minimal() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL)


def write(path: Path, data: Any) -> Path:
    """Write as JSON or YAML, by the file's suffix."""
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
