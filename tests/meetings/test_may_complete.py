"""Who may complete an action, in one place (meetings.access.may_complete): its owner, the coordinator
or a chair. The access helper, the service, the page and the API all ask it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.access import get_action_for_user, may_complete
from tests.cases import CHAIR, COORDINATOR, HEALTH, POLICE, make_case, user


@pytest.fixture
def action(demo_data):
    case = make_case(agencies=("Police", "Health"))
    return meeting_services.action_create(
        actor=user(COORDINATOR),
        case=case,
        description="Visit",
        owner=user(POLICE),
        due_date=timezone.localdate() + timedelta(days=2),
    )


@pytest.mark.parametrize(("email", "allowed"), [(POLICE, True), (COORDINATOR, True), (CHAIR, True), (HEALTH, False)])
def test_it_lets_the_owner_coordinator_and_chair_complete_and_no_one_else(action, email, allowed):
    assert may_complete(user(email), action) is allowed


def test_it_refuses_a_colleague_who_sees_the_case_everywhere(action, login):
    health = user(HEALTH)

    with pytest.raises(PermissionDenied):
        get_action_for_user(health, action.pk, write=True)
    with pytest.raises(PermissionDenied):
        meeting_services.action_complete(actor=health, action=action, note="Done")
    page = login(health).get(reverse("action_detail", args=[action.pk]))
    assert page.status_code == 200
    assert page.context["may_complete"] is False
    assert login(health).post(reverse("action_complete", args=[action.pk]), {"note": "Done"}).status_code == 403


def test_it_offers_the_owner_the_completion_form(action, login):
    assert login(user(POLICE)).get(reverse("action_detail", args=[action.pk])).context["may_complete"] is True
