"""The OpenAI-compatible surface under /v1/."""

from django.urls import path

from sawt.core.transcriptions import TranscriptionApi

urlpatterns = [
    path("audio/transcriptions", TranscriptionApi.as_view(), name="openai-transcriptions"),
]
