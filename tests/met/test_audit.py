import pytest
from django.db import DatabaseError, connection, transaction

from met.audit import audit
from met.models import AuditEvent
from tests.factories import UserFactory


@pytest.mark.django_db
def test_it_records_who_did_what_from_where(rf):
    actor = UserFactory()
    request = rf.get("/", REMOTE_ADDR="192.0.2.10")
    event = audit(actor=actor, action="user.update", obj=actor, request=request, detail={"fields": ["phone"]})
    event.refresh_from_db()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        actor,
        "user.update",
        "met.user",
        str(actor.pk),
    )
    assert event.ip_address == "192.0.2.10"
    assert event.via_api is False


@pytest.mark.django_db
def test_it_trusts_forwarded_for_only_behind_a_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
    assert audit(actor=None, action="x", object_type="t", object_id=1, request=request).ip_address == "10.0.0.1"
    settings.MET_BEHIND_PROXY = True
    assert audit(actor=None, action="x", object_type="t", object_id=1, request=request).ip_address == "198.51.100.7"


@pytest.mark.django_db
def test_it_offers_no_way_to_change_audit_events_in_the_app():
    from django.contrib import admin

    assert AuditEvent not in admin.site._registry


@pytest.mark.django_db
def test_it_refuses_to_change_or_delete_an_audit_event_through_the_model():
    event = audit(actor=None, action="user.create", object_type="met.user", object_id=1)
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "user.create"


@pytest.mark.django_db
def test_it_refuses_update_and_delete_in_the_database_on_postgresql():
    event = audit(actor=None, action="user.create", object_type="met.user", object_id=1)
    if connection.vendor != "postgresql":
        # The trigger is PostgreSQL's: SQLite, the laptop default, has none (the test suite flushes with DELETE).
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'met_auditevent'")
            assert cursor.fetchone() == (0,)
        return
    with pytest.raises(DatabaseError, match="audit events cannot be changed"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError, match="audit events cannot be changed"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "user.create"
