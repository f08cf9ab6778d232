"""A user who may only view a case gets 403 on every write, web and API (DESIGN §3, issue 12), and the
person who logged a concern sees that concern and its outcome, not the case."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases import services as case_services
from cases.models import CaseNote, CaseUserObjectPermission, MissingEpisode
from meetings import services as meeting_services
from meetings.models import PlaceOfConcern
from riskassessment import services as risk_services
from riskassessment.models import Assessment, Provider, Referral
from tests.cases import COORDINATOR, POLICE, SCHOOL, agency, category, log_referral, make_case, text, user


@pytest.fixture
def view_only(demo_data):
    """The school practitioner owns an action on the case; Education then stops working on it."""
    case = make_case(agencies=("Police", "Education"), last_name="Glasswell")
    meeting_services.action_create(
        actor=user(COORDINATOR),
        case=case,
        description="Talk to the head of year",
        owner=user(SCHOOL),
        due_date=timezone.localdate() + timedelta(days=3),
    )
    case.refresh_from_db()
    case_services.case_update(
        actor=user(COORDINATOR),
        case=case,
        expected_version=case.version,
        seen=None,
        agencies_involved=[agency("Police")],
    )
    case.refresh_from_db()
    return case


def counts(case):
    return (
        CaseNote.objects.filter(case=case).count(),
        MissingEpisode.objects.filter(case=case).count(),
        Assessment.objects.filter(case=case).count(),
        Referral.objects.filter(case=case).count(),
    )


def test_it_lets_the_view_only_user_read_the_case_without_offering_writes(view_only, login):
    page = login(user(SCHOOL)).get(view_only.get_absolute_url())

    assert page.status_code == 200
    assert "You can read this case but not add to it" in text(page)
    assert reverse("case_note_add", args=[view_only.pk]) not in text(page)
    assert reverse("assessment_start", args=[view_only.pk]) not in text(page)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("case_note_add", {"text": "Seen at the station."}),
        ("assessment_start", {}),
        ("episode_create", {"kind": "missing"}),
        ("referral_create", {}),
        ("case_action_create", {"description": "x"}),
        ("case_edit", {"voice_of_child": "x"}),
    ],
)
def test_it_refuses_every_web_write_of_a_view_only_user(view_only, login, name, data):
    before = counts(view_only)

    response = login(user(SCHOOL)).post(reverse(name, args=[view_only.pk]), data)

    assert response.status_code == 403
    assert counts(view_only) == before


def test_it_refuses_a_view_only_user_editing_an_existing_draft(view_only, login):
    draft = risk_services.assessment_start(actor=user(COORDINATOR), case=view_only)
    client = login(user(SCHOOL))

    assert client.get(reverse("assessment_edit", args=[draft.pk])).status_code == 403
    assert client.post(reverse("assessment_score", args=[draft.pk]), {}).status_code == 403
    assert client.post(reverse("assessment_submit", args=[draft.pk]), {}).status_code == 403
    assert client.get(reverse("assessment_detail", args=[draft.pk])).status_code == 200


def test_it_refuses_a_view_only_user_linking_a_place_to_the_case(view_only, login):
    place = meeting_services.place_create(actor=user(SCHOOL), name="Bus station", kind="transport")

    response = login(user(SCHOOL)).post(
        reverse("place_detail", args=[place.pk]), {"form": "link", "case": view_only.pk, "note": ""}
    )

    assert response.status_code == 403
    assert not PlaceOfConcern.objects.get(pk=place.pk).cases.exists()


def test_it_refuses_a_view_only_user_recording_a_referral_outcome(view_only, login):
    referral = risk_services.referral_create(
        actor=user(COORDINATOR),
        case=view_only,
        provider=Provider.objects.filter(is_active=True).first(),
        referred_on=timezone.localdate(),
    )

    response = login(user(SCHOOL)).post(reverse("referral_outcome", args=[referral.pk]), {"outcome": "accepted"})

    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.outcome == "pending"


def test_it_shows_the_referrer_their_concern_through_the_api_but_not_the_case(demo_data):
    from django.test import Client

    from api import services as api_services

    case = log_referral(demo_data[POLICE], last_name="Thornbury")
    case_services.case_open(
        actor=user(COORDINATOR),
        case=case,
        lead_agency=agency("Health"),
        lead_professional=None,
        agencies_involved=[agency("Health")],
        categories=[category("cse")],
    )
    _, key = api_services.token_create(user=demo_data[POLICE], name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    concern = case.concerns.get()

    mine = client.get(f"/api/v1/concerns/{concern.pk}/")
    assert mine.status_code == 200
    assert mine.json()["outcome"] == "case_opened"
    assert [row["id"] for row in client.get("/api/v1/concerns/").json()["results"]] == [concern.pk]
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/v1/children/{case.child_id}/").status_code == 404
    assert client.get("/api/v1/cases/").json()["results"] == []


def test_it_removes_a_referrer_s_old_grant_and_keeps_the_others_when_grants_are_recomputed(demo_data):
    # The data migration: grants made under the old "referrer" reason go; reasons that remain stay.
    from importlib import import_module

    recompute = import_module("meetings.migrations.0003_recompute_case_grants_without_referrers").recompute
    case = make_case(agencies=("Health",), lead=None, last_name="Rookwood")
    case_services.case_update(
        actor=user(COORDINATOR),
        case=case,
        expected_version=case.version,
        seen=None,
        lead_agency=agency("Health"),
        lead_professional=demo_data["practitioner.health@example.org"],
    )
    assign_perm("view_case", demo_data[POLICE], case)  # what the old rule gave the referrer
    assert CaseUserObjectPermission.objects.filter(content_object=case, user=demo_data[POLICE]).exists()

    recompute(apps, None)

    held = set(
        CaseUserObjectPermission.objects.filter(content_object=case).values_list("user__email", "permission__codename")
    )
    assert held == {
        ("practitioner.health@example.org", "view_case"),
        ("practitioner.health@example.org", "change_case"),
    }
