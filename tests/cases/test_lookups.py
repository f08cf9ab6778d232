"""A page of cases with its categories and agencies read together (cases.selectors.with_lookups)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, Category, Concern
from cases.selectors import forget_lookups, with_lookups, with_related
from meetings.models import Action
from met.models import Agency
from tests.factories import ActionFactory, AgencyFactory, CaseFactory, CategoryFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    first, second, third = CategoryFactory(order=3), CategoryFactory(order=1), CategoryFactory(order=2)
    police, health = AgencyFactory(name="Zeta police"), AgencyFactory(name="Alpha health")
    made = [
        CaseFactory(categories=[first, second, third]),
        CaseFactory(categories=[third]),
        CaseFactory(),
    ]
    made[0].agencies_involved.set([police, health])
    made[2].agencies_involved.set([police])
    forget_lookups()
    return made


def test_it_reads_a_pages_categories_and_agencies_as_prefetch_related_would(cases):
    ids = [case.pk for case in cases]
    expected = {
        case.pk: (list(case.categories.all()), list(case.agencies_involved.all()))
        for case in Case.objects.filter(pk__in=ids).prefetch_related("categories", "agencies_involved")
    }
    with_lookups(Case.objects.filter(pk__in=ids))  # fills the cache of categories and agencies

    with CaptureQueriesContext(connection) as queries:
        page = with_lookups(Case.objects.filter(pk__in=ids).order_by("pk"), "categories", "agencies_involved")
        got = {case.pk: (list(case.categories.all()), list(case.agencies_involved.all())) for case in page}

    assert got == expected
    assert [c.order for c in got[cases[0].pk][0]] == [1, 2, 3]  # the categories' own order, as ever
    assert [a.name for a in got[cases[0].pk][1]] == ["Alpha health", "Zeta police"]
    assert got[cases[2].pk][0] == []
    assert len(queries) == 2  # the page, and one query of id pairs for both


def test_it_reads_a_category_added_since_the_cache_was_filled(cases):
    with_lookups([cases[1]])
    # Added where no signal reaches this process's cache (another web process, a bulk load).
    (new,) = Category.objects.bulk_create([Category(code="new-kind", name="A new kind", order=0, definition="New.")])
    cases[1].categories.through.objects.create(case=cases[1], category=new)

    (case,) = with_lookups(Case.objects.filter(pk=cases[1].pk))

    assert [c.code for c in case.categories.all()] == [
        "new-kind",
        Case.objects.get(pk=cases[1].pk).categories.exclude(pk=new.pk).get().code,
    ]


def test_it_forgets_what_it_kept_when_a_category_or_agency_is_saved(cases):
    with_lookups([cases[0]], "categories", "agencies_involved")
    category = Case.objects.get(pk=cases[0].pk).categories.order_by("order").first()
    category.name = "Renamed"
    category.save()
    agency = Agency.objects.get(name="Zeta police")
    agency.name = "Renamed police"
    agency.save()

    (case,) = with_lookups(Case.objects.filter(pk=cases[0].pk), "categories", "agencies_involved")

    assert "Renamed" in [c.name for c in case.categories.all()]
    assert "Renamed police" in [a.name for a in case.agencies_involved.all()]


def test_it_reads_the_people_a_case_is_restricted_to_only_when_there_are_any(cases):
    named = [UserFactory(full_name="Zed Named"), UserFactory(full_name="Amy Named")]
    cases[1].restricted_to.set(named)
    ids = [case.pk for case in cases]
    expected = {
        c.pk: list(c.restricted_to.all()) for c in Case.objects.filter(pk__in=ids).prefetch_related("restricted_to")
    }

    with CaptureQueriesContext(connection) as queries:
        page = with_lookups(Case.objects.filter(pk__in=ids), "restricted_to")
    assert {case.pk: list(case.restricted_to.all()) for case in page} == expected
    assert len(queries) == 3  # the page, the id pairs, the two people

    with CaptureQueriesContext(connection) as queries:
        (case,) = with_lookups(Case.objects.filter(pk=cases[0].pk), "restricted_to")
    assert list(case.restricted_to.all()) == []
    assert len(queries) == 2  # nobody named: no query for people


# --- foreign keys filled after the rows are read (cases.selectors.with_related) --------------------------


def test_it_fills_categories_and_agencies_from_the_cache_and_people_with_one_query(cases):
    concerns = [ConcernFactory(case=case, logged_at=timezone.now()) for case in cases]
    done_by = UserFactory()
    due = timezone.localdate()
    actions = [
        ActionFactory(case=cases[0], due_date=due),
        ActionFactory(case=cases[1], due_date=due, completed_by=done_by),
    ]
    with_related(Concern.objects.filter(pk=concerns[0].pk), "category")  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        rows = with_related(Concern.objects.filter(pk__in=[c.pk for c in concerns]), "category", "source_agency")
        got = {row.pk: (row.category, row.source_agency) for row in rows}
    assert len(queries) == 1  # the concerns themselves
    assert got == {c.pk: (c.category, c.source_agency) for c in concerns}

    with CaptureQueriesContext(connection) as queries:
        rows = with_related(
            Action.objects.filter(pk__in=[a.pk for a in actions]).order_by("pk"), "owner", "completed_by"
        )
        got = [(row.owner, row.completed_by) for row in rows]
    assert len(queries) == 2  # the actions, and every person they name at once
    assert got == [(actions[0].owner, None), (actions[1].owner, done_by)]


def test_it_reads_nothing_more_for_an_empty_page_or_no_one_named(cases):
    with CaptureQueriesContext(connection) as queries:
        assert with_related(Action.objects.none(), "owner", "completed_by") == []
    assert len(queries) == 0
