"""The case page reads a usually-empty panel's table only when the case has rows there
(cases.extensions.with_case_facts, issue 14), and never shows less because of it."""

import os
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import extensions, services
from cases.models import Case
from tests.cases import COORDINATOR, POLICE, make_case, text, user

pytestmark = pytest.mark.django_db


def tables_read(queries) -> set[str]:
    """The tables a page's statements read from directly (FROM …), not inside a subquery of the case's."""
    return {m for q in queries for m in re.findall(r'^SELECT .*? FROM "(\w+)"', q["sql"])}


def test_it_answers_each_fact_as_the_table_does_for_every_demo_case():
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", "--quiet-logins", stdout=quiet)
    facts = extensions._case_facts
    assert {"notes", "documents", "safety_plans", "decisions", "actions", "assessments"} <= set(facts)
    cases = list(extensions.with_case_facts(Case.objects.order_by("pk")))
    true_somewhere = set()
    for case in cases:
        for name, (model, field) in facts.items():
            has = model.objects.filter(**{field: case}).exists()
            assert extensions.case_has(case, name) is has, (case.reference, name)
            if has:
                true_somewhere.add(name)
    # The demo has notes, plans, assessments, actions …: the comparison is not only of empty tables.
    assert len(true_somewhere) >= 5, true_somewhere


def test_it_says_a_case_read_any_other_way_has_everything_so_callers_still_look(demo_data):
    case = Case.objects.first()
    assert all(extensions.case_has(case, name) for name in extensions._case_facts)


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
def test_it_reads_no_empty_panel_on_a_new_case_page(demo_data, login, email):
    case = make_case(lead=user(POLICE))
    client = login(demo_data[email])
    client.get(reverse("case_detail", args=[case.pk]))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("case_detail", args=[case.pk]))

    assert response.status_code == 200
    read = tables_read(queries.captured_queries)
    empty = {"cases_casenote", "cases_casedocument", "cases_safetyplan", "cases_transitionplan"}
    empty |= {"cases_nrmreferral", "cases_missingepisode", "meetings_decision", "meetings_action"}
    empty |= {"riskassessment_referral", "riskassessment_assessment", "riskassessment_riskhistory"}
    assert not (read & empty), read & empty
    assert "cases_case" in read and "cases_concern" in read


def test_it_shows_a_note_once_the_case_has_one(demo_data, login):
    case = make_case(lead=user(POLICE))
    client = login(demo_data[COORDINATOR])
    assert "Seen at the bus station with an older male" not in text(client.get(reverse("case_detail", args=[case.pk])))

    services.case_note_add(actor=user(COORDINATOR), case=case, text="Seen at the bus station with an older male")

    assert "Seen at the bus station with an older male" in text(client.get(reverse("case_detail", args=[case.pk])))


# --- the case list's choices, kept five minutes (cases/forms.py) ----------------------------------


def test_it_offers_a_new_category_and_a_renamed_agency_on_the_next_list_page(demo_data, login):
    from cases.models import Category
    from met.models import Agency

    client = login(demo_data[COORDINATOR])
    assert "Radicalisation concern" not in text(client.get(reverse("case_list")))

    Category.objects.create(code="rad", name="Radicalisation concern", order=99)
    police = Agency.objects.get(short_name="Police")
    police.name = "Example Constabulary (renamed)"
    police.save()

    page = text(client.get(reverse("case_list")))
    assert '<option value="rad">Radicalisation concern</option>' in page
    assert "Example Constabulary (renamed)" in page


def test_it_filters_by_a_category_code_and_an_agency_id(demo_data, login):
    from met.models import Agency

    cse = make_case(category_code="cse", agencies=("Police",), lead=user(POLICE))
    cce = make_case(category_code="cce", agencies=("Health",))
    client = login(demo_data[COORDINATOR])

    by_category = client.get(reverse("case_list"), {"category": "cce"}).context["page"].object_list
    by_agency = client.get(reverse("case_list"), {"agency": Agency.objects.get(short_name="Health").pk})

    assert [c.pk for c in by_category] == [cce.pk]
    assert [c.pk for c in by_agency.context["page"].object_list] == [cce.pk]
    assert cse.pk not in [c.pk for c in by_agency.context["page"].object_list]


def test_it_reads_the_choices_once_and_not_on_every_list_page(demo_data, login):
    client = login(demo_data[COORDINATOR])
    client.get(reverse("case_list"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("case_list"), {"category": "cse"})

    assert not {"cases_category", "met_agency"} & tables_read(queries.captured_queries)
