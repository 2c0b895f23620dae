"""Every setting of the HTTP API in one object, read from `ALLEGRAPH_*` environment variables.

The same variables the command line reads (`ALLEGRAPH_DATA`, `ALLEGRAPH_BACKEND`, the Neo4j and
FalkorDB connection variables) mean the same thing here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALLEGRAPH_", extra="ignore")

    data: Path = Field(Path("allegraph-data"), description="Data directory (RDF store, graph).")
    backend: str = Field("falkordb", description="Cypher backend: falkordb or neo4j.")
    host: str = Field("127.0.0.1", description="Address `allegraph serve` listens on.")
    port: int = Field(8000, ge=0, le=65535)
    api_key: SecretStr | None = Field(
        None, description="Key that writes (and closed reads) need; unset = writes refused."
    )
    open_reads: bool = Field(True, description="Serve reads without a key.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS, comma-separated."
    )
    max_upload_bytes: int = Field(10 * 1024 * 1024, ge=1, description="Largest request body.")
    query_timeout_s: float = Field(10.0, gt=0, description="SPARQL and Cypher time limit.")
    result_cap: int = Field(10_000, ge=1, description="Most rows (or triples) a query returns.")
    cache_mb: int = Field(
        256,
        ge=0,
        description="Memory (MiB) for answers kept until the next write: rendered pages and "
        "answers, and SPARQL results; 0 keeps none.",
    )
    sparql_service_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Endpoint IRIs a SPARQL SERVICE clause may call, comma-separated; "
        "unset = SERVICE refused (the server makes no request on a client's behalf).",
    )

    @property
    def query_timeout_ms(self) -> int:
        return max(1, int(self.query_timeout_s * 1000))

    @field_validator("cors_origins", "sparql_service_allow", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`ALLEGRAPH_CORS_ORIGINS=https://a.org,https://b.org` (NoDecode keeps it a string)."""
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value
