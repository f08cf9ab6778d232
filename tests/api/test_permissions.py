"""Who may do what through the API: every endpoint × every demo role × a record of their own
agencies' case ("seen": Police and Health) or another agency's ("other": Education only).

The rules are the web app's (cases/access.py, riskassessment/access.py, meetings/access.py):
404 for what a user may not see (exactly as for what does not exist), 403 for what they may see
but not change, 403 for roles without casework (agency and system admins), 401 without a token.
Each request runs in a savepoint that is rolled back, so one role's write does not change what the
next role meets; each write that succeeds is checked to have happened.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from tests.api.world import ANONYMOUS, CHAIR, EVERYONE, POLICE_ADMIN, SYSADMIN, World
from tests.cases import COORDINATOR, HEALTH, POLICE, SCHOOL, user

ADMINS = {POLICE_ADMIN: 403, SYSADMIN: 403, ANONYMOUS: 401}
# Who sees the "seen" case (Police and Health involved) and the "other" one (Education only).
SEES = {
    "seen": {COORDINATOR, CHAIR, POLICE, HEALTH},
    "other": {COORDINATOR, CHAIR, SCHOOL},
}


def see(which: str, ok: int = 200) -> dict[str, int]:
    """ok for those who see the record, 404 for the other case roles, 403/401 for admins and anonymous."""
    return {
        **{role: (ok if role in SEES[which] else 404) for role in (COORDINATOR, CHAIR, POLICE, HEALTH, SCHOOL)},
        **ADMINS,
    }


def anyone(ok: int = 200) -> dict[str, int]:
    return {**dict.fromkeys(EVERYONE, ok), ANONYMOUS: 401}


def case_roles(ok: int = 200) -> dict[str, int]:
    return {**dict.fromkeys((COORDINATOR, CHAIR, POLICE, HEALTH, SCHOOL), ok), **ADMINS}


@dataclass
class Call:
    method: str
    path: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[World], dict] | dict = field(default_factory=dict)
    # What the call changes: read before and after; it must change exactly when the call succeeded.
    state: Callable[[World], Any] | None = None

    def send(self, client: APIClient, world: World):
        body = self.body(world) if callable(self.body) else self.body
        return getattr(client, self.method)(self.path(world), body, format="json")


def _version(obj) -> int:
    obj.refresh_from_db()
    return obj.version


def _rec(name: str):
    return lambda w: getattr(w, name)


CALLS: dict[str, Call] = {
    # reference data and your own account
    "me": Call("get", lambda w: "/api/v1/me/", anyone()),
    "categories": Call("get", lambda w: "/api/v1/categories/", anyone()),
    "category": Call("get", lambda w: "/api/v1/categories/cse/", anyone()),
    "agencies": Call("get", lambda w: "/api/v1/agencies/", anyone()),
    "agency": Call("get", lambda w: f"/api/v1/agencies/{w.seen.lead_agency_id}/", anyone()),
    "risk tools": Call("get", lambda w: "/api/v1/risk-tools/", case_roles()),
    "risk tool": Call("get", lambda w: f"/api/v1/risk-tools/{w.seen_assessment.tool_id}/", case_roles()),
    # lists (what each role finds in them is checked below)
    **{
        f"{name} list": Call("get", lambda w, name=name: f"/api/v1/{name}/", case_roles())
        for name in ("children", "cases", "concerns", "missing-episodes", "risk-assessments", "meetings", "actions")
    },
    "notifications list": Call("get", lambda w: "/api/v1/notifications/", anyone()),
    # the meeting: seen by the coordinator, chairs and attendees
    "meeting": Call(
        "get",
        lambda w: f"/api/v1/meetings/{w.meeting.pk}/",
        {COORDINATOR: 200, CHAIR: 200, POLICE: 200, HEALTH: 200, SCHOOL: 404, **ADMINS},
    ),
    "meeting accept-statement": Call(
        "post",
        lambda w: f"/api/v1/meetings/{w.meeting.pk}/accept-statement/",
        # Attendees accept, for themselves (the chair and coordinator are on the list from the start).
        {COORDINATOR: 200, CHAIR: 200, POLICE: 200, HEALTH: 200, SCHOOL: 404, **ADMINS},
        state=lambda w: sorted(
            w.meeting.attendances.filter(accepted_statement_at__isnull=False).values_list("user__email", flat=True)
        ),
    ),
    # notifications are their recipient's (practitioner.health@) alone
    "notification": Call(
        "get",
        lambda w: f"/api/v1/notifications/{w.notification.pk}/",
        {**dict.fromkeys(EVERYONE, 404), HEALTH: 200, ANONYMOUS: 401},
    ),
    "notification read": Call(
        "post",
        lambda w: f"/api/v1/notifications/{w.notification.pk}/read/",
        {**dict.fromkeys(EVERYONE, 404), HEALTH: 200, ANONYMOUS: 401},
        state=lambda w: type(w.notification).objects.get(pk=w.notification.pk).read_at is not None,
    ),
    "notifications read-all": Call("post", lambda w: "/api/v1/notifications/read-all/", anyone()),
}

for which in ("seen", "other"):
    CALLS.update(
        {
            f"child ({which})": Call(
                "get", lambda w, x=which: f"/api/v1/children/{getattr(w, x).child_id}/", see(which)
            ),
            f"case ({which})": Call("get", lambda w, x=which: f"/api/v1/cases/{getattr(w, x).pk}/", see(which)),
            f"case change ({which})": Call(
                "patch",
                lambda w, x=which: f"/api/v1/cases/{getattr(w, x).pk}/",
                see(which),
                body=lambda w, x=which: {
                    "version": _version(getattr(w, x)),
                    "voice_of_child": "I want to stay at school.",
                },
                state=lambda w, x=which: type(getattr(w, x)).objects.get(pk=getattr(w, x).pk).voice_of_child,
            ),
            f"concern ({which})": Call(
                "get", lambda w, x=which: f"/api/v1/concerns/{getattr(w, f'{x}_concern').pk}/", see(which)
            ),
            f"concern log ({which})": Call(
                "post",
                lambda w: "/api/v1/concerns/",
                see(which, 201),
                body=lambda w, x=which: {
                    "case": getattr(w, x).pk,
                    "category": "cce",
                    "observed_at": (timezone.now() - timedelta(hours=1)).isoformat(),
                    "description": "Seen carrying packages for older youths.",
                },
                state=lambda w, x=which: getattr(w, x).concerns.count(),
            ),
            f"missing episode ({which})": Call(
                "get", lambda w, x=which: f"/api/v1/missing-episodes/{getattr(w, f'{x}_episode').pk}/", see(which)
            ),
            f"missing episode record ({which})": Call(
                "post",
                lambda w: "/api/v1/missing-episodes/",
                see(which, 201),
                body=lambda w, x=which: {
                    "case": getattr(w, x).pk,
                    "went_missing_at": (timezone.now() - timedelta(days=1)).isoformat(),
                },
                state=lambda w, x=which: getattr(w, x).missing_episodes.count(),
            ),
            f"missing episode change ({which})": Call(
                "patch",
                lambda w, x=which: f"/api/v1/missing-episodes/{getattr(w, f'{x}_episode').pk}/",
                see(which),
                body=lambda w, x=which: {
                    "version": _version(getattr(w, f"{x}_episode")),
                    "where_found": "At a friend's flat",
                },
                state=lambda w, x=which: (
                    type(getattr(w, f"{x}_episode")).objects.get(pk=getattr(w, f"{x}_episode").pk).where_found
                ),
            ),
            f"risk assessment ({which})": Call(
                "get", lambda w, x=which: f"/api/v1/risk-assessments/{getattr(w, f'{x}_assessment').pk}/", see(which)
            ),
            f"risk assessment start ({which})": Call(
                "post",
                lambda w: "/api/v1/risk-assessments/",
                see(which, 201),
                body=lambda w, x=which: {"case": getattr(w, x).pk},
                state=lambda w, x=which: getattr(w, x).assessments.count(),
            ),
            f"risk assessment save ({which})": Call(
                "patch",
                lambda w, x=which: f"/api/v1/risk-assessments/{getattr(w, f'{x}_assessment').pk}/",
                see(which),
                body=lambda w, x=which: {
                    "version": _version(getattr(w, f"{x}_assessment")),
                    "summary": "Getting worse since the summer.",
                },
                state=lambda w, x=which: (
                    type(getattr(w, f"{x}_assessment")).objects.get(pk=getattr(w, f"{x}_assessment").pk).summary
                ),
            ),
            f"risk assessment submit ({which})": Call(
                "post",
                lambda w, x=which: f"/api/v1/risk-assessments/{getattr(w, f'{x}_assessment').pk}/submit/",
                see(which),
                state=lambda w, x=which: (
                    type(getattr(w, f"{x}_assessment")).objects.get(pk=getattr(w, f"{x}_assessment").pk).status
                ),
            ),
            f"action ({which})": Call(
                "get", lambda w, x=which: f"/api/v1/actions/{getattr(w, f'{x}_action').pk}/", see(which)
            ),
        }
    )

# Completing an action: its owner, the coordinator or a chair; others who see it through the case get 403.
CALLS["action complete (seen)"] = Call(
    "post",
    lambda w: f"/api/v1/actions/{w.seen_action.pk}/complete/",
    {**see("seen"), HEALTH: 403},
    body={"note": "Visited on Tuesday."},
    state=lambda w: type(w.seen_action).objects.get(pk=w.seen_action.pk).status,
)
CALLS["action complete (other)"] = Call(
    "post",
    lambda w: f"/api/v1/actions/{w.other_action.pk}/complete/",
    see("other"),
    body={"note": "Spoke to the nurse."},
    state=lambda w: type(w.other_action).objects.get(pk=w.other_action.pk).status,
)


@pytest.fixture
def clients(world) -> dict[str, APIClient]:
    made = {}
    for email in EVERYONE:
        client = APIClient()
        if email != ANONYMOUS:
            _, key = services.token_create(user=user(email), name="matrix")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        made[email] = client
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CALLS))
def test_it_answers_each_role_as_the_rules_say(name, world, clients, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/hour"}}
    call = CALLS[name]
    outcomes = {}
    for email in EVERYONE:
        with transaction.atomic():
            before = call.state(world) if call.state else None
            response = call.send(clients[email], world)
            after = call.state(world) if call.state else None
            transaction.set_rollback(True)
        outcomes[email] = response.status_code
        assert response["Content-Type"] == "application/json", (email, response.content[:200])
        body = response.json()
        if response.status_code >= 400:
            assert body["detail"] and body["code"], (email, body)
        if call.state and response.status_code >= 400:
            assert after == before, f"{email} was refused but the record changed"
    assert outcomes == call.expected


def test_it_covers_every_operation_in_the_schema():
    """Each operation of the schema appears in the matrix above (by its method and path shape)."""
    import re

    from drf_spectacular.generators import SchemaGenerator

    generated = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method, re.sub(r"\{[^}]+\}", "{}", path)) for path, item in generated["paths"].items() for method in item
    }
    covered = set()
    for call in CALLS.values():
        path = call.path
        # Resolve the path with a stand-in world whose records all have id 1.
        stand_in = _StandIn()
        shape = re.sub(r"/(\d+|cse)/", "/{}/", path(stand_in))
        covered.add((call.method, shape))
    assert operations - covered == set()


class _StandIn:
    """Answers any attribute with itself and any id with 1, to turn a path function into a path shape."""

    pk = 1
    child_id = 1
    lead_agency_id = 1
    tool_id = 1

    def __getattr__(self, name):
        return self


# --- lists never leak ---------------------------------------------------------------------------

LISTS = {
    "children": lambda w: {"seen": w.seen.child_id, "other": w.other.child_id},
    "cases": lambda w: {"seen": w.seen.pk, "other": w.other.pk},
    "concerns": lambda w: {"seen": w.seen_concern.pk, "other": w.other_concern.pk},
    "missing-episodes": lambda w: {"seen": w.seen_episode.pk, "other": w.other_episode.pk},
    "risk-assessments": lambda w: {"seen": w.seen_assessment.pk, "other": w.other_assessment.pk},
    "actions": lambda w: {"seen": w.seen_action.pk, "other": w.other_action.pk},
}


@pytest.mark.django_db
@pytest.mark.parametrize("collection", sorted(LISTS))
def test_it_lists_only_what_each_role_may_see_and_counts_only_that(collection, world, clients):
    ids = LISTS[collection](world)
    for email in (COORDINATOR, CHAIR, POLICE, HEALTH, SCHOOL):
        body = clients[email].get(f"/api/v1/{collection}/").json()
        listed = {item["id"] for item in body["results"]}
        expected = {ids[which] for which in ("seen", "other") if email in SEES[which]}
        assert listed == expected, email
        assert body["count"] == len(expected), email


@pytest.mark.django_db
def test_it_shows_the_agenda_only_after_the_confidentiality_statement(world, clients):
    health = clients[HEALTH].get(f"/api/v1/meetings/{world.meeting.pk}/").json()
    assert health["child_details_visible"] is False
    assert health["items"] is None
    assert "Seenkid" not in str(health) and "Otherkid" not in str(health)

    police = clients[POLICE].get(f"/api/v1/meetings/{world.meeting.pk}/").json()
    assert police["child_details_visible"] is True
    assert {item["case"]["child"]["first_name"] for item in police["items"] if item["case"]} >= {"Seenkid", "Otherkid"}
    seen_item = next(item for item in police["items"] if item["id"] == world.seen_item.pk)
    assert [d["text"] for d in seen_item["decisions"]] == ["Strategy meeting to be held."]

    accepted = clients[HEALTH].post(f"/api/v1/meetings/{world.meeting.pk}/accept-statement/").json()
    assert accepted["child_details_visible"] is True
    assert accepted["items"]


@pytest.mark.django_db
def test_it_refuses_a_change_to_a_case_the_user_may_only_see(world, demo_data):
    """Owning an action lets a practitioner see the case, not change it: 403, not 404."""
    from cases import services as case_services
    from meetings import services as meeting_services
    from tests.cases import agency, make_case

    school = user(SCHOOL)
    followed = make_case(agencies=("Police", "Education"))
    meeting_services.action_create(
        actor=user(COORDINATOR),
        case=followed,
        description="Speak to the head of year",
        owner=school,
        due_date=timezone.localdate() + timedelta(days=3),
    )
    # Education stops working on the case; the school's action owner keeps sight of it, nothing more.
    case_services.case_update(
        actor=user(COORDINATOR),
        case=followed,
        expected_version=followed.version,
        seen=None,
        agencies_involved=[agency("Police")],
    )
    followed.refresh_from_db()
    _, key = services.token_create(user=school, name="t")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(f"/api/v1/cases/{followed.pk}/").status_code == 200
    response = client.patch(
        f"/api/v1/cases/{followed.pk}/", {"version": followed.version, "voice_of_child": "x"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "You can see this case but not change it.", "code": "permission_denied"}
    episode = client.post(
        "/api/v1/missing-episodes/",
        {"case": followed.pk, "went_missing_at": (timezone.now() - timedelta(days=1)).isoformat()},
        format="json",
    )
    assert episode.status_code == 403
    assessment = client.post("/api/v1/risk-assessments/", {"case": followed.pk}, format="json")
    assert assessment.status_code == 403
    assert not followed.assessments.exists()


@pytest.mark.django_db
def test_it_lets_practitioners_change_only_the_voice_of_the_child(world, clients):
    response = clients[POLICE].patch(
        f"/api/v1/cases/{world.seen.pk}/",
        {"version": world.seen.version, "lead_agency": world.seen.lead_agency_id},
        format="json",
    )
    assert response.status_code == 403
    assert "coordinator" in response.json()["detail"]
    response = clients[COORDINATOR].patch(
        f"/api/v1/cases/{world.seen.pk}/",
        {"version": world.seen.version, "categories": ["cse", "cce"]},
        format="json",
    )
    assert response.status_code == 200
    assert {c["code"] for c in response.json()["categories"]} == {"cse", "cce"}
