"""The access matrix, generated from the URL resolver: every URL pattern of the web app and the API ×
every demo role × objects of each kind that the role may and may not see (DESIGN §3, issue 12).

How it works:
- `url_patterns()` walks the resolver. Every pattern must have an entry in SPECS (keyed by its route),
  so a new URL fails this test until someone writes down who may use it.
- A spec names the kinds of object that fill the URL's parameters (`variants`), and a rule that gives
  the expected outcome for (role, variant, method). The rules read the tables below, written by hand
  from DESIGN §3 — not from the code under test.
- Every request runs in a savepoint that is rolled back, so one request's write does not change what
  the next one meets. A 500 fails the test (the client re-raises it).

Outcomes: OK (served: anything but 401/403/404 or a sign-in redirect), 404, 403, LOGIN (a web page
sends an anonymous visitor to sign in), 401 (the API without a token). A method a URL does not take
must answer 405, or the role-level refusal that comes before it (sign in, 401, or 403 for a role).

The list checks at the end look for each hidden child's name and case reference in every page and API
response that lists, counts, searches or exports cases, for every role.
"""

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from http.cookies import SimpleCookie

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api import services as api_services
from cases import services as case_services
from cases.models import Case
from cases.services import documents as document_services
from cases.services import merge as merge_services
from meetings import services as meeting_services
from meetings.models import AttendanceStatus, Feedback, Section
from met.notifications import notify
from quality import services as quality_services
from reporting import services as report_services
from reporting.models import PlanAction, Priority, ReportKind, StrategicGroup
from riskassessment import services as risk_services
from riskassessment.models import Provider
from tests import home_figure
from tests.cases import add_episode, agency, make_case, user

# --- roles -----------------------------------------------------------------------------------------

ANON = "anonymous"
SA = "sysadmin@example.org"
PA = "admin.police@example.org"
C = "coordinator@example.org"
CH = "chair@example.org"
P = "practitioner.police@example.org"
H = "practitioner.health@example.org"
S = "practitioner.school@example.org"
ROLES = [ANON, SA, PA, C, CH, P, H, S]
CASE_ROLES = {C, CH, P, H, S}
OVERSIGHT = {C, CH}
ADMINS = {SA, PA}

OK, NOT_FOUND, FORBIDDEN, LOGIN, UNAUTHORISED = "ok", 404, 403, "login", 401

# --- who may see what: written from DESIGN §3 ------------------------------------------------------

# own: Police and Health involved, police practitioner leads. other: Education only.
# restricted: Police and Health involved, restricted to the health practitioner.
# restricted_lead: restricted to the health practitioner; the police practitioner leads it (and is not named).
# referred: logged by the police practitioner; opened with CSC, Health and Education involved.
# viewonly: Police involved; the school practitioner owns an action on it, Education no longer involved.
CASE_VARIANTS = ["own", "other", "restricted", "restricted_lead", "referred", "viewonly", "missing"]
CASE_SEES = {
    "own": {C, CH, P, H},
    "other": {C, CH, S},
    "restricted": {C, CH, H},
    "restricted_lead": {C, CH, H, P},
    "referred": {C, CH, H, S},
    "viewonly": {C, CH, P, S},
    "missing": set(),
}
CASE_CHANGES = {**CASE_SEES, "viewonly": {C, CH, P}}
# Whoever logged the concern sees it (and its outcome), though not the case.
CONCERN_SEES = {**CASE_SEES, "referred": {C, CH, H, S, P}}
ACTION_OWNER = {"own": P, "other": S, "restricted": H, "restricted_lead": P, "referred": H, "viewonly": S}
# Meeting a: police and health attend and accepted the statement; meeting b: the school attends, not accepted.
MEETING_SEES = {"a": {C, CH, P, H}, "b": {C, CH, S}, "missing": set()}
# Items on meeting a's URL: a restricted child stays hidden from attendees not named; b's item is not a's.
ITEM_VARIANTS = ["item_own", "item_other", "item_restricted", "item_of_b", "missing"]
ITEM_SEES = {
    "item_own": {C, CH, P, H},
    "item_other": {C, CH, P, H},
    "item_restricted": {C, CH, H},
    "item_of_b": set(),
    "missing": set(),
}
# Places and persons: one recorded by the coordinator about "own", one by the school about "other".
REGISTER_SEES = {"by_coordinator": {C, CH, P, H}, "by_school": {C, CH, S}, "missing": set()}
USER_VARIANTS = ["police_user", "health_user", "missing"]
AGENCY_VARIANTS = ["police", "health", "missing"]


def sees_user(role, variant):
    return (role == SA and variant != "missing") or (role == PA and variant == "police_user")


# --- rules -----------------------------------------------------------------------------------------

WEB, API = "web", "api"


def _gate(role, kind, *, case_role=True):
    """The refusal that comes before any object is looked up, or None."""
    if role == ANON:
        return LOGIN if kind == WEB else UNAUTHORISED
    if case_role and role in ADMINS:
        return FORBIDDEN
    return None


def signed_in(kind=WEB):
    return lambda role, variant, method: _gate(role, kind, case_role=False) or OK


def public(role, variant, method):
    return OK


def case_roles_only(kind=WEB):
    return lambda role, variant, method: _gate(role, kind) or OK


def oversight(kind=WEB):
    """Coordinators and chairs; 403 for everyone else signed in."""
    return lambda role, variant, method: _gate(role, kind) or (OK if role in OVERSIGHT else FORBIDDEN)


def chair_only(role, variant, method):
    return _gate(role, WEB) or (OK if role == CH else FORBIDDEN)


def system_admin(role, variant, method):
    return _gate(role, WEB, case_role=False) or (OK if role == SA else FORBIDDEN)


def account_admins(role, variant, method):
    return _gate(role, WEB, case_role=False) or (OK if role in ADMINS else FORBIDDEN)


def seen_in(table, *, kind=WEB, changes=None, writes=("post", "patch", "put", "delete"), write_rule=None):
    """404 for what the role may not see, 403 on a write it may not make, OK otherwise."""

    def rule(role, variant, method):
        gate = _gate(role, kind)
        if gate:
            return gate
        if role not in table[variant]:
            return NOT_FOUND
        if method in writes:
            allowed = write_rule(role, variant) if write_rule else role in (changes or table)[variant]
            return OK if allowed else FORBIDDEN
        return OK

    return rule


def coordination_then(table, kind=WEB, *, seen_first=None):
    """The coordinator's and chair's work: 403 for practitioners before the object is looked up (or,
    with `seen_first`, once they are found to see the object that holds it, such as the meeting)."""

    def rule(role, variant, method):
        gate = _gate(role, kind)
        if gate:
            return gate
        if seen_first is not None and role not in seen_first:
            return NOT_FOUND
        if role not in OVERSIGHT:
            return FORBIDDEN
        return OK if role in table[variant] else NOT_FOUND

    return rule


def meeting_writes(table):
    """Seen → 403 for attendees who do not run the meeting; unseen → 404."""
    return seen_in(table, writes=("get", "post"), write_rule=lambda role, variant: role in OVERSIGHT)


def meeting_part_rule(role, variant):
    """A record belonging to meeting a's running (a guest, an invitation): 404 unless the role sees the
    meeting, 403 unless they run it, then 404 for one that does not exist."""
    return (
        _gate(role, WEB)
        or (NOT_FOUND if role not in MEETING_SEES["a"] else FORBIDDEN if role not in OVERSIGHT else None)
        or (NOT_FOUND if variant == "missing" else OK)
    )


def action_writes(role, variant):
    return role in OVERSIGHT or ACTION_OWNER.get(variant) == role


# Merging two records of one child (issue 16, part 5): a pair of children, each seen by whoever sees its case.
CHILD_PAIRS = {"own_other": ("own", "other"), "own_viewonly": ("own", "viewonly"), "missing": ("own", "missing")}
PAIR_SEES = {pair: CASE_SEES[a] & CASE_SEES[b] for pair, (a, b) in CHILD_PAIRS.items()}


def coordinator_merges(table):
    """404 for a record the role may not see (either of a pair), then 403 unless the role is the coordinator."""

    def rule(role, variant, method):
        return _gate(role, WEB) or (NOT_FOUND if role not in table[variant] else OK if role == C else FORBIDDEN)

    return rule


def merge_record_rule(role, variant, method):
    """A merge's record and its reversal: the system admin's; 404 for one that does not exist."""
    return _gate(role, WEB, case_role=False) or (FORBIDDEN if role != SA else NOT_FOUND if variant == "missing" else OK)


def sees_agency(role, variant):
    return variant != "missing" and (role == SA or variant == "police")


def managed(visible, *, may_change=lambda role, variant: True):
    """Account and agency management: admins only, within what they manage."""

    def rule(role, variant, method):
        gate = _gate(role, WEB, case_role=False)
        if gate:
            return gate
        if role not in ADMINS:
            return FORBIDDEN
        if not visible(role, variant):
            return NOT_FOUND
        return OK if may_change(role, variant) else FORBIDDEN

    return rule


def own_only(owner_of: dict[str, str], kind=WEB, case_role=False):
    """A person's own token or notification: another person's is a 404."""

    def rule(role, variant, method):
        return _gate(role, kind, case_role=case_role) or (OK if owner_of.get(variant) == role else NOT_FOUND)

    return rule


def reassigners(visible):
    """Moving a person's open work (issue 20): the coordinator's, for anyone, and agency admins', for
    their own agency's staff; 403 for every other role, 404 for a person or item they may not see."""

    def rule(role, variant, method):
        gate = _gate(role, WEB, case_role=False)
        if gate:
            return gate
        if role not in (C, PA):
            return FORBIDDEN
        return OK if visible(role, variant) else NOT_FOUND

    return rule


def sees_work_of(role, variant):
    return variant != "missing" and (role == C or variant in ("police_user", "police_action"))


def staff_only(role, variant, method):
    # Django's admin is for emergencies by staff accounts; no demo account is staff.
    return LOGIN


# Case audits (issue 17): a round led by the chair, audited by the police and health practitioners, its
# sample the "own" case. Coordinators and chairs see every round; auditors see it while it runs; the lead (or
# any chair) runs it; the school practitioner sees nothing of it.
ROUND_SEES = {"round": {C, CH, P, H}, "missing": set()}
SAMPLE_SEES = {"in_sample": {C, CH, P, H}, "not_in_sample": set(), "missing": set()}
AUDITORS = {P, H}
LEARNING_SEES = {"action_of_p": {C, CH, P, H}, "missing": set()}


def round_part_rule(role, variant, method):
    """Something of the round's running (an auditor's place, a learning point): 404 unless the role sees the
    round, 403 unless it runs it, then 404 for one that does not exist."""
    return (
        _gate(role, WEB)
        or (NOT_FOUND if role not in ROUND_SEES["round"] else FORBIDDEN if role != CH else None)
        or (NOT_FOUND if variant == "missing" else OK)
    )


def report_rule(*, chair_writes=(), chair_reads=False):
    """Reports are the coordinator's and chairs'; finalising, re-issuing and rebuilding are the chair's."""

    def rule(role, variant, method):
        gate = _gate(role, WEB)
        if gate:
            return gate
        if role not in OVERSIGHT:
            return FORBIDDEN
        if variant == "missing":
            return NOT_FOUND
        if (method in chair_writes or chair_reads) and role != CH:
            return FORBIDDEN
        return OK

    return rule


def plan_rule(*, edits=("get", "post")):
    """The strategic action plan (issue 17 part 3): read by the coordinator and chairs; changed only by
    the strategic group's chair (the demo chair in this world) and deputy (nobody here); 404 for a
    priority or action that does not exist, to those who may read the plan."""

    def rule(role, variant, method):
        gate = _gate(role, WEB)
        if gate:
            return gate
        if role not in OVERSIGHT:
            return FORBIDDEN
        if variant == "missing":
            return NOT_FOUND
        return FORBIDDEN if method in edits and role != CH else OK

    return rule


@dataclass
class Spec:
    rule: Callable
    variants: list[str] = field(default_factory=lambda: ["-"])
    # Which model's objects fill the URL, by parameter name; "-" for a URL with no object.
    fill: str = ""
    methods: tuple[str, ...] = ("get", "post")


def web_case(rule_table=CASE_SEES, **kw):
    return Spec(seen_in(rule_table, changes=CASE_CHANGES, **kw), CASE_VARIANTS, "case")


def case_write(**kw):
    """A page that writes to the case: GET and POST need change permission."""
    return Spec(seen_in(CASE_SEES, changes=CASE_CHANGES, writes=("get", "post")), CASE_VARIANTS, "case", **kw)


def case_coordination():
    return Spec(coordination_then(CASE_SEES), CASE_VARIANTS, "case")


API_DETAIL = ("get", "post", "patch", "put", "delete")
API_LIST = ("get", "post", "patch", "put", "delete")

SPECS: dict[str, Spec] = {
    # --- accounts -------------------------------------------------------------------------------
    "": Spec(signed_in(), methods=("get",)),
    "healthz": Spec(public, methods=("get",)),
    "login/": Spec(public),
    # Signing out (even when not signed in) ends on the sign-in page.
    "logout/": Spec(lambda role, variant, method: LOGIN, methods=("post",)),
    "account/": Spec(signed_in()),
    "account/api-tokens/": Spec(signed_in()),
    "account/api-tokens/<int:pk>/revoke/": Spec(
        own_only({"token_of_p": P, "token_of_h": H}), ["token_of_p", "token_of_h", "missing"], "token", ("post",)
    ),
    "account/2fa/setup/": Spec(signed_in()),
    "account/2fa/verify/": Spec(signed_in()),
    "account/password/": Spec(signed_in()),
    "account/password/done/": Spec(signed_in(), methods=("get",)),
    "password-reset/": Spec(public),
    "password-reset/sent/": Spec(public, methods=("get",)),
    "password-reset/<uidb64>/<token>/": Spec(public, ["bad_link"], "reset_link"),
    "password-reset/complete/": Spec(public, methods=("get",)),
    "manage/accounts/": Spec(account_admins, methods=("get",)),
    "manage/accounts/new/": Spec(account_admins),
    "manage/accounts/<int:pk>/": Spec(managed(sees_user), USER_VARIANTS, "user", ("get",)),
    "manage/accounts/<int:pk>/edit/": Spec(managed(sees_user), USER_VARIANTS, "user"),
    "manage/accounts/<int:pk>/deactivate/": Spec(managed(sees_user), USER_VARIANTS, "user"),
    "manage/accounts/<int:pk>/reactivate/": Spec(managed(sees_user), USER_VARIANTS, "user", ("post",)),
    "manage/accounts/<int:pk>/reset-2fa/": Spec(managed(sees_user), USER_VARIANTS, "user"),
    "manage/accounts/<int:pk>/invite/": Spec(managed(sees_user), USER_VARIANTS, "user", ("post",)),
    "manage/agencies/": Spec(system_admin, methods=("get",)),
    "manage/agencies/new/": Spec(system_admin),
    "manage/agencies/<int:pk>/": Spec(managed(sees_agency), AGENCY_VARIANTS, "agency", ("get",)),
    "manage/agencies/<int:pk>/edit/": Spec(
        managed(sees_agency, may_change=lambda role, variant: role == SA), AGENCY_VARIANTS, "agency"
    ),
    "manage/non-working-days/": Spec(system_admin),
    "notifications/": Spec(signed_in()),
    # --- cases ----------------------------------------------------------------------------------
    "concerns/new/": Spec(case_roles_only()),
    "concerns/<int:pk>/": Spec(seen_in(CONCERN_SEES), CASE_VARIANTS, "concern", ("get",)),
    "concerns/<int:pk>/acknowledge/": Spec(coordination_then(CONCERN_SEES), CASE_VARIANTS, "concern", ("post",)),
    "triage/": Spec(oversight(), methods=("get",)),
    "cases/": Spec(case_roles_only(), methods=("get",)),
    "cases/export.csv": Spec(oversight(), methods=("get",)),
    "cases/search/": Spec(case_roles_only(), methods=("get",)),
    "cases/<int:pk>/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "case", ("get",)),
    "cases/<int:pk>/edit/": case_write(),
    "cases/<int:pk>/child/edit/": case_write(),
    "cases/<int:pk>/open/": case_coordination(),
    "cases/<int:pk>/close/": case_coordination(),
    # Anyone who may see a case may log a concern about its child (a referral is never refused).
    "cases/<int:pk>/concerns/new/": Spec(seen_in(CASE_SEES, writes=()), CASE_VARIANTS, "case"),
    "cases/<int:pk>/notes/": Spec(seen_in(CASE_SEES, changes=CASE_CHANGES), CASE_VARIANTS, "case", ("post",)),
    "cases/<int:pk>/missing/new/": case_write(),
    # The NRM referral and its decisions (issue 16, part 2): whoever may change the case.
    "cases/<int:pk>/nrm/": case_write(),
    # The transition plan for the hand-over at 18 (issue 16, part 6): whoever may change the case.
    "cases/<int:pk>/transition-plan/": case_write(),
    # Safety plans (issue 16, part 1): read by whoever sees the case, agreed or revised by whoever may change it.
    "cases/<int:pk>/safety-plan/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "case", ("get",)),
    "cases/<int:pk>/safety-plan/agree/": case_write(),
    # The chronology (issue 16, part 4), its CSV and PDF: read by whoever sees the case.
    "cases/<int:pk>/chronology/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "case", ("get",)),
    "cases/<int:pk>/chronology.csv": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "case", ("get",)),
    "cases/<int:pk>/chronology.pdf": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "case", ("get",)),
    # Who has accessed this record: chairs (and system admins, who hold no case role) only.
    "cases/<int:pk>/access-log/": Spec(
        lambda role, variant, method: (
            LOGIN
            if role == ANON
            else (NOT_FOUND if variant == "missing" and role in {CH, SA} else OK if role in {CH, SA} else FORBIDDEN)
        ),
        CASE_VARIANTS,
        "case",
        ("get",),
    ),
    "missing/<int:pk>/edit/": Spec(
        seen_in(CASE_SEES, changes=CASE_CHANGES, writes=("get", "post")), CASE_VARIANTS, "episode"
    ),
    "missing/overdue-rhi/": Spec(case_roles_only(), methods=("get",)),
    # Documents on a case (issue 16, part 3): added by whoever may change the case, downloaded by whoever
    # sees it, archived by the uploader (the coordinator, in this world) or the coordinator and chairs.
    "cases/<int:pk>/documents/new/": case_write(),
    "documents/<int:pk>/download/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "document", ("get",)),
    "documents/<int:pk>/archive/": Spec(
        seen_in(CASE_SEES, writes=("get", "post"), write_rule=lambda role, variant: role in OVERSIGHT),
        CASE_VARIANTS,
        "document",
    ),
    # Merging two records of one child (issue 16, part 5): a child's link leads on to a case the role sees;
    # merging is the coordinator's, on records they see; a merge is seen and reversed by a system admin.
    "children/<int:pk>/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "child", ("get",)),
    "children/<int:pk>/merge/": Spec(coordinator_merges(CASE_SEES), CASE_VARIANTS, "child", ("get",)),
    "children/<int:pk>/merge/<int:other_pk>/": Spec(coordinator_merges(PAIR_SEES), list(CHILD_PAIRS), "child_pair"),
    "manage/merges/": Spec(system_admin, methods=("get",)),
    "manage/merges/<int:pk>/": Spec(merge_record_rule, ["merge", "missing"], "merge"),
    # --- risk -----------------------------------------------------------------------------------
    "cases/<int:pk>/assessments/new/": case_write(),
    "cases/<int:pk>/referrals/new/": case_write(),
    "assessments/<int:pk>/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "assessment", ("get",)),
    "assessments/<int:pk>/edit/": Spec(
        seen_in(CASE_SEES, changes=CASE_CHANGES, writes=("get", "post")), CASE_VARIANTS, "assessment"
    ),
    "assessments/<int:pk>/score/": Spec(
        seen_in(CASE_SEES, changes=CASE_CHANGES), CASE_VARIANTS, "assessment", ("post",)
    ),
    "assessments/<int:pk>/submit/": Spec(
        seen_in(CASE_SEES, changes=CASE_CHANGES), CASE_VARIANTS, "assessment", ("post",)
    ),
    "assessments/<int:pk>/confirm/": Spec(coordination_then(CASE_SEES), CASE_VARIANTS, "assessment", ("post",)),
    "assessments/<int:pk>/pdf/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "assessment", ("get",)),
    "referrals/<int:pk>/outcome/": Spec(
        seen_in(CASE_SEES, changes=CASE_CHANGES, writes=("get", "post")), CASE_VARIANTS, "referral"
    ),
    "reviews/due/": Spec(case_roles_only(), methods=("get",)),
    "manage/risk-tool/": Spec(system_admin),
    "manage/risk-settings/": Spec(system_admin),
    "manage/providers/new/": Spec(system_admin),
    "manage/providers/<int:pk>/": Spec(system_admin, ["provider"], "provider"),
    # --- meetings -------------------------------------------------------------------------------
    "meetings/": Spec(case_roles_only(), methods=("get",)),
    "meetings/new/": Spec(oversight()),
    "meetings/<int:pk>/": Spec(seen_in(MEETING_SEES), ["a", "b", "missing"], "meeting", ("get",)),
    "meetings/<int:pk>/accept/": Spec(seen_in(MEETING_SEES, writes=()), ["a", "b", "missing"], "meeting", ("post",)),
    "meetings/<int:pk>/rebuild/": Spec(meeting_writes(MEETING_SEES), ["a", "b", "missing"], "meeting", ("post",)),
    "meetings/<int:pk>/attendance/": Spec(meeting_writes(MEETING_SEES), ["a", "b", "missing"], "meeting"),
    # Guests, invitations for single items: the meeting's running, like feedback.
    "meetings/<int:pk>/guests/<int:guest_pk>/statement/": Spec(
        lambda role, variant, method: meeting_part_rule(role, variant), ["guest_of_a", "missing"], "guest"
    ),
    "meetings/<int:pk>/invite/": Spec(meeting_writes(MEETING_SEES), ["a", "b", "missing"], "meeting"),
    "meetings/<int:pk>/items/<int:item_pk>/decisions/<int:decision_pk>/withdraw/": Spec(
        lambda role, variant, method: meeting_part_rule(role, variant), ["decision_own", "missing"], "decision"
    ),
    "meetings/<int:pk>/invitations/<int:invitation_pk>/withdraw/": Spec(
        lambda role, variant, method: meeting_part_rule(role, variant),
        ["invitation_of_a", "missing"],
        "invitation",
        ("post",),
    ),
    "meetings/<int:pk>/quorum-exception/": Spec(
        meeting_writes(MEETING_SEES), ["a", "b", "missing"], "meeting", ("post",)
    ),
    # Only a chair signs off the minutes.
    "meetings/<int:pk>/sign-off/": Spec(
        seen_in(MEETING_SEES, writes=("get", "post"), write_rule=lambda role, variant: role == CH),
        ["a", "b", "missing"],
        "meeting",
    ),
    "meetings/<int:pk>/addenda/": Spec(meeting_writes(MEETING_SEES), ["a", "b", "missing"], "meeting", ("post",)),
    "meetings/<int:pk>/pack.pdf": Spec(
        # The school attends b but has not accepted the statement: no child details, so no pack.
        seen_in(MEETING_SEES, writes=("get",), write_rule=lambda role, variant: not (role == S and variant == "b")),
        ["a", "b", "missing"],
        "meeting",
        ("get",),
    ),
    "meetings/<int:pk>/minutes.pdf": Spec(
        seen_in(MEETING_SEES, writes=("get",), write_rule=lambda role, variant: not (role == S and variant == "b")),
        ["a", "b", "missing"],
        "meeting",
        ("get",),
    ),
    "meetings/<int:pk>/items/new/": Spec(meeting_writes(MEETING_SEES), ["a", "b", "missing"], "meeting"),
    "meetings/<int:pk>/feedback/<int:feedback_pk>/": Spec(
        lambda role, variant, method: (
            _gate(role, WEB)
            or (
                NOT_FOUND
                if role not in MEETING_SEES["a"]
                else FORBIDDEN
                if role not in OVERSIGHT
                else NOT_FOUND
                if variant == "missing"
                else OK
            )
        ),
        ["feedback_own", "missing"],
        "feedback",
        ("post",),
    ),
    "meetings/<int:pk>/items/<int:item_pk>/": Spec(
        seen_in(ITEM_SEES, writes=("post",), write_rule=lambda role, variant: role in OVERSIGHT),
        ITEM_VARIANTS,
        "item",
    ),
    "meetings/<int:pk>/items/<int:item_pk>/remove/": Spec(
        coordination_then(ITEM_SEES, seen_first=MEETING_SEES["a"]), ITEM_VARIANTS, "item"
    ),
    "meetings/<int:pk>/items/<int:item_pk>/restore/": Spec(
        coordination_then(ITEM_SEES, seen_first=MEETING_SEES["a"]), ITEM_VARIANTS, "item", ("post",)
    ),
    "meetings/<int:pk>/items/<int:item_pk>/move/": Spec(
        coordination_then(ITEM_SEES, seen_first=MEETING_SEES["a"]), ITEM_VARIANTS, "item", ("post",)
    ),
    "actions/": Spec(oversight(), methods=("get",)),
    "actions/mine/": Spec(signed_in(), methods=("get",)),
    "actions/<int:pk>/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "action", ("get",)),
    "actions/<int:pk>/complete/": Spec(
        seen_in(CASE_SEES, write_rule=action_writes), CASE_VARIANTS, "action", ("post",)
    ),
    "actions/<int:pk>/cancel/": Spec(
        seen_in(CASE_SEES, write_rule=lambda role, variant: role in OVERSIGHT), CASE_VARIANTS, "action", ("post",)
    ),
    "cases/<int:pk>/actions/new/": case_write(),
    "open-work/": Spec(reassigners(lambda role, variant: True), methods=("get",)),
    "people/<int:pk>/open-work/": Spec(reassigners(sees_work_of), USER_VARIANTS, "user", ("get",)),
    "people/<int:pk>/open-work/all/": Spec(reassigners(sees_work_of), USER_VARIANTS, "user"),
    "people/<int:pk>/open-work/<slug:kind>/<int:item_pk>/": Spec(
        reassigners(sees_work_of), ["police_action", "health_action", "missing"], "open_work_item"
    ),
    "places/": Spec(case_roles_only(), methods=("get",)),
    "places/new/": Spec(case_roles_only()),
    "places/<int:pk>/": Spec(seen_in(REGISTER_SEES, writes=()), ["by_coordinator", "by_school", "missing"], "place"),
    "persons/": Spec(case_roles_only(), methods=("get",)),
    "persons/new/": Spec(case_roles_only()),
    "persons/<int:pk>/": Spec(seen_in(REGISTER_SEES, writes=()), ["by_coordinator", "by_school", "missing"], "person"),
    # The problem profile: every case role, built from the cases each may see (issue 18, part 5).
    "registers/profile/": Spec(case_roles_only(), methods=("get",)),
    "registers/profile.csv": Spec(case_roles_only(), methods=("get",)),
    # --- case audits (issue 17) -------------------------------------------------------------------
    "audits/": Spec(case_roles_only(), methods=("get",)),
    "audits/new/": Spec(oversight()),
    "audits/<int:pk>/": Spec(seen_in(ROUND_SEES, writes=()), ["round", "missing"], "audit_round", ("get",)),
    "audits/<int:pk>/auditors/": Spec(
        seen_in(ROUND_SEES, writes=("get", "post"), write_rule=lambda role, variant: role == CH),
        ["round", "missing"],
        "audit_round",
    ),
    "audits/<int:pk>/auditors/<int:auditor_pk>/remove/": Spec(
        round_part_rule, ["auditor_h", "missing"], "audit_auditor", ("post",)
    ),
    "audits/<int:pk>/close/": Spec(
        seen_in(ROUND_SEES, writes=("post",), write_rule=lambda role, variant: role == CH),
        ["round", "missing"],
        "audit_round",
        ("post",),
    ),
    "audits/<int:pk>/findings/new/": Spec(
        seen_in(ROUND_SEES, writes=("get", "post"), write_rule=lambda role, variant: role == CH),
        ["round", "missing"],
        "audit_round",
    ),
    "audits/<int:pk>/findings/<int:finding_pk>/actions/new/": Spec(
        round_part_rule, ["learning", "missing"], "audit_finding"
    ),
    "audits/<int:pk>/cases/<int:case_pk>/": Spec(
        seen_in(SAMPLE_SEES, writes=()), ["in_sample", "not_in_sample", "missing"], "audit_case", ("get",)
    ),
    # Only the auditors grade (each for their own agency); only the lead (or a chair) moderates.
    "audits/<int:pk>/cases/<int:case_pk>/grade/": Spec(
        seen_in(SAMPLE_SEES, writes=("get", "post"), write_rule=lambda role, variant: role in AUDITORS),
        ["in_sample", "not_in_sample", "missing"],
        "audit_case",
    ),
    "audits/<int:pk>/cases/<int:case_pk>/moderate/": Spec(
        seen_in(SAMPLE_SEES, writes=("get", "post"), write_rule=lambda role, variant: role == CH),
        ["in_sample", "not_in_sample", "missing"],
        "audit_case",
    ),
    # A learning action: completed by its owner (the police practitioner) or the round's lead.
    "learning-actions/<int:pk>/": Spec(
        seen_in(LEARNING_SEES, writes=("post",), write_rule=lambda role, variant: role in {P, CH}),
        ["action_of_p", "missing"],
        "audit_learning_action",
    ),
    # --- reports --------------------------------------------------------------------------------
    "reports/": Spec(
        lambda role, variant, method: (
            _gate(role, WEB) or (FORBIDDEN if role not in OVERSIGHT or (method == "post" and role != CH) else OK)
        )
    ),
    "reports/<int:pk>/": Spec(report_rule(), ["final", "missing"], "report", ("get",)),
    "reports/<int:pk>/commentary/": Spec(report_rule(), ["final", "missing"], "report", ("post",)),
    # The report in the world is already finalised: a finalised report cannot be finalised again (403).
    "reports/<int:pk>/finalise/": Spec(
        lambda role, variant, method: (
            FORBIDDEN if report_rule()(role, variant, method) == OK else report_rule()(role, variant, method)
        ),
        ["final", "missing"],
        "report",
    ),
    "reports/<int:pk>/reissue/": Spec(report_rule(chair_reads=True), ["final", "missing"], "report"),
    "reports/<int:pk>/retry/": Spec(report_rule(chair_reads=True), ["final", "missing"], "report", ("post",)),
    "reports/<int:pk>/report.pdf": Spec(report_rule(), ["final", "missing"], "report", ("get",)),
    "reports/<int:pk>/tables/<slug:table>.csv": Spec(report_rule(), ["final", "missing"], "report_table", ("get",)),
    "dashboard/": Spec(oversight(), methods=("get",)),
    "dashboard/stuck-cases.csv": Spec(oversight(), methods=("get",)),
    "plan/": Spec(oversight(), methods=("get",)),
    "plan/export.csv": Spec(oversight(), methods=("get",)),
    # The action's page: its progress is rated by the coordinator and chairs (as before the plan could be kept).
    "plan/actions/<int:pk>/": Spec(plan_rule(edits=()), ["plan_action", "missing"], "plan_action"),
    "plan/actions/<int:pk>/edit/": Spec(plan_rule(), ["plan_action", "missing"], "plan_action"),
    "plan/actions/<int:pk>/retire/": Spec(plan_rule(), ["plan_action", "missing"], "plan_action"),
    "plan/priorities/new/": Spec(plan_rule()),
    "plan/priorities/<int:pk>/edit/": Spec(plan_rule(), ["priority", "missing"], "plan_priority"),
    "plan/priorities/<int:pk>/retire/": Spec(plan_rule(), ["priority", "missing"], "plan_priority"),
    "plan/priorities/<int:pk>/actions/new/": Spec(plan_rule(), ["priority", "missing"], "plan_priority"),
    "plan/reviews/": Spec(plan_rule(edits=()), methods=("get",)),
    "plan/reviews/record/": Spec(plan_rule()),
    "plan/reviews/next/": Spec(plan_rule()),
    # Naming the strategic group's chairs: a system admin's, as the LSCB appointed them.
    "plan/group/": Spec(system_admin),
    # --- API ------------------------------------------------------------------------------------
    "api/schema/": Spec(signed_in(API), methods=("get",)),
    "api/docs/": Spec(signed_in(), methods=("get",)),
    "api/v1/": Spec(signed_in(API), methods=("get",)),
    "api/v1/me/": Spec(signed_in(API), methods=("get",)),
    "api/v1/^children/$": Spec(case_roles_only(API), methods=("get",)),
    "api/v1/^children/(?P<pk>[0-9]{1,18})/$": Spec(seen_in(CASE_SEES, kind=API), CASE_VARIANTS, "child", ("get",)),
    "api/v1/^cases/$": Spec(case_roles_only(API), methods=("get",)),
    "api/v1/^cases/(?P<pk>[0-9]{1,18})/$": Spec(
        seen_in(CASE_SEES, kind=API, changes=CASE_CHANGES), CASE_VARIANTS, "case", ("get", "patch")
    ),
    "api/v1/^concerns/$": Spec(case_roles_only(API)),
    "api/v1/^concerns/(?P<pk>[0-9]{1,18})/$": Spec(seen_in(CONCERN_SEES, kind=API), CASE_VARIANTS, "concern", ("get",)),
    "api/v1/^missing-episodes/$": Spec(case_roles_only(API)),
    "api/v1/^missing-episodes/(?P<pk>[0-9]{1,18})/$": Spec(
        seen_in(CASE_SEES, kind=API, changes=CASE_CHANGES), CASE_VARIANTS, "episode", ("get", "patch")
    ),
    "api/v1/^risk-assessments/$": Spec(case_roles_only(API)),
    "api/v1/^risk-assessments/(?P<pk>[0-9]{1,18})/$": Spec(
        seen_in(CASE_SEES, kind=API, changes=CASE_CHANGES), CASE_VARIANTS, "assessment", ("get", "patch")
    ),
    "api/v1/^risk-assessments/(?P<pk>[0-9]{1,18})/submit/$": Spec(
        seen_in(CASE_SEES, kind=API, changes=CASE_CHANGES), CASE_VARIANTS, "assessment", ("post",)
    ),
    "api/v1/^risk-tools/$": Spec(case_roles_only(API), methods=("get",)),
    "api/v1/^risk-tools/(?P<pk>[0-9]{1,18})/$": Spec(case_roles_only(API), ["tool"], "tool", ("get",)),
    "api/v1/^meetings/$": Spec(case_roles_only(API), methods=("get",)),
    "api/v1/^meetings/(?P<pk>[0-9]{1,18})/$": Spec(
        seen_in(MEETING_SEES, kind=API), ["a", "b", "missing"], "meeting", ("get",)
    ),
    "api/v1/^meetings/(?P<pk>[0-9]{1,18})/accept-statement/$": Spec(
        seen_in(MEETING_SEES, kind=API, writes=()), ["a", "b", "missing"], "meeting", ("post",)
    ),
    "api/v1/^actions/$": Spec(case_roles_only(API), methods=("get",)),
    "api/v1/^actions/(?P<pk>[0-9]{1,18})/$": Spec(seen_in(CASE_SEES, kind=API), CASE_VARIANTS, "action", ("get",)),
    "api/v1/^actions/(?P<pk>[0-9]{1,18})/complete/$": Spec(
        seen_in(CASE_SEES, kind=API, write_rule=action_writes), CASE_VARIANTS, "action", ("post",)
    ),
    "api/v1/^notifications/$": Spec(signed_in(API), methods=("get",)),
    "api/v1/^notifications/read-all/$": Spec(signed_in(API), methods=("post",)),
    "api/v1/^notifications/(?P<pk>[0-9]{1,18})/$": Spec(
        own_only({"note_of_p": P, "note_of_h": H}, API), ["note_of_p", "note_of_h", "missing"], "notification", ("get",)
    ),
    "api/v1/^notifications/(?P<pk>[0-9]{1,18})/read/$": Spec(
        own_only({"note_of_p": P, "note_of_h": H}, API),
        ["note_of_p", "note_of_h", "missing"],
        "notification",
        ("post",),
    ),
    "api/v1/^categories/$": Spec(signed_in(API), methods=("get",)),
    "api/v1/^categories/(?P<code>[-a-zA-Z0-9_]{1,50})/$": Spec(signed_in(API), ["cse"], "category", ("get",)),
    "api/v1/^agencies/$": Spec(signed_in(API), methods=("get",)),
    "api/v1/^agencies/(?P<pk>[0-9]{1,18})/$": Spec(signed_in(API), ["police"], "agency", ("get",)),
    # Anything else under /api/ is a JSON 404 for everyone.
    "api/^[\\s\\S]*\\Z": Spec(lambda role, variant, method: NOT_FOUND, methods=("get",)),
    # Children placed across a border and cases moving area (issue 18, part 2). The placement view: whoever
    # sees the case (and a host area's coordinators and chairs, tests/cases/test_placements.py); the host
    # area's list: coordinators and chairs; recording, ending and transferring: the responsible area's
    # coordinators and chairs (403 for practitioners who see the case). The demo world has one area and so
    # no placement: ending one finds none (404).
    "cases/placed-here/": Spec(oversight(), methods=("get",)),
    "cases/<int:pk>/placement/": Spec(seen_in(CASE_SEES), CASE_VARIANTS, "case", ("get",)),
    "cases/<int:pk>/placement/new/": Spec(
        seen_in(CASE_SEES, writes=("get", "post"), write_rule=lambda role, variant: role in OVERSIGHT),
        CASE_VARIANTS,
        "case",
    ),
    "cases/<int:pk>/placement/end/": Spec(
        lambda role, variant, method: (
            seen_in(CASE_SEES, writes=("get", "post"), write_rule=lambda r, v: r in OVERSIGHT)(role, variant, method)
            if role not in OVERSIGHT
            else NOT_FOUND
        ),
        CASE_VARIANTS,
        "case",
    ),
    "cases/<int:pk>/transfer/": Spec(
        seen_in(CASE_SEES, writes=("get", "post"), write_rule=lambda role, variant: role in OVERSIGHT),
        CASE_VARIANTS,
        "case",
    ),
    # Local areas (issue 18): set up by system admins only; 403 for every other role before any lookup.
    "manage/areas/": Spec(system_admin, methods=("get",)),
    "manage/areas/new/": Spec(system_admin),
    "manage/areas/<int:pk>/": Spec(
        lambda role, variant, method: (
            system_admin(role, variant, method) if role != SA or variant != "missing" else NOT_FOUND
        ),
        ["local", "missing"],
        "area",
        ("get",),
    ),
    "manage/areas/<int:pk>/edit/": Spec(
        lambda role, variant, method: (
            system_admin(role, variant, method) if role != SA or variant != "missing" else NOT_FOUND
        ),
        ["local", "missing"],
        "area",
    ),
}
ADMIN_PREFIX = "django-admin/"


def url_patterns():
    """(route, pattern) for every URL the project answers, walked from the resolver."""

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry

    return list(walk(get_resolver()))


def spec_for(route: str) -> Spec | None:
    if route in (ADMIN_PREFIX + "login/", ADMIN_PREFIX + "logout/"):
        return Spec(public)  # the admin's own sign-in page, shown to anyone
    if route.startswith(ADMIN_PREFIX):
        return Spec(staff_only, methods=("get",))
    return SPECS.get(route)  # a route with none fails test_it_has_an_expectation_for_every_url_pattern


def test_it_has_an_expectation_for_every_url_pattern():
    missing = [route for route, _ in url_patterns() if not route.startswith(ADMIN_PREFIX) and route not in SPECS]
    stale = set(SPECS) - {route for route, _ in url_patterns()}
    assert not missing, f"URL patterns with no access expectation recorded: {missing}"
    assert not stale, f"expectations for URL patterns that no longer exist: {sorted(stale)}"


# --- the world -------------------------------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, dict[str, object]]
    names: dict[str, str]  # case variant → the child's unique family name
    references: dict[str, str]


MISSING_PK = 987654321


def build_world() -> World:
    coordinator, chair, police, health, school = (user(e) for e in (C, CH, P, H, S))
    names = {v: f"Matrix{v.replace('_', '').capitalize()}fam" for v in CASE_VARIANTS if v != "missing"}
    cases = {
        "own": make_case(agencies=("Police", "Health"), lead=police, last_name=names["own"]),
        "other": make_case(agencies=("Education",), lead=school, last_name=names["other"]),
        "restricted": make_case(agencies=("Police", "Health"), restricted_to=[health], last_name=names["restricted"]),
        "restricted_lead": make_case(
            agencies=("Police", "Health"), lead=police, restricted_to=[health], last_name=names["restricted_lead"]
        ),
        "referred": make_case(police, agencies=("CSC", "Health", "Education"), last_name=names["referred"]),
        "viewonly": make_case(agencies=("Police", "Education"), last_name=names["viewonly"]),
    }
    due = timezone.localdate() + timedelta(days=7)
    actions = {
        variant: meeting_services.action_create(
            actor=coordinator, case=case, description="Matrix action", owner=user(ACTION_OWNER[variant]), due_date=due
        )
        for variant, case in cases.items()
    }
    viewonly = Case.objects.get(pk=cases["viewonly"].pk)
    case_services.case_update(
        actor=coordinator,
        case=viewonly,
        expected_version=viewonly.version,
        seen=None,
        agencies_involved=[agency("Police")],
    )
    episodes = {variant: add_episode(case, days_ago=3) for variant, case in cases.items()}
    assessments = {
        variant: risk_services.assessment_start(actor=coordinator, case=case) for variant, case in cases.items()
    }
    documents = {
        variant: document_services.document_upload(
            actor=coordinator,
            case=case,
            file=SimpleUploadedFile("matrix.pdf", b"%PDF-1.4\n%%EOF\n"),
            title="Matrix document",
        )
        for variant, case in cases.items()
    }
    provider = Provider.objects.filter(is_active=True).first()
    referrals = {
        variant: risk_services.referral_create(
            actor=coordinator, case=case, provider=provider, referred_on=timezone.localdate()
        )
        for variant, case in cases.items()
    }
    meeting_a = meeting_services.meeting_create(
        actor=coordinator, date=timezone.localdate(), starts_at=time(10, 0), chair=chair
    )
    meeting_b = meeting_services.meeting_create(
        actor=coordinator, date=timezone.localdate() + timedelta(days=7), starts_at=time(10, 0), chair=chair
    )
    for person in (police, health):
        meeting_services.attendance_set(
            actor=coordinator, meeting=meeting_a, user=person, status=AttendanceStatus.PRESENT
        )
        meeting_services.statement_accept(actor=person, meeting=meeting_a)
    meeting_services.attendance_set(actor=coordinator, meeting=meeting_b, user=school, status=AttendanceStatus.PRESENT)
    for person, meeting in itertools.product((coordinator, chair), (meeting_a, meeting_b)):
        meeting_services.statement_accept(actor=person, meeting=meeting)  # everyone accepts it (issue 20)

    def item(meeting, variant):
        return meeting_services.item_add(
            actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=cases[variant], reason="Matrix"
        )

    items = {
        "item_own": item(meeting_a, "own"),
        "item_other": item(meeting_a, "other"),
        "item_restricted": item(meeting_a, "restricted"),
        "item_of_b": item(meeting_b, "own"),
    }
    feedback = Feedback.objects.create(meeting=meeting_a, case=cases["own"], due_date=timezone.localdate())
    decision = meeting_services.decision_other(actor=coordinator, item=items["item_own"], text="Matrix decision")
    guest = meeting_services.guest_add(
        actor=coordinator, meeting=meeting_a, name="Matrix Guest", organisation="Housing", scope="items"
    )
    invitation = meeting_services.item_invite(
        actor=coordinator, meeting=meeting_a, items=[items["item_own"]], slot=time(11, 0), guest=guest
    )[0]
    place_c = meeting_services.place_create(actor=coordinator, name="Matrix park", kind="park")
    place_s = meeting_services.place_create(actor=school, name="Matrix shop", kind="shop")
    person_c = meeting_services.person_create(actor=coordinator, name="Matrix Adult One")
    person_s = meeting_services.person_create(actor=school, name="Matrix Adult Two")
    for entry, variant in ((place_c, "own"), (person_c, "own"), (place_s, "other"), (person_s, "other")):
        meeting_services.register_link(actor=coordinator, entry=entry, case=cases[variant])
    tokens = {
        "token_of_p": api_services.token_create(user=police, name="Matrix")[0],
        "token_of_h": api_services.token_create(user=health, name="Matrix")[0],
    }
    notes = {
        "note_of_p": notify(recipient=police, subject="Matrix", body="For police."),
        "note_of_h": notify(recipient=health, subject="Matrix", body="For health."),
    }
    StrategicGroup.objects.update_or_create(pk=1, defaults={"chair": chair})
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    report, _ = report_services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=last_month)
    report = report_services.report_finalise(actor=chair, report=report_services.report_build(report_id=report.pk))
    from riskassessment.models import ToolVersion

    # Two records of one child, both cases closed (no open case added to any count), one merged into the other.
    kept, merged = (make_case(agencies=("CSC",), status="closed", first_name=n) for n in ("Mergeone", "Mergetwo"))
    child_merge = merge_services.child_merge(
        survivor=kept.child, duplicate=merged.child, by=coordinator, reason="Matrix merge"
    )

    audit_round = quality_services.round_start(
        actor=chair,
        title="Matrix audit",
        theme="Matrix",
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=10),
        sample_size=1,
        criteria={"references": [cases["own"].reference]},
        seed=1,
    )
    for person in (police, health):
        quality_services.auditor_add(actor=chair, round_=audit_round, auditor=person)
    learning = quality_services.finding_record(actor=chair, round_=audit_round, kind="learning", text="Matrix")
    learning_action = quality_services.learning_action_create(
        actor=chair, finding=learning, description="Matrix", owner=police, due_date=timezone.localdate()
    )
    health_place = audit_round.auditors.get(user=health)

    pk = lambda objs: {k: o.pk for k, o in objs.items()}  # noqa: E731
    ids = {
        "case": pk(cases),
        "child": {k: c.child_id for k, c in cases.items()},
        "child_pair": {
            pair: {"pk": cases[a].child_id, "other_pk": cases[b].child_id if b in cases else MISSING_PK}
            for pair, (a, b) in CHILD_PAIRS.items()
        },
        "merge": {"merge": child_merge.pk},
        "concern": {k: c.concerns.order_by("pk").first().pk for k, c in cases.items()},
        "episode": pk(episodes),
        "assessment": pk(assessments),
        "referral": pk(referrals),
        "document": pk(documents),
        "action": pk(actions),
        "meeting": {"a": meeting_a.pk, "b": meeting_b.pk},
        "item": {k: {"pk": meeting_a.pk, "item_pk": i.pk} for k, i in items.items()},
        "feedback": {"feedback_own": {"pk": meeting_a.pk, "feedback_pk": feedback.pk}},
        "guest": {
            "guest_of_a": {"pk": meeting_a.pk, "guest_pk": guest.pk},
            "missing": {"pk": meeting_a.pk, "guest_pk": MISSING_PK},
        },
        "decision": {
            "decision_own": {"pk": meeting_a.pk, "item_pk": items["item_own"].pk, "decision_pk": decision.pk},
            "missing": {"pk": meeting_a.pk, "item_pk": items["item_own"].pk, "decision_pk": MISSING_PK},
        },
        "invitation": {
            "invitation_of_a": {"pk": meeting_a.pk, "invitation_pk": invitation.pk},
            "missing": {"pk": meeting_a.pk, "invitation_pk": MISSING_PK},
        },
        "place": {"by_coordinator": place_c.pk, "by_school": place_s.pk},
        "person": {"by_coordinator": person_c.pk, "by_school": person_s.pk},
        "user": {"police_user": police.pk, "health_user": health.pk},
        "open_work_item": {
            variant: {"pk": person.pk, "kind": "action", "item_pk": item_pk}
            for variant, person, item_pk in (
                ("police_action", police, actions["own"].pk),
                ("health_action", health, actions["restricted"].pk),
                ("missing", police, MISSING_PK),
            )
        },
        "agency": {"police": agency("Police").pk, "health": agency("Health").pk},
        "area": {"local": agency("Police").areas.order_by("pk").first().pk},
        "token": pk(tokens),
        "notification": pk(notes),
        "report": {"final": report.pk},
        "audit_round": {"round": audit_round.pk},
        "audit_auditor": {
            "auditor_h": {"pk": audit_round.pk, "auditor_pk": health_place.pk},
            "missing": {"pk": audit_round.pk, "auditor_pk": MISSING_PK},
        },
        "audit_finding": {
            "learning": {"pk": audit_round.pk, "finding_pk": learning.pk},
            "missing": {"pk": audit_round.pk, "finding_pk": MISSING_PK},
        },
        "audit_case": {
            variant: {"pk": audit_round.pk, "case_pk": case_pk}
            for variant, case_pk in (
                ("in_sample", cases["own"].pk),
                ("not_in_sample", cases["other"].pk),
                ("missing", MISSING_PK),
            )
        },
        "audit_learning_action": {"action_of_p": learning_action.pk},
        "report_table": {"final": {"pk": report.pk, "table": "risk"}},
        "plan_action": {"plan_action": PlanAction.objects.order_by("pk").first().pk},
        "plan_priority": {"priority": Priority.objects.order_by("pk").first().pk},
        "provider": {"provider": provider.pk},
        "tool": {"tool": ToolVersion.objects.order_by("pk").first().pk},
        "category": {"cse": {"code": "cse"}},
        "reset_link": {"bad_link": {"uidb64": "MQ", "token": "not-a-token"}},
    }
    return World(ids=ids, names=names, references={k: c.reference for k, c in cases.items()})


def kwargs_for(world: World, pattern: URLPattern, spec: Spec, variant: str) -> dict:
    params = list(pattern.pattern.regex.groupindex)
    if not params or spec.fill == "":
        return {}
    value = world.ids[spec.fill].get(variant)
    if isinstance(value, dict):
        return dict(value)
    if value is None:  # "missing": an id that exists for nothing
        if spec.fill in ("item", "feedback"):
            return {params[0]: world.ids["meeting"]["a"], params[1]: MISSING_PK}
        if spec.fill == "report_table":
            return {"pk": MISSING_PK, "table": "risk"}
        return {params[0]: MISSING_PK}
    return {params[0]: value}


def url_for(route: str, pattern: URLPattern, kwargs: dict) -> str:
    if route.startswith("api/^[\\s\\S]"):
        return "/api/no-such-thing/"
    if route.startswith(ADMIN_PREFIX):
        path = "/" + route
        for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
            path = re.sub(rf"<(?:\w+:)?{name}>", "1", path)
        path = re.sub(r"\^\(\?P<app_label>[^)]*\)/\$", "auth/", path)
        return re.sub(r"\(\?P<url>\.\*\)\$", "anything", path)
    if "(?P<" in route or "^" in route:
        # A router pattern: replace each named group by its value.
        path = route
        for name, value in kwargs.items():
            path = re.sub(rf"\(\?P<{name}>[^)]*\)(\{{[^}}]*\}})?", str(value), path)
        return "/" + path.replace("^", "").replace("$", "")
    path = route
    for name, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    return "/" + path


def outcome_of(response, kind: str) -> str | int:
    status = response.status_code
    if status in (401, 403, 404):
        return status
    if status == 302 and (
        "/login/" in response.get("Location", "") or "/django-admin/login/" in response.get("Location", "")
    ):
        return LOGIN
    if status == 405:
        return 405
    return OK


@pytest.fixture
def world(demo_data):
    return build_world()


def _clients(role: str) -> tuple[Client, Client]:
    if role == ANON:
        return Client(), Client()
    person = user(role)
    web = Client()
    web.force_login(person)
    _, key = api_services.token_create(user=person, name="Matrix client")
    return web, Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _send(client: Client, method: str, url: str, kind: str):
    # Cookies too are put back: signing out (or a rolled-back session change) must not leak into the next request.
    cookies = client.cookies
    client.cookies = SimpleCookie()
    client.cookies.update(cookies)
    with transaction.atomic():
        if method == "get":
            response = client.get(url)
        elif kind == API:
            response = getattr(client, method)(url, data={}, content_type="application/json")
        else:
            response = getattr(client, method)(url, data={})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


@pytest.mark.parametrize("role", ROLES)
def test_it_gives_every_url_the_expected_status_for_every_role_and_object(world, role):
    cache.clear()
    web, api = _clients(role)
    unexpected = []
    for route, pattern in url_patterns():
        spec = spec_for(route)
        if spec is None:
            unexpected.append(f"{route}: no expectation recorded")
            continue
        kind = API if route.startswith("api/") else WEB
        client = api if kind == API else web
        methods = ("get", "post", "patch", "put", "delete") if kind == API else ("get", "post")
        for variant in spec.variants:
            url = url_for(route, pattern, kwargs_for(world, pattern, spec, variant))
            for method in methods:
                got = outcome_of(_send(client, method, url, kind), kind)
                if method in spec.methods:
                    expected = spec.rule(role, variant, method)
                    ok = got == expected
                else:
                    # A method the URL does not take: 405, or the refusal that comes before it.
                    expected = "405 or refusal"
                    ok = got in (405, LOGIN, 401, 403, 404)
                if not ok:
                    unexpected.append(
                        f"{role} {method.upper()} {url} [{route} / {variant}]: expected {expected}, got {got}"
                    )
    assert not unexpected, f"{role}: {len(unexpected)} unexpected\n" + "\n".join(unexpected)


# --- lists, counts, searches and exports --------------------------------------------------------------

# Pages and API lists that name children or cases. "complete" lists must show every open case the role
# sees (so the absence of the others proves something); the rest show some of them and must hide the others.
LISTS = [
    ("/cases/", WEB, True),
    ("/cases/search/?q=Matrix", WEB, True),
    ("/cases/export.csv", WEB, True),
    ("/triage/", WEB, False),
    ("/missing/overdue-rhi/", WEB, False),
    ("/reviews/due/", WEB, False),
    ("/actions/mine/", WEB, False),
    ("/actions/?status=all", WEB, True),
    ("/places/", WEB, False),
    ("/persons/", WEB, False),
    # The world's links are made today: a period that holds today.
    ("/registers/profile/?start=2000-01-01&end=2199-12-31", WEB, False),
    ("/registers/profile.csv?start=2000-01-01&end=2199-12-31", WEB, False),
    ("/notifications/", WEB, False),
    ("/meetings/{a}/", WEB, False),
    ("/meetings/{a}/pack.pdf", WEB, False),
    ("/api/v1/children/", API, True),
    ("/api/v1/cases/", API, True),
    ("/api/v1/missing-episodes/", API, False),
    ("/api/v1/risk-assessments/", API, False),
    ("/api/v1/actions/", API, False),
    ("/api/v1/meetings/{a}/", API, False),
    ("/api/v1/notifications/", API, False),
]
CONCERN_LISTS = [("/api/v1/concerns/", API)]
RESTRICTED_SEES = {"restricted": CASE_SEES["restricted"], "restricted_lead": CASE_SEES["restricted_lead"]}


def _content(response) -> str:
    if response.get("Content-Type", "").startswith("application/pdf"):
        from io import BytesIO

        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return response.content.decode()


@pytest.mark.parametrize("role", [SA, PA, C, CH, P, H, S])
def test_it_never_names_a_hidden_child_or_case_in_a_list_count_search_or_export(world, role):
    cache.clear()
    web, api = _clients(role)
    seen = {v for v, who in CASE_SEES.items() if role in who}
    # At MEOG every child on the agenda is discussed under the confidentiality statement, except a
    # restricted one, which only the people named on it (and its lead) see.
    on_agenda = {v for v in world.names if v not in RESTRICTED_SEES or role in RESTRICTED_SEES[v]}
    problems = []
    for template, kind, complete in LISTS:
        url = template.format(a=world.ids["meeting"]["a"])
        response = (api if kind == API else web).get(url)
        if response.status_code != 200:
            continue  # refused outright: covered by the matrix
        body = _content(response)
        seen = on_agenda if "/meetings/" in url else {v for v, who in CASE_SEES.items() if role in who}
        for variant, name in world.names.items():
            shown = name in body or re.search(rf"\b{re.escape(world.references[variant])}\b", body)
            if shown and variant not in seen:
                problems.append(f"{url} shows {variant} ({name})")
            if complete and not shown and variant in seen:
                problems.append(f"{url} leaves out {variant}, which {role} may see")
    for url, _ in CONCERN_LISTS:
        response = api.get(url)
        if response.status_code == 200:
            listed = {row["id"] for row in response.json()["results"]}
            for variant in world.names:
                shown = world.ids["concern"][variant] in listed
                if shown != (role in CONCERN_SEES[variant]):
                    problems.append(f"{url}: concern on {variant} {'listed' if shown else 'left out'}")
    assert not problems, f"{role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", [C, CH, P, H, S])
def test_it_counts_on_the_home_page_only_the_cases_the_role_may_see(world, login, role):
    response = login(user(role)).get("/")

    assert home_figure(response, "open_cases") == sum(1 for who in CASE_SEES.values() if role in who)


def test_it_counts_the_referrer_out_of_a_case_they_only_referred(world, login):
    # The police practitioner logged the concern on "referred", and it is open: still not one of their
    # cases. They see own, restricted_lead and viewonly.
    assert Case.objects.get(pk=world.ids["case"]["referred"]).status == "open"
    assert home_figure(login(user(P)).get("/"), "open_cases") == 3
