"""Handing freed memory back to the system."""

import ctypes


def release_free_memory() -> None:
    """Hand memory freed by decodes back to the system (glibc ``malloc_trim``; a no-op elsewhere).

    Decode buffers come in many sizes (window length, batch, prompt), and glibc keeps what they
    freed in its arenas (one per thread that allocated: CTranslate2's, torch's and ONNX Runtime's
    threads each have their own): without this a stream's process grows for many minutes before it
    levels off, and a meeting job's worker holds what one stage freed while the next loads its model.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass
