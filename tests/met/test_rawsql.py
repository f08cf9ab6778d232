"""met.rawsql.exists: the EXISTS the case page and the agenda ask as SQL answers as the ORM's would."""

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.models import Case
from met import rawsql
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
