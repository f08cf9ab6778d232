"""The issue's story: schedule, agenda, statement, quorum, decisions, actions, sign-off, PDFs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Category, RiskLevel
from meetings.models import Action, AgendaItem, Attendance, Decision, Meeting, MeetingStatus, Section
from met.models import AuditEvent
from riskassessment import services as risk_services
from riskassessment.models import Indicator, Referral

TODAY = timezone.localdate()


def _submitted_assessment(case, author):
    a = risk_services.assessment_start(actor=author, case=case)
    significant = Indicator.objects.filter(kind="significant", section__tool__is_current=True)[:4]  # 20 points: high
    answers = [risk_services.AnswerData(i.pk, True, "seen", TODAY - timedelta(days=3)) for i in significant]
    risk_services.assessment_save_draft(
        actor=author, assessment=a, expected_version=a.version, assessment_date=TODAY, summary="", answers=answers
    )
    a.refresh_from_db()
    return risk_services.assessment_submit(actor=author, assessment=a)


@pytest.fixture
def story(demo_data):
    police, coordinator, health = (
        demo_data[e]
        for e in ("practitioner.police@example.org", "coordinator@example.org", "practitioner.health@example.org")
    )
    category = Category.objects.get(code="cse")
    last = Meeting.objects.create(
        date=TODAY - timedelta(days=7),
        chair=demo_data["chair@example.org"],
        created_by=coordinator,
        status=MeetingStatus.SIGNED_OFF,
    )

    def child(name):
        concern = case_services.concern_log(
            actor=police,
            new_child={"first_name": name, "last_name": "Wrenfield"},
            category=category,
            observed_at=timezone.now() - timedelta(days=20),
            description="x",
        )
        concern.__class__.objects.filter(pk=concern.pk).update(logged_at=timezone.now() - timedelta(days=20))
        return case_services.case_open(
            actor=coordinator,
            case=concern.case,
            lead_agency=coordinator.agency,
            lead_professional=demo_data["manager.csc@example.org"],
            agencies_involved=[police.agency, health.agency],
            categories=[category],
        )

    high, missing, with_action = child("Holly"), child("Mason"), child("Ruby")
    Case.objects.filter(pk=high.pk).update(risk_level=RiskLevel.HIGH)
    for days in (50, 30, 10):
        went = timezone.now() - timedelta(days=days)
        case_services.missing_episode_record(
            actor=police,
            case=missing,
            kind="missing",
            went_missing_at=went,
            returned_at=went + timedelta(hours=4),
            rhi_completed_at=went + timedelta(hours=30),
        )
    Action.objects.create(
        case=with_action,
        meeting=last,
        description="Safety plan",
        owner=police,
        owner_agency=police.agency,
        due_date=TODAY - timedelta(days=6),
        created_by=coordinator,
    )
    new = case_services.concern_log(
        actor=health,
        new_child={"first_name": "Tia", "last_name": "Copperdale"},
        category=category,
        observed_at=timezone.now(),
        description="New worry",
    )
    assessment = _submitted_assessment(high, police)
    return {
        "high": high,
        "missing": missing,
        "with_action": with_action,
        "new": new.case,
        "assessment": assessment,
        **demo_data,
    }


def test_it_runs_a_meeting_from_agenda_to_signed_off_minutes(story, login):
    coordinator, chair = story["coordinator@example.org"], story["chair@example.org"]
    police, health = story["practitioner.police@example.org"], story["practitioner.health@example.org"]
    coord = login(coordinator)

    response = coord.post(
        reverse("meeting_create"),
        {
            "date": (TODAY + timedelta(days=3)).isoformat(),
            "starts_at": "10:00",
            "chair": chair.pk,
            "location": "Civic Centre room 2",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(date=TODAY + timedelta(days=3))
    items = {i.case_id: i for i in AgendaItem.objects.filter(meeting=meeting)}
    assert len(items) == AgendaItem.objects.filter(meeting=meeting).count()  # one item per child
    assert items[story["new"].pk].section == Section.NEW_CONCERNS
    # High risk, with a SERAF waiting: in the more urgent section, both reasons named.
    assert items[story["high"].pk].section == Section.RISK_CHANGES
    assert " · high risk" in items[story["high"].pk].reason
    assert items[story["missing"].pk].section == Section.MISSING
    assert items[story["with_action"].pk].section == Section.ACTIONS

    # Attendance from CSC (coordinator, already listed), Police and Health.
    # Attendance for the whole meeting in one form, a guest without an account included.
    response = coord.post(
        reverse("meeting_attendance", args=[meeting.pk]),
        {
            "version": meeting.version,
            **{f"person-{p.pk}": "present" for p in (coordinator, chair, police, health)},
            "new-0-name": "Sam Street",
            "new-0-organisation": "Street Pastors",
            "new-0-role": "Team leader",
            "new-0-status": "present",
            "new-0-signed": "yes",
        },
    )
    assert response.status_code == 302
    assert set(meeting.attendances.filter(status="present").values_list("user", flat=True)) == {
        coordinator.pk,
        chair.pk,
        police.pk,
        health.pk,
    }
    assert meeting.guests.get().statement_method == "signed"
    # The coordinator and the chair accept the statement too before they see the children.
    assert "Holly" not in coord.get(meeting.get_absolute_url()).content.decode()
    for person in (coordinator, chair):
        assert login(person).post(reverse("meeting_accept", args=[meeting.pk])).status_code == 302

    # The police officer sees the statement first, accepts it, then sees the children.
    officer = login(police)
    page = officer.get(meeting.get_absolute_url()).content.decode()
    assert "I accept the confidentiality statement" in page and "Holly" not in page
    assert officer.post(reverse("meeting_accept", args=[meeting.pk])).status_code == 302
    assert "Holly Wrenfield" in officer.get(meeting.get_absolute_url()).content.decode()
    assert Attendance.objects.get(meeting=meeting, user=police).accepted_statement_at is not None

    # The chair confirms the high-risk child's level, records a referral and two actions.
    item = AgendaItem.objects.get(meeting=meeting, case=story["high"])
    url = reverse("meeting_item", args=[meeting.pk, item.pk])
    chairing = login(chair)
    response = chairing.post(
        url, {"form": "confirm", "assessment": story["assessment"].pk, "level": "high", "reason": ""}
    )
    body = response.content.decode()
    assert response.status_code == 302, body[body.find("govuk-error-summary__list") :][:600]
    story["high"].refresh_from_db()
    assert story["high"].risk_level == RiskLevel.HIGH
    barnardos = __import__("riskassessment.models", fromlist=["Provider"]).Provider.objects.get(name="Barnardo's")
    assert (
        chairing.post(url, {"form": "referral", "provider": barnardos.pk, "referred_on": TODAY.isoformat()}).status_code
        == 302
    )
    for what, owner in (("Strategy discussion", police), ("Sexual health appointment", health)):
        assert (
            chairing.post(
                url,
                {
                    "form": "action",
                    "description": what,
                    "owner": owner.pk,
                    "due_date": (TODAY + timedelta(days=7)).isoformat(),
                },
            ).status_code
            == 302
        )
    assert (
        chairing.post(url, {"form": "discussion", "discussion": "Agreed plan; police to lead disruption."}).status_code
        == 302
    )
    assert Decision.objects.filter(meeting=meeting).count() == 2
    assert Referral.objects.filter(case=story["high"], provider=barnardos).exists()
    assert Action.objects.filter(meeting=meeting).count() == 2
    assert "Risk confirmed at high" in officer.get(story["high"].get_absolute_url()).content.decode()

    # Not before the meeting has been held.
    sign_off = reverse("meeting_sign_off", args=[meeting.pk])
    refused = chairing.post(sign_off)
    assert refused.status_code == 400 and "once it has been held" in refused.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(date=TODAY - timedelta(days=1))  # it is held
    # The chair sees the items with nothing recorded and must confirm each as not discussed.
    page = chairing.get(sign_off).content.decode()
    undiscussed = [AgendaItem.objects.get(meeting=meeting, case=story[k]) for k in ("new", "missing", "with_action")]
    for undiscussed_item in undiscussed:
        assert f'value="{undiscussed_item.pk}"' in page
    refused = chairing.post(sign_off, {"not_discussed": [undiscussed[0].pk]})
    assert refused.status_code == 400 and "2 items have no discussion or decision recorded" in refused.content.decode()
    # Sign-off makes the minutes read-only.
    assert chairing.post(sign_off, {"not_discussed": [i.pk for i in undiscussed]}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SIGNED_OFF
    response = chairing.post(url, {"form": "decision", "text": "Changed our mind"})
    assert response.status_code == 403
    assert Decision.objects.filter(meeting=meeting).count() == 2
    assert (
        chairing.post(
            reverse("meeting_addendum", args=[meeting.pk]), {"text": "Correction: the plan is owned by CSC."}
        ).status_code
        == 302
    )
    assert meeting.addenda.count() == 1

    # The pack and the minutes download as PDF, and each is an audited read of every child in it.
    for name in ("meeting_pack_pdf", "meeting_minutes_pdf"):
        response = officer.get(reverse(name, args=[meeting.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    children_on_agenda = set(
        AgendaItem.objects.filter(meeting=meeting, case__isnull=False).values_list("case__child_id", flat=True)
    )
    audited = set(AuditEvent.objects.filter(actor=police, action="meeting.pack_pdf").values_list("child_id", flat=True))
    assert audited == children_on_agenda


def test_it_refuses_to_confirm_risk_at_an_inquorate_meeting_without_an_exception(story, login):
    coordinator, chair = story["coordinator@example.org"], story["chair@example.org"]
    from meetings import services

    meeting = services.meeting_create(actor=coordinator, date=TODAY + timedelta(days=2), starts_at="10:00", chair=chair)
    services.statement_accept(actor=chair, meeting=meeting)
    item = AgendaItem.objects.get(meeting=meeting, case=story["high"])
    url = reverse("meeting_item", args=[meeting.pk, item.pk])
    response = login(chair).post(url, {"form": "confirm", "assessment": story["assessment"].pk, "level": "high"})
    assert response.status_code == 400
    assert "not quorate" in response.content.decode()
    story["assessment"].refresh_from_db()
    assert story["assessment"].status == "submitted"

    services.quorum_exception_record(
        actor=chair, meeting=meeting, reason="Health rep off sick; child at immediate risk"
    )
    assert (
        login(chair).post(url, {"form": "confirm", "assessment": story["assessment"].pk, "level": "high"}).status_code
        == 302
    )
