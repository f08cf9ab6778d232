"""Every name of a child in one upper-case column kept by the database, for the child search (issue 14).

The search looked for each word in the first name, the last name and the name known by, three
`UPPER(col) LIKE` tests a child on three trigram indexes (0008). One stored column and one trigram
index on it: a word is tested once a child. PostgreSQL only for the index: SQLite, the embedded
default, searches its few rows as before.
"""

import django.db.models.functions.text
from django.db import migrations, models

OLD_NAMES = ("first_name", "last_name", "known_as")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cases_child_search_name_trgm ON cases_child USING gin (search_name gin_trgm_ops)"
    )
    for column in OLD_NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS cases_child_{column}_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in OLD_NAMES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS cases_child_{column}_trgm ON cases_child USING gin (upper({column}) gin_trgm_ops)"
        )
    schema_editor.execute("DROP INDEX IF EXISTS cases_child_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_reviews_due_index_for_prepared_statements")]

    operations = [
        migrations.AddField(
            model_name="child",
            name="search_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Upper(
                    django.db.models.functions.text.Concat(
                        "first_name",
                        models.Value(" "),
                        "last_name",
                        models.Value(" "),
                        "known_as",
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
