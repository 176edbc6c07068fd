"""The review queue and what the learner keeps getting wrong (/api/v1/dictation/review/next,
stats/review, stats/weak-words)."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dictation import review, weak_words
from dictation.serializers import ItemOutput
from sawt.accounts.signed_in import request_user

TAGS = ["dictation"]


class ReviewNextInput(serializers.Serializer[None]):
    exclude = serializers.CharField(required=False, help_text="Item ids to skip, comma-separated.")

    def validate_exclude(self, value: str) -> list[int]:
        try:
            return [int(x) for x in value.split(",") if x.strip()]
        except ValueError as exc:
            raise serializers.ValidationError("Comma-separated item ids.", code="invalid") from exc


class ReviewNextOutput(serializers.Serializer[Any]):
    item = ItemOutput(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    next_due_at = serializers.DateTimeField(allow_null=True)


class ForecastDayOutput(serializers.Serializer[Any]):
    date = serializers.DateField()
    due = serializers.IntegerField()


class ReviewStatsOutput(serializers.Serializer[Any]):
    due = serializers.IntegerField()
    new = serializers.IntegerField()
    learning = serializers.IntegerField()
    learned = serializers.IntegerField()
    next_due_at = serializers.DateTimeField(allow_null=True)
    forecast = ForecastDayOutput(many=True)


class WeakWordsInput(serializers.Serializer[None]):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class WeakWordOutput(serializers.Serializer[Any]):
    word = serializers.CharField()
    misses = serializers.IntegerField()
    seen = serializers.IntegerField()
    last_seen_at = serializers.DateTimeField()
    last_missed_at = serializers.DateTimeField()
    item_ids = serializers.ListField(child=serializers.IntegerField())


class WeakWordsOutput(serializers.Serializer[Any]):
    words = WeakWordOutput(many=True)


class ReviewNextApi(APIView):
    @extend_schema(parameters=[ReviewNextInput], responses=ReviewNextOutput, tags=TAGS)
    def get(self, request: Request) -> Response:
        """The most overdue item with audio (`null` when none is due), when it fell due, and when the
        next one falls due."""
        data = ReviewNextInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        body = review.review_next(owner=request_user(request), now=timezone.now(),
                                  exclude=data.validated_data.get("exclude"))
        return Response(ReviewNextOutput(body).data)


class ReviewStatsApi(APIView):
    @extend_schema(responses=ReviewStatsOutput, tags=TAGS)
    def get(self, request: Request) -> Response:
        body = review.review_stats(owner=request_user(request), now=timezone.now())
        return Response(ReviewStatsOutput(body).data)


class WeakWordsApi(APIView):
    @extend_schema(parameters=[WeakWordsInput], responses=WeakWordsOutput, tags=TAGS)
    def get(self, request: Request) -> Response:
        """The learner's most-missed words: how often each was missed (a typo or a mistake) and seen,
        when last seen and missed, and the items that contain it."""
        data = WeakWordsInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        words = weak_words.weak_words(owner=request_user(request), limit=data.validated_data["limit"])
        return Response(WeakWordsOutput({"words": words}).data)
