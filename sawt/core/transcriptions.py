"""`POST /v1/audio/transcriptions`: OpenAI's transcription API, served by Sawt's engine.

The OpenAI SDKs work unchanged with `base_url="http://<sawt>/v1"` and a Sawt token as the API key
(they send `Authorization: Bearer <key>`).
"""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sawt.core.audio_input import decode_upload
from sawt.core.errors import ValidationFailed
from sawt.speech import asr, subtitles

RESPONSE_FORMATS = ("json", "text", "srt", "vtt", "verbose_json")


class TranscriptionInput(serializers.Serializer[None]):
    file = serializers.FileField(help_text="Audio: WAV, FLAC, MP3, OGG/Opus, WebM, M4A, AIFF.")
    model = serializers.CharField(
        required=False, default="whisper-1", help_text="Accepted for compatibility; the server's model is used."
    )
    language = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)
    prompt = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    response_format = serializers.ChoiceField(choices=RESPONSE_FORMATS, required=False, default="json")
    temperature = serializers.FloatField(required=False, default=None, allow_null=True, min_value=0, max_value=1)
    timestamp_granularities = serializers.ListField(
        child=serializers.ChoiceField(choices=("word", "segment")), required=False, default=list
    )

    def to_internal_value(self, data: Any) -> Any:
        # OpenAI clients send the list as repeated `timestamp_granularities[]` fields.
        if hasattr(data, "getlist") and "timestamp_granularities[]" in data:
            data = data.copy()
            data.setlist("timestamp_granularities", data.getlist("timestamp_granularities[]"))
        return super().to_internal_value(data)


class TranscriptionSegmentOutput(serializers.Serializer[None]):
    id = serializers.IntegerField()
    seek = serializers.IntegerField()
    start = serializers.FloatField()
    end = serializers.FloatField()
    text = serializers.CharField()
    tokens = serializers.ListField(child=serializers.IntegerField())
    temperature = serializers.FloatField()
    avg_logprob = serializers.FloatField()
    compression_ratio = serializers.FloatField()
    no_speech_prob = serializers.FloatField()


class TranscriptionWordOutput(serializers.Serializer[None]):
    word = serializers.CharField()
    start = serializers.FloatField()
    end = serializers.FloatField()


class TranscriptionOutput(serializers.Serializer[None]):
    """`json`: the text only; `verbose_json` adds the rest (`words` only with word timestamps asked for)."""

    text = serializers.CharField()
    task = serializers.CharField(required=False)
    language = serializers.CharField(required=False)
    duration = serializers.FloatField(required=False)
    segments = TranscriptionSegmentOutput(many=True, required=False)
    words = TranscriptionWordOutput(many=True, required=False)


# What each `response_format` answers: json and verbose_json JSON, the others text in their own media type.
_RESPONSE_BODIES: dict[str, Any] = {
    "application/json": TranscriptionOutput,
    "text/plain": OpenApiTypes.STR,
    "application/x-subrip": OpenApiTypes.STR,
    "text/vtt": OpenApiTypes.STR,
}
_RESPONSE_DESCRIPTION = (
    "json and verbose_json: application/json; text: text/plain; srt: application/x-subrip; vtt: text/vtt"
)


class TranscriptionApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"

    @extend_schema(
        operation_id="audio_transcriptions_create",
        request={"multipart/form-data": TranscriptionInput},
        responses={
            (200, media_type): OpenApiResponse(body, description=_RESPONSE_DESCRIPTION)
            for media_type, body in _RESPONSE_BODIES.items()
        },
        tags=["speech"],
    )
    def post(self, request: Request) -> Response | HttpResponse:
        data = TranscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        options = data.validated_data
        samples = decode_upload(options["file"])
        try:
            transcript = asr.transcribe(
                samples,
                language=options["language"] or None,
                initial_prompt=options["prompt"] or None,
                temperature=options["temperature"],
                word_timestamps="word" in options["timestamp_granularities"]
                or options["response_format"] == "verbose_json",
            )
        except ValueError as exc:  # unknown language code
            details = {"fields": {"language": [str(exc)]}}
            raise ValidationFailed(str(exc), code="invalid_language", details=details) from exc
        fmt = options["response_format"]
        if fmt == "json":
            return Response({"text": transcript.text})
        if fmt == "verbose_json":
            body = subtitles.to_verbose_json(transcript)
            if "word" not in options["timestamp_granularities"] and options["timestamp_granularities"]:
                body.pop("words", None)
            return Response(body)
        text = {"text": subtitles.to_text, "srt": subtitles.to_srt, "vtt": subtitles.to_vtt}[fmt](transcript)
        content_type = {"vtt": "text/vtt", "srt": "application/x-subrip"}.get(fmt, "text/plain")
        return HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
