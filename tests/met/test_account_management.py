"""Agency admins and system admins managing accounts (DESIGN §1, §3, §8)."""

import html
import re

import pytest
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from met import services
from met.models import AuditEvent, User
from tests import home_figure
from tests.factories import AgencyFactory, UserFactory

POLICE_ADMIN = "admin.police@example.org"
SYSADMIN = "sysadmin@example.org"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def text(response) -> str:
    return html.unescape(response.content.decode())


def listed_emails(response) -> set[str]:
    return {u.email for u in response.context["page"].object_list}


def create_data(**changes) -> dict:
    data = {
        "email": "nova.newperson@example.org",
        "full_name": "Nova Newperson",
        "job_title": "Police constable",
        "phone": "023 8000 0000",
        "line_manager": "",
        "roles": ["practitioner"],
    }
    data.update(changes)
    return data


def edit_data(client: Client, user: User, **changes) -> dict:
    """What the edit form would post back unchanged, as rendered for `client` now."""
    response = client.get(reverse("user_edit", args=[user.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    data = {
        "full_name": form["full_name"].value(),
        "job_title": form["job_title"].value(),
        "phone": form["phone"].value(),
        "line_manager": form["line_manager"].value() or "",
        "roles": list(form["roles"].value()),
        "version": form["version"].value(),
        "snapshot": form["snapshot"].value(),
    }
    data.update(changes)
    return data


def can_sign_in(email: str, password: str) -> bool:
    client = Client()
    client.post(reverse("login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


# Scoping of agency admins ------------------------------------------------------------------------


def test_it_lists_only_own_agency_accounts_for_an_agency_admin(demo_data, login, police_admin):
    response = login(police_admin).get(reverse("user_list"), {"status": "all"})

    assert response.status_code == 200
    police = {email for email, u in demo_data.items() if u.agency.short_name == "Police"}
    assert listed_emails(response) == police
    assert "practitioner.health@example.org" not in text(response)
    assert SYSADMIN not in text(response)


@pytest.mark.parametrize("url_name", ["user_detail", "user_edit", "user_deactivate", "user_reset_2fa"])
def test_it_hides_another_agencys_account_pages_from_an_agency_admin(demo_data, login, police_admin, url_name):
    health_user = demo_data["practitioner.health@example.org"]

    response = login(police_admin).get(reverse(url_name, args=[health_user.pk]))

    assert response.status_code == 404
    assert "Harper Demo-Nurse" not in text(response)


def test_it_refuses_changes_to_another_agencys_account_with_404(demo_data, login, police_admin):
    health_user = demo_data["practitioner.health@example.org"]
    TOTPDevice.objects.create(user=health_user, name="phone", confirmed=True)
    client = login(police_admin)

    statuses = [
        client.post(reverse("user_deactivate", args=[health_user.pk])).status_code,
        client.post(reverse("user_reset_2fa", args=[health_user.pk])).status_code,
        client.post(reverse("user_resend_invitation", args=[health_user.pk])).status_code,
        client.post(reverse("user_edit", args=[health_user.pk]), {"full_name": "Changed", "version": 1}).status_code,
    ]

    assert statuses == [404, 404, 404, 404]
    health_user.refresh_from_db()
    assert health_user.is_active
    assert health_user.full_name == "Harper Demo-Nurse"
    assert TOTPDevice.objects.filter(user=health_user).count() == 1
    assert mail.outbox == []


def test_it_refuses_an_agency_admin_granting_system_admin_in_the_form(demo_data, login, police_admin):
    before = User.objects.count()

    response = login(police_admin).post(reverse("user_create"), create_data(roles=["system_admin"]))

    assert response.status_code == 400
    assert "Select a valid choice. system_admin is not one of the available choices." in text(response)
    assert User.objects.count() == before


def test_it_refuses_an_agency_admin_granting_system_admin_on_edit(demo_data, login, police_admin):
    target = demo_data["practitioner.police@example.org"]
    client = login(police_admin)

    response = client.post(
        reverse("user_edit", args=[target.pk]), edit_data(client, target, roles=["practitioner", "system_admin"])
    )

    assert response.status_code == 400
    target.refresh_from_db()
    assert not target.is_system_admin


def test_it_refuses_an_agency_admin_granting_system_admin_in_the_service(demo_data, police_admin):
    target = demo_data["practitioner.police@example.org"]

    with pytest.raises(PermissionDenied, match="Only a system admin can grant"):
        services.user_create(
            actor=police_admin,
            email="new.sysadmin@example.org",
            full_name="Sneaky Sysadmin",
            agency=police_admin.agency,
            roles={"system_admin"},
        )
    with pytest.raises(PermissionDenied, match="Only a system admin can grant"):
        services.user_update(actor=police_admin, user=target, expected_version=target.version, roles={"system_admin"})

    target.refresh_from_db()
    assert not target.is_system_admin
    assert not User.objects.filter(email="new.sysadmin@example.org").exists()


def test_it_refuses_an_agency_admin_creating_accounts_in_another_agency_via_the_service(demo_data, police_admin):
    health = demo_data["practitioner.health@example.org"].agency

    with pytest.raises(PermissionDenied, match="own agency"):
        services.user_create(
            actor=police_admin, email="x@example.org", full_name="X", agency=health, roles={"practitioner"}
        )


def test_it_forbids_an_agency_admin_changing_a_system_admin_in_own_agency(demo_data, login, police_admin):
    police_sysadmin = UserFactory(agency=police_admin.agency, roles=("system_admin",), full_name="Sys Police")
    TOTPDevice.objects.create(user=police_sysadmin, name="phone", confirmed=True)
    client = login(police_admin)

    detail = client.get(reverse("user_detail", args=[police_sysadmin.pk]))
    statuses = [
        client.get(reverse("user_edit", args=[police_sysadmin.pk])).status_code,
        client.post(reverse("user_edit", args=[police_sysadmin.pk]), {"full_name": "X", "version": 1}).status_code,
        client.post(reverse("user_deactivate", args=[police_sysadmin.pk])).status_code,
        client.post(reverse("user_reset_2fa", args=[police_sysadmin.pk])).status_code,
    ]

    assert detail.status_code == 200
    assert "Only a system admin can change this account." in text(detail)
    assert reverse("user_edit", args=[police_sysadmin.pk]) not in text(detail)
    assert statuses == [403, 403, 403, 403]
    police_sysadmin.refresh_from_db()
    assert police_sysadmin.is_active
    assert police_sysadmin.full_name == "Sys Police"
    assert TOTPDevice.objects.filter(user=police_sysadmin).exists()
    with pytest.raises(PermissionDenied, match="system admin's account"):
        services.user_deactivate(actor=police_admin, user=police_sysadmin)


def test_it_lets_a_system_admin_see_everyone(demo_data, login, sysadmin):
    response = login(sysadmin).get(reverse("user_list"), {"status": "all"})

    assert response.status_code == 200
    assert listed_emails(response) == set(demo_data)
    assert response.context["page"].paginator.count == User.objects.count()


def test_it_lets_a_system_admin_edit_someone_in_another_agency(demo_data, login, sysadmin):
    target = demo_data["practitioner.health@example.org"]
    client = login(sysadmin)

    response = client.post(
        reverse("user_edit", args=[target.pk]),
        edit_data(client, target, job_title="Lead CSE nurse", roles=["practitioner", "chair"]),
    )

    assert response.status_code == 302
    assert response.url == reverse("user_detail", args=[target.pk])
    target.refresh_from_db()
    assert target.job_title == "Lead CSE nurse"
    assert target.is_chair
    assert target.version == 2


def test_it_lets_a_system_admin_grant_system_admin(demo_data, login, sysadmin):
    target = demo_data["practitioner.health@example.org"]
    client = login(sysadmin)

    response = client.post(
        reverse("user_edit", args=[target.pk]), edit_data(client, target, roles=["practitioner", "system_admin"])
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_system_admin


def test_it_refuses_a_system_admin_removing_their_own_system_admin_role(demo_data, login, sysadmin):
    client = login(sysadmin)

    response = client.post(reverse("user_edit", args=[sysadmin.pk]), edit_data(client, sysadmin, roles=["chair"]))

    assert response.status_code == 400
    assert "You cannot change your own roles" in text(response)
    sysadmin.refresh_from_db()
    assert sysadmin.is_system_admin
    assert not sysadmin.is_chair


# Creating accounts -------------------------------------------------------------------------------


def test_it_emails_an_invitation_that_lets_the_new_person_choose_a_password(demo_data, login, police_admin):
    response = login(police_admin).post(reverse("user_create"), create_data())

    new_user = User.objects.get(email="nova.newperson@example.org")
    assert response.status_code == 302
    assert response.url == reverse("user_detail", args=[new_user.pk])
    assert not new_user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nova.newperson@example.org"]
    assert "Pat Demo-Policeadmin has created a MET Hub account for you" in message.body
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", message.body).group(1)

    visitor = Client()
    page = visitor.get(link, follow=True)
    assert page.status_code == 200
    assert "Choose your password" in text(page)
    set_password_url = page.redirect_chain[-1][0]
    done = visitor.post(
        set_password_url, {"new_password1": "Lantern-meadow-4821", "new_password2": "Lantern-meadow-4821"}
    )
    assert done.status_code == 302
    assert done.url == "/password-reset/complete/"

    assert can_sign_in("nova.newperson@example.org", "Lantern-meadow-4821")
    # The link works once.
    again = Client().get(link, follow=True)
    assert "This link has expired or has been used" in text(again)


def test_it_creates_the_account_with_roles_group_and_audit_event(demo_data, login, police_admin):
    manager = demo_data["manager.police@example.org"]

    login(police_admin).post(
        reverse("user_create"), create_data(roles=["practitioner", "agency_admin"], line_manager=manager.pk)
    )

    new_user = User.objects.get(email="nova.newperson@example.org")
    assert new_user.roles == ["practitioner", "agency_admin"]
    assert new_user.line_manager == manager
    assert new_user.agency == police_admin.agency
    assert list(new_user.groups.all()) == [police_admin.agency.group]
    event = AuditEvent.objects.get(action="user.create", object_id=str(new_user.pk))
    assert event.actor == police_admin
    assert event.detail == {"roles": ["agency_admin", "practitioner"]}


def test_it_stores_a_new_email_address_in_lower_case(demo_data, login, police_admin):
    response = login(police_admin).post(reverse("user_create"), create_data(email=" Nova.NewPerson@Example.ORG "))

    assert response.status_code == 302
    assert User.objects.filter(email="nova.newperson@example.org").exists()
    assert mail.outbox[0].to == ["nova.newperson@example.org"]


def test_it_puts_an_agency_admins_new_account_in_their_own_agency(demo_data, login, police_admin):
    health = demo_data["practitioner.health@example.org"].agency

    response = login(police_admin).post(reverse("user_create"), create_data(agency=health.pk))

    assert response.status_code == 302
    assert User.objects.get(email="nova.newperson@example.org").agency == police_admin.agency


def test_it_lets_a_system_admin_create_an_account_in_any_agency(demo_data, login, sysadmin):
    health = demo_data["practitioner.health@example.org"].agency
    manager = demo_data["manager.health@example.org"]

    response = login(sysadmin).post(reverse("user_create"), create_data(agency=health.pk, line_manager=manager.pk))

    assert response.status_code == 302
    new_user = User.objects.get(email="nova.newperson@example.org")
    assert new_user.agency == health
    assert new_user.line_manager == manager


def test_it_refuses_new_accounts_in_an_inactive_agency(demo_data, login, police_admin):
    # The agency form promises: "An inactive agency cannot be given new accounts or cases."
    agency = police_admin.agency
    agency.is_active = False
    agency.save()
    before = User.objects.count()

    response = login(police_admin).post(reverse("user_create"), create_data())

    assert response.status_code in {400, 403}
    assert User.objects.count() == before
    assert mail.outbox == []


def test_it_resends_the_invitation(demo_data, login, police_admin):
    client = login(police_admin)
    client.post(reverse("user_create"), create_data())
    new_user = User.objects.get(email="nova.newperson@example.org")

    response = client.post(reverse("user_resend_invitation", args=[new_user.pk]))

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["nova.newperson@example.org"]


# Editing accounts --------------------------------------------------------------------------------


def test_it_saves_roles_and_line_manager_with_audit_history(demo_data, login, police_admin):
    target = demo_data["practitioner.police@example.org"]
    new_manager = demo_data["senior.police@example.org"]
    client = login(police_admin)

    response = client.post(
        reverse("user_edit", args=[target.pk]),
        edit_data(
            client, target, roles=["practitioner", "agency_admin"], line_manager=new_manager.pk, job_title="Sergeant"
        ),
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.line_manager == new_manager
    assert target.is_agency_admin
    assert target.is_practitioner
    assert target.job_title == "Sergeant"

    event = AuditEvent.objects.get(action="user.update", object_id=str(target.pk))
    assert event.actor == police_admin
    assert event.object_type == "met.user"
    assert event.ip_address == "127.0.0.1"
    assert event.detail["roles"] == {"before": ["practitioner"], "after": ["agency_admin", "practitioner"]}
    assert set(event.detail["fields"]) == {"job_title", "line_manager"}

    entry = LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == police_admin
    assert entry.changes_dict["job_title"] == ["Police constable, MET team", "Sergeant"]
    assert entry.changes_dict["is_agency_admin"] == ["False", "True"]
    assert "line_manager" in entry.changes_dict
    assert "password" not in entry.changes_dict


def test_it_refuses_a_line_manager_loop(demo_data, login, police_admin):
    manager = demo_data["manager.police@example.org"]
    officer = demo_data["practitioner.police@example.org"]  # managed by manager.police already
    client = login(police_admin)

    response = client.post(reverse("user_edit", args=[manager.pk]), edit_data(client, manager, line_manager=officer.pk))

    assert response.status_code == 400
    assert "A person cannot be managed by themselves or by someone they manage." in text(response)
    manager.refresh_from_db()
    assert manager.line_manager == demo_data["senior.police@example.org"]
    assert manager.version == 1
    assert not AuditEvent.objects.filter(action="user.update").exists()


def test_it_refuses_a_longer_line_manager_loop_in_the_service(demo_data, police_admin):
    senior = demo_data["senior.police@example.org"]  # senior ← manager ← officer
    officer = demo_data["practitioner.police@example.org"]

    with pytest.raises(ValidationError) as error:
        services.user_update(
            actor=police_admin,
            user=senior,
            expected_version=senior.version,
            roles={"practitioner"},
            line_manager=officer,
        )

    assert "line_manager" in error.value.message_dict
    senior.refresh_from_db()
    assert senior.line_manager is None


def test_it_refuses_a_line_manager_from_another_agency_in_the_service(demo_data, sysadmin):
    # The form refuses it ("Choose a line manager from the same agency."); the service, which the
    # API and imports will call too, must refuse it as well. `_check_line_manager` ignores `agency`.
    officer = demo_data["practitioner.police@example.org"]
    health_manager = demo_data["manager.health@example.org"]

    with pytest.raises(ValidationError):
        services.user_update(
            actor=sysadmin,
            user=officer,
            expected_version=officer.version,
            roles={"practitioner"},
            line_manager=health_manager,
        )

    officer.refresh_from_db()
    assert officer.line_manager == demo_data["manager.police@example.org"]


def test_it_refuses_a_stale_edit_and_names_the_changed_field(demo_data, login, police_admin):
    target = demo_data["practitioner.police@example.org"]
    first = login(police_admin)
    second = login(demo_data[SYSADMIN])
    first_data = edit_data(first, target, job_title="Detective constable")
    second_data = edit_data(second, target, full_name="Parker Renamed", phone="023 8011 1111")

    assert first.post(reverse("user_edit", args=[target.pk]), first_data).status_code == 302
    response = second.post(reverse("user_edit", args=[target.pk]), second_data)

    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this record after you opened it, so your changes were not saved." in page
    assert "Job title: “Police constable, MET team” → “Detective constable”" in page
    target.refresh_from_db()
    assert target.full_name == "Parker Demo-Officer"
    assert target.phone == ""
    assert target.job_title == "Detective constable"
    assert target.version == 2
    # The form now carries the current version, so saving again deliberately works.
    assert response.context["form"]["version"].value() == 2


def test_it_refuses_a_stale_edit_in_the_service(demo_data, police_admin):
    from met.concurrency import StaleEditError

    target = demo_data["practitioner.police@example.org"]
    services.user_update(
        actor=police_admin, user=target, expected_version=1, roles={"practitioner"}, job_title="Sergeant"
    )

    with pytest.raises(StaleEditError):
        services.user_update(
            actor=police_admin, user=target, expected_version=1, roles={"practitioner"}, job_title="Inspector"
        )

    target.refresh_from_db()
    assert target.job_title == "Sergeant"


# Deactivating, reactivating, resetting two-factor ------------------------------------------------


def test_it_asks_for_confirmation_before_deactivating(demo_data, login, police_admin):
    target = demo_data["practitioner.police@example.org"]

    response = login(police_admin).get(reverse("user_deactivate", args=[target.pk]))

    assert response.status_code == 200
    assert "Deactivate Parker Demo-Officer\u2019s account?" in text(response)
    target.refresh_from_db()
    assert target.is_active
    assert not AuditEvent.objects.filter(action="user.deactivate").exists()


def test_it_deactivates_an_account_so_the_person_cannot_sign_in(demo_data, login, police_admin):
    target = demo_data["practitioner.police@example.org"]
    assert can_sign_in(target.email, django_settings.MET_DEMO_PASSWORD)

    response = login(police_admin).post(reverse("user_deactivate", args=[target.pk]), follow=True)

    assert response.status_code == 200
    assert "Parker Demo-Officer has been deactivated and can no longer sign in." in text(response)
    target.refresh_from_db()
    assert not target.is_active
    assert target.deactivated_at is not None
    assert AuditEvent.objects.filter(action="user.deactivate", object_id=str(target.pk), actor=police_admin).exists()
    assert not can_sign_in(target.email, django_settings.MET_DEMO_PASSWORD)


def test_it_signs_out_an_existing_session_of_a_deactivated_person(demo_data, login, police_admin):
    target = demo_data["practitioner.police@example.org"]
    their_session = login(target)
    assert their_session.get(reverse("home")).status_code == 200

    login(police_admin).post(reverse("user_deactivate", args=[target.pk]))
    response = their_session.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_reactivates_an_account(demo_data, login, police_admin):
    target = demo_data["practitioner.police@example.org"]
    client = login(police_admin)
    client.post(reverse("user_deactivate", args=[target.pk]))

    assert client.get(reverse("user_reactivate", args=[target.pk])).status_code == 405
    response = client.post(reverse("user_reactivate", args=[target.pk]))

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_active
    assert target.deactivated_at is None
    assert AuditEvent.objects.filter(action="user.reactivate", object_id=str(target.pk)).exists()
    assert can_sign_in(target.email, django_settings.MET_DEMO_PASSWORD)


def test_it_refuses_to_deactivate_yourself(demo_data, login, police_admin):
    response = login(police_admin).post(reverse("user_deactivate", args=[police_admin.pk]))

    assert response.status_code == 400
    assert "You cannot deactivate your own account." in text(response)
    police_admin.refresh_from_db()
    assert police_admin.is_active


def test_it_resets_two_factor_by_deleting_the_devices(demo_data, login, police_admin):
    target = demo_data["practitioner.police@example.org"]
    TOTPDevice.objects.create(user=target, name="old phone", confirmed=True)
    TOTPDevice.objects.create(user=target, name="half enrolled", confirmed=False)
    other = TOTPDevice.objects.create(user=demo_data["chair@example.org"], name="chair phone", confirmed=True)
    client = login(police_admin)

    confirm = client.get(reverse("user_reset_2fa", args=[target.pk]))
    assert confirm.status_code == 200
    assert TOTPDevice.objects.filter(user=target).count() == 2

    response = client.post(reverse("user_reset_2fa", args=[target.pk]))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert TOTPDevice.objects.filter(pk=other.pk).exists()
    event = AuditEvent.objects.get(action="user.reset_2fa", object_id=str(target.pk))
    assert event.detail == {"devices_removed": 2}


# The accounts list -------------------------------------------------------------------------------


def test_it_lists_accounts_with_a_constant_number_of_queries(db, login, django_assert_max_num_queries):
    admin = UserFactory(roles=("agency_admin",))
    for _ in range(5):
        UserFactory(agency=admin.agency)
    client = login(admin)
    client.get(reverse("user_list"))  # warm up: session, content types

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("user_list"), {"status": "all"})
    boss = UserFactory(agency=admin.agency)
    for _ in range(25):
        UserFactory(agency=admin.agency, line_manager=boss)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("user_list"), {"status": "all"})

    assert response.context["page"].paginator.count == 32
    assert len(response.context["page"].object_list) == 25
    assert len(few) <= 10


def test_it_filters_the_list_by_status(demo_data, login, police_admin):
    leaver = demo_data["practitioner.police@example.org"]
    services.user_deactivate(actor=police_admin, user=leaver)
    client = login(police_admin)

    default = client.get(reverse("user_list"))
    inactive = client.get(reverse("user_list"), {"status": "inactive"})
    everyone = client.get(reverse("user_list"), {"status": "all"})

    assert leaver.email not in listed_emails(default)
    assert "chair@example.org" in listed_emails(default)
    assert listed_emails(inactive) == {leaver.email}
    assert "Deactivated" in text(inactive)
    assert listed_emails(everyone) == listed_emails(default) | {leaver.email}


def test_it_searches_the_list_by_name_or_email(demo_data, login, police_admin):
    client = login(police_admin)

    by_name = client.get(reverse("user_list"), {"q": "demo-officer"})
    by_email = client.get(reverse("user_list"), {"q": "CHAIR@"})
    other_agency = client.get(reverse("user_list"), {"q": "Demo-Nurse"})

    assert listed_emails(by_name) == {"practitioner.police@example.org"}
    assert listed_emails(by_email) == {"chair@example.org"}
    assert listed_emails(other_agency) == set()


def test_it_says_when_no_accounts_match(demo_data, login, police_admin):
    response = login(police_admin).get(reverse("user_list"), {"q": "nobody-by-this-name"})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    # templates/manage/user_list.html: `{% elif page %}` is false for an empty Page, so nothing shows.
    assert "No accounts match. Try other filters, or include deactivated accounts." in text(response)


def test_it_lets_a_system_admin_filter_by_agency(demo_data, login, sysadmin):
    health = demo_data["practitioner.health@example.org"].agency

    response = login(sysadmin).get(reverse("user_list"), {"agency": health.pk, "status": "all"})

    assert listed_emails(response) == {e for e, u in demo_data.items() if u.agency_id == health.pk}


@pytest.mark.parametrize("page", ["99999", "abc", "0", "-1", "1.5", ""])
def test_it_survives_odd_page_numbers(db, login, page):
    admin = UserFactory(roles=("agency_admin",))
    agency = admin.agency
    for n in range(30):
        UserFactory(agency=agency, full_name=f"Person {n:02d}")

    response = login(admin).get(reverse("user_list"), {"page": page})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) in {25, 6}
    assert "Page " in text(response)


def test_it_keeps_the_filters_in_pagination_links(db, login):
    admin = UserFactory(roles=("agency_admin",))
    for n in range(30):
        UserFactory(agency=admin.agency, full_name=f"Person {n:02d}")

    response = login(admin).get(reverse("user_list"), {"q": "Person", "status": "all"})

    assert "?q=Person&status=all&page=2" in text(response)
    assert response.context["page"].paginator.count == 30


def test_it_shows_admin_counts_on_the_home_page(db, login):
    admin = UserFactory(roles=("agency_admin",))
    UserFactory(agency=admin.agency)
    leaver = UserFactory(agency=admin.agency)
    services.user_deactivate(actor=admin, user=leaver)
    UserFactory(agency=AgencyFactory())  # another agency: not counted

    response = login(admin).get(reverse("home"))

    assert home_figure(response, "active_accounts") == 2
    assert home_figure(response, "inactive_accounts") == 1
