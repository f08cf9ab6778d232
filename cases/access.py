"""Who may see and change which case (DESIGN §3). Every view and API goes through these helpers.

- Coordinators and chairs see and change every case of their own areas (met/areas.py, issue 18), and
  none of another area's (a child placed in their area: cases/placements.py, a view of its own).
- A practitioner sees a case when their agency is involved in it (a guardian permission granted to
  the agency's group), or when they hold a permission of their own on it (lead professional, a
  named person on a restricted case, an action owner).
- A restricted case ignores agency involvement: only people named on it (and its lead
  professional), coordinators and chairs.
- Agency and system admins see no case content through those roles.
- Whoever logged a concern sees that concern, its triage outcome and the feedback on it, and nothing
  else of the case unless one of the rules above lets them see the case.
A case the user may not see is a 404, exactly like one that does not exist; one they may see but
not change is a 403.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import Expression
from django.http import Http404

from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Child, Concern, MissingEpisode
from met.areas import area_ids, covers_all_areas
from met.models import User


def coordinates(user: User, area_id: int | None) -> bool:
    """A coordinator or chair of the area a case belongs to: they see and change all of it."""
    return user.sees_all_cases and (covers_all_areas(user) or area_id in area_ids(user))


def _coordinated(user: User, case_field: str | None = None) -> Q | None:
    """The cases a coordinator or chair sees by role, as a filter; None for every case (a single-area
    installation, or someone covering every area: no filter at all, as before areas)."""
    if covers_all_areas(user):
        return None
    prefix = f"{case_field}__" if case_field else ""
    return Q(**{f"{prefix}area__in": sorted(area_ids(user))})


def _by_role_or_grant(queryset: QuerySet, user: User, case_field: str | None, granted) -> QuerySet:
    """A coordinator or chair's own areas, and what they were granted as a practitioner elsewhere."""
    areas = _coordinated(user, case_field)
    if areas is None:
        return queryset
    if user.is_practitioner and user.is_active:
        return queryset.filter(areas | granted())
    return queryset.filter(areas)


def coordinated(queryset: QuerySet, user: User, case_field: str | None = None) -> QuerySet:
    """Cases (or records through `case_field`) a coordinator or chair holds by role, their areas', not
    counting personal grants: triage is done for one's own areas only. Nothing for anyone else."""
    if not user.sees_all_cases:
        return queryset.none()
    areas = _coordinated(user, case_field)
    return queryset if areas is None else queryset.filter(areas)


def _cases_with_perm(user: User, codename: str) -> QuerySet[Case]:
    if user.sees_all_cases:
        return _by_role_or_grant(Case.objects.all(), user, None, lambda: _visible(user, codename))
    if not user.is_practitioner or not user.is_active:
        return Case.objects.none()
    # guardian's direct foreign-key tables, read as two plain id subqueries with the user's groups as
    # constants: no DISTINCT over a join as get_objects_for_user builds. At 100,000 cases (a police
    # practitioner seeing 25,000) the home count fell from 70 to 44 ms and a case-list page from 252 to
    # 206 ms (issue 14). The same grants, so the same answer (tests/met/test_access_matrix.py).
    return Case.objects.filter(_visible(user, codename))


_PERMISSION_ID = (
    "SELECT p.id FROM auth_permission p JOIN django_content_type t ON t.id = p.content_type_id"
    " WHERE t.app_label = 'cases' AND t.model = 'case' AND p.codename = %s"
)


class _RowCondition(Expression):
    """A condition written as SQL around columns of the row (the case's id, its flags): the columns are
    ordinary source expressions, joined and relabelled like any other if the query becomes a subquery."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, *columns):
        super().__init__()
        self.columns = list(columns)

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, exprs):
        self.columns = list(exprs)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.columns = [c.resolve_expression(query, allow_joins, reuse, summarize, for_save) for c in self.columns]
        return resolved


class _GrantedPerRow(_RowCondition):
    """Whether the user holds `codename` on each row's case, through their agency's groups or in person,
    looked up row by row: for pages of a list, sorted and sliced. Left to itself PostgreSQL turns a
    grant EXISTS into a hash of all the user's grants (21,000 for a police practitioner at 100,000
    cases), built in full even for a page that reads 450 cases to show 25; LIMIT 1 OFFSET 0 keeps each
    a subquery per row, an index probe each (6.3 -> 2.4 ms for the police case list). A count over
    every case wants the hash (_visible). Written as SQL around the row's own case column: built
    through the ORM the two subqueries took longer to compile (2 of the police case list's 3.5 ms of
    statement building) than PostgreSQL took to run them (issue 14)."""

    def __init__(self, case_id, *, user_id: int, group_ids: list[int], codename: str):
        super().__init__(case_id)
        self.user_id, self.group_ids, self.codename = user_id, group_ids, codename

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.columns[0])
        # Table and column names from the models; every value is a parameter.
        probe = (
            "EXISTS(SELECT 1 FROM {table} g WHERE g.content_object_id = {column} AND {who}"  # noqa: S608
            " AND g.permission_id = (" + _PERMISSION_ID + ") LIMIT 1 OFFSET 0)"
        )
        sql, params = [], []
        if self.group_ids:
            who = "g.group_id IN (" + ", ".join(["%s"] * len(self.group_ids)) + ")"
            sql.append(probe.format(table=CaseGroupObjectPermission._meta.db_table, column=column, who=who))
            params += [*column_params, *self.group_ids, self.codename]
        # A person's own grants are few (the cases they lead, are named on or own an action on): read once
        # into a hash and looked up per row, rather than probed per row as the agency's are. The police
        # case list read 431 cases to show 25; 1.5 -> 1.2 ms (issue 14).
        own = (
            "{column} IN (SELECT g.content_object_id FROM {table} g WHERE g.user_id = %s"  # noqa: S608
            " AND g.permission_id = (" + _PERMISSION_ID + "))"
        )
        sql.append(own.format(table=CaseUserObjectPermission._meta.db_table, column=column))
        params += [*column_params, self.user_id, self.codename]
        return "(" + " OR ".join(sql) + ")", params


class _RestrictionAllowsPerRow(_RowCondition):
    """_restriction_allows for a page of a list, as SQL around the row's case columns: built through the
    ORM its EXISTS took a third of the police case list's statement building (issue 14). The same rule:
    the case is not restricted, or the user leads it or is named on it."""

    def __init__(self, case_id, is_restricted, lead_id, *, user_id: int):
        super().__init__(case_id, is_restricted, lead_id)
        self.user_id = user_id

    def as_sql(self, compiler, connection):
        (case_id, case_params), (restricted, restricted_params), (lead, lead_params) = (
            compiler.compile(column) for column in self.columns
        )
        named = Case.restricted_to.through._meta
        template = (
            "(NOT {restricted} OR {lead} = %s OR EXISTS(SELECT 1 FROM {table} r"
            " WHERE r.{case_column} = {case_id} AND r.{user_column} = %s))"
        )
        # Table and column names from the models; every value is a parameter.
        sql = template.format(
            restricted=restricted,
            lead=lead,
            case_id=case_id,
            table=named.db_table,
            case_column=named.get_field("case").column,
            user_column=named.get_field("user").column,
        )
        return sql, [*restricted_params, *lead_params, self.user_id, *case_params, self.user_id]


def _visible_per_row(user: User, codename: str, case_field: str | None = None) -> Q:
    prefix = f"{case_field}__" if case_field else ""
    case_id = F(f"{case_field}_id" if case_field else "pk")
    granted = _GrantedPerRow(case_id, user_id=user.pk, group_ids=_group_ids(user), codename=codename)
    allowed = _RestrictionAllowsPerRow(
        case_id, F(f"{prefix}is_restricted"), F(f"{prefix}lead_professional_id"), user_id=user.pk
    )
    return Q(granted) & Q(allowed)


def _visible(user: User, codename: str, case_field: str | None = None, *, case_id: int | None = None) -> Q:
    """The rule as a filter on cases, or on records through their foreign key `case_field`: the
    record's own case id is matched against the grants, so the planner can start from the record's
    indexes and look each case up by its key, rather than scan the case table first. With `case_id`
    (one case's page) only that case's grants are read, not the user's thousands."""
    groups = _group_ids(user)
    via_agency = CaseGroupObjectPermission.objects.filter(group_id__in=groups, permission__codename=codename)
    via_person = CaseUserObjectPermission.objects.filter(user=user, permission__codename=codename)
    if case_id is not None:
        via_agency, via_person = (
            via_agency.filter(content_object_id=case_id),
            via_person.filter(content_object_id=case_id),
        )
    via_agency, via_person = via_agency.values("content_object_id"), via_person.values("content_object_id")
    case_id = f"{case_field}_id" if case_field else "pk"
    granted = Q(**{f"{case_id}__in": via_agency}) | Q(**{f"{case_id}__in": via_person})
    return granted & _restriction_allows(user, case_field)


def _group_ids(user: User) -> list[int]:
    """The user's groups, read once per request: a case page asks the access rule several times."""
    groups = getattr(user, "_met_group_ids", None)
    if groups is None:
        groups = user._met_group_ids = list(user.groups.values_list("pk", flat=True))
    return groups


def restrict_to_visible(
    queryset: QuerySet, user: User, *, case_field: str | None = None, per_row: bool = False
) -> QuerySet:
    """`queryset` cut to what the user may see: a queryset of cases (no `case_field`), or of records
    about a case through the foreign key `case_field`. The lists and the API start here.

    `per_row` for a page of a list, sorted and sliced: the same rule, checked case by case as the rows
    are read (_GrantedPerRow); counts and aggregates keep the default.

    For coordinators and chairs: their areas' cases, with no subquery at all (and no filter at all with
    one area). On cases the rule goes straight into the query's own WHERE rather than through
    `pk IN (SELECT id FROM cases_case …)`, a second scan of the case table that at 100,000 cases cost a
    police practitioner's API list 350 ms (issue 14).
    """
    if user.sees_all_cases:
        return _by_role_or_grant(queryset, user, case_field, lambda: _visible(user, "view_case", case_field))
    if not user.is_practitioner or not user.is_active:
        return queryset.none()
    if per_row:
        return queryset.filter(_visible_per_row(user, "view_case", case_field))
    return queryset.filter(_visible(user, "view_case", case_field))


def _restriction_allows(user: User, case_field: str | None = None) -> Q:
    """On a restricted case agency involvement counts for nothing: only the people named on it and its
    lead professional (coordinators and chairs see every case)."""
    prefix = f"{case_field}__" if case_field else ""
    named = Case.restricted_to.through.objects.filter(
        case_id=OuterRef(f"{case_field}_id" if case_field else "pk"), user_id=user.pk
    )
    return Q(**{f"{prefix}is_restricted": False}) | Exists(named) | Q(**{f"{prefix}lead_professional": user})


def may_see_restricted(user: User, case: Case) -> bool:
    """Whether the restriction, if any, lets this person see the case: the same rule as the lists
    (_restriction_allows), read for a case in hand; the named people are read only when it is restricted."""
    if coordinates(user, case.area_id) or not case.is_restricted or case.lead_professional_id == user.pk:
        return True
    return Case.restricted_to.through.objects.filter(case_id=case.pk, user_id=user.pk).exists()


def cases_visible_to(user: User) -> QuerySet[Case]:
    return _cases_with_perm(user, "view_case")


def can_change_case(user: User, case: Case) -> bool:
    # get_case_for_user read both answers with the case itself; a case loaded elsewhere asks here.
    known = getattr(case, "_met_access", None)
    if known is not None and known[0] == user.pk:
        return known[2]
    return _holds(user, "change_case", case.pk)


def may_see_case(user: User, case_id: int) -> bool:
    return _holds(user, "view_case", case_id)


def _holds(user: User, codename: str, case_id: int) -> bool:
    if user.sees_all_cases and (
        covers_all_areas(user) or Case.objects.filter(pk=case_id, area__in=sorted(area_ids(user))).exists()
    ):
        return True
    if not user.is_practitioner or not user.is_active:
        return False
    return Case.objects.filter(_visible(user, codename, case_id=case_id), pk=case_id).exists()


def get_case_for_user(user: User, pk: int, *, write: bool = False, queryset: QuerySet[Case] | None = None) -> Case:
    base = (
        queryset if queryset is not None else Case.objects.select_related("child", "lead_agency", "lead_professional")
    )
    if not user.sees_all_cases and not (user.is_practitioner and user.is_active):
        raise Http404("No such case.")
    try:
        case = base.get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None
    if coordinates(user, case.area_id):
        case._met_access = (user.pk, True, True)
        return case
    if not (user.is_practitioner and user.is_active):
        raise Http404("No such case.")  # another area's case, to a coordinator or chair
    # The same rule as _visible, read for this one case as two small queries rather than compiled
    # into the case query as two EXISTS subqueries: the ORM took longer to build those than
    # PostgreSQL took to run them (issue 14).
    held = _codenames_held(user, case.pk)
    allowed = may_see_restricted(user, case)
    if not (allowed and "view_case" in held):
        raise Http404("No such case.")
    case._met_access = (user.pk, True, "change_case" in held)
    if write and not can_change_case(user, case):
        raise PermissionDenied("You can see this case but not change it.")
    return case


def _codenames_held(user: User, case_id: int) -> set[str]:
    """The case permissions the user holds on one case, through their agency's groups or their own, in
    one statement. Written as SQL from the models' tables: the ORM's union of two joined querysets took
    longer to build than PostgreSQL took to run it, a tenth of a practitioner's case page (issue 14)."""
    memberships = User.groups.through._meta
    tables = {
        "agency": CaseGroupObjectPermission._meta.db_table,
        "person": CaseUserObjectPermission._meta.db_table,
        "permission": Permission._meta.db_table,
        "memberships": memberships.db_table,
        "group": memberships.get_field("group").column,
        "user": memberships.get_field("user").column,
    }
    template = (
        "SELECT p.codename FROM {agency} g JOIN {permission} p ON p.id = g.permission_id"
        " WHERE g.content_object_id = %s AND g.group_id IN (SELECT m.{group} FROM {memberships} m WHERE m.{user} = %s)"
        " UNION SELECT p.codename FROM {person} g JOIN {permission} p ON p.id = g.permission_id"
        " WHERE g.content_object_id = %s AND g.user_id = %s"
    )
    # Only table and column names from the models; every value is a parameter.
    sql = template.format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, [case_id, user.pk, case_id, user.pk])
        return {codename for (codename,) in cursor.fetchall()}


def children_visible_to(user: User) -> QuerySet[Child]:
    """A child is seen by whoever sees one of their cases (coordinators and chairs: every child, records
    merged into another included, so that their links can lead on to the record kept)."""
    if user.sees_all_cases and covers_all_areas(user):
        return Child.objects.all()
    if not user.sees_all_cases and (not user.is_practitioner or not user.is_active):
        return Child.objects.none()
    return Child.objects.filter(pk__in=cases_visible_to(user).values("child_id"))


def may_see_child(user: User, child_id: int) -> bool:
    return children_visible_to(user).filter(pk=child_id).exists()


def get_child_for_user(user: User, pk: int) -> Child:
    """A child the user may see, or 404 (the same as a child that does not exist)."""
    child = children_visible_to(user).filter(pk=pk).first()
    if child is None:
        raise Http404("No such child.")
    return child


def require_coordination(user: User) -> None:
    """Triage, opening and closing cases, involving agencies and restricting: the coordinator's and chair's work."""
    if not user.sees_all_cases:
        raise PermissionDenied("Only the MET coordinator or a chair can do this.")


def get_episode_for_user(user: User, pk: int, *, write: bool = False) -> MissingEpisode:
    try:
        episode = MissingEpisode.objects.select_related("case__child").get(pk=pk)
    except MissingEpisode.DoesNotExist:
        raise Http404("No such missing episode.") from None
    # The episode belongs to its case: the case's rule decides.
    get_case_for_user(user, episode.case_id, write=write)
    return episode


def concerns_visible_to(user: User) -> QuerySet[Concern]:
    return restrict_concerns_to_visible(Concern.objects.all(), user)


def restrict_concerns_to_visible(queryset: QuerySet[Concern], user: User) -> QuerySet[Concern]:
    """Concerns on cases the user may see, and the concerns they logged themselves."""
    if user.sees_all_cases:
        areas = _coordinated(user, "case")
        return queryset if areas is None else queryset.filter(areas | Q(logged_by=user) | _practitioner_sight(user))
    if not user.is_practitioner or not user.is_active:
        return queryset.none()
    return queryset.filter(_visible(user, "view_case", "case") | Q(logged_by=user))


def case_seen_column(user: User, case_field: str) -> Expression:
    """Whether the user may see the case of each row (records through `case_field`), as a column, for a
    list that shows records whose case its reader may not see (a concern they logged). Read from the
    row's own case, already joined, and a grant probe per row: an EXISTS over every visible case became
    a hash of 50,000 case ids for each page of 25 concerns (14 of a 31 ms query, issue 14)."""
    if user.sees_all_cases:
        areas = _coordinated(user, case_field)
        if areas is None:
            return Value(True, output_field=BooleanField())
        if user.is_practitioner and user.is_active:
            areas |= _visible_per_row(user, "view_case", case_field)
        return ExpressionWrapper(areas, output_field=BooleanField())
    if not user.is_practitioner or not user.is_active:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(_visible_per_row(user, "view_case", case_field), output_field=BooleanField())


def _practitioner_sight(user: User) -> Q:
    return _visible(user, "view_case", "case") if user.is_practitioner and user.is_active else Q(pk__in=[])


def get_concern_for_user(user: User, pk: int, *, write: bool = False) -> Concern:
    """A concern the user logged or whose case they see; writing to it (triage) is the coordinator's."""
    try:
        concern = (
            concerns_visible_to(user)
            .select_related("case__child", "logged_by", "source_agency", "category", "triaged_by")
            .get(pk=pk)
        )
    except Concern.DoesNotExist:
        raise Http404("No such concern.") from None
    if write:
        require_coordination(user)
    return concern
