"""SQL written from the models' own metadata, for the few reads where building the ORM's expression
cost more than running it (issue 14). Only table and column names from the models go into the text;
nothing from a request, and no values at all."""

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL


def exists(model, field: str, outer, outer_field: str = "id", *, unset: str | None = None, other_row: bool = False):
    """Whether `model` has a row whose `field` equals the outer query's row's `outer_field` (on `outer`),
    as an annotation: `unset` counts only rows with that column NULL, `other_row` (with `model` the outer
    model itself) only rows other than the outer one. Replaces `Exists(...filter(field=OuterRef(...)))`,
    whose outer references alone took up to half a millisecond to resolve on every page."""
    qn = connection.ops.quote_name
    table, outer_table = qn(model._meta.db_table), qn(outer._meta.db_table)
    conditions = [
        f"x.{qn(model._meta.get_field(field).column)} = {outer_table}.{qn(outer._meta.get_field(outer_field).column)}"
    ]
    if unset:
        conditions.append(f"x.{qn(model._meta.get_field(unset).column)} IS NULL")
    if other_row:
        pk = qn(model._meta.pk.column)
        conditions.append(f"x.{pk} <> {outer_table}.{pk}")
    sql = f"EXISTS (SELECT 1 FROM {table} x WHERE {' AND '.join(conditions)})"  # noqa: S608
    return RawSQL(sql, (), output_field=BooleanField())  # noqa: S611
