"""Children, cases, concerns and missing episodes."""

from django.core import signing
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import fields
from api.serializers._shared import (
    CASE_SNAPSHOT_FIELDS,
    EPISODE_SNAPSHOT_FIELDS,
    SNAPSHOT_HELP,
    SNAPSHOT_SALT,
    VERSION_HELP,
    ModelSerializer,
)
from api.serializers.errors import ErrorSerializer
from api.serializers.reference import AgencySummarySerializer, CategorySummarySerializer, UserSummarySerializer
from cases import turning_18
from cases.forms import CHILD_FIELDS, FLAG_CHOICES
from cases.missing import RHIStatus, episode_rhi_state
from cases.models import Case, Category, Child, Concern, MissingEpisode
from cases.services import EPISODE_FIELDS, placement_problems
from met.concurrency import snapshot
from met.models import Agency, User


class ChildInCaseSerializer(ModelSerializer):
    age = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = ["id", *CHILD_FIELDS, "age", "created_at", "version"]

    def get_age(self, child: Child) -> int | None:
        return child.age()


class ChildSerializer(ChildInCaseSerializer):
    cases = serializers.SerializerMethodField(help_text="The child's cases that you can see.")

    class Meta(ChildInCaseSerializer.Meta):
        fields = [*ChildInCaseSerializer.Meta.fields, "cases"]

    def get_cases(self, child: Child) -> list[int]:
        return [case.pk for case in child.visible_cases]


class ChildInputSerializer(ModelSerializer):
    """A child new to MET Hub. Identifiers are checked by the service, which can point to the existing child."""

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        extra_kwargs = {name: {"validators": []} for name in ("police_number", "csc_number", "nhs_number")}

    def validate(self, data):
        # Refused here, before the duplicate check, with the web form's words.
        problems = placement_problems(
            placed_out_of_area=data.get("placed_out_of_area"),
            placed_by_other_authority=data.get("placed_by_other_authority"),
            placing_authority=data.get("placing_authority"),
        )
        if problems:
            raise serializers.ValidationError({name: [message] for name, message in problems.items()})
        return data


# --- cases ------------------------------------------------------------------------------------


def sign_snapshot(instance: models.Model, names: list[str]) -> str:
    return signing.dumps(snapshot(instance, names), salt=SNAPSHOT_SALT)


def read_snapshot(value: str | None) -> dict | None:
    if not value:
        return None
    try:
        return signing.loads(value, salt=SNAPSHOT_SALT)
    except signing.BadSignature:
        raise serializers.ValidationError(
            {"snapshot": ["This snapshot was not made by MET Hub, or was changed: send it back as you received it."]}
        ) from None


class CaseSerializer(ModelSerializer):
    reference = serializers.CharField(read_only=True)
    child = ChildInCaseSerializer()
    categories = CategorySummarySerializer(many=True)
    lead_agency = AgencySummarySerializer(allow_null=True)
    lead_professional = UserSummarySerializer(allow_null=True)
    agencies_involved = AgencySummarySerializer(many=True)
    restricted_to = UserSummarySerializer(
        many=True, help_text="On a restricted case, the people besides coordinators and chairs who may see it."
    )
    flags = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "status",
            "child",
            "categories",
            "risk_level",
            "risk_review_due",
            "lead_agency",
            "lead_professional",
            "agencies_involved",
            "is_restricted",
            "restricted_to",
            "flags",
            "voice_of_child",
            "closure_reason",
            "closure_note",
            "opened_at",
            "closed_at",
            "created_at",
            "version",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=FLAG_CHOICES)))
    def get_flags(self, case: Case) -> list[str]:
        child = case.child
        present = {
            "frequent_missing": case.is_frequent_missing,
            "high_risk": case.is_high_risk,
            "placed_out_of_area": child.placed_out_of_area,
            "placed_here": child.placed_by_other_authority,
            "restricted": case.is_restricted,
            # The case page's and list's flag (cases/turning_18.py), while the birthday is still to come.
            "turning_18": (found := turning_18.flag(case, timezone.localdate())) is not None and not found.turned,
        }
        return [code for code, _ in FLAG_CHOICES if present[code]]


_datetime = fields.DateTimeField()
_date = fields.DateField()


def _when(value, field):
    return None if value is None else field.to_representation(value)


def _prefetched(case: Case, name: str) -> list:
    # The rows prefetch_related read, without a related manager and a queryset made per case to
    # reach them; read afresh if the list's queryset did not prefetch them.
    cache = getattr(case, "_prefetched_objects_cache", {})
    return cache[name] if name in cache else list(getattr(case, name).all())


def _agency(agency: Agency | None) -> dict | None:
    if agency is None:
        return None
    return {"id": agency.pk, "name": agency.name, "short_name": agency.short_name, "kind": agency.kind}


def _person(user: User | None) -> dict | None:
    return None if user is None else {"id": user.pk, "full_name": user.full_name, "agency": user.agency_id}


# What CaseListSerializer reads of a row, and the case list reads of each case (api.views.cases): every
# column of the case, of its child all but the merge and search columns, and of the lead professional
# their name and agency, not their login's twenty columns (issue 14). A field shown later must be added
# here, or each row reads it alone (tests/api/test_query_counts.py counts them).
CASE_LIST_FIELDS = (
    *(field.name for field in Case._meta.concrete_fields),
    *(f"child__{name}" for name in ("id", *CHILD_FIELDS, "created_at", "version")),
    "lead_professional__full_name",
    "lead_professional__agency",
)


class CaseListSerializer(CaseSerializer):
    """CaseSerializer's JSON for a row of the case list, made directly: DRF's field-by-field machinery,
    and a related manager per many-to-many per case, took a third of a practitioner's case list
    (issue 14). The same fields in the same order; tests/api/test_case_list_rows.py holds the two to
    the same output, so a field added to CaseSerializer fails there until it is added here too."""

    def to_representation(self, case: Case) -> dict:
        child = case.child
        return {
            "id": case.pk,
            "reference": case.reference,
            "status": case.status,
            "child": {
                "id": child.pk,
                **{
                    name: _when(child.date_of_birth, _date) if name == "date_of_birth" else getattr(child, name)
                    for name in CHILD_FIELDS
                },
                "age": child.age(),
                "created_at": _when(child.created_at, _datetime),
                "version": child.version,
            },
            "categories": [{"code": c.code, "name": c.name} for c in _prefetched(case, "categories")],
            "risk_level": case.risk_level,
            "risk_review_due": _when(case.risk_review_due, _date),
            "lead_agency": _agency(case.lead_agency),
            "lead_professional": _person(case.lead_professional),
            "agencies_involved": [_agency(a) for a in _prefetched(case, "agencies_involved")],
            "is_restricted": case.is_restricted,
            "restricted_to": [_person(u) for u in _prefetched(case, "restricted_to")],
            "flags": self.get_flags(case),
            "voice_of_child": case.voice_of_child,
            "closure_reason": case.closure_reason,
            "closure_note": case.closure_note,
            "opened_at": _when(case.opened_at, _datetime),
            "closed_at": _when(case.closed_at, _datetime),
            "created_at": _when(case.created_at, _datetime),
            "version": case.version,
        }


class CaseDetailSerializer(CaseSerializer):
    snapshot = serializers.SerializerMethodField(help_text=SNAPSHOT_HELP)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "snapshot"]

    def get_snapshot(self, case: Case) -> str:
        return sign_snapshot(case, CASE_SNAPSHOT_FIELDS)


class VersionedInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=0, help_text=VERSION_HELP)
    snapshot = serializers.CharField(
        required=False, allow_blank=True, help_text="The snapshot you read, to be told what changed on a conflict."
    )


def _practitioners():
    return User.objects.filter(is_active=True, is_practitioner=True)


class CaseUpdateSerializer(VersionedInputSerializer):
    """Practitioners who work on the case may change the voice of the child; coordinators and chairs the rest."""

    voice_of_child = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    lead_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True), required=False, allow_null=True
    )
    lead_professional = serializers.PrimaryKeyRelatedField(
        queryset=_practitioners(), required=False, allow_null=True, help_text="Must work for the lead agency."
    )
    agencies_involved = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.filter(is_active=True), many=True, required=False
    )
    categories = fields.SlugRelatedField(slug_field="code", queryset=Category.objects.all(), many=True, required=False)
    is_restricted = serializers.BooleanField(required=False)
    restricted_to = serializers.PrimaryKeyRelatedField(queryset=_practitioners(), many=True, required=False)


# --- concerns ---------------------------------------------------------------------------------


CASE_HIDDEN = "Null on a concern you logged about a case you may not see: you follow the concern and its outcome."


class ConcernSerializer(ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True, help_text=CASE_HIDDEN)
    case_reference = serializers.CharField(source="case.reference", read_only=True, allow_null=True)
    child = serializers.IntegerField(source="case.child_id", read_only=True, allow_null=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    source_agency = AgencySummarySerializer()
    logged_by = UserSummarySerializer()

    class Meta:
        model = Concern
        fields = [
            "id",
            "case",
            "case_reference",
            "child",
            "category",
            "observed_at",
            "description",
            "source_agency",
            "logged_by",
            "logged_at",
            "triaged_at",
            "outcome",
        ]

    def to_representation(self, concern: Concern) -> dict:
        data = super().to_representation(concern)
        if not getattr(concern, "case_visible", True):
            data.update(case=None, case_reference=None, child=None)
        return data


class ConcernCreateSerializer(serializers.Serializer):
    """Either `case` (a case you can see: the concern is about its child) or `new_child`, not both."""

    case = fields.IdField(required=False)
    new_child = ChildInputSerializer(required=False)
    confirm_new_child = serializers.BooleanField(
        default=False,
        help_text="After a 409 listing possible duplicates: true to say this really is a different child.",
    )
    category = fields.SlugRelatedField(slug_field="code", queryset=Category.objects.all())
    observed_at = fields.DateTimeField(help_text="When it happened: your best estimate if you are not sure.")
    description = serializers.CharField(max_length=10000, help_text="What you saw or were told. Facts first.")
    area = fields.IdField(
        required=False,
        help_text="With new_child, for someone who acts in several areas: the id of the area responsible for the child.",
    )

    def validate(self, data):
        if "area" in data and "new_child" not in data:
            raise serializers.ValidationError({"area": "Give an area only with “new_child”: a case has its own."})
        if ("case" in data) == ("new_child" in data):
            raise serializers.ValidationError(
                "Say who the concern is about: give either “case” (an existing case) or “new_child”, not both."
            )
        return data


class DuplicateChildSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text="The child's case: log the concern against it if this is them.")
    reference = serializers.CharField()
    child = ChildInCaseSerializer()


class PossibleDuplicateSerializer(ErrorSerializer):
    candidates = DuplicateChildSerializer(many=True)


# --- missing episodes -------------------------------------------------------------------------


class RhiSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(RHIStatus.LABELS.items()))
    label = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True, help_text="72 hours after the child's return.")


class MissingEpisodeSerializer(ModelSerializer):
    rhi = serializers.SerializerMethodField(help_text="Where the return home interview stands now.")
    recorded_by = UserSummarySerializer()

    class Meta:
        model = MissingEpisode
        fields = ["id", "case", *EPISODE_FIELDS, "rhi", "recorded_by", "recorded_at", "version"]

    @extend_schema_field(RhiSerializer)
    def get_rhi(self, episode: MissingEpisode) -> dict:
        state = episode_rhi_state(episode, now=self.context.get("now") or timezone.now())
        due_at = serializers.DateTimeField().to_representation(state.due_at) if state.due_at else None
        return {"status": state.status, "label": state.label, "due_at": due_at}


class MissingEpisodeDetailSerializer(MissingEpisodeSerializer):
    snapshot = serializers.SerializerMethodField(help_text=SNAPSHOT_HELP)

    class Meta(MissingEpisodeSerializer.Meta):
        fields = [*MissingEpisodeSerializer.Meta.fields, "snapshot"]

    def get_snapshot(self, episode: MissingEpisode) -> str:
        return sign_snapshot(episode, EPISODE_SNAPSHOT_FIELDS)


class MissingEpisodeCreateSerializer(ModelSerializer):
    case = fields.IdField(help_text="A case you work on.")

    class Meta:
        model = MissingEpisode
        fields = ["case", *EPISODE_FIELDS]


class MissingEpisodeUpdateSerializer(VersionedInputSerializer, ModelSerializer):
    class Meta:
        model = MissingEpisode
        fields = [*EPISODE_FIELDS, "version", "snapshot"]
        extra_kwargs = {name: {"required": False} for name in EPISODE_FIELDS}
