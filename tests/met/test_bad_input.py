"""Bad input gets a clear message on the page and a 4xx: never a 500, never a partial write (DESIGN §8)."""

import html

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from met.models import Agency, AuditEvent, User
from tests.factories import AgencyFactory, UserFactory

HUGE_ID = str(2**70)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(db):
    return UserFactory(roles=("agency_admin",), full_name="Ada Admin")


@pytest.fixture
def sysadmin(db):
    return UserFactory(roles=("system_admin",), full_name="Sid Sysadmin")


def text(response) -> str:
    return html.unescape(response.content.decode())


def counts() -> tuple[int, int, int, int]:
    return User.objects.count(), Agency.objects.count(), Group.objects.count(), AuditEvent.objects.count()


def create_data(**changes) -> dict:
    data = {
        "email": "nova.newperson@example.org",
        "full_name": "Nova Newperson",
        "job_title": "",
        "phone": "",
        "line_manager": "",
        "roles": ["practitioner"],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(client: Client, user: User, **changes) -> dict:
    form = client.get(reverse("user_edit", args=[user.pk])).context["form"]
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
    return {key: value for key, value in data.items() if value is not None}


# Sign in -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password": ""}, "Enter your email address."),
        ({"username": "someone@example.org", "password": ""}, "Enter your password."),
        ({"username": "not an email", "password": "whatever-it-is"}, "Enter a valid email address."),
        ({"username": "nul\x00@example.org", "password": "whatever-it-is"}, "Null characters are not allowed."),
    ],
    ids=["both-empty", "no-password", "not-an-email", "nul-in-email"],
)
def test_it_rejects_an_incomplete_sign_in_with_400(db, data, message):
    client = Client()

    response = client.post(reverse("login"), data)

    assert response.status_code == 400
    assert message in text(response)
    assert "_auth_user_id" not in client.session


# Creating an account -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address in the right format, like name@example.org."),
        ({"email": ""}, "Enter the person's work email address."),
        ({"email": "x" * 250 + "@example.org"}, "Ensure this value has at most 254 characters"),
        ({"full_name": "N" * 300}, "Ensure this value has at most 200 characters (it has 300)."),
        ({"full_name": ""}, "Enter the person's full name."),
        ({"full_name": "Nova\x00Newperson"}, "Null characters are not allowed."),
        ({"phone": "abc"}, "Enter a phone number using digits, spaces, + ( ) or -."),
        ({"phone": "1" * 41}, "Ensure this value has at most 40 characters"),
        ({"roles": ["wizard"]}, "Select a valid choice. wizard is not one of the available choices."),
        ({"line_manager": "999999"}, "Select a valid choice. That choice is not one of the available choices."),
        ({"line_manager": "abc"}, "Select a valid choice. That choice is not one of the available choices."),
        ({"line_manager": HUGE_ID}, "Select a valid choice. That choice is not one of the available choices."),
    ],
    ids=[
        "bad-email",
        "no-email",
        "long-email",
        "long-name",
        "no-name",
        "nul-in-name",
        "bad-phone",
        "long-phone",
        "unknown-role",
        "missing-manager",
        "text-manager",
        "huge-manager-id",
    ],
)
def test_it_rejects_a_bad_new_account(admin, login, changes, message):
    before = counts()

    response = login(admin).post(reverse("user_create"), create_data(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert counts() == before


def test_it_rejects_a_duplicate_email_whatever_its_case(admin, login):
    existing = UserFactory(email="taken@example.org", agency=admin.agency)
    before = counts()

    response = login(admin).post(reverse("user_create"), create_data(email="  TAKEN@Example.org"))

    assert response.status_code == 400
    assert "An account with this email address already exists." in text(response)
    assert counts() == before
    assert User.objects.get(email__iexact="taken@example.org") == existing


def test_it_rejects_a_line_manager_from_another_agency_for_an_agency_admin(admin, login):
    outsider = UserFactory(agency=AgencyFactory())
    before = counts()

    response = login(admin).post(reverse("user_create"), create_data(line_manager=outsider.pk))

    assert response.status_code == 400
    assert "Select a valid choice." in text(response)
    assert counts() == before


def test_it_rejects_a_line_manager_from_another_agency_for_a_system_admin(sysadmin, login):
    agency, other = AgencyFactory(), AgencyFactory()
    outsider = UserFactory(agency=other)
    before = counts()

    response = login(sysadmin).post(reverse("user_create"), create_data(agency=agency.pk, line_manager=outsider.pk))

    assert response.status_code == 400
    assert "Choose a line manager from the same agency." in text(response)
    assert counts() == before


def test_it_rejects_a_deactivated_line_manager(admin, login):
    leaver = UserFactory(agency=admin.agency)
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    before = counts()

    response = login(admin).post(reverse("user_create"), create_data(line_manager=leaver.pk))

    assert response.status_code == 400
    assert "Select a valid choice." in text(response)
    assert counts() == before


@pytest.mark.parametrize("agency", ["", "abc", HUGE_ID, "999999"])
def test_it_rejects_a_missing_or_unknown_agency_from_a_system_admin(sysadmin, login, agency):
    before = counts()

    response = login(sysadmin).post(reverse("user_create"), create_data(agency=agency))

    assert response.status_code == 400
    assert "agency" in response.context["form"].errors
    assert counts() == before


# Editing an account ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (None, "This form is missing its version. Reload the page and try again."),
        ("", "This form is missing its version. Reload the page and try again."),
        ("abc", "Enter a whole number."),
        ("1.5", "Enter a whole number."),
    ],
    ids=["missing", "blank", "text", "fraction"],
)
def test_it_rejects_an_edit_with_a_tampered_version(admin, login, version, message):
    target = UserFactory(agency=admin.agency, full_name="Tess Target")
    client = login(admin)
    before = counts()

    response = client.post(
        reverse("user_edit", args=[target.pk]), edit_data(client, target, full_name="Changed", version=version)
    )

    assert response.status_code == 400
    assert message in text(response)
    target.refresh_from_db()
    assert target.full_name == "Tess Target"
    assert target.version == 1
    assert counts() == before


@pytest.mark.parametrize("version", ["2", "-1", "999999999999999999999999999999"])
def test_it_treats_any_other_version_as_stale(admin, login, version):
    target = UserFactory(agency=admin.agency, full_name="Tess Target")
    client = login(admin)
    before = counts()

    response = client.post(
        reverse("user_edit", args=[target.pk]), edit_data(client, target, full_name="X", version=version)
    )

    assert response.status_code == 409
    assert "your changes were not saved" in text(response).lower()
    target.refresh_from_db()
    assert target.full_name == "Tess Target"
    assert counts() == before


def test_it_explains_a_stale_edit_even_when_the_snapshot_was_tampered_with(admin, login):
    target = UserFactory(agency=admin.agency, full_name="Tess Target")
    client = login(admin)
    data = edit_data(client, target, full_name="Mine", snapshot="forged")
    User.objects.filter(pk=target.pk).update(version=2, job_title="Theirs")

    response = client.post(reverse("user_edit", args=[target.pk]), data)

    assert response.status_code == 409
    assert "Someone else saved this record after you opened it. Your changes were not saved." in text(response)
    target.refresh_from_db()
    assert target.full_name == "Tess Target"
    assert target.job_title == "Theirs"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": ""}, "Enter the person's full name."),
        ({"phone": "call me"}, "Enter a phone number using digits, spaces, + ( ) or -."),
        (
            {"roles": ["practitioner", "overlord"]},
            "Select a valid choice. overlord is not one of the available choices.",
        ),
        ({"line_manager": HUGE_ID}, "Select a valid choice."),
    ],
    ids=["no-name", "bad-phone", "unknown-role", "huge-manager-id"],
)
def test_it_rejects_a_bad_edit_without_saving_anything(admin, login, changes, message):
    target = UserFactory(agency=admin.agency, full_name="Tess Target")
    client = login(admin)
    before = counts()

    response = client.post(
        reverse("user_edit", args=[target.pk]), edit_data(client, target, job_title="New title", **changes)
    )

    assert response.status_code == 400
    assert message in text(response)
    target.refresh_from_db()
    assert (target.full_name, target.job_title, target.version) == ("Tess Target", "", 1)
    assert counts() == before


def test_it_keeps_the_saved_name_in_the_heading_after_a_rejected_edit(admin, login):
    # The edit view binds the form to the very object it renders as `target`, so the rejected
    # name ("Changed") shows in the title and heading as if it had been saved.
    target = UserFactory(agency=admin.agency, full_name="Tess Target")
    client = login(admin)

    response = client.post(
        reverse("user_edit", args=[target.pk]), edit_data(client, target, full_name="Changed", phone="abc")
    )

    assert response.status_code == 400
    assert "Edit Tess Target\u2019s account" in text(response)
    assert "Edit Changed" not in text(response)


def test_it_rejects_being_your_own_line_manager(admin, login):
    client = login(admin)

    response = client.post(reverse("user_edit", args=[admin.pk]), edit_data(client, admin, line_manager=admin.pk))

    assert response.status_code == 400
    assert "Select a valid choice." in text(response)
    admin.refresh_from_db()
    assert admin.line_manager is None


@pytest.mark.parametrize("url_name", ["user_detail", "user_edit", "user_deactivate", "user_reset_2fa"])
def test_it_answers_404_for_an_account_id_out_of_range(sysadmin, login, url_name):
    response = login(sysadmin).get(reverse(url_name, args=[int(HUGE_ID)]))

    assert response.status_code == 404


# Agencies ----------------------------------------------------------------------------------------


def agency_data(**changes) -> dict:
    data = {"name": "Youth Service", "short_name": "Youth", "kind": "yos"}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"short_name": "Police"}, "Agency with this Short name already exists."),
        ({"name": "Hampshire Constabulary"}, "Agency with this Name already exists."),
        ({"kind": "spies"}, "Select a valid choice. spies is not one of the available choices."),
        ({"kind": ""}, "Choose the kind of agency."),
        ({"short_name": "S" * 41}, "Ensure this value has at most 40 characters (it has 41)."),
        ({"name": "N" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
        ({"name": ""}, "Enter the agency's name."),
    ],
    ids=["duplicate-short-name", "duplicate-name", "bad-kind", "no-kind", "long-short-name", "long-name", "no-name"],
)
def test_it_rejects_a_bad_new_agency(sysadmin, login, changes, message):
    AgencyFactory(name="Hampshire Constabulary", short_name="Police", kind="police")
    before = counts()

    response = login(sysadmin).post(reverse("agency_create"), agency_data(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert counts() == before


def test_it_rejects_an_agency_edit_with_a_senior_contact_from_elsewhere(sysadmin, login):
    agency = AgencyFactory(name="Housing", short_name="Housing", kind="housing")
    outsider = UserFactory(agency=AgencyFactory())
    client = login(sysadmin)
    form = client.get(reverse("agency_edit", args=[agency.pk])).context["form"]

    response = client.post(
        reverse("agency_edit", args=[agency.pk]),
        {
            "name": "Housing",
            "short_name": "Housing",
            "kind": "housing",
            "is_active": "on",
            "senior_contact": outsider.pk,
            "version": form["version"].value(),
            "snapshot": form["snapshot"].value(),
        },
    )

    assert response.status_code == 400
    assert "Select a valid choice." in text(response)
    agency.refresh_from_db()
    assert agency.senior_contact is None
    assert agency.version == 1


def test_it_refuses_a_stale_agency_edit(sysadmin, login):
    agency = AgencyFactory(name="Housing", short_name="Housing", kind="housing")
    client = login(sysadmin)
    form = client.get(reverse("agency_edit", args=[agency.pk])).context["form"]
    data = {
        "name": "Housing Department",
        "short_name": "Housing",
        "kind": "housing",
        "is_active": "on",
        "senior_contact": "",
        "version": form["version"].value(),
        "snapshot": form["snapshot"].value(),
    }
    Agency.objects.filter(pk=agency.pk).update(version=2, short_name="Homes")

    response = client.post(reverse("agency_edit", args=[agency.pk]), data)

    assert response.status_code == 409
    assert "Short name: “Housing” → “Homes”" in text(response)
    agency.refresh_from_db()
    assert agency.name == "Housing"


# Two-factor codes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("12ab56", "Enter the 6-digit code shown in your authenticator app."),
        ("1234567", "Enter the 6-digit code shown in your authenticator app."),
        ("12345", "Enter the 6-digit code shown in your authenticator app."),
        ("", "Enter the 6-digit code from your authenticator app."),
        (
            "\uff11\uff12\uff13\uff14\uff15\uff16",
            "That code did not match.",
        ),  # full-width digits pass the \d regex, then fail to match
    ],
    ids=["letters", "seven-digits", "five-digits", "blank", "full-width-digits"],
)
def test_it_rejects_a_malformed_enrolment_code(db, login, settings, token, message):
    settings.MET_REQUIRE_2FA = True
    user = UserFactory()
    client = login(user)
    client.get(reverse("2fa_setup"))

    response = client.post(reverse("2fa_setup"), {"token": token})

    assert response.status_code == 400
    assert message in text(response)
    assert not TOTPDevice.objects.get(user=user).confirmed


def test_it_rejects_a_malformed_sign_in_code(db, login, settings):
    settings.MET_REQUIRE_2FA = True
    user = UserFactory()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = login(user)

    response = client.post(reverse("2fa_verify"), {"token": "12ab56"})

    assert response.status_code == 400
    assert "Enter the 6-digit code shown in your authenticator app." in text(response)
    assert client.get(reverse("home")).status_code == 302


# Query strings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 500}, "Ensure this value has at most 100 characters (it has 500)."),
        ({"q": "smith\x00"}, "Null characters are not allowed."),
        ({"status": "deleted"}, "Select a valid choice. deleted is not one of the available choices."),
    ],
    ids=["long-q", "nul-q", "bad-status"],
)
def test_it_rejects_a_bad_accounts_filter(admin, login, params, message):
    response = login(admin).get(reverse("user_list"), params)

    assert response.status_code == 400
    assert message in text(response)


@pytest.mark.parametrize("agency", ["abc", HUGE_ID, "999999"])
def test_it_rejects_an_unknown_agency_filter(sysadmin, login, agency):
    response = login(sysadmin).get(reverse("user_list"), {"agency": agency})

    assert response.status_code == 400
    assert "Select a valid choice." in text(response)


@pytest.mark.parametrize("q", ["%", "_", "'; DROP TABLE met_user; --", "\\", "ünïcödé 🙂"])
def test_it_searches_for_odd_characters_safely(admin, login, q):
    response = login(admin).get(reverse("user_list"), {"q": q})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert User.objects.filter(pk=admin.pk).exists()
