from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class SawtPagination(PageNumberPagination):
    """DRF's page shape {count, next, previous, results}; `page_size` up to 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def paginated(serializer_class: type[serializers.Serializer[Any]], name: str = "") -> Any:
    """The OpenAPI shape of a page of `serializer_class`, for `extend_schema(responses=paginated(X))`
    on views that paginate with `paginated_response`."""
    return inline_serializer(
        name=name or f"Paginated{serializer_class.__name__.removesuffix('Serializer')}List",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def paginated_response(
    request: Request, view: APIView, rows: Any, serializer_class: type[serializers.BaseSerializer[Any]]
) -> Response:
    """One SawtPagination page of `rows` (a queryset or list) through `serializer_class`."""
    paginator = SawtPagination()
    page: Any = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context={"request": request}).data)
