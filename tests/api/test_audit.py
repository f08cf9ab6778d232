"""Every API read and write is an audit event marked as API (DESIGN §8), and finds its way into
"who accessed this child's record"."""

import pytest
from django.urls import reverse

from met.models import AuditEvent
from tests.cases import CHAIR, HEALTH, POLICE, user


def _events(**filters):
    return AuditEvent.objects.filter(**filters)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "action", "record"),
    [
        (lambda w: f"/api/v1/children/{w.seen.child_id}/", "child.view", lambda w: w.seen.child),
        (lambda w: f"/api/v1/cases/{w.seen.pk}/", "case.view", lambda w: w.seen),
        (lambda w: f"/api/v1/concerns/{w.seen_concern.pk}/", "concern.view", lambda w: w.seen_concern),
        (lambda w: f"/api/v1/missing-episodes/{w.seen_episode.pk}/", "missing_episode.view", lambda w: w.seen_episode),
        (lambda w: f"/api/v1/risk-assessments/{w.seen_assessment.pk}/", "assessment.view", lambda w: w.seen_assessment),
        (lambda w: f"/api/v1/actions/{w.seen_action.pk}/", "action.view", lambda w: w.seen_action),
    ],
)
def test_it_audits_each_read_of_a_childs_record_as_api(path, action, record, world, token_client):
    police = user(POLICE)
    assert token_client(police).get(path(world)).status_code == 200
    event = _events(actor=police, action=action).get()
    assert event.via_api
    assert event.child_id == world.seen.child_id
    assert event.object_id == str(record(world).pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("collection", "kind"),
    [
        ("children", "child"),
        ("cases", "case"),
        ("concerns", "concern"),
        ("missing-episodes", "missing_episode"),
        ("risk-assessments", "assessment"),
        ("actions", "action"),
    ],
)
def test_it_audits_a_list_as_a_read_of_each_child_on_the_page(collection, kind, world, token_client):
    police = user(POLICE)
    body = token_client(police).get(f"/api/v1/{collection}/").json()
    summary = _events(actor=police, action=f"{kind}.list").get()
    assert summary.via_api
    assert summary.detail["ids"] == [item["id"] for item in body["results"]]
    per_record = _events(actor=police, action=f"{kind}.view")
    assert {e.child_id for e in per_record} == {world.seen.child_id}
    assert all(e.via_api and e.detail == {"list": True} for e in per_record)


@pytest.mark.django_db
def test_it_audits_the_agenda_as_a_read_of_every_child_on_it(world, token_client):
    police = user(POLICE)
    token_client(police).get(f"/api/v1/meetings/{world.meeting.pk}/")
    assert _events(actor=police, action="meeting.view", via_api=True).count() == 1
    children = set(_events(actor=police, action="meeting_agenda.view", via_api=True).values_list("child_id", flat=True))
    assert {world.seen.child_id, world.other.child_id} <= children
    # Before the statement is accepted, no child was shown, so none is recorded as read.
    health = user(HEALTH)
    token_client(health).get(f"/api/v1/meetings/{world.meeting.pk}/")
    assert not _events(actor=health, action="meeting_agenda.view").exists()


@pytest.mark.django_db
def test_it_marks_writes_through_the_api_as_api(world, token_client):
    police = user(POLICE)
    token_client(police).patch(
        f"/api/v1/cases/{world.seen.pk}/", {"version": world.seen.version, "voice_of_child": "x"}, format="json"
    )
    event = _events(actor=police, action="case.update").get()
    assert event.via_api
    assert event.child_id == world.seen.child_id


@pytest.mark.django_db
def test_it_shows_api_reads_in_who_accessed_the_childs_record(world, token_client, login):
    police = user(POLICE)
    token_client(police).get(f"/api/v1/cases/{world.seen.pk}/")
    page = login(user(CHAIR)).get(reverse("case_access_log", args=[world.seen.pk])).content.decode()
    assert police.full_name in page
    assert "case.view" in page


@pytest.mark.django_db
def test_it_records_no_read_for_a_refused_request(world, token_client):
    police = user(POLICE)
    before = AuditEvent.objects.count()
    assert token_client(police).get(f"/api/v1/cases/{world.other.pk}/").status_code == 404
    assert not _events(actor=police, child_id=world.other.child_id).exists()
    assert AuditEvent.objects.count() == before + 1  # the token's creation only
