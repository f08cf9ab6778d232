"""Who may see meetings, their agenda, actions and the intelligence registers (DESIGN §3, §5).

- Coordinators and chairs see (and run) every meeting of their own areas and none of another area's
  (issue 18: each area runs its own MEOG); an attendee sees the meetings they are invited to.
- The agenda's child details are shown only after the viewer accepted the meeting's
  confidentiality statement: everyone, the coordinator and the chair included (seed 000).
- A professional invited for chosen items only (AttendanceScope.ITEMS) sees those items and nothing
  else of the meeting's children: not on the agenda page, the item pages, the pack, the minutes or the
  API, and not in any count.
- An action is seen by whoever can see its case, and by its owner unless the case is restricted and
  they are not named on it; coordinators and chairs see the actions on their areas' cases and those
  set at their areas' meetings (a child placed there by another area).
- A place or person of concern is seen by coordinators and chairs, by whoever recorded it, and by
  anyone who can see at least one case linked to it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.access import cases_visible_to
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceScope,
    Feedback,
    Guest,
    ItemInvitation,
    Meeting,
    PersonOfConcern,
    PlaceOfConcern,
)
from met.access import require_case_role
from met.areas import area_ids, covers_all_areas, in_own_areas


def meetings_visible_to(user) -> QuerySet[Meeting]:
    if user.sees_all_cases:
        return in_own_areas(Meeting.objects.all(), user)
    if not user.has_case_role:
        return Meeting.objects.none()
    return Meeting.objects.filter(attendances__user=user).distinct()


def get_meeting_for_user(user, pk: int, *, write: bool = False) -> Meeting:
    require_case_role(user)
    try:
        meeting = meetings_visible_to(user).select_related("chair").get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    if write and not user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs run meetings.")
    return meeting


def may_see_child_details(user, meeting: Meeting, *, attendances: list | None = None) -> bool:
    """Only someone who accepted the meeting's confidentiality statement; `attendances`, the meeting's
    attendance rows when the caller has read them all already, saves asking again."""
    if attendances is not None:
        return any(a.user_id == user.pk and a.accepted_statement_at is not None for a in attendances)
    return Attendance.objects.filter(meeting=meeting, user=user, accepted_statement_at__isnull=False).exists()


def require_child_details(user, meeting: Meeting) -> None:
    if not may_see_child_details(user, meeting):
        raise PermissionDenied(
            "Accept the meeting's confidentiality statement before seeing the children on the agenda."
        )


def invited_item_ids(user, meeting_ids) -> dict[int, set[int]]:
    """For the meetings where the user is invited for chosen items only: meeting id -> those items' ids."""
    limited = list(
        Attendance.objects.filter(user=user, meeting_id__in=meeting_ids, scope=AttendanceScope.ITEMS).values_list(
            "meeting_id", flat=True
        )
    )
    result: dict[int, set[int]] = {pk: set() for pk in limited}
    if limited:
        for meeting_id, item_id in ItemInvitation.objects.filter(
            user=user, item__meeting_id__in=limited, withdrawn_at__isnull=True
        ).values_list("item__meeting_id", "item_id"):
            result[meeting_id].add(item_id)
    return result


def visible_items(user, items):
    """Agenda items the viewer may see. Sharing about every child on the agenda is what MEOG is for
    (under the confidentiality statement), but a restricted case stays hidden from anyone not named on
    it, and someone invited for chosen items sees only those."""
    items = list(items)
    if user.sees_all_cases or not items:
        return items
    restricted = {i.case_id for i in items if i.case_id and i.case.is_restricted}
    visible = (
        set(cases_visible_to(user).filter(pk__in=restricted).values_list("pk", flat=True)) if restricted else set()
    )
    invited = invited_item_ids(user, {i.meeting_id for i in items})
    return [
        i
        for i in items
        if (i.case_id not in restricted or i.case_id in visible)
        and (i.meeting_id not in invited or i.pk in invited[i.meeting_id])
    ]


def get_item_for_user(user, meeting: Meeting, item_pk: int, *, queryset: QuerySet | None = None) -> AgendaItem:
    """An item of a meeting the caller already fetched for the user: 404 for another meeting's item, or
    a restricted child's the user is not named on."""
    try:
        item = (queryset if queryset is not None else AgendaItem.objects).get(pk=item_pk, meeting=meeting)
    except AgendaItem.DoesNotExist:
        raise Http404("No such agenda item.") from None
    if not visible_items(user, [item]):
        raise Http404("No such agenda item.")
    return item


def get_guest_for_user(user, meeting: Meeting, guest_pk: int) -> Guest:
    """Guests are recorded by those who run the meeting: 403 for attendees, 404 for another meeting's."""
    if not user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs record guests.")
    try:
        return meeting.guests.get(pk=guest_pk)
    except Guest.DoesNotExist:
        raise Http404("No such guest.") from None


def get_feedback_for_user(user, meeting: Meeting, feedback_pk: int, *, write: bool = False) -> Feedback:
    """Feedback records belong to the meeting's running: the coordinator's and chairs'."""
    if write and not user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator and chairs record feedback.")
    try:
        return meeting.feedback.select_related("case", "lead_professional").get(pk=feedback_pk)
    except Feedback.DoesNotExist:
        raise Http404("No such feedback record.") from None


def _own_actions(user) -> Q:
    return Q(owner=user, case__isnull=True) | Q(owner=user, case__is_restricted=False)


def actions_visible_to(user) -> QuerySet[Action]:
    """Actions on cases the user sees, and their own actions unless the case is restricted and they are
    not named on it: an action shows its child, so it follows the case's rule (action_create refuses an
    unnamed owner on a restricted case, and restricting a case refuses while one owns open work on it).
    Coordinators and chairs: those of their areas' cases and meetings (no filter when they cover every
    area, so a single-area installation reads as before)."""
    if user.sees_all_cases:
        if covers_all_areas(user):
            return Action.objects.all()
        areas = sorted(area_ids(user))
        return Action.objects.filter(Q(case__area__in=areas) | Q(meeting__area__in=areas) | _own_actions(user))
    if not user.has_case_role:
        return Action.objects.none()
    return Action.objects.filter(Q(case__in=cases_visible_to(user).values("pk")) | _own_actions(user))


def runs_action(user, action: Action) -> bool:
    """A coordinator or chair of the area the action belongs to (its case's, or its meeting's for a
    child placed there): one who sees it only as its owner does not run another area's work."""
    if not user.sees_all_cases:
        return False
    if covers_all_areas(user):
        return True
    ids = area_ids(user)
    return (action.case_id is not None and action.case.area_id in ids) or (
        action.meeting_id is not None and action.meeting.area_id in ids
    )


def may_complete(user, action: Action) -> bool:
    """Who may complete (or record progress on) an action: its owner, the coordinator or a chair."""
    return action.owner_id == user.pk or runs_action(user, action)


def may_cancel(user, action: Action) -> bool:
    return runs_action(user, action)


def get_action_for_user(user, pk: int, *, write: bool = False) -> Action:
    require_case_role(user)
    try:
        action = actions_visible_to(user).select_related("case__child", "owner", "owner_agency", "meeting").get(pk=pk)
    except Action.DoesNotExist:
        raise Http404("No such action.") from None
    if write and not may_complete(user, action):
        raise PermissionDenied("Only the action's owner, the coordinator or a chair can complete or cancel it.")
    return action


def _register_visible(model, user) -> QuerySet:
    if user.sees_all_cases:
        return model.objects.all()
    if not user.has_case_role:
        return model.objects.none()
    return model.objects.filter(Q(created_by=user) | Q(cases__in=cases_visible_to(user))).distinct()


def places_visible_to(user) -> QuerySet[PlaceOfConcern]:
    return _register_visible(PlaceOfConcern, user)


def persons_visible_to(user) -> QuerySet[PersonOfConcern]:
    return _register_visible(PersonOfConcern, user)


def get_place_for_user(user, pk: int) -> PlaceOfConcern:
    try:
        return places_visible_to(user).get(pk=pk)
    except PlaceOfConcern.DoesNotExist:
        raise Http404("No such place.") from None


def get_person_for_user(user, pk: int) -> PersonOfConcern:
    try:
        return persons_visible_to(user).get(pk=pk)
    except PersonOfConcern.DoesNotExist:
        raise Http404("No such person.") from None
