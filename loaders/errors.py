"""The one exception hierarchy of allegraph.

It lives at the bottom of the one-way flow (loaders → graph → viz → api) so every layer can
raise from it; the CLI maps it to exit codes once, the API to problem documents once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class AllegraphError(Exception):
    """Anything allegraph refuses or cannot do, with a message meant for a person."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (``line 12, column 3`` or a JSON pointer) and why."""

    place: str
    reason: str

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}" if self.place else self.reason


class InputError(AllegraphError):
    """A file (or uploaded body) that cannot be ingested; lists every problem found in it."""

    exit_code = 2

    def __init__(self, source: str | Path, problems: list[Problem]) -> None:
        self.source = str(source)
        self.problems = problems
        super().__init__(self.describe())

    @classmethod
    def single(cls, source: str | Path, reason: str, place: str = "") -> InputError:
        return cls(source, [Problem(place, reason)])

    def describe(self, limit: int = 20) -> str:
        lines = [
            f"{self.source}: {p}" if p.place else f"{self.source}: {p.reason}"
            for p in self.problems[:limit]
        ]
        if len(self.problems) > limit:
            lines.append(f"{self.source}: … and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


class UsageError(AllegraphError):
    """A command or request that is well-formed but asks for something that does not exist."""

    exit_code = 2


class NotFoundError(UsageError):
    """A request for a document, actor or statement that is not in the store."""


class StoreError(AllegraphError):
    """The RDF store could not be opened, read or written."""

    exit_code = 3


class BackendError(AllegraphError):
    """The graph database could not be started, reached, read or written."""

    exit_code = 3


class GraphNotReady(BackendError):
    """The graph database is still starting (opening, or its first sync): ask again later."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class QueryError(AllegraphError):
    """A query that does not parse or cannot be evaluated; the message is the engine's."""

    exit_code = 2


class QueryOverLimit(QueryError):
    """A query stopped for taking more than a query may: time, or the database's memory."""


class QueryTimeout(QueryOverLimit):
    """A query that ran past its time limit (and was abandoned)."""


class WriteRefused(QueryError):
    """A write sent where only reads are allowed; the database itself refused it."""


class ResultTooLarge(QueryError):
    """A query whose result holds more rows than the configured cap."""


class ServiceRefused(QueryError):
    """A SPARQL query whose SERVICE clause would make the server call an endpoint it may not."""
