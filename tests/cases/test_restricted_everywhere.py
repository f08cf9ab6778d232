"""A restricted case stays restricted on every path that names its child (DESIGN §3, issue 12): the API's
meeting detail, the actions pages and API, reminders and escalations; an action on it goes only to someone
named on it; and its lead professional sees it even when not named."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.access import cases_visible_to, get_case_for_user
from meetings import services as meeting_services
from meetings.models import Action, AttendanceStatus, Section
from met.models import Notification
from tests.cases import COORDINATOR, HEALTH, POLICE, agency, make_case, text, user

CHAIR = "chair@example.org"


@pytest.fixture
def restricted(demo_data):
    """Police and Health involved; restricted to the health practitioner."""
    return make_case(agencies=("Police", "Health"), restricted_to=[demo_data[HEALTH]], last_name="Veilstone")


@pytest.fixture
def api(demo_data):
    from api import services as api_services

    def _client(email):
        from django.test import Client

        _, key = api_services.token_create(user=user(email), name="test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return _client


def _due():
    return timezone.localdate() + timedelta(days=5)


def test_it_hides_a_restricted_child_from_an_unnamed_attendee_in_the_api_meeting_detail(restricted, api, demo_data):
    coordinator, police = user(COORDINATOR), user(POLICE)
    open_case = make_case(agencies=("Police",), last_name="Brightwater")
    meeting = meeting_services.meeting_create(
        actor=coordinator, date=timezone.localdate(), starts_at=time(10), chair=user(CHAIR)
    )
    meeting_services.attendance_set(actor=coordinator, meeting=meeting, user=police, status=AttendanceStatus.PRESENT)
    meeting_services.statement_accept(actor=police, meeting=meeting)
    for case in (restricted, open_case):
        meeting_services.item_add(actor=coordinator, meeting=meeting, section=Section.HIGH_RISK, case=case, reason="x")

    response = api(POLICE).get(f"/api/v1/meetings/{meeting.pk}/")

    assert response.status_code == 200
    assert "Veilstone" not in response.content.decode()
    assert restricted.reference not in response.content.decode()
    assert "Brightwater" in response.content.decode()
    # The coordinator sees the restricted child too, once they have accepted the statement as everyone
    # must (issue 20 part 2).
    assert "Veilstone" not in api(COORDINATOR).get(f"/api/v1/meetings/{meeting.pk}/").content.decode()
    meeting_services.statement_accept(actor=coordinator, meeting=meeting)
    assert "Veilstone" in api(COORDINATOR).get(f"/api/v1/meetings/{meeting.pk}/").content.decode()


def test_it_refuses_an_action_on_a_restricted_case_for_someone_not_named_on_it(restricted):
    with pytest.raises(ValidationError) as refused:
        meeting_services.action_create(
            actor=user(COORDINATOR), case=restricted, description="Visit", owner=user(POLICE), due_date=_due()
        )

    assert "is not named on it" in str(refused.value)
    assert not Action.objects.exists()


def test_it_offers_only_named_people_as_owners_and_says_why_on_the_web(restricted, login):
    client = login(user(COORDINATOR))
    page = client.get(reverse("case_action_create", args=[restricted.pk]))
    offered = set(page.context["form"].fields["owner"].queryset)
    assert user(HEALTH) in offered
    assert user(POLICE) not in offered

    response = client.post(
        reverse("case_action_create", args=[restricted.pk]),
        {"description": "Visit", "owner": user(POLICE).pk, "due_date": _due().strftime("%d/%m/%Y")},
    )

    assert response.status_code == 400
    assert "Choose someone from an agency involved in the case." in text(response)
    assert not Action.objects.exists()


def test_it_lets_a_named_person_own_an_action_on_a_restricted_case(restricted):
    action = meeting_services.action_create(
        actor=user(COORDINATOR), case=restricted, description="Visit", owner=user(HEALTH), due_date=_due()
    )

    assert action.owner == user(HEALTH)


def test_it_refuses_to_restrict_a_case_while_someone_not_named_owns_open_work_on_it(demo_data, login):
    case = make_case(agencies=("Police", "Health"), last_name="Ashmere")
    meeting_services.action_create(
        actor=user(COORDINATOR), case=case, description="Visit", owner=user(POLICE), due_date=_due()
    )
    case.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        case_services.case_update(
            actor=user(COORDINATOR),
            case=case,
            expected_version=case.version,
            seen=None,
            is_restricted=True,
            restricted_to=[user(HEALTH)],
        )

    assert "owns an open action on this case" in str(refused.value)
    case.refresh_from_db()
    assert not case.is_restricted


def test_it_hides_an_action_on_a_restricted_case_from_an_owner_no_longer_able_to_see_it(demo_data, login, api):
    # Data from before the rule (or a hand edit): the owner is not named. Their action pages go quiet too.
    case = make_case(agencies=("Police", "Health"), last_name="Duskfield")
    action = meeting_services.action_create(
        actor=user(COORDINATOR), case=case, description="Visit", owner=user(POLICE), due_date=_due()
    )
    type(case).objects.filter(pk=case.pk).update(is_restricted=True)
    case.restricted_to.set([user(HEALTH)])
    client = login(user(POLICE))

    assert client.get(reverse("action_detail", args=[action.pk])).status_code == 404
    assert "Duskfield" not in text(client.get(reverse("my_actions")))
    assert case.reference not in text(client.get(reverse("my_actions")))
    assert api(POLICE).get(f"/api/v1/actions/{action.pk}/").status_code == 404
    assert case.reference not in api(POLICE).get("/api/v1/actions/").content.decode()
    assert login(user(HEALTH)).get(reverse("action_detail", args=[action.pk])).status_code == 200


def test_it_escalates_an_action_on_a_restricted_case_without_naming_it_to_a_manager_not_named(restricted):
    action = meeting_services.action_create(
        actor=user(COORDINATOR), case=restricted, description="Visit", owner=user(HEALTH), due_date=_due()
    )
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - timedelta(days=10))

    meeting_services.actions_sweep()

    manager = user("manager.health@example.org")
    to_manager = Notification.objects.filter(recipient=manager)
    assert to_manager.exists()
    for note in to_manager:
        assert restricted.reference not in note.body
        assert "a restricted case" in note.body
        assert note.link == ""
    # The owner is named on the case, so their own reminder names it.
    to_owner = Notification.objects.get(recipient=user(HEALTH), subject="Your action is due")
    assert restricted.reference in to_owner.body


def test_it_shows_a_restricted_case_to_its_lead_professional_who_is_not_named(demo_data, login):
    # The lead professional clause of cases/access.py: drop it and this fails.
    case = make_case(
        agencies=("Police", "Health"), lead=demo_data[POLICE], restricted_to=[demo_data[HEALTH]], last_name="Kestrel"
    )
    assert not case.restricted_to.filter(pk=demo_data[POLICE].pk).exists()

    assert login(user(POLICE)).get(case.get_absolute_url()).status_code == 200
    assert cases_visible_to(user(POLICE)).filter(pk=case.pk).exists()
    assert get_case_for_user(user(POLICE), case.pk, write=True) == case
    assert login(user("manager.police@example.org")).get(case.get_absolute_url()).status_code == 404


def test_it_tells_a_referrer_the_outcome_without_the_case_reference(demo_data):
    from tests.cases import category, log_referral

    case = log_referral(demo_data[POLICE], last_name="Oakhurst")
    case_services.case_open(
        actor=user(COORDINATOR),
        case=case,
        lead_agency=agency("Health"),
        lead_professional=None,
        agencies_involved=[agency("Health")],
        categories=[category("cse")],
    )

    note = Notification.objects.get(recipient=demo_data[POLICE])
    assert "opened a case for the concern you logged" in note.body
    assert case.reference not in note.body
