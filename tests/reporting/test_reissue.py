"""Re-issuing a finalised report found wrong: a new issue supersedes it, the original and its hash are kept."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from met.models import AuditEvent
from reporting import services
from reporting.models import Report, ReportKind, ReportStatus
from tests.factories import CaseFactory, ChildFactory

LONDON = ZoneInfo("Europe/London")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def chair(demo_data):
    return demo_data["chair@example.org"]


@pytest.fixture
def draft(chair):
    for gender, n in (("female", 3), ("male", 2)):
        for _ in range(n):
            CaseFactory(child=ChildFactory(gender=gender), opened_at=datetime(2026, 10, 5, 12, tzinfo=LONDON))
    report, _ = services.report_request(actor=chair, kind=ReportKind.MACE_MONTHLY, start=date(2026, 10, 1))
    return services.report_build(report_id=report.pk)


@pytest.fixture
def finalised(draft, chair):
    return services.report_finalise(actor=chair, report=draft)


def test_it_reissues_a_finalised_report_keeping_the_original_and_its_hash(
    finalised, chair, login, django_capture_on_commit_callbacks
):
    # The figures it was finalised with were wrong (as the gender breakdown once was).
    wrong = finalised.data | {"themes": finalised.data["themes"] | {"gender": {"female": 1, "male": 1}}}
    Report.objects.filter(pk=finalised.pk).update(data=wrong)
    stored_pdf, stored_hash = bytes(finalised.pdf), finalised.pdf_sha256
    client = login(chair)

    page = client.get(reverse("report_reissue", args=[finalised.pk]))
    assert page.status_code == 200
    assert "Why are you re-issuing this report?" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("report_reissue", args=[finalised.pk]), {"reason": "Gender counts were split by name."}
        )

    old, new = Report.objects.get(pk=finalised.pk), Report.objects.exclude(pk=finalised.pk).get()
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert old.is_final and old.is_superseded and old.superseded_by == new
    assert (bytes(old.pdf), old.pdf_sha256) == (stored_pdf, stored_hash)
    assert old.data["themes"]["gender"] == {"female": 1, "male": 1}  # kept as it was, wrong figures and all
    assert (new.issue, new.reissue_reason, new.status) == (2, "Gender counts were split by name.", ReportStatus.DRAFT)
    assert new.data["themes"]["gender"] == {"female": 3, "male": 2}  # built afresh
    event = AuditEvent.objects.get(action="report.reissue")
    assert (event.object_id, event.actor) == (str(old.pk), chair)
    assert event.detail == {
        "reason": "Gender counts were split by name.",
        "replacement": new.pk,
        "issue": 2,
        "sha256": stored_hash,
    }

    old_page = client.get(old.get_absolute_url()).content.decode()
    assert "Superseded" in old_page and new.get_absolute_url() in old_page
    assert reverse("report_reissue", args=[old.pk]) not in old_page
    new_page = client.get(new.get_absolute_url()).content.decode()
    assert "Gender counts were split by name." in new_page and stored_hash in new_page
    assert old.get_absolute_url() in new_page
    assert client.get(reverse("report_pdf", args=[old.pk])).content == stored_pdf

    new = services.report_finalise(actor=chair, report=new)
    text = pdf_text(bytes(new.pdf))
    assert "Issue 2" in text and "Gender counts were split by name." in text
    assert new.pdf_sha256 != stored_hash
    listing = client.get(reverse("report_list")).content.decode()
    assert "Superseded" in listing and "(issue 2)" in listing


def test_it_refuses_an_empty_reason(finalised, chair, login):
    response = login(chair).post(reverse("report_reissue", args=[finalised.pk]), {"reason": "   "})
    assert response.status_code == 400
    assert "Say why the report is being re-issued." in response.content.decode()
    assert Report.objects.count() == 1 and not Report.objects.get().is_superseded
    with pytest.raises(ValidationError):
        services.report_reissue(actor=chair, report=finalised, reason="")


def test_it_refuses_to_reissue_a_draft(draft, chair, login):
    client = login(chair)
    for response in (
        client.get(reverse("report_reissue", args=[draft.pk])),
        client.post(reverse("report_reissue", args=[draft.pk]), {"reason": "Wrong"}),
    ):
        assert response.status_code == 409
        assert "Only a finalised report can be re-issued." in response.content.decode()
    assert Report.objects.count() == 1
    with pytest.raises(ValidationError):
        services.report_reissue(actor=chair, report=draft, reason="Wrong")


def test_it_refuses_to_reissue_a_superseded_report_twice(finalised, chair, login):
    services.report_reissue(actor=chair, report=finalised, reason="Wrong figures")
    response = login(chair).post(reverse("report_reissue", args=[finalised.pk]), {"reason": "Again"})
    assert response.status_code == 409
    assert "already been re-issued" in response.content.decode()
    assert Report.objects.count() == 2
    with pytest.raises(ValidationError):
        services.report_reissue(actor=chair, report=finalised, reason="Again")


def test_it_lets_only_a_chair_reissue(finalised, demo_data, chair, login):
    url = reverse("report_reissue", args=[finalised.pk])
    assert login(chair).get(url).status_code == 200
    for email in ("coordinator@example.org", "practitioner.police@example.org"):
        client = login(demo_data[email])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "Wrong"}).status_code == 403
    assert login(chair).get(reverse("report_reissue", args=[finalised.pk + 1000])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.report_reissue(actor=demo_data["coordinator@example.org"], report=finalised, reason="Wrong")
    assert not Report.objects.get(pk=finalised.pk).is_superseded
    assert not AuditEvent.objects.filter(action="report.reissue").exists()
