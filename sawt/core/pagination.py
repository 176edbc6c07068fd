from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class SawtPagination(PageNumberPagination):
    """DRF's page shape {count, next, previous, results}; `page_size` up to 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def paginated(serializer_class: type[serializers.Serializer[Any]]) -> Any:
    """The OpenAPI shape of a page of `serializer_class`, for `extend_schema(responses=paginated(X))`
    on views that paginate by hand (APIView + SawtPagination)."""
    return inline_serializer(
        name=f"Paginated{serializer_class.__name__.removesuffix('Serializer')}List",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
