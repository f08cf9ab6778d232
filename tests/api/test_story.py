"""The issue's story, as a new client would try it: a token made on the account page, a concern
logged through the API, the case read back once the coordinator opens it, and a 404 for a case
Health is not involved in."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import services as case_services
from cases.models import Case, CaseStatus, Category, Concern
from met.models import Agency, AuditEvent
from tests.cases import make_case


@pytest.mark.django_db
def test_it_lets_a_practitioner_log_a_concern_and_follow_the_case_through_the_api(demo_data, login):
    health = demo_data["practitioner.health@example.org"]
    coordinator = demo_data["coordinator@example.org"]

    # A token, made on the account page and shown once.
    browser = login(health)
    assert "API tokens" in browser.get(reverse("account")).content.decode()
    page = browser.post(reverse("api_tokens"), {"name": "Health records system"}).content.decode()
    key = re.search(r'value="(met_[^"]+)"', page).group(1)
    assert key not in browser.get(reverse("api_tokens")).content.decode()  # never shown again
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    # Log a concern about a child new to MET Hub.
    response = client.post(
        "/api/v1/concerns/",
        {
            "new_child": {"first_name": "Rowan", "last_name": "Ashdown", "date_of_birth": "2011-06-02"},
            "category": "cse",
            "observed_at": (timezone.now() - timedelta(hours=2)).isoformat(),
            "description": "Seen getting into a car with an older man outside the clinic.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    concern = response.json()
    # A referral the logger's agency does not work on: they follow the concern, not the case (DESIGN §3).
    assert (concern["case"], concern["case_reference"], concern["child"]) == (None, None, None)
    case_id = Concern.objects.get(pk=concern["id"]).case_id
    assert concern["category"] == "cse"
    assert concern["logged_by"]["id"] == health.pk

    # The referral is waiting; the coordinator opens it with Health involved.
    case = Case.objects.get(pk=case_id)
    assert case.status == CaseStatus.REFERRED
    case_services.case_open(
        actor=coordinator,
        case=case,
        lead_agency=Agency.objects.get(short_name="CSC"),
        lead_professional=None,
        agencies_involved=[Agency.objects.get(short_name="Health")],
        categories=[Category.objects.get(code="cse")],
    )

    # Read back through the API.
    response = client.get(f"/api/v1/cases/{case_id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "open"
    assert body["child"]["first_name"] == "Rowan"
    assert {a["short_name"] for a in body["agencies_involved"]} == {"CSC", "Health"}
    assert [c["code"] for c in body["categories"]] == ["cse"]
    assert body["risk_level"] == "not_assessed"
    assert response["ETag"] == f'"{body["version"]}"'
    assert case_id in [c["id"] for c in client.get("/api/v1/cases/").json()["results"]]

    # A case Health is not involved in does not exist, as far as Health can tell.
    other = make_case(agencies=("Education",))
    response = client.get(f"/api/v1/cases/{other.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such case.", "code": "not_found"}
    assert other.pk not in [c["id"] for c in client.get("/api/v1/cases/").json()["results"]]

    # Every read is in the audit trail, marked as API.
    reads = AuditEvent.objects.filter(actor=health, action="case.view", child_id=case.child_id)
    assert reads.exists()
    assert all(event.via_api for event in reads)
