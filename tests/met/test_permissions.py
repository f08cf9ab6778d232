"""Who may open which page: every signed-in page x every demo role, own agency and other agency.

Rules (DESIGN §3, met/access.py, met/views/admin.py):
- system admin: every page 200;
- agency admin: own agency's accounts 200, another agency's accounts 404; agencies list/create 403;
  own agency page 200, another agency's 404; editing an agency 403 (404 when it is another agency);
- coordinator, chair, practitioner: every account and agency page 403 ("only admins manage accounts"),
  checked before any record is looked up, so own/other makes no difference;
- everyone signed in: home, their own account page and password change 200;
- anonymous: 302 to /login/?next=<the page>.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

ROLES = [
    "sysadmin@example.org",
    "admin.police@example.org",
    "coordinator@example.org",
    "chair@example.org",
    "practitioner.police@example.org",
    "practitioner.health@example.org",
]

# url name → kind of object in its URL (None: no argument)
PAGES = {
    "home": None,
    "account": None,
    "password_change": None,
    "user_list": None,
    "user_create": None,
    "user_detail": "user",
    "user_edit": "user",
    "user_deactivate": "user",
    "user_reset_2fa": "user",
    "agency_list": None,
    "agency_create": None,
    "agency_detail": "agency",
    "agency_edit": "agency",
}
EVERYONE = {"home", "account", "password_change"}

CASES = [(name, None) for name, kind in PAGES.items() if kind is None] + [
    (name, scope) for name, kind in PAGES.items() if kind is not None for scope in ("own", "other")
]


def expected_status(email: str, url_name: str, scope: str | None) -> int:
    if url_name in EVERYONE or email == "sysadmin@example.org":
        return 200
    if email != "admin.police@example.org":
        return 403
    # Agency admin from here on.
    if url_name in {"user_list", "user_create"}:
        return 200
    if url_name in {"agency_list", "agency_create"}:
        return 403
    if scope == "other":
        return 404
    if url_name == "agency_edit":
        return 403
    return 200


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url_for(demo_data, actor_email: str | None, url_name: str, scope: str | None) -> str:
    kind = PAGES[url_name]
    if kind is None:
        return reverse(url_name)
    actor_agency = demo_data[actor_email].agency.short_name if actor_email else "Police"
    other_agency = "Police" if actor_agency != "Police" else "Health"
    agency_short_name = actor_agency if scope == "own" else other_agency
    if kind == "agency":
        agency = next(u.agency for u in demo_data.values() if u.agency.short_name == agency_short_name)
        return reverse(url_name, args=[agency.pk])
    # An ordinary account (a team manager, never a system admin) in the chosen agency.
    target = demo_data[f"manager.{agency_short_name.lower()}@example.org"]
    return reverse(url_name, args=[target.pk])


@pytest.mark.parametrize("email", ROLES)
@pytest.mark.parametrize(("url_name", "scope"), CASES)
def test_it_gives_each_role_the_expected_status(demo_data, login, email, url_name, scope):
    client = login(demo_data[email])
    response = client.get(url_for(demo_data, email, url_name, scope))

    assert response.status_code == expected_status(email, url_name, scope)
    if response.status_code == 403:
        assert "You cannot do that" in response.content.decode()
    if response.status_code == 404:
        assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(("url_name", "scope"), CASES)
def test_it_sends_anonymous_visitors_to_sign_in(demo_data, client, url_name, scope):
    url = url_for(demo_data, None, url_name, scope)

    response = client.get(url)

    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("login")
    assert parse_qs(location.query) == {"next": [url]}


@pytest.mark.parametrize("email", ROLES[2:])
def test_it_tells_non_admins_only_admins_manage_accounts(demo_data, login, email):
    response = login(demo_data[email]).get(reverse("user_list"))

    assert response.status_code == 403
    assert "Only agency admins and system admins manage accounts." in response.content.decode()


@pytest.mark.parametrize("email", ROLES[2:])
def test_it_refuses_account_changes_posted_by_non_admins(demo_data, login, email):
    target = demo_data["manager.police@example.org"]
    client = login(demo_data[email])

    responses = [
        client.post(reverse("user_deactivate", args=[target.pk])),
        client.post(reverse("user_reactivate", args=[target.pk])),
        client.post(reverse("user_reset_2fa", args=[target.pk])),
        client.post(reverse("user_resend_invitation", args=[target.pk])),
        client.post(reverse("user_edit", args=[target.pk]), {"full_name": "Hijacked", "version": target.version}),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    target.refresh_from_db()
    assert target.is_active
    assert target.full_name == "Jordan Demo-Manager-Police"


def test_it_refuses_agency_changes_posted_by_an_agency_admin(demo_data, login):
    police = demo_data["admin.police@example.org"].agency
    client = login(demo_data["admin.police@example.org"])

    edit = client.post(
        reverse("agency_edit", args=[police.pk]),
        {"name": "Renamed", "short_name": "Renamed", "kind": "police", "is_active": "on", "version": police.version},
    )
    create = client.post(reverse("agency_create"), {"name": "Rogue agency", "short_name": "Rogue", "kind": "other"})

    assert edit.status_code == 403
    assert create.status_code == 403
    police.refresh_from_db()
    assert police.short_name == "Police"
    assert not police.__class__.objects.filter(short_name="Rogue").exists()


def test_it_shows_the_accounts_link_to_an_agency_admin(demo_data, login):
    response = login(demo_data["admin.police@example.org"]).get(reverse("home"))

    labels = [item["label"] for item in response.context["nav_items"]]
    assert {"Home", "Accounts", "Your account"} <= set(labels)
    assert "Agencies" not in labels
    assert f'href="{reverse("user_list")}"' in response.content.decode()


def test_it_shows_accounts_and_agencies_links_to_a_system_admin(demo_data, login):
    response = login(demo_data["sysadmin@example.org"]).get(reverse("home"))

    labels = [item["label"] for item in response.context["nav_items"]]
    assert {"Home", "Accounts", "Agencies", "Your account"} <= set(labels)


@pytest.mark.parametrize("email", ROLES[2:])
def test_it_hides_admin_links_from_everyone_else(demo_data, login, email):
    response = login(demo_data[email]).get(reverse("home"))

    labels = [item["label"] for item in response.context["nav_items"]]
    assert {"Home", "Your account"} <= set(labels)
    assert "Accounts" not in labels
    assert "Agencies" not in labels
    page = response.content.decode()
    assert f'href="{reverse("user_list")}"' not in page
    assert f'href="{reverse("agency_list")}"' not in page
