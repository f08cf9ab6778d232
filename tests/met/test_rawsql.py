"""met.rawsql: the EXISTS the case page and the agenda ask as SQL answers as the ORM's would, and the reads
written from the models' metadata give what the ORM's give."""

import pytest
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from cases.models import Case
from met import rawsql
from met.models import AuditEvent, User
from tests.cases import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(demo_data):
    twice = make_case(first_name="Twice", last_name="Toldofer", status="closed")
    again = make_case(first_name="Again", last_name="Toldofer")
    Case.objects.filter(pk=again.pk).update(child=twice.child)  # the same child's case since, still open
    once = make_case(first_name="Only", last_name="Onceton")
    return {"twice": twice, "again": again, "once": once}


def _by_case(annotation) -> dict[int, bool]:
    return dict(Case.objects.annotate(answer=annotation).values_list("pk", "answer"))


def test_it_says_whether_the_child_has_another_case_as_the_orm_does(cases):
    orm = Exists(Case.objects.filter(child_id=OuterRef("child_id")).exclude(pk=OuterRef("pk")))

    answers = _by_case(rawsql.exists(Case, "child", Case, "child", other_row=True))

    assert answers == _by_case(orm)
    assert answers[cases["twice"].pk] and answers[cases["again"].pk]
    assert not answers[cases["once"].pk]


def test_it_counts_only_rows_with_the_unset_column_empty(cases):
    Case.objects.filter(pk=cases["twice"].pk).update(closed_at=timezone.now())
    orm = Exists(Case.objects.filter(child_id=OuterRef("child_id"), closed_at__isnull=True).exclude(pk=OuterRef("pk")))

    answers = _by_case(rawsql.exists(Case, "child", Case, "child", unset="closed_at", other_row=True))

    assert answers == _by_case(orm)
    assert not answers[cases["again"].pk]  # the child's only other case was closed
    assert answers[cases["twice"].pk]


@pytest.fixture
def events(demo_data):
    actor = User.objects.filter(full_name__gt="").first()
    made = [
        AuditEvent.objects.create(
            actor=actor if n % 2 else None,
            action="test.read",
            object_type="rawsql",
            object_id=str(n),
            child_id=n,
            via_api=bool(n % 3),
            detail={"n": n, "names": ["a", "b"]},
        )
        for n in range(5)
    ]
    AuditEvent.objects.create(action="test.read", object_type="other", object_id="9")
    return {"actor": actor, "made": made}


def _fields(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields}


def test_it_reads_the_rows_and_values_the_orm_reads(events):
    rows = rawsql.select(AuditEvent, where={"object_type": "rawsql"})

    orm = list(AuditEvent.objects.filter(object_type="rawsql"))
    assert [r.pk for r in rows] == [r.pk for r in orm]  # in the model's own order
    assert [_fields(r) for r in rows] == [_fields(r) for r in orm]
    assert rows[0].detail == {"n": 4, "names": ["a", "b"]}  # converted as the ORM converts: a dict
    assert {r.via_api for r in rows} == {True, False}


def test_it_orders_limits_and_matches_empty_columns(events):
    rows = rawsql.select(AuditEvent, where={"object_type": "rawsql", "actor": None}, order_by=("child_id",), limit=2)

    assert [r.object_id for r in rows] == ["0", "2"]
    assert all(r.actor_id is None for r in rows)


def test_it_reads_the_named_fields_of_related_rows_with_the_rows(events, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = rawsql.select(AuditEvent, where={"object_type": "rawsql"}, related={"actor": ("full_name", "is_active")})
        names = [(r.actor.full_name, r.actor.is_active) if r.actor else None for r in rows]

    actor = events["actor"]
    assert names == [None if r.actor_id is None else (actor.full_name, actor.is_active) for r in rows]
    assert names.count(None) == 3
    person = next(r.actor for r in rows if r.actor)
    assert person.pk == actor.pk
    assert "password" in person.get_deferred_fields()  # what the page does not show is left unread


def test_it_refuses_what_it_cannot_write(events):
    with pytest.raises(TypeError):
        rawsql.select(AuditEvent, where={}, order_by=(F("at").desc(),))
    with pytest.raises(ValueError, match="not all fields"):
        rawsql.select(AuditEvent, where={}, related={"actor": ("no_such_field",)})


def test_it_reads_related_rows_of_related_rows_and_annotations_with_the_rows(events, django_assert_num_queries):
    actor = events["actor"]
    with django_assert_num_queries(1):
        rows = rawsql.select(
            AuditEvent,
            where={"object_type": "rawsql"},
            related={"actor": ("full_name",), "actor__agency": ("short_name",)},
            annotate={"by_someone": rawsql.exists(User, "id", AuditEvent, "actor")},
        )
        agencies = [r.actor.agency.short_name if r.actor else None for r in rows]

    assert agencies == [actor.agency.short_name if r.actor_id else None for r in rows]
    assert [r.by_someone for r in rows] == [r.actor_id is not None for r in rows]
    assert all(type(r.by_someone) is bool for r in rows)  # as the ORM gives it, on SQLite too
    with pytest.raises(ValueError, match="read 'actor'"):
        rawsql.select(AuditEvent, where={}, related={"actor__agency": ("short_name",)})


def test_it_orders_by_a_field_of_related_rows_read_with_them(events):
    rows = rawsql.select(
        AuditEvent,
        where={"object_type": "rawsql"},
        order_by=("-actor__full_name", "pk"),
        related={"actor": ("full_name",)},
    )

    orm = AuditEvent.objects.filter(object_type="rawsql").order_by(
        "-actor__full_name", "pk"
    )  # NULLs as the database puts them
    assert [r.pk for r in rows] == [r.pk for r in orm]
    with pytest.raises(ValueError, match="to order them by"):
        rawsql.select(AuditEvent, where={}, order_by=("actor__full_name",))
    with pytest.raises(ValueError, match="not by the relation itself"):
        rawsql.select(AuditEvent, where={}, order_by=("actor",))
