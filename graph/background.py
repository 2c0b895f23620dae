"""One writer thread a batch behind the caller, shared by ingest and sync.

The caller reads and maps the next batch while the store (or the graph database) takes the
one before: pyoxigraph's bulk loader and socket waits release Python's lock, so the two
cores both work. Jobs run in order; at most one waits behind the one running.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class BackgroundWriter:
    """Runs jobs in order on one thread. The first failure is raised in the caller's thread
    (at the next `submit` or at `wait`), and the jobs after it are skipped."""

    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._pending: Future[None] | None = None
        self._failed = False

    def submit(self, job: Callable[..., None], *args: Any) -> None:
        """Queue a job, then wait for the one before it."""
        future = self._pool.submit(self._run, job, *args)
        self.wait()
        self._pending = future

    def wait(self) -> None:
        """Wait for the last job queued; its failure is raised here."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def _run(self, job: Callable[..., None], *args: Any) -> None:
        if self._failed:
            return
        try:
            job(*args)
        except BaseException:
            self._failed = True
            raise

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        """On the way out the last job is waited for; after an error the queued one is
        dropped (the running one still finishes: a half-written batch is worse)."""
        try:
            if kind is None:
                self.wait()
        finally:
            self._failed = self._failed or kind is not None
            self._pool.shutdown(wait=True, cancel_futures=True)
