"""Worker processes that die with the process that started them.

A worker spawned by `multiprocessing` outlives a parent killed outright (`kill -9`: nothing
runs in the parent to stop it) and, re-parented, goes on reading or querying. On Linux the
kernel sends the worker SIGKILL when its parent goes (`prctl(PR_SET_PDEATHSIG)`); elsewhere,
or should that call fail, a thread in the worker watches its parent's pid.

The kernel's "parent" is the *thread* that spawned the worker: spawn workers from a thread
that lives as long as they should (the main thread, a sync's own thread, a dedicated one),
never from a pool thread that may retire while they are still wanted.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
POLL_SECONDS = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when `parent_pid` does; call it first thing in a worker."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watching thread below still does it
    # The parent may have gone between the spawn and the call above: then it never fires.
    if os.getppid() != parent_pid:
        os._exit(1)
    watch = threading.Thread(target=_watch, args=(parent_pid,), name="parent-watch", daemon=True)
    watch.start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGKILL)
