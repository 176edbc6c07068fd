"""Serving a file with HTTP Range support (RFC 9110 §14), so players can seek and resume."""

import re
from pathlib import Path

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def ranged_file_response(request: HttpRequest, path: Path, content_type: str, filename: str) -> HttpResponseBase:
    """The whole file (200), one byte range of it (206), or 416 for a range outside it. Multi-range
    requests get the whole file, which RFC 9110 allows."""
    size = path.stat().st_size
    header = request.headers.get("Range", "").strip()
    match = _RANGE.match(header) if header else None
    if match is None or (not match.group(1) and not match.group(2)):
        response: HttpResponseBase = FileResponse(path.open("rb"), content_type=content_type, filename=filename)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-N": the last N bytes
        start = max(size - int(last), 0)
        end = size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with path.open("rb") as handle:
        handle.seek(start)
        body = handle.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
