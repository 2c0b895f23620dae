"""Hand large freed buffers back to the system, so a long ingest's memory stays flat.

glibc's `malloc` serves a large request (128 KB and up) with a mapping of its own, returned
to the system when freed, but each time such a block is freed it raises that threshold to
the block's size, up to 32 MB. From then on large buffers come from the heap, where a freed
one is a hole between live blocks that is never returned. Oxigraph's bulk loader allocates
and frees buffers of many megabytes on each batch, on threads of their own (one heap each),
so the holes pile up: ingesting 20,000 documents grew the process from 325 MB to 463 MB,
and 100,000 documents peaked near 600 MB.

Setting the threshold once, to glibc's own starting value, stops it from moving: the same
20,000 documents then peak at 330 to 363 MB and end near 250 MB, in the same time. Setting it
also stops glibc from raising the trim threshold, so the heap top is returned as before.
Elsewhere (musl, macOS) nothing is set: the moving threshold is glibc's.
"""

from __future__ import annotations

import ctypes
import functools
import platform

M_MMAP_THRESHOLD = -3  # from glibc's <malloc.h>
MMAP_THRESHOLD = 128 * 1024
"""Requests this large or larger get a mapping of their own (glibc's starting value)."""


@functools.cache
def keep_large_buffers_mapped() -> bool:
    """Fix glibc's mmap threshold for this process (once); False where it cannot be set."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
