"""SERAF risk assessments: riskassessment/access.py decides, riskassessment/services.py writes.

Answers travel keyed by indicator code (stable across tool versions), not by database id. The
service reports a problem with an answer under the web form's field name (ind_<id>_<part>); it is
renamed here to the request's own shape: {"answers": {"<code>": {"<part>": [...]}}}.
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from api import serializers as s
from api.audit import audit_read
from api.exceptions import StaleWrite
from api.filters import AssessmentFilter
from api.views.base import ApiViewSet, acting, expected_version, remap_errors
from api.views.cases import IF_MATCH
from cases.access import get_case_for_user, restrict_to_visible
from cases.selectors import with_related
from met.concurrency import StaleEditError
from riskassessment import services
from riskassessment.access import get_assessment_for_user
from riskassessment.models import Answer, Assessment, Indicator, Section, ToolVersion

_ANSWER_FIELD = re.compile(r"^ind_(\d+)_(\w+)$")


def _assessment_queryset():
    return Assessment.objects.select_related("case", "tool", "created_by", "submitted_by", "confirmed_by")


def _detail(pk: int) -> Assessment:
    return (
        _assessment_queryset()
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("indicator__section")))
        .get(pk=pk)
    )


def _codes(tool: ToolVersion) -> dict[str, int]:
    return dict(Indicator.objects.filter(section__tool=tool).values_list("code", "pk"))


def _answer_errors(error: DjangoValidationError, tool: ToolVersion) -> ValidationError:
    by_pk = {pk: code for code, pk in _codes(tool).items()}

    def rename(field: str) -> list[str]:
        match = _ANSWER_FIELD.match(field)
        if match and int(match.group(1)) in by_pk:
            return ["answers", by_pk[int(match.group(1))], match.group(2)]
        return [field]

    return remap_errors(error, rename)


def _answers(assessment: Assessment, given: dict[str, dict] | None) -> list[services.AnswerData]:
    """The draft's answers with the given ones replacing theirs, indicator by indicator."""
    answers = {a.indicator_id: a for a in services.answers_of(assessment)}
    if not given:
        return list(answers.values())
    codes = _codes(assessment.tool)
    unknown = sorted(code for code in given if code not in codes)
    if unknown:
        raise ValidationError(
            {"answers": {code: [f"Not an indicator of {assessment.tool}: see the risk tool."] for code in unknown}}
        )
    for code, answer in given.items():
        answers[codes[code]] = services.AnswerData(
            indicator_id=codes[code],
            present=answer["present"],
            evidence=answer["evidence"].strip(),
            last_seen=answer["last_seen"],
            previous_seen=answer["previous_seen"],
        )
    return list(answers.values())


@extend_schema_view(
    list=extend_schema(summary="Risk assessments on cases you can see", tags=["risk assessments"]),
    retrieve=extend_schema(
        summary="A risk assessment, with its answers", responses=s.AssessmentDetailSerializer, tags=["risk assessments"]
    ),
    create=extend_schema(
        summary="Start a draft risk assessment",
        description="On the current tool version, starting as a copy of the case's last assessment; "
        "answers, date and summary given here are saved into the draft straight away.",
        request=s.AssessmentCreateSerializer,
        responses={201: s.AssessmentDetailSerializer},
        tags=["risk assessments"],
    ),
    partial_update=extend_schema(
        summary="Save a draft",
        description="The score is recomputed on the server. Send the version you read.",
        request=s.AssessmentUpdateSerializer,
        responses=s.AssessmentDetailSerializer,
        parameters=[IF_MATCH],
        tags=["risk assessments"],
    ),
    submit=extend_schema(
        summary="Submit a draft for confirmation",
        description="Every ticked indicator needs its evidence (and, when timed, the date last seen). "
        "Once submitted the assessment is read-only; the coordinator or a chair confirms the level.",
        request=None,
        responses=s.AssessmentDetailSerializer,
        tags=["risk assessments"],
    ),
)
class AssessmentViewSet(ApiViewSet):
    queryset = Assessment.objects.none()
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["created_at", "assessment_date", "submitted_at", "confirmed_at", "score", "id"]
    ordering = ["-created_at", "-id"]
    audit_kind = "assessment"

    def visible_queryset(self):
        rows = Assessment.objects.select_related("case", "tool", "created_by")
        return restrict_to_visible(rows, self.request.user, case_field="case")

    def page_read(self, page: list) -> list:
        # Not joined: planning two more joins to people took 3.4 ms a page, ten times running it (issue 14).
        return with_related(page, "submitted_by", "confirmed_by")

    def child_of(self, assessment: Assessment) -> int:
        return assessment.case.child_id

    def retrieve(self, request, pk=None):
        assessment = get_assessment_for_user(request.user, pk)
        audit_read(request, assessment, action="assessment.view", child_id=assessment.case.child_id)
        return self.respond(_detail(assessment.pk), serializer_class=s.AssessmentDetailSerializer)

    def create(self, request):
        serializer = s.AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        case = get_case_for_user(request.user, data.pop("case"), write=True)
        # One transaction: a draft whose first answers are refused is not left behind.
        with transaction.atomic(), acting(request):
            assessment = services.assessment_start(actor=request.user, case=case, request=request)
            if data:
                self._save(request, assessment, data, expected=assessment.version)
        return self.respond(_detail(assessment.pk), serializer_class=s.AssessmentDetailSerializer, status=201)

    def partial_update(self, request, pk=None):
        assessment = get_assessment_for_user(request.user, pk, write=True)
        serializer = s.AssessmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version, if_match = expected_version(request, data.pop("version", None))
        if not data:
            raise ValidationError("Send at least one field to change.")
        try:
            with acting(request):
                self._save(request, assessment, data, expected=version)
        except StaleEditError as error:
            current = _detail(assessment.pk)
            raise StaleWrite(
                error,
                current_version=current.version,
                current=s.AssessmentDetailSerializer(current).data,
                if_match=if_match,
            ) from None
        return self.respond(_detail(assessment.pk), serializer_class=s.AssessmentDetailSerializer)

    def _save(self, request, assessment: Assessment, data: dict, *, expected: int) -> Assessment:
        try:
            return services.assessment_save_draft(
                actor=request.user,
                assessment=assessment,
                expected_version=expected,
                assessment_date=data.get("assessment_date", assessment.assessment_date),
                summary=data.get("summary", assessment.summary),
                answers=_answers(assessment, data.get("answers")),
                request=request,
            )
        except DjangoValidationError as error:
            raise _answer_errors(error, assessment.tool) from None

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assessment = get_assessment_for_user(request.user, pk, write=True)
        try:
            with acting(request):
                services.assessment_submit(actor=request.user, assessment=assessment, request=request)
        except DjangoValidationError as error:
            raise _answer_errors(error, assessment.tool) from None
        return self.respond(_detail(assessment.pk), serializer_class=s.AssessmentDetailSerializer)


@extend_schema_view(
    list=extend_schema(summary="Risk tool versions", tags=["risk assessments"]),
    retrieve=extend_schema(
        summary="A risk tool version: its sections, indicators (with their codes) and score bands",
        tags=["risk assessments"],
    ),
)
class RiskToolViewSet(ApiViewSet):
    queryset = ToolVersion.objects.none()
    serializer_class = s.ToolSerializer
    ordering_fields = ["published_at", "id"]
    ordering = ["-published_at", "-id"]

    def visible_queryset(self):
        return ToolVersion.objects.prefetch_related(
            Prefetch("sections", queryset=Section.objects.prefetch_related("indicators")), "bands"
        )

    def retrieve(self, request, pk=None):
        tool = self.get_queryset().filter(pk=pk).first()
        if tool is None:
            raise Http404("No such risk tool version.")
        return self.respond(tool)
