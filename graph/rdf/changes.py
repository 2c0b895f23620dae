"""The change log: which document graphs were written or withdrawn, in order, for the sync.

Without it a sync finds what changed by listing every document's graph hash, in the store
and in the graph database: at 100,000 documents that listing alone took 3 to 5 s, however
few documents had changed. The store appends a graph's name here before each write or
withdrawal of it, so the log names at least every graph changed since any point in it. A
sync remembers where it read up to (a `Position`, kept in the graph database with what it
synced) and next time compares only the graphs named after that point.

A name is appended before the write, so a write cut off leaves a name whose graph did not
change: the sync compares hashes and finds nothing to do. The log has an identity of its
own, made when it is; a position from another log (a store restored from a dump, whose log
is deleted first, or a log deleted by hand) matches nothing, and the sync then compares
everything as it did without a log. Positions assume no write runs while a sync reads the
log and the store (one process holds the store; the server syncs under its write lock).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CHANGE_LOG = "changes.log"  # in the data directory, beside the store
_HEADER = "# allegraph change log "


@dataclass(frozen=True)
class Position:
    """A point in one change log: its identity, and how many bytes of it were read."""

    log: str
    read: int


class ChangeLog:
    """Append-only, one graph IRI a line after a header naming the log; in memory when the
    store is (no path)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._memory = bytearray()
        if path is not None and path.exists():
            self.identity = _identity(path)
        else:
            self.identity = secrets.token_hex(8)
            self._append(f"{_HEADER}{self.identity}\n".encode())

    def record(self, graphs: Iterable[object]) -> None:
        """Name these graphs (before they are written), durably."""
        lines = "".join(f"{graph}\n" for graph in graphs)
        if lines:
            self._append(lines.encode("utf-8"))

    def end(self) -> Position:
        """Where the log ends now."""
        size = len(self._memory) if self.path is None else self.path.stat().st_size
        return Position(self.identity, size)

    def named_between(self, start: Position | None, end: Position) -> set[str] | None:
        """The graphs named from `start` to `end` (a position of this log, taken by `end()`),
        or None when `start` is no point of this log: everything must then be compared."""
        if start is None or start.log != self.identity or not 0 < start.read <= end.read:
            return None
        return set(self._read(start.read, end.read).decode("utf-8").splitlines())

    def _read(self, start: int, end: int) -> bytes:
        if self.path is None:
            return bytes(self._memory[start:end])
        with self.path.open("rb") as handle:
            handle.seek(start)
            return handle.read(end - start)

    def _append(self, data: bytes) -> None:
        if self.path is None:
            self._memory.extend(data)
            return
        with self.path.open("ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def _identity(path: Path) -> str:
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8", errors="replace").rstrip("\n")
    if first.startswith(_HEADER) and first[len(_HEADER) :]:
        return first[len(_HEADER) :]
    # Not a log of ours (or damaged): start a new one, which no position matches.
    fresh = secrets.token_hex(8)
    tmp = path.with_suffix(".new")
    tmp.write_text(f"{_HEADER}{fresh}\n", encoding="utf-8")
    tmp.replace(path)
    return fresh


def forget(data_dir: Path) -> None:
    """Delete a data directory's change log (before its store is swapped for another):
    positions taken in it must not be read against the new store."""
    (data_dir / CHANGE_LOG).unlink(missing_ok=True)
