import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from met.models import Agency, AgencyKind, User

MANAGED = ("csc", "police", "health", "school")


@pytest.mark.django_db
def test_it_creates_the_named_demo_accounts_with_their_roles(demo_data):
    expected = {
        "sysadmin@example.org": "is_system_admin",
        "admin.police@example.org": "is_agency_admin",
        "admin.health@example.org": "is_agency_admin",
        "coordinator@example.org": "is_coordinator",
        "chair@example.org": "is_chair",
        "practitioner.police@example.org": "is_practitioner",
        "practitioner.health@example.org": "is_practitioner",
        "practitioner.school@example.org": "is_practitioner",
    }
    for email, flag in expected.items():
        assert getattr(demo_data[email], flag), email
    assert demo_data["coordinator@example.org"].agency.kind == AgencyKind.CSC
    assert demo_data["chair@example.org"].agency.kind == AgencyKind.POLICE
    assert not demo_data["admin.police@example.org"].is_system_admin


@pytest.mark.django_db
def test_it_builds_the_management_lines(demo_data):
    for slug in MANAGED:
        manager = demo_data[f"manager.{slug}@example.org"]
        senior = demo_data[f"senior.{slug}@example.org"]
        assert manager.line_manager == senior
        assert senior.agency.senior_contact == senior
    for email in (
        "practitioner.police@example.org",
        "practitioner.health@example.org",
        "practitioner.school@example.org",
        "coordinator@example.org",
        "chair@example.org",
    ):
        user = demo_data[email]
        assert user.line_manager.email.startswith("manager.")
        assert user.line_manager.agency == user.agency


@pytest.mark.django_db
def test_it_is_idempotent_and_respects_if_empty(capsys):
    call_command("seed_demo")
    counts = (Agency.objects.count(), User.objects.count())
    call_command("seed_demo")
    call_command("seed_demo", "--if-empty")
    assert (Agency.objects.count(), User.objects.count()) == counts
    out = capsys.readouterr().out
    assert "already has data" in out
    assert "chair@example.org" in out


@pytest.mark.django_db
def test_it_lets_every_demo_account_sign_in_with_the_demo_password(demo_data, settings, rf):
    for email in demo_data:
        request = rf.post("/login/")
        assert authenticate(request, username=email, password=settings.MET_DEMO_PASSWORD) is not None, email


@pytest.mark.django_db
def test_it_puts_every_account_in_its_agency_group(demo_data):
    for user in demo_data.values():
        assert user.groups.filter(pk=user.agency.group_id).exists()


@pytest.mark.django_db
def test_it_leaves_the_logins_to_demo_logins_when_asked(capsys):
    call_command("seed_demo", "--quiet-logins")
    out = capsys.readouterr().out
    assert "Demo data ready" in out
    assert "@example.org" not in out
    call_command("seed_demo", "--if-empty", "--quiet-logins")
    out = capsys.readouterr().out
    assert out.strip() == "Database already has data: demo data not loaded."
