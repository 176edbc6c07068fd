"""Freed memory goes back to the system: a meeting job's stages and the stream decoder rely on it."""

import ctypes
import sys

import pytest

from sawt.core.memory import release_free_memory

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc_trim")


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_memory_freed_below_a_live_block_is_handed_back():
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(4096) for _ in range(20000)]  # 80 MB of small blocks on the heap
    for block in blocks:
        ctypes.memset(block, 1, 4096)
    kept = libc.malloc(4096)  # above them: free() alone cannot shrink the heap past it
    for block in blocks:
        libc.free(block)
    held = _rss_mb()

    release_free_memory()

    assert held - _rss_mb() > 50
    libc.free(kept)
