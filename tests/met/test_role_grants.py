"""Who may grant which role (DESIGN §3, issue 12): only a system admin grants coordinator, chair or system
admin; an agency admin grants practitioner and agency admin within their own agency; nobody changes their
own roles; every grant and revoke is audited and tells the person and the system admins."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from met import services
from met.models import AuditEvent, Notification, User
from tests.met.test_account_management import create_data, edit_data, text

POLICE = "practitioner.police@example.org"


def reload(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ["coordinator", "chair", "system_admin"])
def test_it_refuses_an_agency_admin_granting_a_case_wide_role_to_a_colleague(demo_data, login, police_admin, role):
    target = demo_data[POLICE]
    client = login(police_admin)

    response = client.post(
        reverse("user_edit", args=[target.pk]), edit_data(client, target, roles=["practitioner", role])
    )

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert reload(target).roles == target.roles
    assert not AuditEvent.objects.filter(action="user.role_grant").exists()


@pytest.mark.parametrize("role", ["coordinator", "chair"])
def test_it_refuses_an_agency_admin_making_themselves_coordinator_or_chair(demo_data, login, police_admin, role):
    client = login(police_admin)

    response = client.post(
        reverse("user_edit", args=[police_admin.pk]), edit_data(client, police_admin, roles=["agency_admin", role])
    )

    assert response.status_code == 400
    assert "You cannot change your own roles" in text(response)
    assert not getattr(reload(police_admin), f"is_{role}")


def test_it_does_not_offer_an_agency_admin_the_case_wide_roles(demo_data, login, police_admin):
    response = login(police_admin).get(reverse("user_create"))

    offered = {value for value, _ in response.context["form"].fields["roles"].choices}
    assert offered == {"practitioner", "agency_admin"}


def test_it_shows_your_own_roles_as_text_not_as_checkboxes(demo_data, login, police_admin):
    response = login(police_admin).get(reverse("user_edit", args=[police_admin.pk]))

    page = text(response)
    assert "You cannot change your own roles" in page
    assert 'type="checkbox" name="roles"' not in page


def test_it_refuses_an_agency_admin_creating_a_chair(demo_data, login, police_admin):
    response = login(police_admin).post(reverse("user_create"), create_data(roles=["practitioner", "chair"]))

    assert response.status_code == 400
    assert not User.objects.filter(email="nova.newperson@example.org").exists()


@pytest.mark.parametrize("role", ["coordinator", "chair", "system_admin"])
def test_it_refuses_a_case_wide_grant_by_an_agency_admin_in_the_service(demo_data, police_admin, role):
    target = demo_data[POLICE]

    with pytest.raises(PermissionDenied, match="Only a system admin"):
        services.user_update(
            actor=police_admin, user=target, expected_version=target.version, roles={"practitioner", role}
        )
    with pytest.raises(PermissionDenied, match="Only a system admin"):
        services.user_create(
            actor=police_admin, email="x@example.org", full_name="X", agency=police_admin.agency, roles={role}
        )


def test_it_refuses_changing_your_own_roles_in_the_service_even_for_a_system_admin(demo_data, sysadmin):
    with pytest.raises(ValidationError, match="You cannot change your own roles"):
        services.user_update(
            actor=sysadmin, user=sysadmin, expected_version=sysadmin.version, roles={"system_admin", "chair"}
        )
    assert not reload(sysadmin).is_chair


def test_it_keeps_a_role_an_agency_admin_cannot_change_when_they_edit_the_account(demo_data, login, police_admin):
    # Existing accounts are left as they are: a police chair stays chair when their admin edits their job title.
    chair = demo_data["chair@example.org"]
    client = login(police_admin)
    page = client.get(reverse("user_edit", args=[chair.pk]))
    assert "Also holds: chair" in text(page)

    response = client.post(reverse("user_edit", args=[chair.pk]), edit_data(client, chair, job_title="Inspector"))

    assert response.status_code == 302
    chair = reload(chair)
    assert chair.is_chair
    assert chair.job_title == "Inspector"
    assert not AuditEvent.objects.filter(action__in=["user.role_grant", "user.role_revoke"]).exists()


def test_it_refuses_an_agency_admin_removing_a_chair_role(demo_data, police_admin):
    chair = demo_data["chair@example.org"]

    with pytest.raises(PermissionDenied, match="chair"):
        services.user_update(actor=police_admin, user=chair, expected_version=chair.version, roles={"practitioner"})
    assert reload(chair).is_chair


def test_it_audits_and_announces_each_grant_and_revoke(demo_data, login, police_admin, sysadmin):
    target = demo_data[POLICE]
    client = login(police_admin)

    response = client.post(reverse("user_edit", args=[target.pk]), edit_data(client, target, roles=["agency_admin"]))

    assert response.status_code == 302
    events = {(e.action, e.detail["role"]) for e in AuditEvent.objects.filter(action__startswith="user.role_")}
    assert events == {("user.role_grant", "agency_admin"), ("user.role_revoke", "practitioner")}
    assert all(e.actor == police_admin for e in AuditEvent.objects.filter(action__startswith="user.role_"))
    told = Notification.objects.filter(subject__icontains="roles")
    assert {n.recipient for n in told} == {target, sysadmin}
    assert "granted: agency admin; removed: practitioner" in told.get(recipient=target).body


def test_it_lets_a_system_admin_grant_coordinator_and_audits_it(demo_data, login, sysadmin):
    target = demo_data[POLICE]
    client = login(sysadmin)

    response = client.post(
        reverse("user_edit", args=[target.pk]), edit_data(client, target, roles=["practitioner", "coordinator"])
    )

    assert response.status_code == 302
    assert reload(target).is_coordinator
    grant = AuditEvent.objects.get(action="user.role_grant")
    assert (grant.actor, grant.detail) == (sysadmin, {"role": "coordinator"})
    assert Notification.objects.filter(recipient=target, subject="Your MET Hub roles have changed").exists()


def test_it_audits_the_roles_given_to_a_new_account(demo_data, login, police_admin, sysadmin):
    login(police_admin).post(reverse("user_create"), create_data(roles=["practitioner"]))

    new_user = User.objects.get(email="nova.newperson@example.org")
    grant = AuditEvent.objects.get(action="user.role_grant", object_id=str(new_user.pk))
    assert grant.detail == {"role": "practitioner"}
    assert Notification.objects.filter(recipient=sysadmin, subject=f"Roles changed for {new_user.full_name}").exists()
