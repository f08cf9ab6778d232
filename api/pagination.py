from functools import partial

from rest_framework.pagination import PageNumberPagination

from met.pagination import CountKeptPaginator, count_key


class Pagination(PageNumberPagination):
    """25 a page by default, up to 100 with ?page_size=; a page past the end is a 404. A total of a
    thousand or more may be up to half a minute old (met/pagination.py)."""

    def paginate_queryset(self, queryset, request, view=None):
        key = count_key(request.user, f"api:{request.path}", request.query_params)
        # A view may count its rows from a different queryset than it pages (ApiViewSet.counted_queryset).
        counted = getattr(view, "counted_queryset", None)
        self.django_paginator_class = partial(CountKeptPaginator, key=key, counted=counted)
        return super().paginate_queryset(queryset, request, view)

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "There is no page “{page_number}”: pages run from 1 to the last page of results."
