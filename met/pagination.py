"""Pages of long lists whose total may be a little behind (issue 14).

Counting every row a practitioner may see takes 20 ms or more at 100,000 cases, on every page of
every list, and the total is the one figure on the page nobody needs to the second. A list of a
thousand rows or more keeps its total for half a minute, for that person and those filters only;
the rows themselves are always read afresh, and a shorter list is always counted exactly.
"""

import hashlib
from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from met import cache

SECONDS = 30
FROM_ROWS = 1000


def count_key(user, name: str, params) -> str:
    """The cache key of one person's count of one list under one set of filters (page left out)."""
    filters = sorted((k, v) for k, values in params.lists() if k != "page" for v in values)
    # The name is hashed with the filters: a list's title ("Actions by agency") is not a safe key.
    digest = hashlib.sha256(repr((name, filters)).encode()).hexdigest()[:24]
    return f"met:count:{user.pk}:{digest}"


class CountKeptPaginator(Paginator):
    """`counted`, when given, makes the queryset to count: the same rows as `object_list`, in a form
    the database counts faster (cases.access.restrict_to_visible's `per_row`)."""

    def __init__(self, object_list, per_page, *, key: str, counted: Callable[[], QuerySet] | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.key = key
        self.counted = counted

    @cached_property
    def count(self) -> int:
        kept = cache.get(self.key)
        if kept is not None:
            return kept
        counted = self.counted().count() if self.counted else super().count
        if counted >= FROM_ROWS:
            cache.set(self.key, counted, SECONDS)
        return counted
