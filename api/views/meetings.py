"""MEOG meetings (read), their agenda and decisions, and actions: meetings/access.py decides.

The agenda's child details are shown only to those who may see them (meetings.access.
may_see_child_details): an attendee who has not accepted the meeting's confidentiality
statement gets the meeting without its items, and can accept the statement here.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from api import serializers as s
from api.audit import audit_list, audit_read
from api.filters import ActionFilter, MeetingFilter
from api.views.base import ApiViewSet, acting
from cases.selectors import with_related
from meetings import services
from meetings.access import (
    actions_visible_to,
    get_action_for_user,
    get_meeting_for_user,
    may_see_child_details,
    meetings_visible_to,
    visible_items,
)
from meetings.escalation import overdue_cutoff
from meetings.models import Action, AgendaItem, Attendance, Decision, Meeting


def _items(meeting: Meeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("case__child", "place", "person")
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.select_related("recorded_by").order_by("pk")),
            Prefetch("actions", queryset=Action.objects.only("pk", "item_id").order_by("pk")),
        )
        .order_by("section", "order", "pk")
    )


@extend_schema_view(
    list=extend_schema(summary="Meetings you can see", tags=["meetings"]),
    retrieve=extend_schema(
        summary="A meeting, with attendance and (once you may see child details) its agenda and decisions",
        responses=s.MeetingDetailSerializer,
        tags=["meetings"],
    ),
    accept_statement=extend_schema(
        summary="Accept the meeting's confidentiality statement",
        description="Only for yourself, and only if you are on the meeting's attendance list. "
        "Answers with the meeting, now including its agenda.",
        request=None,
        responses=s.MeetingDetailSerializer,
        tags=["meetings"],
    ),
)
class MeetingViewSet(ApiViewSet):
    queryset = Meeting.objects.none()
    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-starts_at", "-id"]
    audit_kind = "meeting"

    def visible_queryset(self):
        return meetings_visible_to(self.request.user).select_related("chair")

    def retrieve(self, request, pk=None):
        meeting = get_meeting_for_user(request.user, pk)
        return self._detail(request, meeting)

    @action(detail=True, methods=["post"], url_path="accept-statement")
    def accept_statement(self, request, pk=None):
        meeting = get_meeting_for_user(request.user, pk)
        with acting(request):
            services.statement_accept(actor=request.user, meeting=meeting, request=request)
        return self._detail(request, meeting)

    def _detail(self, request, meeting: Meeting):
        meeting = (
            Meeting.objects.select_related("chair")
            .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.select_related("user", "agency")))
            .get(pk=meeting.pk)
        )
        visible = may_see_child_details(request.user, meeting)
        # The same rule as the web agenda: a restricted child stays hidden from anyone not named on it.
        items = visible_items(request.user, _items(meeting)) if visible else None
        audit_read(request, meeting, action="meeting.view", child_id=None)
        if items:
            # Showing the agenda is a read of every child on it, as on the web page.
            audit_list(
                request,
                [item for item in items if item.case_id],
                kind="meeting_agenda",
                child_of=lambda item: item.case.child_id,
            )
        return self.respond(
            meeting, serializer_class=s.MeetingDetailSerializer, child_details_visible=visible, items=items
        )


@extend_schema_view(
    list=extend_schema(summary="Actions you own or can see through their case", tags=["actions"]),
    retrieve=extend_schema(summary="An action", tags=["actions"]),
    complete=extend_schema(
        summary="Mark an action as done",
        description="For the action's owner, the coordinator or a chair.",
        request=s.ActionCompleteSerializer,
        responses=s.ActionSerializer,
        tags=["actions"],
    ),
)
class ActionViewSet(ApiViewSet):
    queryset = Action.objects.none()
    serializer_class = s.ActionSerializer
    filterset_class = ActionFilter
    ordering_fields = ["due_date", "created_at", "completed_at", "id"]
    ordering = ["due_date", "id"]
    audit_kind = "action"

    def visible_queryset(self):
        return actions_visible_to(self.request.user).select_related("case", "owner")

    def page_read(self, page: list) -> list:
        # Not joined: planning two more joins took longer than running the query (issue 14).
        return with_related(page, "owner_agency", "completed_by")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "overdue_cutoff": overdue_cutoff()}

    def child_of(self, action_: Action) -> int | None:
        return action_.case.child_id if action_.case_id else None

    def retrieve(self, request, pk=None):
        action_ = get_action_for_user(request.user, pk)
        audit_read(request, action_, action="action.view", child_id=self.child_of(action_))
        return self.respond(action_)

    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        action_ = get_action_for_user(request.user, pk, write=True)
        serializer = s.ActionCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with acting(request):
            services.action_complete(
                actor=request.user, action=action_, note=serializer.validated_data["note"], request=request
            )
        return self.respond(get_action_for_user(request.user, pk))
