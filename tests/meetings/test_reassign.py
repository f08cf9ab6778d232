"""Reassigning a person's open work (issue 20 point 7): a leaver's actions, lead roles and feedback
move to a colleague one by one or all at once; only the coordinator, or the person's own agency admin
within their agency and never to themselves; audited, permissions recomputed, the new owner told once."""

import re
from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.access import can_change_case, cases_visible_to
from cases.models import Case, CaseUserObjectPermission
from meetings import services
from meetings.models import Action, ActionStatus, Feedback
from met import services as met_services
from met.models import AuditEvent, Notification, Role, User
from tests.cases import COORDINATOR, HEALTH, POLICE, POLICE_ADMIN, SCHOOL, SYSADMIN, agency, make_case, text, user

CHAIR = "chair@example.org"
POLICE_MANAGER = "manager.police@example.org"
POLICE_SENIOR = "senior.police@example.org"
HEALTH_ADMIN = "admin.health@example.org"
DUE = timezone.localdate() + timedelta(days=7)


def _action(case, owner, description="Visit the child at home"):
    return services.action_create(
        actor=user(COORDINATOR), case=case, description=description, owner=owner, due_date=DUE
    )


@pytest.fixture
def leaver(demo_data):
    """The police officer's work: the lead on one case, actions on three (one restricted to them),
    feedback owed to them; then they leave."""
    parker = user(POLICE)
    led = make_case(agencies=("Police", "Health"), lead=parker, first_name="Ledkid", last_name="Ashcombe")
    other = make_case(agencies=("Health", "Police"), first_name="Otherkid", last_name="Brindle")
    restricted = make_case(
        agencies=("Police", "Health"), restricted_to=[parker], first_name="Quietkid", last_name="Corsley"
    )
    meeting = services.meeting_create(
        actor=user(COORDINATOR), date=timezone.localdate(), starts_at=time(10, 0), chair=user(CHAIR)
    )
    work = {
        "led": led,
        "other": other,
        "restricted": restricted,
        "action_led": _action(led, parker),
        "action_other": _action(other, parker),
        "action_restricted": _action(restricted, parker),
        "feedback": Feedback.objects.create(meeting=meeting, case=led, lead_professional=parker, due_date=DUE),
    }
    met_services.user_deactivate(actor=user(POLICE_ADMIN), user=parker)
    work["parker"] = User.objects.get(pk=parker.pk)
    return work


def _reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def _post_all(client, owner, to, items):
    return client.post(reverse("open_work_reassign_all", args=[owner.pk]), {"to": to.pk, "items": items})


# --- all at once, as an agency admin -----------------------------------------------------------------


def test_it_moves_a_leavers_work_to_a_colleague_in_one_step_after_a_confirmation_page(leaver, login):
    admin, manager, parker = user(POLICE_ADMIN), user(POLICE_MANAGER), leaver["parker"]
    client = login(admin)

    page = client.get(reverse("open_work", args=[parker.pk]))
    assert page.status_code == 200
    confirm = client.get(reverse("open_work_reassign_all", args=[parker.pk]), {"to": manager.pk})
    assert confirm.status_code == 200
    moving = [m["key"] for m in confirm.context["moving"]]
    staying = confirm.context["staying"]
    # The restricted case's action cannot go to someone not named on it: it stays, and the page says why.
    assert [m["obj"] for m in staying] == [leaver["action_restricted"]]
    assert "not named on a restricted case" in text(confirm)
    nothing_yet = (AuditEvent.objects.filter(action__endswith="reassign").count(), Notification.objects.count())
    assert nothing_yet[0] == 0

    response = _post_all(client, parker, manager, moving)

    assert response.status_code == 302
    assert _reload(leaver["led"]).lead_professional == manager
    for key in ("action_led", "action_other"):
        action = _reload(leaver[key])
        assert (action.owner, action.owner_agency, action.version) == (manager, agency("Police"), 2)
    assert _reload(leaver["feedback"]).lead_professional == manager
    assert _reload(leaver["action_restricted"]).owner == parker
    # Audited item by item (with the child) and as one move of the person's work.
    events = AuditEvent.objects.filter(actor=admin)
    assert events.filter(action="action.reassign").count() == 2
    assert events.filter(action="case.lead_reassign", child_id=leaver["led"].child_id).count() == 1
    assert events.filter(action="feedback.reassign").count() == 1
    assert events.get(action="user.work_reassign").detail["to"] == manager.pk
    # One message for the new owner, however many items; none for the deactivated one.
    told = Notification.objects.filter(recipient=manager, subject__startswith="Work passed to you")
    assert told.count() == 1
    assert leaver["led"].reference in told.get().body
    assert "Ledkid" not in told.get().body
    assert not Notification.objects.filter(recipient=parker, subject__startswith="Your work was passed").exists()
    # What is left is listed, and the page says so.
    after = client.get(reverse("open_work", args=[parker.pk]))
    assert after.context["work"].total == 1


def test_it_recomputes_permissions_for_the_old_and_the_new_owner(leaver, login):
    parker, manager = leaver["parker"], user(POLICE_MANAGER)
    led = leaver["led"]
    assert CaseUserObjectPermission.objects.filter(user=parker, content_object=led).exists()

    services.lead_professional_reassign(actor=user(COORDINATOR), case=led, from_user=parker, to_user=manager)

    held = set(
        CaseUserObjectPermission.objects.filter(user=manager, content_object=led).values_list(
            "permission__codename", flat=True
        )
    )
    assert held == {"view_case", "change_case"}
    # The old lead still owns an action on the case (a reason to view it), so keeps view only.
    assert set(
        CaseUserObjectPermission.objects.filter(user=parker, content_object=led).values_list(
            "permission__codename", flat=True
        )
    ) == {"view_case"}
    services.action_reassign(actor=user(COORDINATOR), action=leaver["action_led"], from_user=parker, to_user=manager)
    assert not CaseUserObjectPermission.objects.filter(user=parker, content_object=led).exists()
    assert can_change_case(manager, _reload(led))


def test_the_lead_role_takes_the_feedback_owed_on_that_case_with_it(leaver):
    parker, manager = leaver["parker"], user(POLICE_MANAGER)

    services.lead_professional_reassign(actor=user(POLICE_ADMIN), case=leaver["led"], from_user=parker, to_user=manager)

    assert _reload(leaver["feedback"]).lead_professional == manager


# --- one at a time -------------------------------------------------------------------------------------


def test_it_moves_one_action_from_its_page_and_tells_the_new_owner(leaver, login):
    parker, senior = leaver["parker"], user(POLICE_SENIOR)
    client = login(user(COORDINATOR))
    url = reverse("open_work_reassign_item", args=[parker.pk, "action", leaver["action_other"].pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"to": senior.pk})

    assert response.status_code == 302
    assert _reload(leaver["action_other"]).owner == senior
    assert _reload(leaver["action_led"]).owner == parker
    event = AuditEvent.objects.get(action="action.reassign")
    assert (event.child_id, event.detail) == (leaver["other"].child_id, {"from": parker.pk, "to": senior.pk})
    assert Notification.objects.filter(recipient=senior, subject__startswith="Work passed to you").count() == 1


def test_an_active_owner_is_told_their_work_moved(demo_data):
    case = make_case(agencies=("Police",))
    parker, manager = user(POLICE), user(POLICE_MANAGER)
    action = _action(case, parker)

    services.action_reassign(actor=user(COORDINATOR), action=action, from_user=parker, to_user=manager)

    assert Notification.objects.filter(
        recipient=parker, subject=f"Your work was passed to {manager.full_name}"
    ).exists()


# --- who may, and to whom: thinking like an attacker ---------------------------------------------------


def test_an_agency_admin_cannot_move_work_to_another_agencys_staff(leaver, login):
    parker, health = leaver["parker"], user(HEALTH)
    action = leaver["action_other"]  # Health is involved: only the agency boundary stops it

    with pytest.raises(PermissionDenied):
        services.action_reassign(actor=user(POLICE_ADMIN), action=action, from_user=parker, to_user=health)
    response = login(user(POLICE_ADMIN)).post(
        reverse("open_work_reassign_item", args=[parker.pk, "action", action.pk]), {"to": health.pk}
    )

    assert response.status_code == 400
    assert "Choose one of the people listed" in text(response)
    assert _reload(action).owner == parker
    assert not AuditEvent.objects.filter(action="action.reassign").exists()


def test_an_agency_admin_cannot_see_or_move_another_agencys_staff_work(leaver, login):
    health_case = make_case(agencies=("Health",))
    harper = user(HEALTH)
    action = _action(health_case, harper)
    client = login(user(POLICE_ADMIN))

    assert client.get(reverse("open_work", args=[harper.pk])).status_code == 404
    assert client.get(reverse("open_work_reassign_item", args=[harper.pk, "action", action.pk])).status_code == 404
    # Nor by putting the other agency's action under their own leaver's address.
    url = reverse("open_work_reassign_item", args=[leaver["parker"].pk, "action", action.pk])
    assert client.post(url, {"to": user(POLICE_MANAGER).pk}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.action_reassign(actor=user(POLICE_ADMIN), action=action, from_user=harper, to_user=user(POLICE))
    assert _reload(action).owner == harper


def test_an_agency_admin_cannot_make_themselves_the_owner_or_the_lead(leaver, login):
    hybrid = met_services.user_create(
        actor=None,
        email="admin.and.officer@example.org",
        full_name="Alex Hybrid",
        agency=agency("Police"),
        roles={Role.AGENCY_ADMIN.value, Role.PRACTITIONER.value},
    )
    parker = leaver["parker"]

    for call in (
        lambda: services.lead_professional_reassign(actor=hybrid, case=leaver["led"], from_user=parker, to_user=hybrid),
        lambda: services.action_reassign(actor=hybrid, action=leaver["action_led"], from_user=parker, to_user=hybrid),
        lambda: services.open_work_reassign(
            actor=hybrid, from_user=parker, to_user=hybrid, items=[f"action:{leaver['action_other'].pk}"]
        ),
    ):
        with pytest.raises(PermissionDenied, match="yourself"):
            call()
    page = login(hybrid).get(reverse("open_work", args=[parker.pk]))
    assert hybrid not in page.context["form"].fields["to"].queryset
    assert _reload(leaver["led"]).lead_professional == parker
    assert not cases_visible_to(hybrid).filter(pk=leaver["restricted"].pk).exists()


def test_it_refuses_a_deactivated_new_owner(leaver, login):
    senior = user(POLICE_SENIOR)
    met_services.user_deactivate(actor=user(POLICE_ADMIN), user=senior)
    senior = _reload(senior)

    with pytest.raises(ValidationError, match="deactivated"):
        services.action_reassign(
            actor=user(COORDINATOR), action=leaver["action_led"], from_user=leaver["parker"], to_user=senior
        )
    response = _post_all(login(user(COORDINATOR)), leaver["parker"], senior, [f"action:{leaver['action_led'].pk}"])
    assert response.status_code == 400
    assert _reload(leaver["action_led"]).owner == leaver["parker"]


def test_it_refuses_someone_whose_agency_is_not_involved_and_moves_nothing(leaver):
    school = user(SCHOOL)
    items = [f"action:{leaver['action_other'].pk}", f"action:{leaver['action_led'].pk}"]

    with pytest.raises(ValidationError) as refused:
        services.open_work_reassign(actor=user(COORDINATOR), from_user=leaver["parker"], to_user=school, items=items)

    assert "Education, which is not involved in " + leaver["other"].reference in " ".join(refused.value.messages)
    assert set(Action.objects.filter(owner=school).values_list("pk", flat=True)) == set()


def test_it_refuses_a_lead_from_outside_the_lead_agency(leaver):
    with pytest.raises(ValidationError, match="lead agency, Police"):
        services.lead_professional_reassign(
            actor=user(COORDINATOR), case=leaver["led"], from_user=leaver["parker"], to_user=user(HEALTH)
        )


def test_it_refuses_a_restricted_childs_work_to_someone_not_named_even_for_the_coordinator(leaver):
    with pytest.raises(ValidationError, match="not named on a restricted case"):
        services.action_reassign(
            actor=user(COORDINATOR),
            action=leaver["action_restricted"],
            from_user=leaver["parker"],
            to_user=user(POLICE_MANAGER),
        )


def test_it_refuses_the_whole_move_when_the_work_changed_after_the_confirmation_page(leaver, login):
    parker, manager = leaver["parker"], user(POLICE_MANAGER)
    client = login(user(POLICE_ADMIN))
    confirm = client.get(reverse("open_work_reassign_all", args=[parker.pk]), {"to": manager.pk})
    moving = [m["key"] for m in confirm.context["moving"]]
    services.action_cancel(actor=user(COORDINATOR), action=leaver["action_other"], reason="No longer needed")

    response = _post_all(client, parker, manager, moving)

    assert response.status_code == 409
    assert "nothing was moved" in text(response)
    assert _reload(leaver["led"]).lead_professional == parker
    assert _reload(leaver["action_led"]).owner == parker
    assert not AuditEvent.objects.filter(action__endswith="reassign").exists()


@pytest.mark.parametrize(
    "items",
    [["bogus:1"], ["action:x"], ["action:" + "9" * 30], [], ["feedback:987654321"]],
    ids=["unknown kind", "not a number", "huge", "nothing", "no such record"],
)
def test_it_refuses_a_tampered_list_with_a_4xx_and_moves_nothing(leaver, login, items):
    response = _post_all(login(user(POLICE_ADMIN)), leaver["parker"], user(POLICE_MANAGER), items)

    assert response.status_code in (400, 409)
    assert "There is a problem" in text(response)
    assert _reload(leaver["led"]).lead_professional == leaver["parker"]


def test_it_refuses_someone_elses_action_slipped_into_the_list(leaver, login):
    harper_action = _action(make_case(agencies=("Health", "Police")), user(HEALTH))

    response = _post_all(
        login(user(POLICE_ADMIN)), leaver["parker"], user(POLICE_MANAGER), [f"action:{harper_action.pk}"]
    )

    assert response.status_code == 409
    assert _reload(harper_action).owner == user(HEALTH)


@pytest.mark.parametrize(
    ("params", "status"),
    [({}, 400), ({"to": "abc"}, 400), ({"to": str(2**70)}, 400)],
    ids=["no one chosen", "not a number", "huge"],
)
def test_it_asks_for_a_person_before_the_confirmation_page(leaver, login, params, status):
    response = login(user(POLICE_ADMIN)).get(reverse("open_work_reassign_all", args=[leaver["parker"].pk]), params)

    assert response.status_code == status
    assert "There is a problem" in text(response)


def test_an_unknown_kind_or_item_is_a_404(leaver, login):
    client = login(user(COORDINATOR))
    parker = leaver["parker"]

    assert client.get(f"/people/{parker.pk}/open-work/meeting/{leaver['action_led'].pk}/").status_code == 404
    assert client.get(f"/people/{parker.pk}/open-work/action/{2**70}/").status_code == 404
    # A done action is history, not open work.
    services.action_complete(actor=user(COORDINATOR), action=leaver["action_led"], note="Done")
    assert (
        client.get(reverse("open_work_reassign_item", args=[parker.pk, "action", leaver["action_led"].pk])).status_code
        == 404
    )


# --- allowed, 404 and 403 for every page ------------------------------------------------------------

PAGES = [
    lambda w: reverse("open_work_index"),
    lambda w: reverse("open_work", args=[w["parker"].pk]),
    lambda w: reverse("open_work_reassign_all", args=[w["parker"].pk]) + f"?to={user(POLICE_MANAGER).pk}",
    lambda w: reverse("open_work_reassign_item", args=[w["parker"].pk, "lead", w["led"].pk]),
]


@pytest.mark.parametrize("page", range(len(PAGES)))
@pytest.mark.parametrize(
    ("who", "status"),
    [(COORDINATOR, 200), (POLICE_ADMIN, 200), (HEALTH_ADMIN, 404), (CHAIR, 403), (POLICE, 403), (SYSADMIN, 403)],
)
def test_each_page_is_the_coordinators_and_the_agency_admins(leaver, login, page, who, status):
    # The leaver cannot sign in: a practitioner colleague stands for the practitioners.
    who_user = user(POLICE_MANAGER) if who == POLICE else user(who)
    expected = 200 if (page == 0 and who == HEALTH_ADMIN) else status  # the index lists their own agency only

    assert login(who_user).get(PAGES[page](leaver)).status_code == expected


def test_signed_out_visitors_are_sent_to_sign_in(leaver, client):
    response = client.get(reverse("open_work", args=[leaver["parker"].pk]))

    assert response.status_code == 302 and "/login/" in response["Location"]


# --- what each sees ------------------------------------------------------------------------------------


def test_an_agency_admin_sees_case_references_not_children(leaver, login):
    page = text(login(user(POLICE_ADMIN)).get(reverse("open_work", args=[leaver["parker"].pk])))

    assert leaver["led"].reference in page
    for secret in ("Ledkid", "Otherkid", "Quietkid", "Visit the child at home", leaver["restricted"].reference):
        assert secret not in page
    assert "A restricted case" in page


def test_the_coordinator_sees_each_child_and_the_read_is_audited(leaver, login):
    page = text(login(user(COORDINATOR)).get(reverse("open_work", args=[leaver["parker"].pk])))

    assert "Ledkid Ashcombe" in page and "Visit the child at home" in page
    event = AuditEvent.objects.filter(action="open_work.list").latest("pk")
    assert leaver["led"].child_id in event.detail["children"]


def test_the_index_lists_leavers_with_open_work_and_says_when_there_are_none(leaver, login):
    page = text(login(user(POLICE_ADMIN)).get(reverse("open_work_index")))
    assert "Parker Demo-Officer (left)" in page
    assert "lead professional on 1 case" in page and "3 open actions" in page

    empty = text(login(user(HEALTH_ADMIN)).get(reverse("open_work_index")))
    assert "Nobody who has left still owns open work" in empty


def test_the_index_leads_to_any_working_persons_work_within_what_the_admin_manages(leaver, login):
    manager = user(POLICE_MANAGER)
    url = reverse("open_work_index")

    response = login(user(COORDINATOR)).get(url, {"person": user(HEALTH).pk})
    assert (response.status_code, response["Location"]) == (302, reverse("open_work", args=[user(HEALTH).pk]))
    assert login(user(POLICE_ADMIN)).get(url, {"person": manager.pk}).status_code == 302
    for person in (user(HEALTH).pk, "x", ""):
        refused = login(user(POLICE_ADMIN)).get(url, {"person": person})
        assert refused.status_code == 400
        assert "There is a problem" in text(refused)


def test_a_leaver_shows_as_left_on_the_case_page_until_the_work_moves(leaver, login):
    client = login(user(COORDINATOR))
    page = text(client.get(leaver["led"].get_absolute_url()))
    assert "Parker Demo-Officer (left)" in page

    services.open_work_reassign(
        actor=user(COORDINATOR),
        from_user=leaver["parker"],
        to_user=user(POLICE_MANAGER),
        items=[f"lead:{leaver['led'].pk}", f"action:{leaver['action_led'].pk}"],
    )
    page = text(client.get(leaver["led"].get_absolute_url()))
    assert "Parker Demo-Officer (left)" not in page
    assert "Action for Jordan Demo-Manager-Police" in page


def test_a_leaver_shows_as_left_on_the_case_list(leaver, login):
    page = text(login(user(COORDINATOR)).get(reverse("case_list")))

    assert "Police: Parker Demo-Officer (left)" in page


def test_display_name_marks_only_a_deactivated_person(demo_data):
    assert user(POLICE).display_name == "Parker Demo-Officer"
    User.objects.filter(email=POLICE).update(is_active=False)
    assert user(POLICE).display_name == "Parker Demo-Officer (left)"


# --- the account pages -----------------------------------------------------------------------------


def test_the_account_pages_show_a_leavers_open_work_and_link_to_reassign_it(leaver, login):
    client = login(user(POLICE_ADMIN))
    parker = leaver["parker"]
    link = reverse("open_work", args=[parker.pk])

    detail = text(client.get(reverse("user_detail", args=[parker.pk])))
    assert "lead professional on 1 case, 3 open actions, 1 feedback record not yet given" in detail
    assert link in detail
    listing = text(client.get(reverse("user_list"), {"status": "inactive"}))
    assert "3 open actions" in listing and "To reassign" in listing


def test_the_deactivation_page_says_how_much_open_work_there_is(demo_data, login):
    case = make_case(agencies=("Police",), lead=user(POLICE))
    _action(case, user(POLICE))

    page = text(login(user(POLICE_ADMIN)).get(reverse("user_deactivate", args=[user(POLICE).pk])))

    assert "still has open work: lead professional on 1 case, 1 open action" in page
    assert reverse("open_work", args=[user(POLICE).pk]) in page


def test_a_system_admin_sees_the_work_but_is_pointed_to_those_who_can_move_it(leaver, login):
    page = text(login(user(SYSADMIN)).get(reverse("user_detail", args=[leaver["parker"].pk])))

    assert "3 open actions" in page
    assert reverse("open_work", args=[leaver["parker"].pk]) not in page
    assert "Their agency admin or the MET coordinator can reassign it." in page


# --- query counts ------------------------------------------------------------------------------------


def _more_work(n):
    parker = user(POLICE)
    for _ in range(n):
        case = make_case(agencies=("Police", "Health"), lead=parker)
        _action(case, parker)


def _count_queries(client, url, django_assert_max_num_queries, limit):
    client.get(url)  # the session's first use costs queries of its own
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["index", "work", "confirm", "accounts"])
def test_the_lists_take_the_same_number_of_queries_whatever_the_amount_of_work(
    demo_data, login, django_assert_max_num_queries, page
):
    parker = user(POLICE)

    def url():
        return {
            "index": reverse("open_work_index"),
            "work": reverse("open_work", args=[parker.pk]),
            "confirm": reverse("open_work_reassign_all", args=[parker.pk]) + f"?to={user(POLICE_MANAGER).pk}",
            "accounts": reverse("user_list") + "?status=all",
        }[page]

    client = login(user(POLICE_ADMIN))
    _more_work(2)
    met_services.user_deactivate(actor=user(POLICE_ADMIN), user=parker)
    few = _count_queries(client, url(), django_assert_max_num_queries, 25)
    _more_work_after = make_case(agencies=("Police", "Health"))
    for _ in range(4):
        Case.objects.filter(pk=make_case(agencies=("Police", "Health")).pk).update(lead_professional=parker)
        Action.objects.create(
            case=_more_work_after,
            description="More",
            owner=parker,
            owner_agency=parker.agency,
            due_date=DUE,
            created_by=user(COORDINATOR),
            status=ActionStatus.OPEN,
        )
    many = _count_queries(client, url(), django_assert_max_num_queries, 25)

    assert many == few


def test_the_home_page_points_the_coordinator_and_the_agency_admin_to_work_left_behind(leaver, login):
    for who in (COORDINATOR, POLICE_ADMIN):
        page = text(login(user(who)).get("/"))
        assert "1 person who has left still owns open work" in re.sub(r"<[^>]+>", "", page)
        assert reverse("open_work_index") in page
    # Health's admin has no leaver with work; a practitioner never sees the panel.
    for who in (HEALTH_ADMIN, POLICE_SENIOR):
        assert "Work to reassign" not in text(login(user(who)).get("/"))
