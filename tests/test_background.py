"""The writer threads ingest and sync hand their batches to."""

from __future__ import annotations

import threading
import time

import pytest

from graph.background import BackgroundWriter


def test_jobs_run_that_many_at_once() -> None:
    meeting = threading.Barrier(2, timeout=10)  # broken unless two jobs wait at once

    def meet() -> None:
        meeting.wait()

    with BackgroundWriter("test", at_once=2) as writer:
        writer.submit(meet)
        writer.submit(meet)
    assert not meeting.broken


def test_a_job_alone_runs_after_those_before_and_before_those_after() -> None:
    running: list[str] = []
    seen: list[list[str]] = []
    lock = threading.Lock()

    def job(name: str) -> None:
        with lock:
            running.append(name)
            seen.append(list(running))
        time.sleep(0.05)
        with lock:
            running.remove(name)

    with BackgroundWriter("test", at_once=2) as writer:
        writer.submit(job, "a")
        writer.submit(job, "b")
        writer.submit(job, "alone", alone=True)
        writer.submit(job, "c")
    assert ["alone"] in seen
    assert all(names == ["alone"] for names in seen if "alone" in names)
    assert seen[-1] == ["c"]


def test_the_first_failure_reaches_the_caller_and_later_jobs_are_skipped() -> None:
    done: list[int] = []

    def fail() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), BackgroundWriter("test") as writer:
        writer.submit(fail)
        writer.submit(done.append, 1)
        writer.submit(done.append, 2)
    assert 2 not in done
