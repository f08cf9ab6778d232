from django.db import migrations

# Audit events are evidence: once written they must not change. The application never updates or
# deletes them; on PostgreSQL the database itself refuses to, whoever asks. (TRUNCATE, which only the
# database owner can run, is left alone so the test suite can reset tables.)
CREATE = """
CREATE OR REPLACE FUNCTION met_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events cannot be changed or deleted (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER met_auditevent_append_only
    BEFORE UPDATE OR DELETE ON met_auditevent
    FOR EACH ROW EXECUTE FUNCTION met_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS met_auditevent_append_only ON met_auditevent;
DROP FUNCTION IF EXISTS met_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("met", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
