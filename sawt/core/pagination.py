from rest_framework.pagination import PageNumberPagination


class SawtPagination(PageNumberPagination):
    """DRF's page shape {count, next, previous, results}; `page_size` up to 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
