"""SPARQL `SERVICE`: found in a query's algebra, and refused unless its endpoint is allowed.

A `SERVICE <iri> { … }` clause makes the engine (Oxigraph, and rdflib likewise) send an HTTP
request to whatever IRI the query names and read back what it answers. From a server that
is a request into the network the server stands in, made for whoever sent the query
("server-side request forgery"), so a server refuses it unless its settings list the
endpoint. The clause is looked for in the algebra rdflib's parser makes of the query, so it is
found wherever it stands: nested, in a subquery, in `EXISTS`, with a variable for its
endpoint (always refused: the data would choose where the request goes).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from loaders.errors import ServiceRefused

ANY_ENDPOINT: Collection[str] | None = None
"""The policy of a store whose owner runs their own queries: SERVICE may call anywhere."""


def check_services(
    query: str, allowed: Collection[str] | None, prefixes: Mapping[str, str] | None = None
) -> None:
    """Raise `ServiceRefused` if the query calls an endpoint not in `allowed` (None: any)."""
    if allowed is None:  # ANY_ENDPOINT
        return
    for endpoint in service_endpoints(query, prefixes):
        if endpoint is None:
            raise ServiceRefused(
                "SERVICE with a variable for its endpoint is refused: this server makes no "
                "request to an endpoint a query or its data chooses"
            )
        if endpoint not in allowed:
            raise ServiceRefused(
                f"SERVICE <{endpoint}> is refused: this server calls no other endpoint than "
                "those its ALLEGRAPH_SPARQL_SERVICE_ALLOW setting lists"
                + (f" ({', '.join(sorted(allowed))})" if allowed else " (none)")
            )


def service_endpoints(query: str, prefixes: Mapping[str, str] | None = None) -> list[str | None]:
    """The endpoint IRI of each SERVICE clause of the query (None for a variable)."""
    # Without the word anywhere (Oxigraph reads no escape sequence in a keyword), there is
    # no clause to find; this spares every other query rdflib's slower parser.
    if "service" not in query.casefold():
        return []
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import URIRef

    try:
        algebra = translateQuery(parseQuery(query), initNs=dict(prefixes or {})).algebra
    except Exception as exc:  # rdflib's parser raises many kinds; none may let it through
        raise ServiceRefused(
            f"the query mentions SERVICE and could not be checked for it: {exc}"
        ) from None
    return [
        str(term) if isinstance(term, URIRef) else None
        for term in (node.get("term") for node in _nodes(algebra, "ServiceGraphPattern"))
    ]


def _nodes(root: Any, name: str) -> Iterator[Any]:
    """Every algebra node called `name`, walked without recursion (a query may nest deep)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue) and node.name == name:
            yield node
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | set | frozenset):
            stack.extend(node)
