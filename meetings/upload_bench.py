"""`bench meetings-upload`: a large recording sent through the resumable chunked upload API of a real
daphne, as the meetings page sends it (one `Content-Range` chunk of MEETINGS_CHUNK_BYTES after the
other, resumed from `received` after a dropped connection), then assembled into a meeting.

The bytes are made on the fly (no 2 GB file is needed), hashed on the way, and compared with the
checksum the server stored. Reports the throughput of the chunks, the time the last chunk took (the
join), and the peak RSS of the web process, which must not grow with the file: chunks are streamed to
storage, never held whole.
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any

from django.conf import settings

from sawt.core.bench import register

GIB = 1024**3
BLOCK = 1 << 20


def _payload(size: int) -> bytes:
    # Bytes that differ from chunk to chunk and compress poorly, as audio does.
    return os.urandom(size)


def _peak_rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


@register("meetings-upload", help="chunked upload of a 2 GB recording (200 MB with --quick): MB/s, join, web RSS")
def bench_meetings_upload(options: dict[str, Any]) -> dict[str, Any]:
    import httpx

    from meetings.models import ChunkedUpload, Meeting
    from meetings.uploads import chunked_upload_cancel
    from sawt.chat.benchmarks import bench_server, bench_token, bench_user

    size = (200 * 1024**2) if options.get("quick") else 2 * GIB
    chunk = int(settings.MEETINGS_CHUNK_BYTES)
    user = bench_user("bench-meetings-upload")
    # As nginx forwards it: a production-like server redirects plain HTTP to HTTPS.
    headers = {"Authorization": f"Bearer {bench_token(user.username)}", "X-Forwarded-Proto": "https"}
    digest = hashlib.sha256()
    meeting_id: int | None = None
    upload_id: int | None = None
    figures: dict[str, Any] = {}
    try:
        with bench_server(options) as (ws_base, server):
            base = ws_base.replace("ws://", "http://").replace("wss://", "https://")
            with httpx.Client(base_url=base, headers=headers, timeout=600.0) as client:
                created = client.post(
                    "/api/v1/meetings/uploads/", json={"filename": "bench-long.wav", "size": size}
                ).raise_for_status()
                upload_id = int(created.json()["upload"])
                url = f"/api/v1/meetings/uploads/{upload_id}/"
                received, retries, join_s = 0, 0, 0.0
                started = time.perf_counter()
                body = b""
                while meeting_id is None:
                    if len(body) == 0:
                        body = _payload(min(chunk, size - received))
                    last = received + len(body) == size
                    sent = time.perf_counter()
                    answer = client.put(
                        url,
                        content=body,
                        headers={
                            "Content-Type": "application/octet-stream",
                            "Content-Range": f"bytes {received}-{received + len(body) - 1}/{size}",
                        },
                    )
                    if answer.status_code == 429:  # the `api` rate limit: wait as told, send it again
                        retries += 1
                        time.sleep(float(answer.headers.get("Retry-After", "1")))
                        continue
                    answer.raise_for_status()
                    digest.update(body)
                    body = b""
                    if last:
                        join_s = time.perf_counter() - sent
                        meeting_id = int(answer.json()["id"])
                    else:
                        received = int(answer.json()["received"])
                upload_s = time.perf_counter() - started
            web_rss = _peak_rss_mb(server.process.pid) if server is not None and server.process else None
        meeting = Meeting.objects.select_related("recording").get(pk=meeting_id)
        figures = {
            "size_mb": round(size / 1024**2),
            "chunk_mb": round(chunk / 1024**2, 1),
            "chunks": -(-size // chunk),
            "upload_s": round(upload_s, 1),
            "throughput_mb_s": round(size / 1024**2 / upload_s, 1),
            "join_s": round(join_s, 1),
            "rate_limited_retries": retries,
            "checksum_ok": meeting.recording.checksum == digest.hexdigest(),
            "stored_size_ok": meeting.recording.file.size == size,
            "web_peak_rss_mb": web_rss,
            "cpu_count": os.cpu_count(),
        }
    finally:
        if meeting_id is not None:
            for meeting in Meeting.objects.filter(pk=meeting_id).select_related("recording"):
                if getattr(meeting, "recording", None) is not None and meeting.recording.file:
                    meeting.recording.file.delete(save=False)
                meeting.delete()
        elif upload_id is not None and ChunkedUpload.objects.filter(pk=upload_id, meeting__isnull=True).exists():
            chunked_upload_cancel(upload_id=upload_id)
    return figures
