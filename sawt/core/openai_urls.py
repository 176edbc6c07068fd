"""The OpenAI-compatible surface under /v1/ (the speech engine's issue adds its endpoints here)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
