"""Sign-off that means something (not before the meeting starts; every item with nothing recorded
confirmed as not discussed, carried to the next agenda, owed no feedback) and referral decisions checked
against the level -> provider mapping, withdrawn with a reason and kept."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, RiskLevel
from meetings import services
from meetings.models import Addendum, AgendaItem, Decision, Feedback, MeetingStatus, Section
from met.models import AuditEvent
from riskassessment.models import Provider, Referral
from tests.cases import CHAIR, COORDINATOR, HEALTH, POLICE, make_case, text, user

TODAY = timezone.localdate()


def client_for(email) -> Client:
    client = Client()
    client.force_login(user(email))
    return client


@pytest.fixture
def world(demo_data):
    coordinator, chair = user(COORDINATOR), user(CHAIR)
    meeting = services.meeting_create(actor=coordinator, date=TODAY, starts_at=time(0, 0), chair=chair)
    for person in (coordinator, chair):
        services.statement_accept(actor=person, meeting=meeting)
    discussed_case = make_case(first_name="Talkedabout", last_name="Signoff")
    skipped_case = make_case(first_name="Notreached", last_name="Signoff")
    Case.objects.filter(pk=discussed_case.pk).update(risk_level=RiskLevel.HIGH)
    discussed_case = Case.objects.get(pk=discussed_case.pk)
    discussed = services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=discussed_case, reason="x"
    )
    skipped = services.item_add(
        actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=skipped_case, reason="y"
    )
    services.item_discussion_save(actor=coordinator, item=discussed, discussion="Plan agreed.")
    return meeting, discussed, skipped


# --- sign-off -------------------------------------------------------------------------------------------


def test_it_refuses_to_sign_off_before_the_meeting_starts(world):
    later = services.meeting_create(
        actor=user(COORDINATOR), date=TODAY + timedelta(days=21), starts_at=time(13, 0), chair=user(CHAIR)
    )
    with pytest.raises(ValidationError, match="The meeting starts at 13:00"):
        services.meeting_sign_off(actor=user(CHAIR), meeting=later)
    at_0541 = timezone.make_aware(datetime.combine(later.date, time(5, 41)))
    with pytest.raises(ValidationError, match="once it has been held"):
        services.meeting_sign_off(actor=user(CHAIR), meeting=later, now=at_0541)
    services.statement_accept(actor=user(CHAIR), meeting=later)
    chair = client_for(CHAIR)
    url = reverse("meeting_sign_off", args=[later.pk])
    page = text(chair.get(url))
    assert (
        "Its minutes can be signed off once it has been held." in page and "Sign off the minutes</button>" not in page
    )
    response = chair.post(url)
    assert response.status_code == 400
    later.refresh_from_db()
    assert later.status == MeetingStatus.SCHEDULED and not Feedback.objects.filter(meeting=later).exists()


def test_it_refuses_to_sign_off_until_each_item_with_nothing_recorded_is_confirmed(world):
    meeting, discussed, skipped = world
    chair = client_for(CHAIR)
    url = reverse("meeting_sign_off", args=[meeting.pk])
    page = text(chair.get(url))
    assert "1 item with no discussion or decision" in page
    assert f'value="{skipped.pk}"' in page and f'value="{discussed.pk}"' not in page
    response = chair.post(url, {})
    assert response.status_code == 400
    assert "1 item has no discussion or decision recorded" in text(response)
    response = chair.post(url, {"not_discussed": [skipped.pk, discussed.pk]})
    assert response.status_code == 400 and "Check the list again" in text(response)
    response = chair.post(url, {"not_discussed": ["x"]})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status != MeetingStatus.SIGNED_OFF
    assert AgendaItem.objects.filter(not_discussed_at__isnull=False).count() == 0


def test_it_carries_items_not_discussed_and_owes_feedback_only_for_children_discussed(world):
    meeting, discussed, skipped = world
    following = services.meeting_create(
        actor=user(COORDINATOR), date=TODAY + timedelta(days=7), starts_at=time(10, 0), chair=user(CHAIR)
    )
    chair = client_for(CHAIR)
    response = chair.post(reverse("meeting_sign_off", args=[meeting.pk]), {"not_discussed": [skipped.pk]})
    assert response.status_code == 302
    skipped.refresh_from_db()
    assert skipped.not_discussed_at is not None and skipped.not_discussed_by == user(CHAIR)
    assert list(Feedback.objects.filter(meeting=meeting).values_list("case_id", flat=True)) == [discussed.case_id]
    carried = AgendaItem.objects.get(meeting=following, case=skipped.case)
    assert f"not discussed at the meeting of {TODAY.day} {TODAY:%b}, carried over" in carried.reason
    assert AuditEvent.objects.filter(action="meeting.item_not_discussed", object_id=str(skipped.pk)).exists()
    # Signing off twice: a clear refusal, nothing changes.
    again = chair.post(reverse("meeting_sign_off", args=[meeting.pk]), {"not_discussed": [skipped.pk]})
    assert again.status_code == 403
    assert "signed off and are read-only" in text(again)


# --- referral decisions ----------------------------------------------------------------------------------


def test_it_needs_a_reason_to_refer_to_a_provider_that_does_not_take_the_childs_level(world):
    meeting, discussed, _ = world
    asphaleia = Provider.objects.get(name="Asphaleia")  # low and medium (seed 003); the child is high
    url = reverse("meeting_item", args=[meeting.pk, discussed.pk])
    client = client_for(COORDINATOR)
    data = {"form": "referral", "provider": asphaleia.pk, "referred_on": TODAY.isoformat()}
    response = client.post(url, data)
    assert response.status_code == 400
    page = text(response)
    assert "Asphaleia takes low, medium risk" in page and "confirmed risk level is high" in page
    assert "Barnardo" in page  # the providers for the level are named
    assert not Referral.objects.filter(case=discussed.case).exists()
    response = client.post(url, data | {"mismatch_reason": "Barnardo's has a 10-week wait; Asphaleia can start now."})
    assert response.status_code == 302
    decision = Decision.objects.get(item=discussed, kind="referral")
    assert decision.mismatch_reason.startswith("Barnardo's has a 10-week wait")
    assert "Outside the provider's risk levels (high)" in decision.text
    assert decision.referral.provider == asphaleia


def test_it_refers_to_a_provider_for_the_childs_level_without_a_reason(world):
    _, discussed, _ = world
    barnardos = Provider.objects.get(name="Barnardo's")
    decision = services.decision_referral(
        actor=user(COORDINATOR), item=discussed, provider=barnardos, referred_on=TODAY
    )
    assert decision.text == "Referral to Barnardo's." and decision.mismatch_reason == ""


def test_it_withdraws_a_referral_decision_with_a_reason_and_keeps_it(world):
    meeting, discussed, _ = world
    barnardos = Provider.objects.get(name="Barnardo's")
    decision = services.decision_referral(
        actor=user(COORDINATOR), item=discussed, provider=barnardos, referred_on=TODAY
    )
    url = reverse("meeting_decision_withdraw", args=[meeting.pk, discussed.pk, decision.pk])
    client = client_for(COORDINATOR)
    page = text(client.get(url))
    assert "Withdraw this decision?" in page and "Referral to Barnardo" in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Say why the decision is being withdrawn." in text(response)
    assert client.post(url, {"reason": "Recorded against the wrong child."}).status_code == 302
    decision.refresh_from_db()
    assert decision.withdrawn_at is not None and decision.withdrawn_reason == "Recorded against the wrong child."
    assert "withdrawn by the meeting" in Referral.objects.get(pk=decision.referral_id).outcome_note
    assert AuditEvent.objects.filter(action="decision.withdraw", object_id=str(decision.pk)).exists()
    item_page = text(client.get(reverse("meeting_item", args=[meeting.pk, discussed.pk])))
    assert "Withdrawn" in item_page and "Recorded against the wrong child." in item_page
    again = client.post(url, {"reason": "twice"})
    assert again.status_code == 400 and "already been withdrawn" in text(again)
    # The API shows it withdrawn too, not as a standing decision.
    from rest_framework.test import APIClient

    from api import services as api_services

    _, key = api_services.token_create(user=user(COORDINATOR), name="Test")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    items = api.get(f"/api/v1/meetings/{meeting.pk}/").json()["items"]
    shown = next(d for i in items for d in i["decisions"] if d["id"] == decision.pk)
    assert shown["withdrawn_reason"] == "Recorded against the wrong child." and shown["withdrawn_at"]


def test_it_adds_a_withdrawal_after_sign_off_to_the_minutes_as_an_addendum(world):
    meeting, discussed, skipped = world
    decision = services.decision_other(actor=user(COORDINATOR), item=discussed, text="Close in a month")
    services.meeting_sign_off(actor=user(CHAIR), meeting=meeting, not_discussed={skipped.pk})
    services.decision_withdraw(actor=user(CHAIR), decision=decision, reason="Not what was agreed")
    addendum = Addendum.objects.get(meeting=meeting)
    assert "Close in a month" in addendum.text and "Not what was agreed" in addendum.text


@pytest.mark.parametrize(("email", "status"), [(COORDINATOR, 200), (CHAIR, 200), (POLICE, 403), (HEALTH, 404)])
def test_it_lets_only_those_running_the_meeting_withdraw_a_decision(world, email, status):
    meeting, discussed, _ = world
    services.attendance_set(actor=user(COORDINATOR), meeting=meeting, user=user(POLICE), status="present")
    decision = services.decision_other(actor=user(COORDINATOR), item=discussed, text="Strategy meeting")
    url = reverse("meeting_decision_withdraw", args=[meeting.pk, discussed.pk, decision.pk])
    assert client_for(email).get(url).status_code == status
    assert client_for(email).post(url, {"reason": "x"}).status_code == (302 if status == 200 else status)


def test_it_answers_404_for_a_decision_of_another_item(world):
    meeting, discussed, skipped = world
    decision = services.decision_other(actor=user(COORDINATOR), item=discussed, text="Strategy meeting")
    url = reverse("meeting_decision_withdraw", args=[meeting.pk, skipped.pk, decision.pk])
    assert client_for(COORDINATOR).get(url).status_code == 404
    assert client_for(COORDINATOR).post(url, {"reason": "x"}).status_code == 404
    assert Decision.objects.get(pk=decision.pk).withdrawn_at is None


def test_a_withdrawn_referral_is_marked_counted_in_no_report_and_takes_no_outcome(world):
    from django.core.exceptions import ValidationError

    from reporting import metrics
    from riskassessment import services as risk_services
    from riskassessment.models import ReferralOutcome

    _, discussed, _ = world
    barnardos = Provider.objects.get(name="Barnardo's")
    decision = services.decision_referral(
        actor=user(COORDINATOR), item=discussed, provider=barnardos, referred_on=TODAY
    )
    month_start, next_month = TODAY.replace(day=1), (TODAY.replace(day=1) + timedelta(days=32)).replace(day=1)
    assert metrics.referrals_by_provider(month_start, next_month) == {"Barnardo's": 1}

    services.decision_withdraw(actor=user(COORDINATOR), decision=decision, reason="Recorded against the wrong child.")

    referral = Referral.objects.get(pk=decision.referral_id)
    assert referral.outcome == ReferralOutcome.WITHDRAWN
    assert metrics.referrals_by_provider(month_start, next_month) == {}
    with pytest.raises(ValidationError, match="withdrew this referral"):
        risk_services.referral_record_outcome(actor=user(COORDINATOR), referral=referral, outcome="accepted")
    assert AuditEvent.objects.filter(action="referral.withdraw", object_id=str(referral.pk)).exists()


def test_the_pages_that_name_children_record_each_child_as_seen(world):
    """The sign-off, invitation and decision-withdrawal pages name children: each view is an audited read."""
    meeting, discussed, skipped = world
    decision = services.decision_other(actor=user(COORDINATOR), item=discussed, text="Strategy meeting")
    pages = {
        "meeting.sign_off_page": (CHAIR, reverse("meeting_sign_off", args=[meeting.pk]), {skipped.case.child_id}),
        "meeting.invite_page": (
            COORDINATOR,
            reverse("meeting_invite", args=[meeting.pk]),
            {discussed.case.child_id, skipped.case.child_id},
        ),
        "meeting.decision_withdraw_page": (
            COORDINATOR,
            reverse("meeting_decision_withdraw", args=[meeting.pk, discussed.pk, decision.pk]),
            {discussed.case.child_id},
        ),
    }
    for action, (email, url, children) in pages.items():
        assert client_for(email).get(url).status_code == 200, action
        seen = set(AuditEvent.objects.filter(action=action).values_list("child_id", flat=True))
        assert seen == children, action
