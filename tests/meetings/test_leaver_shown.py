"""A leaver's open work shows them plainly as gone until it is reassigned (issue 20 part 7)."""

from django.urls import reverse

from tests.meetings.test_actions import COORDINATOR, POLICE, login_as, make_case, new_action, text, user


def test_it_marks_a_deactivated_owner_on_the_action_page_and_the_actions_list(demo_data, login):
    action = new_action(make_case(), POLICE, description="Visit the family")
    owner = user(POLICE)
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    client = login_as(login, COORDINATOR)
    assert f"{owner.full_name} (left)" in text(client.get(reverse("action_detail", args=[action.pk])))
    assert f"{owner.full_name} (left)" in text(client.get(reverse("agency_actions")))
