"""Serving a stored file: byte ranges (RFC 9110 §14) so players can seek and resume, read in chunks so
no file is ever held whole in memory, or handed to nginx when it can read the file itself.

Every endpoint that serves a stored file answers through `ranged_file_response`; the headers a file
answer carries (a file built in memory, such as a meeting export, too) are built in one place,
`file_headers`.

Under ASGI (daphne) Django buffers a synchronous streaming iterator whole before sending it
(`StreamingHttpResponse.__aiter__` falls back to `sync_to_async(list)`), so `StoredFileResponse` gives
the server an asynchronous iterator too, reading each chunk in a worker thread.

nginx. With `SAWT_ACCEL_REDIRECT=/_protected/` and filesystem storage, the app checks ownership and
answers an empty 200 with `X-Accel-Redirect: /_protected/<storage name>`; nginx serves the file from an
`internal` location (deploy/nginx.conf). On such a redirect nginx keeps only some of the app's headers,
so that location repeats the others of `file_headers`.

What a stored file is served as. A user's upload could be anything (an HTML page named "minutes.wav"
runs scripts on this origin if a browser renders it), so: the content type is one the server decided
(what it wrote, or what its decoder found an upload to be), never a guess from the file name or what
the uploading client said; browsers must not sniff another (`nosniff`); a file opened on its own runs
nothing (`Content-Security-Policy: sandbox`); and only audio the server generated itself is `inline`,
an upload is an `attachment` (an <audio> element plays it all the same).
"""

import re
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import aclosing
from typing import IO
from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from sawt.core.errors import error_body
from sawt.core.storage import open_at

CHUNK_BYTES = 64 * 1024

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class StoredFileChunks:
    """`length` bytes of a stored file from `start`, read CHUNK_BYTES at a time, synchronously or
    asynchronously; the file is opened on the first read and closed after the last one."""

    def __init__(self, storage: Storage, name: str, start: int, length: int) -> None:
        self.storage, self.name, self.start, self.length = storage, name, start, length
        self._handle: IO[bytes] | None = None
        self._left = length

    def read_chunk(self) -> bytes:
        """The next chunk, b"" at the end (and the file closed)."""
        if self._left <= 0:
            self.close()
            return b""
        if self._handle is None:
            self._handle = open_at(self.storage, self.name, self.start, self.length)
        chunk = self._handle.read(min(CHUNK_BYTES, self._left))
        self._left = self._left - len(chunk) if chunk else 0  # a file cut short ends the answer
        return chunk

    def close(self) -> None:
        self._left = 0
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __iter__(self) -> Iterator[bytes]:
        try:
            while chunk := self.read_chunk():
                yield chunk
        finally:
            self.close()

    async def __aiter__(self) -> AsyncGenerator[bytes, None]:
        read = sync_to_async(self.read_chunk, thread_sensitive=False)
        close = sync_to_async(self.close, thread_sensitive=False)
        try:
            while chunk := await read():
                yield chunk
        finally:
            await close()


class StoredFileResponse(StreamingHttpResponse):
    """Streams StoredFileChunks: iterated synchronously under WSGI and the test client, asynchronously
    under ASGI."""

    _iterator: Iterator[bytes]  # StreamingHttpResponse's, which django-stubs leaves out

    def __init__(self, chunks: StoredFileChunks, *, status: int, headers: dict[str, str]) -> None:
        super().__init__(chunks, status=status, headers=headers)
        self._chunks = chunks
        self._own_iterator = self._iterator

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._iterator is not self._own_iterator:  # a middleware replaced the content: serve that
            async for part in super().__aiter__():
                yield part
            return
        async with aclosing(aiter(self._chunks)) as chunks:  # a client gone mid-file closes it now
            async for chunk in chunks:
                yield chunk


def file_headers(*, content_type: str, filename: str, as_attachment: bool) -> dict[str, str]:
    """The headers every answer with a stored or exported file carries, whoever sends the bytes
    (Django or nginx). `content_type` is what the server itself made or found the file to be."""
    headers = {
        "Content-Type": content_type,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }
    if disposition := content_disposition_header(as_attachment, filename):
        headers["Content-Disposition"] = disposition
    return headers


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) for a single satisfiable `bytes=a-b`, `a-` or `-n`; None for the whole file
    (no Range, a multi-range or one we do not parse: RFC 9110 lets a server ignore Range);
    raises ValueError when the range lies outside the file."""
    match = _RANGE.match(header.strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-N": the last N bytes
        start = max(size - int(last), 0)
        end = size - 1
    if start >= size or start > end:
        raise ValueError(header)
    return start, end


def ranged_file_response(
    request: HttpRequest,
    *,
    storage: Storage,
    name: str,
    filename: str,
    content_type: str,
    as_attachment: bool,
) -> HttpResponseBase:
    """The stored file `name` of `storage`: whole (200), one byte range of it (206), or 416 for a range
    outside it. With SAWT_ACCEL_REDIRECT and filesystem storage, an empty 200 that nginx fills.
    `filename` is what the browser is told (Content-Disposition); the caller checks the file exists.
    `as_attachment` is False only for audio the server generated (see the module's docstring)."""
    headers = file_headers(content_type=content_type, filename=filename, as_attachment=as_attachment)
    prefix = settings.SAWT_ACCEL_REDIRECT
    if prefix and isinstance(storage, FileSystemStorage):
        accel = HttpResponse(headers=headers)
        # No Accept-Ranges here: nginx answers ranges and says so itself; ours would be a second one.
        accel["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(name)}"
        return accel

    headers["Accept-Ranges"] = "bytes"
    size = storage.size(name)
    try:
        byte_range = _byte_range(request.headers.get("Range", ""), size)
    except ValueError:
        refused = JsonResponse(
            error_body("range_not_satisfiable", f"The file has {size} bytes.", {"size": size}), status=416
        )
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    start, end = byte_range if byte_range else (0, size - 1)
    length = end - start + 1
    # HEAD: the headers of GET and no body, so nothing is read.
    chunks = StoredFileChunks(storage, name, start, 0 if request.method == "HEAD" else length)
    response = StoredFileResponse(chunks, status=206 if byte_range else 200, headers=headers)
    response["Content-Length"] = str(length)
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
