"""Signing in: passwords, lockout, two-factor, idle timeout, logout, redirects, headers (DESIGN §8)."""

import html
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from met import services
from met.models import AuditEvent
from tests.factories import UserFactory

LOCKED_OUT = "This account is locked for now"
WRONG_PASSWORD = "Enter a correct email address and password. After 5 failed attempts the account is locked."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db):
    return UserFactory(email="parker.officer@example.org", full_name="Parker Officer")


def text(response) -> str:
    return html.unescape(response.content.decode())


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post(reverse("login"), {"username": email, "password": password, **extra})


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def token_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


# Passwords and lockout ---------------------------------------------------------------------------


def test_it_signs_in_with_the_email_in_any_case(user, password):
    client = Client()

    response = sign_in(client, "  Parker.OFFICER@Example.ORG ", password)

    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(reverse("home")).status_code == 200


def test_it_says_when_the_password_is_wrong(user):
    client = Client()

    response = sign_in(client, user.email, "not-the-password")

    assert WRONG_PASSWORD in text(response)
    assert signed_in_user_id(client) is None


def test_it_locks_the_account_after_five_failed_attempts(user, password):
    client = Client()
    for _ in range(4):
        assert WRONG_PASSWORD in text(sign_in(client, user.email, "not-the-password"))
    fifth = sign_in(client, user.email, "not-the-password")
    assert fifth.status_code == 429

    response = sign_in(client, user.email, password)

    assert response.status_code == 429
    assert LOCKED_OUT in text(response)
    assert "too many failed attempts" in text(response)
    assert signed_in_user_id(client) is None


def test_it_locks_the_account_from_any_address(user, password):
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"10.0.0.{n}"), user.email, "not-the-password")

    response = sign_in(Client(REMOTE_ADDR="10.9.9.9"), user.email, password)

    assert response.status_code == 429
    assert LOCKED_OUT in text(response)


def test_it_locks_the_account_whatever_the_case_of_the_email(user, password):
    # Sign-in matches the email case-insensitively, so the lockout must count it that way too;
    # otherwise every capitalisation of the address gets five fresh guesses.
    client = Client()
    for _ in range(5):
        sign_in(client, user.email, "not-the-password")

    response = sign_in(client, user.email.upper(), password)

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_it_does_not_lock_other_accounts(user, password):
    other = UserFactory()
    client = Client()
    for _ in range(5):
        sign_in(client, user.email, "not-the-password")

    response = sign_in(client, other.email, password)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(other.pk)


def test_it_forgets_earlier_failures_after_a_successful_sign_in(user, password):
    client = Client()
    for _ in range(4):
        sign_in(client, user.email, "not-the-password")
    sign_in(client, user.email, password)
    client.logout()
    for _ in range(4):
        sign_in(client, user.email, "not-the-password")

    response = sign_in(client, user.email, password)

    assert response.status_code == 302


def test_it_refuses_a_deactivated_user(db, password):
    admin = UserFactory(roles=("agency_admin",))
    leaver = UserFactory(agency=admin.agency)
    services.user_deactivate(actor=admin, user=leaver)
    client = Client()

    response = sign_in(client, leaver.email, password)

    assert response.status_code != 302
    assert "Enter a correct email address and password" in text(response)
    assert signed_in_user_id(client) is None


def test_it_rejects_a_password_shorter_than_twelve_characters(user, password, login):
    client = login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Qz7!mk2#Lp9", "new_password2": "Qz7!mk2#Lp9"},
    )

    assert "This password is too short. It must contain at least 12 characters." in text(response)
    user.refresh_from_db()
    assert user.check_password(password)


@pytest.mark.parametrize(
    ("new_password", "message"),
    [("123456789012", "This password is entirely numeric."), ("password1234", "This password is too common.")],
)
def test_it_rejects_a_common_or_numeric_password(user, password, login, new_password, message):
    client = login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )

    assert message in text(response)
    user.refresh_from_db()
    assert user.check_password(password)


def test_it_changes_the_password_to_a_strong_one(user, password, login):
    client = login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Qz7!mk2#Lp9x", "new_password2": "Qz7!mk2#Lp9x"},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Qz7!mk2#Lp9x")
    assert client.get(reverse("home")).status_code == 200  # the session survives its own password change


# Two-factor authentication -----------------------------------------------------------------------


def test_it_sends_a_user_without_an_authenticator_to_enrolment(user, login, settings):
    settings.MET_REQUIRE_2FA = True

    response = login(user).get(reverse("home"))

    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("2fa_setup")
    assert parse_qs(location.query) == {"next": ["/"]}


@pytest.mark.parametrize("url_name", ["account", "user_list", "password_change"])
def test_it_guards_every_page_until_the_second_factor_is_given(user, login, settings, url_name):
    settings.MET_REQUIRE_2FA = True

    response = login(user).get(reverse(url_name))

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("2fa_setup")


def test_it_keeps_the_whole_next_address_through_two_factor(user, login, settings):
    # met/middleware.py builds "?next=" + the full path without encoding it, so the page's own
    # query string ("&status=all") is cut off from `next` and lost after verification.
    settings.MET_REQUIRE_2FA = True
    wanted = "/manage/accounts/?q=smith&status=all"

    response = login(user).get(wanted)

    assert parse_qs(urlsplit(response.url).query) == {"next": [wanted]}


def test_it_enrols_an_authenticator_with_a_correct_code(user, login, settings):
    settings.MET_REQUIRE_2FA = True
    client = login(user)

    page = client.get(reverse("2fa_setup"))

    assert page.status_code == 200
    assert "Set up two-factor authentication" in text(page)
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed

    response = client.post(reverse("2fa_setup"), {"token": token_for(device), "next": "/account/"})

    assert response.status_code == 302
    assert response.url == "/account/"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="user.enrol_2fa", actor=user).exists()
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Hello, Parker" in text(home)


def test_it_shows_the_same_pending_authenticator_on_reload(user, login):
    client = login(user)

    client.get(reverse("2fa_setup"))
    client.get(reverse("2fa_setup"))

    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_it_rejects_a_wrong_enrolment_code(user, login, settings):
    settings.MET_REQUIRE_2FA = True
    client = login(user)
    client.get(reverse("2fa_setup"))
    device = TOTPDevice.objects.get(user=user)
    wrong = token_for(device, steps_ahead=10)

    response = client.post(reverse("2fa_setup"), {"token": wrong})

    assert response.status_code == 400
    assert "That code did not match." in text(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home")).status_code == 302


def test_it_asks_for_a_code_when_an_enrolled_user_signs_in(user, password, settings):
    settings.MET_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()

    response = sign_in(client, user.email, password, next="/account/")
    response = client.get(response.url)

    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("2fa_verify")
    assert parse_qs(location.query) == {"next": ["/account/"]}

    page = client.get(response.url)
    assert page.status_code == 200
    verified = client.post(response.url, {"token": token_for(device), "next": "/account/"})

    assert verified.status_code == 302
    assert verified.url == "/account/"
    assert client.get("/account/").status_code == 200


def test_it_rejects_a_wrong_code_at_sign_in(user, login, settings):
    settings.MET_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = login(user)

    response = client.post(reverse("2fa_verify"), {"token": token_for(device, steps_ahead=10)})

    assert response.status_code == 400
    assert "That code did not match." in text(response)
    assert client.get(reverse("home")).status_code == 302


def test_it_refuses_a_code_used_once_already(user, login, settings):
    settings.MET_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    token = token_for(device)
    assert login(user).post(reverse("2fa_verify"), {"token": token}).status_code == 302

    replay = login(user).post(reverse("2fa_verify"), {"token": token})

    assert replay.status_code == 400


def test_it_does_not_let_enrolment_replace_an_existing_authenticator(user, login, settings):
    settings.MET_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = login(user).get(reverse("2fa_setup"))

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("2fa_verify")
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


def test_it_goes_straight_home_when_two_factor_is_not_required(user, password, settings):
    settings.MET_REQUIRE_2FA = False
    client = Client()

    response = sign_in(client, user.email, password)

    assert response.status_code == 302
    home = client.get(response.url)
    assert home.status_code == 200
    assert "Hello, Parker" in text(home)


def test_it_still_asks_an_enrolled_user_for_a_code_when_two_factor_is_optional(user, login, settings):
    settings.MET_REQUIRE_2FA = False
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = login(user).get(reverse("home"))

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("2fa_verify")


# Sessions ----------------------------------------------------------------------------------------


def test_it_times_sessions_out_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_it_ends_a_session_whose_expiry_has_passed(user, login):
    client = login(user)
    assert client.get(reverse("home")).status_code == 200

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("login")


def test_it_ends_a_session_left_idle_for_thirty_one_minutes(user, login):
    client = login(user)
    client.get(reverse("home"))

    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        response = client.get(reverse("home"))

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("login")


def test_it_keeps_a_session_alive_while_it_is_used(user, login):
    client = login(user)
    start = timezone.now()

    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200


def test_it_signs_out_only_with_a_post(user, login):
    client = login(user)

    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert client.get(reverse("home")).status_code == 302


def test_it_signs_out_a_session_for_good(user, login):
    client = login(user)
    old_key = client.session.session_key

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=old_key).exists()


# Redirects and headers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http://evil.example/account/", "/\\evil.example"]
)
def test_it_does_not_redirect_off_site_after_sign_in(user, password, target):
    response = sign_in(Client(), user.email, password, next=target)

    assert response.status_code == 302
    assert response.url == "/"


def test_it_follows_a_local_next_after_sign_in(user, password):
    response = sign_in(Client(), user.email, password, next="/account/")

    assert response.status_code == 302
    assert response.url == "/account/"


def test_it_does_not_redirect_off_site_after_two_factor(user, login, settings):
    settings.MET_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = login(user).post(reverse("2fa_verify") + "?next=https://evil.example/", {"token": token_for(device)})

    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.parametrize("signed_in", [False, True])
def test_it_sends_security_headers(user, login, signed_in):
    client = login(user) if signed_in else Client()

    response = client.get(reverse("home") if signed_in else reverse("login"))

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_it_keeps_the_session_cookie_away_from_scripts(user, password):
    client = Client()

    sign_in(client, user.email, password)

    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
