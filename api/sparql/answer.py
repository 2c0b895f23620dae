"""Answering one SPARQL protocol request: evaluate on a store, choose the media type from
`Accept` (or a `format=` hint), serialise. Runs inside a SPARQL worker process."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from api.negotiation import choose
from api.sparql import results
from graph.rdf.service import check_services
from loaders.errors import QueryError, ResultTooLarge
from ontology.namespace import PREFIXES

if TYPE_CHECKING:
    from api.sparql.workers import Job

RESULT_TYPES = [results.JSON, results.XML, results.CSV, results.TSV]
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
ALIASES = {
    "application/json": results.JSON,
    "application/xml": results.XML,
    "text/xml": results.XML,
    "text/tsv": results.TSV,
    "application/x-turtle": "text/turtle",
    "application/turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/x-json+ld": "application/ld+json",
}
# The short names SPARQLWrapper and others put in `format=` / `output=`.
SHORT_NAMES = {
    "json": results.JSON,
    "xml": results.XML,
    "csv": results.CSV,
    "tsv": results.TSV,
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
}


def answer(
    store: ox.Store, job: Job, cap: int, allowed_services: Collection[str] = ()
) -> tuple[str, bytes]:
    """(media type, body) for the job, or a `QueryError` of the right kind; a SERVICE clause
    that would call an endpoint not allowed is refused before anything runs."""
    check_services(job.query, allowed_services, PREFIXES)
    found = _evaluate(store, job, cap)
    is_graph = isinstance(found, list)
    offered = list(GRAPH_TYPES) if is_graph else RESULT_TYPES
    wanted = SHORT_NAMES.get((job.format or "").lower())
    if wanted is None or wanted not in offered:
        wanted = choose(job.accept, offered, ALIASES)
    if wanted is None:
        from api.sparql.workers import NotAcceptable

        raise NotAcceptable(f"this result can be sent as {', '.join(offered)}")
    if is_graph:
        body = ox.serialize(found, format=GRAPH_TYPES[wanted], prefixes=PREFIXES) or b""
    elif isinstance(found, bool):
        body = results.boolean(found, wanted)
    else:
        body = results.WRITERS[wanted](*found)
    return wanted, body


def _evaluate(store: ox.Store, job: Job, cap: int) -> Any:
    """A boolean, (variables, rows) or a list of triples; at most `cap` rows."""
    # The protocol resolves a relative IRI (`<s>`) against the request's IRI.
    options: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": job.base_iri}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        found = store.query(job.query, **options)
        if isinstance(found, ox.QueryBoolean):
            return bool(found)
        rows: list[Any] = []
        for row in found:
            rows.append(row if isinstance(found, ox.QueryTriples) else tuple(row))
            if len(rows) > cap:
                raise ResultTooLarge(
                    f"the result has more than {cap:,} rows (the cap); narrow it or add LIMIT"
                )
    except SyntaxError as exc:
        raise QueryError(f"the query does not parse: {exc}") from None
    except (ValueError, OSError, TypeError) as exc:
        raise QueryError(f"the query failed: {exc}") from None
    if isinstance(found, ox.QuerySolutions):
        return [v.value for v in found.variables], rows
    return rows
