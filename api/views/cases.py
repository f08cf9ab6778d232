"""Children, cases, concerns and missing episodes: cases/access.py decides, cases/services.py writes."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError

from api import serializers as s
from api.audit import audit_read
from api.exceptions import PossibleDuplicate, StaleWrite
from api.filters import CaseFilter, ChildFilter, ConcernFilter, MissingEpisodeFilter
from api.views.base import ApiViewSet, acting, expected_version, remap_errors
from cases import services
from cases.access import (
    case_seen_column,
    cases_visible_to,
    get_case_for_user,
    get_concern_for_user,
    get_episode_for_user,
    may_see_case,
    restrict_concerns_to_visible,
    restrict_to_visible,
)
from cases.duplicates import possible_duplicates
from cases.forms import CHILD_FIELDS
from cases.merge import surviving_record
from cases.models import Case, Child, Concern, MissingEpisode
from cases.selectors import with_lookups, with_related
from met.areas import area_ids, covers_all_areas
from met.concurrency import StaleEditError
from met.models import Area

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The version you read, in quotes (like "3"), instead of "version" in the body. A stale one gets 412.',
)


def case_queryset():
    return Case.objects.select_related("child", "lead_agency", "lead_professional").prefetch_related(
        "categories", "agencies_involved", "restricted_to"
    )


# --- children -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Children on cases you can see", tags=["children"]),
    retrieve=extend_schema(summary="A child", tags=["children"]),
)
class ChildViewSet(ApiViewSet):
    """A child is visible when at least one of their cases is (cases/access.py)."""

    queryset = Child.objects.none()
    serializer_class = s.ChildSerializer
    filterset_class = ChildFilter
    ordering_fields = ["last_name", "first_name", "date_of_birth", "created_at", "id"]
    ordering = ["last_name", "first_name", "id"]
    audit_kind = "child"

    def visible_queryset(self):
        user = self.request.user
        visible = restrict_to_visible(Case.objects.all(), user)
        # Coordinators and chairs see every child: each has had a case from the moment it was
        # recorded (cases.services.concern_log), so no semi-join over 100,000 cases to count them.
        children = (
            Child.objects.all()
            if user.sees_all_cases and covers_all_areas(user)
            else Child.objects.filter(pk__in=visible.values("child_id"))
        )
        if self.action == "list":
            # A record merged into another is listed as the record kept (cases/merge.py), not twice.
            children = children.filter(merged_into__isnull=True)
        return children.prefetch_related(
            Prefetch("cases", queryset=visible.order_by("-created_at", "-pk"), to_attr="visible_cases")
        )

    def child_of(self, child: Child) -> int:
        return child.pk

    def retrieve(self, request, pk=None):
        child = self.get_queryset().filter(pk=pk).first()
        merged = Child.objects.filter(pk=pk, merged_into__isnull=False).first() if child is None else child
        if merged is not None and merged.merged_into_id is not None:
            # A record merged into another (cases/merge.py): its address leads on to the record kept, for
            # whoever may see that one; for anyone else it is a 404 like a child that does not exist.
            kept = surviving_record(merged)
            if self.get_queryset().filter(pk=kept.pk).exists():
                return HttpResponsePermanentRedirect(reverse("api:child-detail", args=[kept.pk]))
            child = None
        if child is None:
            raise Http404("No such child.")
        audit_read(request, child, action="child.view", child_id=child.pk)
        return self.respond(child)


# --- cases ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Cases you can see, filtered as on the web list", tags=["cases"]),
    retrieve=extend_schema(summary="A case", responses=s.CaseDetailSerializer, tags=["cases"]),
    partial_update=extend_schema(
        summary="Change a case",
        description="Practitioners who work on the case may change the voice of the child; the coordinator and "
        "chairs may change who works on it too. Send the version you read.",
        request=s.CaseUpdateSerializer,
        responses=s.CaseDetailSerializer,
        parameters=[IF_MATCH],
        tags=["cases"],
    ),
)
class CaseViewSet(ApiViewSet):
    queryset = Case.objects.none()
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilter
    ordering_fields = ["created_at", "opened_at", "closed_at", "risk_level", "risk_review_due", "status", "id"]
    ordering = ["-created_at", "-id"]
    audit_kind = "case"

    def visible_queryset(self):
        if self.action == "list":
            # The lead agency comes from the cached lookups (page_read), not a join.
            rows = Case.objects.select_related("child", "lead_professional").only(*s.CASE_LIST_FIELDS)
        else:
            rows = Case.objects.select_related("child", "lead_agency", "lead_professional")
        return restrict_to_visible(rows, self.request.user, per_row=True)

    def page_read(self, page: list) -> list:
        return with_related(with_lookups(page, "categories", "agencies_involved", "restricted_to"), "lead_agency")

    def counted_queryset(self):
        return self.filter_queryset(restrict_to_visible(Case.objects.all(), self.request.user)).order_by()

    def get_serializer_class(self):
        # The list's rows are made by a faster serializer with the same output; the schema is
        # generated from CaseSerializer itself.
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            return s.CaseListSerializer
        return super().get_serializer_class()

    def child_of(self, case: Case) -> int:
        return case.child_id

    def retrieve(self, request, pk=None):
        case = get_case_for_user(request.user, pk, queryset=case_queryset())
        audit_read(request, case, action="case.view", child_id=case.child_id)
        return self.respond(case, serializer_class=s.CaseDetailSerializer)

    def partial_update(self, request, pk=None):
        case = get_case_for_user(request.user, pk, write=True)
        serializer = s.CaseUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version, if_match = expected_version(request, data.pop("version", None))
        seen = s.read_snapshot(data.pop("snapshot", None))
        if not data:
            raise ValidationError("Send at least one field to change.")
        if "is_restricted" in data and "restricted_to" not in data:
            # A partial change keeps the people already named; the service checks the pair together.
            data["restricted_to"] = list(case.restricted_to.all())
        try:
            with acting(request):
                services.case_update(
                    actor=request.user, case=case, expected_version=version, seen=seen, request=request, **data
                )
        except StaleEditError as error:
            current = case_queryset().get(pk=case.pk)
            raise StaleWrite(
                error,
                current_version=current.version,
                current=s.CaseDetailSerializer(current).data,
                if_match=if_match,
            ) from None
        return self.respond(case_queryset().get(pk=case.pk), serializer_class=s.CaseDetailSerializer)


# --- concerns -------------------------------------------------------------------------------


def _concern_queryset():
    return Concern.objects.select_related("case", "category", "source_agency", "logged_by")


def _new_child_field(field: str) -> list[str]:
    return ["new_child", field] if field in CHILD_FIELDS else [field]


@extend_schema_view(
    list=extend_schema(summary="Concerns on cases you can see", tags=["concerns"]),
    retrieve=extend_schema(summary="A concern", tags=["concerns"]),
    create=extend_schema(
        summary="Log a concern",
        description="About the child of a case you can see (`case`), or about a child new to MET Hub "
        "(`new_child`): a new child gets a referred case, which the MET coordinator triages. "
        "If the new child looks like one already on MET Hub that you can see, the answer is 409 with "
        "the candidates, as the web form asks.",
        request=s.ConcernCreateSerializer,
        responses={
            201: s.ConcernSerializer,
            409: OpenApiResponse(
                s.PossibleDuplicateSerializer, description="Possible duplicates: choose, then resend."
            ),
        },
        tags=["concerns"],
    ),
)
class ConcernViewSet(ApiViewSet):
    queryset = Concern.objects.none()
    serializer_class = s.ConcernSerializer
    filterset_class = ConcernFilter
    ordering_fields = ["logged_at", "observed_at", "id"]
    ordering = ["-logged_at", "-id"]
    audit_kind = "concern"

    def visible_queryset(self):
        user = self.request.user
        # Whoever logged a concern sees it, but learns which case it joined only if they may see the case.
        rows = Concern.objects.select_related("case", "logged_by")
        return restrict_concerns_to_visible(rows, user).annotate(case_visible=case_seen_column(user, "case"))

    def page_read(self, page: list) -> list:
        # From the cache, not joined: planning the joins took longer than running the query (issue 14).
        return with_related(page, "category", "source_agency")

    def child_of(self, concern: Concern) -> int:
        return concern.case.child_id

    def retrieve(self, request, pk=None):
        concern = get_concern_for_user(request.user, pk)
        concern.case_visible = may_see_case(request.user, concern.case_id)
        audit_read(request, concern, action="concern.view", child_id=concern.case.child_id)
        return self.respond(concern)

    def create(self, request):
        serializer = s.ConcernCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        concern_fields = {name: data[name] for name in ("category", "observed_at", "description")}
        try:
            with acting(request):
                if "case" in data:
                    case = get_case_for_user(request.user, data["case"])
                    concern = services.concern_log(
                        actor=request.user, child=case.child, request=request, **concern_fields
                    )
                else:
                    concern = self._log_for_new_child(request, data, concern_fields)
        except DjangoValidationError as error:
            raise remap_errors(error, _new_child_field) from None
        return self.respond(self.visible_queryset().get(pk=concern.pk), status=201)

    def _log_for_new_child(self, request, data: dict, concern_fields: dict) -> Concern:
        """As the web form: offer the matching children the user can see; never show the others."""
        child_data = dict(data["new_child"])
        matches = possible_duplicates(child_data)
        visible = {
            case.child_id: case
            for case in cases_visible_to(request.user)
            .filter(child__in=[m.pk for m in matches])
            .select_related("child")
            .order_by("-created_at")
        }
        if visible and not data["confirm_new_child"]:
            raise PossibleDuplicate(
                [
                    {"case": case.pk, "reference": case.reference, "child": s.ChildInCaseSerializer(case.child).data}
                    for case in visible.values()
                ]
            )
        # A match the user may not see is never shown to them; the coordinator checks it at triage.
        hidden = next((m for m in matches if m.pk not in visible), None)
        area = None
        if "area" in data:
            # Only an area the person acts in: another area's id is refused like one that does not exist.
            area = Area.objects.filter(pk=data["area"], pk__in=sorted(area_ids(request.user))).first()
            if area is None:
                raise ValidationError({"area": "No such area among the areas you act in."})
        return services.concern_log(
            actor=request.user,
            new_child=child_data,
            possible_duplicate_of=hidden,
            area=area,
            request=request,
            **concern_fields,
        )


# --- missing episodes -----------------------------------------------------------------------


def _episode_queryset():
    return MissingEpisode.objects.select_related("case", "recorded_by")


@extend_schema_view(
    list=extend_schema(summary="Missing episodes on cases you can see", tags=["missing episodes"]),
    retrieve=extend_schema(
        summary="A missing episode, with its return home interview",
        responses=s.MissingEpisodeDetailSerializer,
        tags=["missing episodes"],
    ),
    create=extend_schema(
        summary="Record a missing episode",
        request=s.MissingEpisodeCreateSerializer,
        responses={201: s.MissingEpisodeDetailSerializer},
        tags=["missing episodes"],
    ),
    partial_update=extend_schema(
        summary="Change a missing episode (for example record the return or the interview)",
        request=s.MissingEpisodeUpdateSerializer,
        responses=s.MissingEpisodeDetailSerializer,
        parameters=[IF_MATCH],
        tags=["missing episodes"],
    ),
)
class MissingEpisodeViewSet(ApiViewSet):
    queryset = MissingEpisode.objects.none()
    serializer_class = s.MissingEpisodeSerializer
    filterset_class = MissingEpisodeFilter
    ordering_fields = ["went_missing_at", "returned_at", "recorded_at", "id"]
    ordering = ["-went_missing_at", "-id"]
    audit_kind = "missing_episode"

    def visible_queryset(self):
        return restrict_to_visible(_episode_queryset(), self.request.user, case_field="case")

    def child_of(self, episode: MissingEpisode) -> int:
        return episode.case.child_id

    def retrieve(self, request, pk=None):
        episode = get_episode_for_user(request.user, pk)
        audit_read(request, episode, action="missing_episode.view", child_id=episode.case.child_id)
        return self.respond(episode, serializer_class=s.MissingEpisodeDetailSerializer)

    def create(self, request):
        serializer = s.MissingEpisodeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = get_case_for_user(request.user, data.pop("case"), write=True)
        with acting(request):
            episode = services.missing_episode_record(actor=request.user, case=case, request=request, **data)
        return self.respond(
            _episode_queryset().get(pk=episode.pk), serializer_class=s.MissingEpisodeDetailSerializer, status=201
        )

    def partial_update(self, request, pk=None):
        episode = get_episode_for_user(request.user, pk, write=True)
        serializer = s.MissingEpisodeUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version, if_match = expected_version(request, data.pop("version", None))
        seen = s.read_snapshot(data.pop("snapshot", None))
        if not data:
            raise ValidationError("Send at least one field to change.")
        try:
            with acting(request):
                services.missing_episode_update(
                    actor=request.user, episode=episode, expected_version=version, seen=seen, request=request, **data
                )
        except StaleEditError as error:
            current = _episode_queryset().get(pk=episode.pk)
            raise StaleWrite(
                error,
                current_version=current.version,
                current=s.MissingEpisodeDetailSerializer(current).data,
                if_match=if_match,
            ) from None
        return self.respond(_episode_queryset().get(pk=episode.pk), serializer_class=s.MissingEpisodeDetailSerializer)
