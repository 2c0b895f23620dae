"""Writer threads a batch behind the caller, shared by ingest and sync.

The caller reads and maps the next batch while the store (or the graph database) takes the
ones before: pyoxigraph's bulk loader and socket waits release Python's lock, so the cores
all work. With one thread jobs run in order and at most one waits behind the one running;
with more, that many run at once, and a job that must run `alone` waits for every job
before it and holds back every job after it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class BackgroundWriter:
    """Runs jobs on `at_once` threads. The first failure is raised in the caller's thread
    (at a later `submit` or at `wait`), and the jobs not yet started are skipped."""

    def __init__(self, name: str, *, at_once: int = 1) -> None:
        self._pool = ThreadPoolExecutor(at_once, thread_name_prefix=name)
        self._at_once = at_once
        self._pending: deque[Future[None]] = deque()
        self._alone_pending = False
        self._failed = False

    def submit(self, job: Callable[..., None], *args: Any, alone: bool = False) -> None:
        """Queue a job, then wait until no more than `at_once` are queued or running."""
        if alone or self._alone_pending:
            self.wait()
        self._pending.append(self._pool.submit(self._run, job, *args))
        self._alone_pending = alone
        while len(self._pending) > self._at_once:
            self._pending.popleft().result()

    def wait(self) -> None:
        """Wait for every job queued; the first failure is raised here."""
        while self._pending:
            self._pending.popleft().result()
        self._alone_pending = False

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
        """On the way out the jobs are waited for; after an error the queued ones are
        dropped (the running ones still finish: a half-written batch is worse)."""
        try:
            if kind is None:
                self.wait()
        finally:
            self._failed = self._failed or kind is not None
            self._pool.shutdown(wait=True, cancel_futures=True)
