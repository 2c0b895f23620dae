"""Who may read and who may write: one API key, compared in constant time.

Writes always need the key, and are refused outright when the server has none set. Reads are
open unless `ALLEGRAPH_OPEN_READS=false`, which makes them need the key too.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from api.services import Services, services

HEADER = "X-API-Key"
# A browser cannot send a header with a link or an iframe: the workbench keeps the key a person
# typed in this cookie (HttpOnly, SameSite=Strict: never sent with another site's requests),
# and reads accept it. Writes never do: they need the header.
READ_COOKIE = "allegraph_key"
# Two schemes for one header, so the OpenAPI description can say which operations need it
# always (writes) and which only when the server closes reads (see `describe_security`).
WRITE_SCHEME, READ_SCHEME = "WriteKey", "ReadKey"
write_key = APIKeyHeader(
    name=HEADER,
    scheme_name=WRITE_SCHEME,
    auto_error=False,
    description="The server's key (ALLEGRAPH_API_KEY); writes need it.",
)
read_key = APIKeyHeader(
    name=HEADER,
    scheme_name=READ_SCHEME,
    auto_error=False,
    description="The server's key; reads need it only when ALLEGRAPH_OPEN_READS=false.",
)


def _check(found: Services, key: str | None, what: str) -> None:
    expected = found.settings.api_key
    if expected is None:
        raise HTTPException(403, f"{what} are disabled: the server has no ALLEGRAPH_API_KEY")
    if not key:
        raise HTTPException(
            401, f"{what} need a key in the {HEADER} header", {"WWW-Authenticate": HEADER}
        )
    if not hmac.compare_digest(key.encode("utf-8"), expected.get_secret_value().encode("utf-8")):
        raise HTTPException(403, f"the key in {HEADER} is not this server's")


def may_write(found: Services = Depends(services), key: str | None = Security(write_key)) -> None:
    _check(found, key, "writes")


def may_read(
    request: Request, found: Services = Depends(services), key: str | None = Security(read_key)
) -> None:
    if not found.settings.open_reads:
        _check(found, key or request.cookies.get(READ_COOKIE), "reads")


def check_key(found: Services, key: str | None) -> None:
    """Raise the HTTP error a request with this key would get for reading."""
    _check(found, key, "reads")


def describe_security(schema: dict[str, Any], open_reads: bool) -> dict[str, Any]:
    """Mark the key optional on reads when reads are open (OpenAPI's `[{}, {scheme: []}]`)."""
    if not open_reads:
        return schema
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if operation.get("security") == [{READ_SCHEME: []}]:
                operation["security"] = [{}, {READ_SCHEME: []}]
    return schema
