"""Exports for the tools investigators already use: Gephi (GEXF, GraphML, CSV), Kumu (CSV),
OpenCTI and MISP (STIX 2.1).

Each format is one module with the same few names (`NAME`, `MEDIA_TYPE`, `SUFFIX`,
`DESCRIPTION` and `write(subgraph) -> bytes`), registered in `FORMATS`; the command line
and the API only look formats up here. Every export takes a `Subgraph` (the whole actor
network, or one question's answer) and writes each statement as its own edge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from loaders.errors import UsageError
from viz.exports import csv, gexf, graphml, stix
from viz.model import Subgraph


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    suffix: str
    description: str
    write: Callable[[Subgraph], bytes]


def _registered(module: ModuleType) -> ExportFormat:
    return ExportFormat(
        module.NAME, module.MEDIA_TYPE, module.SUFFIX, module.DESCRIPTION, module.write
    )


FORMATS: dict[str, ExportFormat] = {m.NAME: _registered(m) for m in (gexf, graphml, csv, stix)}


def export_format(name: str) -> ExportFormat:
    """The registered format of that name, or a `UsageError` naming those there are."""
    found = FORMATS.get(name)
    if found is None:
        raise UsageError(f"unknown export format {name!r}; known: {', '.join(FORMATS)}")
    return found


def export_subgraph(subgraph: Subgraph, name: str) -> bytes:
    """The subgraph written in the named format."""
    return export_format(name).write(subgraph)


__all__ = ["FORMATS", "ExportFormat", "export_format", "export_subgraph"]
