"""SQL written from the models' own metadata, for the few reads where building the ORM's expression
cost more than running it (issue 14). Only table and column names from the models go into the text;
values, when there are any, only as parameters."""

import functools

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


def select(
    model,
    *,
    where: dict,
    order_by: tuple[str, ...] | None = None,
    limit: int | None = None,
    related: dict[str, tuple[str, ...]] | None = None,
    annotate: dict[str, RawSQL] | None = None,
) -> list:
    """The `model` rows whose fields equal `where`'s values (None: the column is NULL), in `order_by`'s
    order (the model's own by default; "-" for descending), at most `limit` of them, as model instances
    with every field loaded. `related` names foreign keys to read with them ("case", "case__child"), each
    with the fields of its model that the page shows: the rest are deferred, as `select_related(...)
    .only(...)` leaves them. `annotate` adds SQL expressions (`exists` above) as attributes of each row.

    For a page's short reads of a few records: building and compiling the same ORM statement took
    longer than PostgreSQL took to run it (about a millisecond each on the case page). The statement is
    written once per shape from the models' metadata; the values go as parameters."""
    related = related or {}
    annotate = annotate or {}
    shape = (
        model,
        tuple((name, where[name] is None) for name in where),
        tuple(order_by if order_by is not None else model._meta.ordering),
        limit,
        tuple((path, tuple(fields)) for path, fields in related.items()),
        tuple((name, expression.sql) for name, expression in annotate.items()),
    )
    sql, attnames, joined = _select_sql(connection.vendor, *shape)
    params = [
        *(param for expression in annotate.values() for param in expression.params),
        *(value for value in where.values() if value is not None),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    own = len(attnames)
    rows = []
    for values in found:
        row = model.from_db(connection.alias, attnames, _converted(values[:own], attnames, model))
        start = own
        made = {"": row}
        for path, parent, field, other, names, pk in joined:
            part = values[start : start + len(names)]
            start += len(names)
            holder = made.get(parent)
            instance = (
                None if part[pk] is None else other.from_db(connection.alias, names, _converted(part, names, other))
            )
            made[path] = instance
            if holder is not None:
                field.set_cached_value(holder, instance)
        for (name, expression), value in zip(annotate.items(), values[start:], strict=True):
            for convert in _expression_converters(expression):
                value = convert(value, expression, connection)
            setattr(row, name, value)
        rows.append(row)
    return rows


def _converted(values, attnames, model) -> tuple:
    converters = _converters(connection.vendor, model, attnames)
    if not converters:
        return values
    values = list(values)
    for index, convert in converters:
        values[index] = convert(values[index])
    return tuple(values)


@functools.lru_cache(maxsize=256)
def _converters(vendor: str, model, attnames: tuple[str, ...]) -> tuple:
    # As the ORM converts each column it reads (a JSON document, SQLite's dates and booleans).
    fields = {f.attname: f for f in model._meta.concrete_fields}
    found = []
    for index, name in enumerate(attnames):
        field = fields[name]
        col = field.get_col(model._meta.db_table)
        for convert in (*connection.ops.get_db_converters(col), *field.get_db_converters(connection)):
            found.append((index, functools.partial(_apply, convert, col)))
    return tuple(found)


def _expression_converters(expression) -> list:
    # SQLite answers an EXISTS with 0 or 1: the ORM makes it a bool, as its output field says.
    return [*connection.ops.get_db_converters(expression), *expression.output_field.get_db_converters(connection)]


def _apply(convert, col, value):
    return convert(value, col, connection)


@functools.lru_cache(maxsize=256)
def _select_sql(vendor: str, model, where, order_by, limit, related, annotate):
    qn = connection.ops.quote_name
    meta = model._meta
    # The table by its own name: an `annotate` expression (exists) names it so.
    table = qn(meta.db_table)
    own = list(meta.concrete_fields)
    columns = [f"{table}.{qn(f.column)}" for f in own]
    aliases = {"": (table, model)}
    joins, joined = [], []
    for n, (path, names) in enumerate(related):
        parent, _, name = path.rpartition("__")
        if parent not in aliases:
            raise ValueError(f"rawsql.select: read {parent!r} with {path!r}.")
        parent_alias, parent_model = aliases[parent]
        field = parent_model._meta.get_field(name)
        other = field.related_model
        # In the model's own order: Model.from_db takes a subset of the fields in that order.
        wanted = {other._meta.pk.name, *names}
        fields = [f for f in other._meta.concrete_fields if f.name in wanted or f.attname in wanted]
        if len(fields) != len(wanted):
            raise ValueError(f"rawsql.select: {sorted(names)} are not all fields of {other.__name__}.")
        alias = f"r{n}"
        aliases[path] = (alias, other)
        columns += [f"{alias}.{qn(f.column)}" for f in fields]
        joins.append(
            f" LEFT JOIN {qn(other._meta.db_table)} {alias}"
            f" ON {alias}.{qn(field.target_field.column)} = {parent_alias}.{qn(field.column)}"
        )
        joined.append((path, parent, field, other, tuple(f.attname for f in fields), fields.index(other._meta.pk)))
    columns += [f"({sql}) AS {qn(name)}" for name, sql in annotate]
    conditions = [f"{table}.{qn(meta.get_field(name).column)} {'IS NULL' if null else '= %s'}" for name, null in where]
    order = []
    for name in order_by:
        if not isinstance(name, str):
            raise TypeError(f"rawsql.select orders by field names only, not {name!r}: use the ORM for that read.")
        descending = name.startswith("-")
        # A related row's field ("agency__name") when that row is read with them.
        path, _, field_name = name.lstrip("-").rpartition("__")
        if path not in aliases:
            raise ValueError(f"rawsql.select: read {path!r} with the rows to order them by {name!r}.")
        alias, owner = aliases[path]
        field = owner._meta.pk if field_name == "pk" else owner._meta.get_field(field_name)
        if field.is_relation:
            # The ORM orders by the related model's own order there, not by the key.
            raise ValueError(f"rawsql.select: order by a field of {name!r}, not by the relation itself.")
        order.append(f"{alias}.{qn(field.column)}{' DESC' if descending else ''}")
    sql = (
        f"SELECT {', '.join(columns)} FROM {table}{''.join(joins)}"  # noqa: S608 - names from the models
        f"{' WHERE ' + ' AND '.join(conditions) if conditions else ''}"
        f"{' ORDER BY ' + ', '.join(order) if order else ''}"
        f"{f' LIMIT {int(limit)}' if limit is not None else ''}"
    )
    return sql, tuple(f.attname for f in own), tuple(joined)
