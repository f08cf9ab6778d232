from django.db import migrations

# 0002 refuses UPDATE and DELETE row by row; TRUNCATE fires no row triggers, so it needs its own. Only
# the table's owner may TRUNCATE at all (the app's own role, see `manage.py db_roles`, may not), and
# this stops the owner too: a `manage.py flush`, or a `TRUNCATE met_user CASCADE` that would take the
# audit trail with it. The owner can still drop the trigger, deliberately; the test suite's flush of
# its own throwaway database does so (met/management/commands/flush.py).
CREATE = """
CREATE OR REPLACE FUNCTION met_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be truncated' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER met_auditevent_no_truncate
    BEFORE TRUNCATE ON met_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION met_audit_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS met_auditevent_no_truncate ON met_auditevent;
DROP FUNCTION IF EXISTS met_audit_no_truncate();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("met", "0006_outbox_email")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
