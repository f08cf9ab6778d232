"""Local areas (issue 18): which areas a person acts in, and a queryset cut to them.

A coordinator or chair sees every case of their own areas and none of another's (except a child
placed in their area, cases/placements). Practitioners are unchanged: they see the cases their agency
or they themselves were given, in whichever area. With one area, or a person who covers them all, no
filter is added at all, so a single-area installation reads exactly what it read before areas.
"""

from django.db.models import Q, QuerySet

from met import cache
from met.models import Area

_ALL_AREAS_KEY = "met:areas:all"


def all_area_ids() -> frozenset[int]:
    """Every area's id, kept five minutes (forget_areas on a save): asked on every list page."""
    ids = cache.get(_ALL_AREAS_KEY)
    if ids is None:
        ids = frozenset(Area.objects.values_list("pk", flat=True))
        cache.set(_ALL_AREAS_KEY, ids, 300)
    return ids


def forget_areas(sender=None, **kwargs) -> None:
    cache.delete(_ALL_AREAS_KEY)


def _user_key(user_id: int) -> str:
    return f"met:areas:user:{user_id}"


def area_ids(user) -> frozenset[int]:
    """The areas the person acts in: their own (User.areas) within their agency's, or all of their
    agency's when they have none of their own. Kept per person (every list page asks) and forgotten
    the moment anything it depends on changes (forget_user_areas, wired in met/apps.py)."""
    ids = getattr(user, "_met_area_ids", None)
    if ids is None:
        ids = cache.get(_user_key(user.pk)) if user.pk else frozenset()
        if ids is None:
            agency = set(Area.objects.filter(agencies=user.agency_id).values_list("pk", flat=True))
            own = set(user.areas.values_list("pk", flat=True))
            ids = frozenset(agency & own if own else agency)
            cache.set(_user_key(user.pk), ids, 300)
        user._met_area_ids = ids
    return ids


def forget_user_areas(user_ids) -> None:
    for pk in user_ids:
        cache.delete(_user_key(pk))


def covers_all_areas(user) -> bool:
    return area_ids(user) >= all_area_ids()


def in_own_areas(queryset: QuerySet, user, *, area_field: str = "area") -> QuerySet:
    """`queryset` cut to the user's areas through `area_field` (a path to an Area foreign key)."""
    if covers_all_areas(user):
        return queryset
    return queryset.filter(**{f"{area_field}__in": sorted(area_ids(user))})


def in_area(user, area_id: int | None) -> bool:
    return area_id is not None and area_id in area_ids(user)


def on_user_areas_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action.startswith("post_"):
        forget_user_areas([instance.pk] if not reverse else (pk_set or instance.members.values_list("pk", flat=True)))


def on_agency_areas_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    from met.models import User

    if action.startswith("post_"):
        agencies = [instance.pk] if not reverse else (pk_set or instance.agencies.values_list("pk", flat=True))
        forget_user_areas(User.objects.filter(agency__in=list(agencies)).values_list("pk", flat=True))


def on_user_saved(sender, instance, **kwargs) -> None:
    forget_user_areas([instance.pk])  # their agency, and so their areas, may have changed


def default_area_id() -> int | None:
    """The area a record gets when none is named: the only one, in a single-area installation. With
    several there is none, and saving a case or meeting without its area fails rather than guess."""
    ids = all_area_ids()
    return next(iter(ids)) if len(ids) == 1 else None


# --- who coordinates an area: told about its cases and meetings ---------------------------------


def coordinators_of(area_id: int | None):
    """The active coordinators acting in the area, as one query: area_ids's rule in SQL (their agency
    works there, and their own areas, if they have any, include it). With one area, or no area known,
    every active coordinator, as before areas existed."""
    from met.models import User

    everyone = User.objects.filter(is_active=True, is_coordinator=True).order_by("pk")
    if area_id is None or len(all_area_ids()) < 2:
        return everyone
    return everyone.filter(agency__areas=area_id).filter(Q(areas=area_id) | Q(areas__isnull=True)).distinct()


class AreaCoordinators:
    """coordinators_of for a sweep that tells many areas: every coordinator read once, and each area's
    worked out in Python (three queries in all, whatever the number of cases). `for_area(area_id)`."""

    def __init__(self) -> None:
        from met.models import User

        self.everyone = tuple(User.objects.filter(is_active=True, is_coordinator=True).order_by("pk"))
        self.by_area: dict[int, tuple] | None = None
        if len(all_area_ids()) > 1:
            people = User.objects.filter(pk__in=[u.pk for u in self.everyone]).prefetch_related(
                "areas", "agency__areas"
            )
            found: dict[int, list] = {}
            for user in sorted(people, key=lambda u: u.pk):
                own = {a.pk for a in user.areas.all()}
                agency = {a.pk for a in user.agency.areas.all()}
                for area_id in agency & own if own else agency:
                    found.setdefault(area_id, []).append(user)
            self.by_area = {area_id: tuple(users) for area_id, users in found.items()}

    def for_area(self, area_id: int | None) -> tuple:
        if self.by_area is None or area_id is None:
            return self.everyone
        return self.by_area.get(area_id, ())
