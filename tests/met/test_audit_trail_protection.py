"""The audit trail cannot be erased by the role the app connects as, nor truncated by the owner (issue 13 point 6)."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from met.audit import audit
from met.models import AuditEvent, Notification
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and triggers are PostgreSQL's"),
    pytest.mark.django_db,
]


def _refused(cursor, statement: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        cursor.execute(statement)


@pytest.fixture
def app_role():
    """A role set up as production's app role is, by the command the README documents. Roles belong to the
    whole server: a name of its own, created inside the test's transaction, so the rollback removes it."""
    role = f"met_app_test_{uuid.uuid4().hex[:10]}"
    call_command("db_roles", role=role, stdout=StringIO())
    return role


def test_the_apps_role_can_add_and_read_audit_events_but_never_erase_or_alter_them(app_role):
    before = audit(actor=None, action="user.create", object_type="met.user", object_id=1)
    user = UserFactory()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(app_role)))
        try:
            # What the app does: add events and read them, and work normally on other tables.
            added = audit(actor=None, action="case.view", object_type="cases.case", object_id=7)
            assert set(AuditEvent.objects.values_list("pk", flat=True)) >= {before.pk, added.pk}
            Notification.objects.create(recipient=user, subject="s", body="b")
            assert Notification.objects.filter(recipient=user).update(subject="t") == 1
            assert Notification.objects.filter(recipient=user).delete()[0] == 1

            # What it may not: erase, change, or switch off what protects the trail.
            _refused(cursor, "TRUNCATE met_auditevent", "permission denied")
            _refused(cursor, "DELETE FROM met_auditevent", "permission denied")
            _refused(cursor, "UPDATE met_auditevent SET action = 'tampered'", "permission denied")
            _refused(cursor, "ALTER TABLE met_auditevent DISABLE TRIGGER USER", "must be owner")
            _refused(cursor, "ALTER TABLE met_auditevent DISABLE TRIGGER met_auditevent_append_only", "must be owner")
            _refused(cursor, "ALTER TABLE met_auditevent DISABLE TRIGGER met_auditevent_no_truncate", "must be owner")
            _refused(cursor, "DROP TRIGGER met_auditevent_no_truncate ON met_auditevent", "must be owner")
            _refused(cursor, "DROP TABLE met_auditevent", "must be owner")
            _refused(cursor, "CREATE TABLE met_shadow (id int)", "permission denied")
        finally:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.filter(pk=before.pk, action="user.create").exists()


def test_the_owner_cannot_truncate_the_audit_trail_either():
    audit(actor=None, action="user.create", object_type="met.user", object_id=1)
    with connection.cursor() as cursor:
        # Run the insert's deferred foreign-key checks now: PostgreSQL refuses TRUNCATE of a table with
        # pending ones before any trigger fires, which would hide what this test is about.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _refused(cursor, "TRUNCATE met_auditevent", "audit events cannot be truncated")
        # Nor take it with a table it refers to.
        _refused(cursor, "TRUNCATE met_user CASCADE", "audit events cannot be truncated")
    assert AuditEvent.objects.filter(action="user.create").exists()


def test_flush_refuses_a_database_that_is_not_a_test_database(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "met")
    with pytest.raises(CommandError, match="would erase the audit trail"):
        call_command("flush", interactive=False, verbosity=0)
    monkeypatch.undo()
    assert connection.settings_dict["NAME"].startswith("test_")


def test_db_roles_refuses_to_make_the_owner_or_a_superuser_the_apps_role():
    superuser = f"met_super_test_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(sql.SQL("CREATE ROLE {} SUPERUSER").format(sql.Identifier(superuser)))
    with pytest.raises(CommandError, match="role of its own"):
        call_command("db_roles", role=owner, stdout=StringIO())
    with pytest.raises(CommandError, match="superuser"):
        call_command("db_roles", role=superuser, stdout=StringIO())


def test_db_roles_can_be_run_again_and_gives_a_password_from_the_environment(app_role, monkeypatch):
    monkeypatch.setenv("MET_DB_APP_PASSWORD", "s3cret-for-the-test")
    out = StringIO()
    call_command("db_roles", role=app_role, stdout=out)
    assert "INSERT and SELECT only" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        assert cursor.fetchone() == (True, False)
        cursor.execute(
            "SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = 'met_auditevent'",
            [app_role],
        )
        assert cursor.fetchone() == ("INSERT,SELECT",)


def test_flush_refuses_a_test_named_database_outside_the_test_suite_or_with_a_prompt(monkeypatch):
    monkeypatch.delenv("MET_TEST_RUN")
    with pytest.raises(CommandError, match="would erase the audit trail"):
        call_command("flush", interactive=False, verbosity=0)
    monkeypatch.undo()
    with pytest.raises(CommandError, match="would erase the audit trail"):
        call_command("flush", interactive=True, verbosity=0)


def test_db_roles_refuses_a_member_of_the_owner_and_drops_grants_made_by_hand(app_role):
    member = f"met_member_test_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(sql.SQL("CREATE ROLE {} IN ROLE {}").format(sql.Identifier(member), sql.Identifier(owner)))
        cursor.execute(sql.SQL("GRANT TRUNCATE ON met_notification TO {}").format(sql.Identifier(app_role)))
    with pytest.raises(CommandError, match="member of"):
        call_command("db_roles", role=member, stdout=StringIO())

    call_command("db_roles", role=app_role, stdout=StringIO())

    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(%s, 'met_notification', 'TRUNCATE')", [app_role])
        assert cursor.fetchone() == (False,)
