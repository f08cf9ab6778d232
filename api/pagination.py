from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """25 a page by default, up to 100 with ?page_size=; a page past the end is a 404."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "There is no page “{page_number}”: pages run from 1 to the last page of results."
