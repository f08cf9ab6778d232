"""Trigram indexes for the child search (issue 14).

The search matches any part of a name (`icontains`, which PostgreSQL runs as `UPPER(col) LIKE
UPPER('%…%')`) and identifiers exactly ignoring case (`UPPER(col) = UPPER(…)`). A b-tree cannot
serve a leading wildcard, so every search read all 100,000 children; pg_trgm's GIN indexes on the
same expressions can. PostgreSQL only: SQLite, the embedded default, searches its few rows as before.
"""

from django.db import migrations

NAMES = ("first_name", "last_name", "known_as")
IDENTIFIERS = ("police_number", "csc_number")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in NAMES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS cases_child_{column}_trgm ON cases_child USING gin (upper({column}) gin_trgm_ops)"
        )
    for column in IDENTIFIERS:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS cases_child_{column}_upper ON cases_child (upper({column}))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS cases_child_{column}_trgm")
    for column in IDENTIFIERS:
        schema_editor.execute(f"DROP INDEX IF EXISTS cases_child_{column}_upper")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_list_orders")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
