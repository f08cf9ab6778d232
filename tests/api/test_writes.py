"""Writes through the API go through the web forms' services: same validation, same optimistic
locking (version or If-Match; stale → 409/412 saying what changed), same history."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from cases.models import Case, Child, Concern, MissingEpisode
from meetings.models import ActionStatus
from met.models import AuditEvent
from riskassessment.models import Assessment, AssessmentStatus
from tests.cases import COORDINATOR, HEALTH, POLICE, SCHOOL, make_case, user


def ago(**delta) -> str:
    return (timezone.now() - timedelta(**delta)).isoformat()


# --- optimistic locking ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_stale_write_and_says_what_changed(world, token_client):
    police, health = token_client(user(POLICE)), token_client(user(HEALTH))
    read = police.get(f"/api/v1/cases/{world.seen.pk}/").json()

    first = health.patch(
        f"/api/v1/cases/{world.seen.pk}/",
        {"version": read["version"], "voice_of_child": "I feel safe at my nan's."},
        format="json",
    )
    assert first.status_code == 200
    assert first.json()["version"] == read["version"] + 1

    stale = police.patch(
        f"/api/v1/cases/{world.seen.pk}/",
        {"version": read["version"], "snapshot": read["snapshot"], "voice_of_child": "Wants to move school."},
        format="json",
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale"
    assert body["changes"] == [{"field": "Voice of the child", "was": "(blank)", "now": "I feel safe at my nan's."}]
    assert "They changed Voice of the child" in body["detail"]
    assert body["current_version"] == read["version"] + 1
    assert body["current"]["voice_of_child"] == "I feel safe at my nan's."
    assert Case.objects.get(pk=world.seen.pk).voice_of_child == "I feel safe at my nan's."


@pytest.mark.django_db
def test_it_takes_the_version_from_if_match_and_answers_412_when_stale(world, token_client):
    client = token_client(user(POLICE))
    read = client.get(f"/api/v1/missing-episodes/{world.seen_episode.pk}/")
    etag = read["ETag"]
    assert etag == f'"{read.json()["version"]}"'
    url = f"/api/v1/missing-episodes/{world.seen_episode.pk}/"
    ok = client.patch(url, {"where_found": "Bus station"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    assert ok["ETag"] != etag
    stale = client.patch(url, {"where_found": "Railway station"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert MissingEpisode.objects.get(pk=world.seen_episode.pk).where_found == "Bus station"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "headers", "field"),
    [
        ({"where_found": "x"}, {}, "version"),
        ({"where_found": "x"}, {"HTTP_IF_MATCH": "3"}, "If-Match"),
        ({"where_found": "x", "version": 1}, {"HTTP_IF_MATCH": '"2"'}, "version"),
        ({"version": 1}, {}, "non_field_errors"),
        ({"version": 1, "snapshot": "forged"}, {}, "snapshot"),
    ],
)
def test_it_asks_for_the_version_it_needs(body, headers, field, world, token_client):
    response = token_client(user(POLICE)).patch(
        f"/api/v1/missing-episodes/{world.seen_episode.pk}/", body, format="json", **headers
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


# --- concerns -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_logs_a_concern_about_the_child_of_a_case(world, token_client):
    response = token_client(user(HEALTH)).post(
        "/api/v1/concerns/",
        {"case": world.seen.pk, "category": "cce", "observed_at": ago(hours=3), "description": "Carrying a new phone."},
        format="json",
    )
    assert response.status_code == 201
    concern = Concern.objects.get(pk=response.json()["id"])
    assert concern.case_id == world.seen.pk
    assert concern.source_agency == user(HEALTH).agency


@pytest.mark.django_db
def test_it_offers_possible_duplicates_before_creating_a_child(world, token_client):
    client = token_client(user(POLICE))
    seen_child = world.seen.child
    new_child = {
        "first_name": seen_child.first_name,
        "last_name": seen_child.last_name,
        "date_of_birth": seen_child.date_of_birth.isoformat(),
    }
    request = {"new_child": new_child, "category": "cse", "observed_at": ago(hours=1), "description": "Seen again."}
    response = client.post("/api/v1/concerns/", request, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "possible_duplicate"
    assert [c["case"] for c in body["candidates"]] == [world.seen.pk]
    assert Child.objects.count() == 2  # nothing created

    # A match the user cannot see is never offered; the coordinator sees it at triage.
    other_child = world.other.child
    hidden = {
        **request,
        "new_child": {
            **new_child,
            "first_name": other_child.first_name,
            "last_name": other_child.last_name,
            "date_of_birth": other_child.date_of_birth.isoformat(),
        },
    }
    response = client.post("/api/v1/concerns/", hidden, format="json")
    assert response.status_code == 201
    assert Concern.objects.get(pk=response.json()["id"]).possible_duplicate_of == other_child

    # Told it is a different child, it goes ahead.
    response = client.post("/api/v1/concerns/", {**request, "confirm_new_child": True}, format="json")
    assert response.status_code == 201
    assert Child.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"observed_at": "next Tuesday"}, {"observed_at"}),
        ({"observed_at": "2999-01-01T10:00:00Z"}, {"observed_at"}),
        ({"observed_at": "0001-01-01T00:00:00Z"}, {"observed_at"}),
        ({"category": "nonsense"}, {"category"}),
        ({"description": ""}, {"description"}),
        ({"new_child": {"first_name": "A", "last_name": "B", "date_of_birth": "2099-01-01"}}, {"new_child"}),
        ({"new_child": {"first_name": "A", "last_name": "B", "nhs_number": "12"}}, {"new_child"}),
        ({"case": 1, "new_child": {"first_name": "A", "last_name": "B"}}, {"non_field_errors"}),
    ],
)
def test_it_explains_what_is_wrong_with_a_concern(change, errors, world, token_client):
    request = {
        "new_child": {"first_name": "Robin", "last_name": "Tarrant"},
        "category": "cse",
        "observed_at": ago(hours=1),
        "description": "Seen with older men.",
    }
    response = token_client(user(HEALTH)).post("/api/v1/concerns/", {**request, **change}, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert set(body["errors"]) == errors
    assert body["code"] == "invalid"
    assert body["detail"]
    assert Concern.objects.count() == 2


@pytest.mark.django_db
def test_it_puts_the_services_child_errors_under_new_child(world, token_client):
    child = world.seen.child
    Child.objects.filter(pk=child.pk).update(police_number="PN-1")
    response = token_client(user(SCHOOL)).post(
        "/api/v1/concerns/",
        {
            "new_child": {"first_name": "Someone", "last_name": "Else", "police_number": "PN-1"},
            "category": "cse",
            "observed_at": ago(hours=1),
            "description": "x",
        },
        format="json",
    )
    assert response.status_code == 400
    assert (
        "Another child already has this police identifier" in response.json()["errors"]["new_child"]["police_number"][0]
    )


# --- missing episodes -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_records_a_missing_episode_and_its_return_home_interview(world, token_client):
    client = token_client(user(HEALTH))
    went = timezone.now() - timedelta(days=4)
    response = client.post(
        "/api/v1/missing-episodes/",
        {
            "case": world.seen.pk,
            "went_missing_at": went.isoformat(),
            "returned_at": (went + timedelta(hours=20)).isoformat(),
            "reported_to_police": True,
            "police_reference": "HC-2026-001",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    episode = response.json()
    assert episode["rhi"]["status"] == "overdue"
    response = client.patch(
        f"/api/v1/missing-episodes/{episode['id']}/",
        {
            "version": episode["version"],
            "rhi_offered_at": (went + timedelta(hours=30)).isoformat(),
            "rhi_completed_at": (went + timedelta(hours=40)).isoformat(),
            "rhi_by": "Barnardo's RHI worker",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["rhi"]["status"] == "done"
    assert (
        LogEntry.objects.get_for_object(MissingEpisode.objects.get(pk=episode["id"]))
        .filter(action=LogEntry.Action.UPDATE, actor=user(HEALTH))
        .exists()
    )


@pytest.mark.django_db
def test_it_applies_the_episode_rules_of_the_service(world, token_client):
    response = token_client(user(HEALTH)).patch(
        f"/api/v1/missing-episodes/{world.seen_episode.pk}/",
        {"version": world.seen_episode.version, "returned_at": ago(days=30)},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "returned_at": ["The return time must be after the time the child went missing."]
    }


# --- risk assessments -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_drafts_scores_and_submits_a_risk_assessment(world, token_client):
    client = token_client(user(HEALTH))
    today = timezone.localdate()
    response = client.post(
        "/api/v1/risk-assessments/",
        {
            "case": world.seen.pk,
            "summary": "Worrying pattern.",
            "answers": {
                "low-self-esteem": {"present": True, "evidence": "Says so."},
                "repeatedly-missing": {"present": True, "evidence": "Three times.", "last_seen": today.isoformat()},
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert draft["status"] == "draft"
    assert draft["score"] == 6
    assert draft["suggested_level"] == "low"
    assert set(draft["answers"]) == {"low-self-esteem", "repeatedly-missing"}

    # Saving only some answers keeps the others.
    response = client.patch(
        f"/api/v1/risk-assessments/{draft['id']}/",
        {"version": draft["version"], "answers": {"controlling-adult": {"present": True}}},
        format="json",
    )
    assert response.status_code == 200
    draft = response.json()
    assert set(draft["answers"]) == {"low-self-esteem", "repeatedly-missing", "controlling-adult"}

    # Submission needs the evidence and date of each ticked indicator: said against that indicator.
    response = client.post(f"/api/v1/risk-assessments/{draft['id']}/submit/")
    assert response.status_code == 400
    errors = response.json()["errors"]["answers"]["controlling-adult"]
    assert set(errors) == {"evidence"}

    response = client.patch(
        f"/api/v1/risk-assessments/{draft['id']}/",
        {
            "version": draft["version"],
            "answers": {
                "controlling-adult": {"present": True, "evidence": "Older boyfriend.", "last_seen": today.isoformat()}
            },
        },
        format="json",
    )
    assert response.status_code == 200
    response = client.post(f"/api/v1/risk-assessments/{draft['id']}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["score"] == 11

    # Submitted assessments are read-only.
    response = client.patch(
        f"/api/v1/risk-assessments/{draft['id']}/",
        {"version": response.json()["version"], "summary": "x"},
        format="json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_it_refuses_unknown_indicators_and_leaves_no_half_made_draft(world, token_client):
    before = Assessment.objects.count()
    response = token_client(user(HEALTH)).post(
        "/api/v1/risk-assessments/",
        {"case": world.seen.pk, "answers": {"not-an-indicator": {"present": True}}},
        format="json",
    )
    assert response.status_code == 400
    assert "not-an-indicator" in response.json()["errors"]["answers"]
    assert Assessment.objects.count() == before


@pytest.mark.django_db
def test_it_refuses_a_stale_draft_save(world, token_client):
    client = token_client(user(HEALTH))
    url = f"/api/v1/risk-assessments/{world.seen_assessment.pk}/"
    version = client.get(url).json()["version"]
    assert client.patch(url, {"version": version, "summary": "one"}, format="json").status_code == 200
    response = client.patch(url, {"version": version, "summary": "two"}, format="json")
    assert response.status_code == 409
    assert Assessment.objects.get(pk=world.seen_assessment.pk).summary == "one"
    assert Assessment.objects.get(pk=world.seen_assessment.pk).status == AssessmentStatus.DRAFT


# --- actions and notifications --------------------------------------------------------------


@pytest.mark.django_db
def test_it_completes_an_action_through_the_service(world, token_client):
    client = token_client(user(POLICE))
    url = f"/api/v1/actions/{world.seen_action.pk}/complete/"
    assert client.post(url, {"note": "  "}, format="json").status_code == 400
    response = client.post(url, {"note": "Visited with a colleague."}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == ActionStatus.DONE
    assert response.json()["completed_by"]["id"] == user(POLICE).pk
    again = client.post(url, {"note": "Again"}, format="json")
    assert again.status_code == 400
    assert again.json()["detail"] == "This action is already done."
    assert AuditEvent.objects.filter(action="action.complete", via_api=True).count() == 1


@pytest.mark.django_db
def test_it_marks_notifications_read(world, token_client):
    client = token_client(user(HEALTH))
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] >= 1
    response = client.post(f"/api/v1/notifications/{world.notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"]
    response = client.post("/api/v1/notifications/read-all/")
    assert response.status_code == 200
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0


@pytest.mark.django_db
def test_it_lets_the_coordinator_change_who_works_on_a_case(world, token_client):
    client = token_client(user(COORDINATOR))
    school = user(SCHOOL)
    response = client.patch(
        f"/api/v1/cases/{world.seen.pk}/",
        {"version": world.seen.version, "agencies_involved": [school.agency_id]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    # The lead agency stays involved, and the school now sees the case.
    assert {a["short_name"] for a in response.json()["agencies_involved"]} == {"Police", "Education"}
    assert token_client(school).get(f"/api/v1/cases/{world.seen.pk}/").status_code == 200
    restricted = client.patch(
        f"/api/v1/cases/{world.seen.pk}/",
        {"version": response.json()["version"], "is_restricted": True},
        format="json",
    )
    assert restricted.status_code == 400
    assert "restricted_to" in restricted.json()["errors"]


@pytest.mark.django_db
def test_it_refuses_changes_to_a_closed_case(demo_data, token_client):
    closed = make_case(status="closed")
    response = token_client(user(COORDINATOR)).patch(
        f"/api/v1/cases/{closed.pk}/", {"version": closed.version, "voice_of_child": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "closed" in response.json()["detail"]
