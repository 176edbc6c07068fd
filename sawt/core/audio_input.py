"""Audio that arrives over HTTP: decoded by the engine, its problems turned into API errors."""

from typing import IO, Any

import numpy as np
import numpy.typing as npt
from rest_framework import status

from sawt.core.errors import SawtError
from sawt.speech.audio import AudioDecodeError, decode_audio


class AudioRejected(SawtError):
    """The upload is not usable audio; `code` is the engine's (empty_audio, not_audio, too_short, ...)."""

    code = "invalid_audio"
    message = "The file is not usable audio."


def audio_error(exc: AudioDecodeError) -> AudioRejected:
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if exc.code == "too_long" else status.HTTP_400_BAD_REQUEST
    return AudioRejected(exc.message, code=exc.code, status_code=status_code)


def decode_upload(upload: IO[bytes] | Any, **limits: float) -> npt.NDArray[np.float32]:
    """Decodes an uploaded file to 16 kHz mono float32, or raises AudioRejected (400, or 413 when too long)."""
    if upload is None:
        raise AudioRejected("Send the audio as a multipart field named `file`.", code="required")
    upload.seek(0)
    try:
        return decode_audio(upload, **limits)
    except AudioDecodeError as exc:
        raise audio_error(exc) from exc
