"""cases/templatetags/case_rows.py: each row of the case list shows what the template loop showed
(the child's name linked to the case, flags, reference, status, risk, categories in the categories'
order, lead agency and professional, or a dash), and escapes what was typed."""

import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from cases import turning_18
from cases.models import Case
from tests.cases import COORDINATOR, POLICE, category, log_referral, make_case, user


def rows(page: str) -> dict[str, str]:
    """Each row's cells, by the child's name in its first cell."""
    found = {}
    for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, flags=re.S):
        cells = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, flags=re.S)
        if cells:
            found[re.sub(r"<.*", "", re.sub(r"^<a [^>]*>", "", cells[0]))] = cells
    return found


def test_it_shows_each_case_s_facts_in_its_row(demo_data, login):
    police = user(POLICE)
    case = make_case(lead=police, risk_level="high", first_name="Rowena", last_name="Tablestone")
    case.categories.add(category("missing"))
    turning = today_minus_years(18, days=60)  # turns 18 in about two months
    soon = make_case(agencies=("CSC",), first_name="Nearly", last_name="Grown", date_of_birth=turning)
    Case.objects.filter(pk=soon.pk).update(is_frequent_missing=True)

    found = rows(login(user(COORDINATOR)).get(reverse("case_list")).content.decode())

    child, reference, status, risk, categories, lead = found["Rowena Tablestone"]
    assert f'href="{reverse("case_detail", args=[case.pk])}"' in child
    assert "Restricted" not in child and "Frequent missing" not in child
    assert (reference, status, risk) == (case.reference, "Open", "High")
    names = [c.name for c in Case.objects.get(pk=case.pk).categories.all()]
    assert categories == ", ".join(names) and len(names) == 2
    assert lead == f"Police: {police.display_name}"
    child, *_ = found["Nearly Grown"]
    assert 'govuk-tag--purple">Frequent missing</strong>' in child
    flag = turning_18.flag(Case.objects.select_related("child").get(pk=soon.pk), timezone.localdate())
    assert f'govuk-tag--yellow">{flag.text}</strong>' in child


def test_it_shows_a_dash_for_a_referral_with_no_lead_and_escapes_names(demo_data, login):
    log_referral(first_name="<b>Bold</b>", last_name="O'Brien & Co")

    page = login(user(COORDINATOR)).get(reverse("case_list")).content.decode()

    assert "<b>Bold</b>" not in page
    (cells,) = [cells for name, cells in rows(page).items() if "Bold" in name]
    assert "&lt;b&gt;Bold&lt;/b&gt; O&#x27;Brien &amp; Co" in cells[0]
    assert cells[5] == "–"


def today_minus_years(years: int, *, days: int = 0) -> date:
    today = timezone.localdate()
    return date(today.year - years, today.month, min(today.day, 28)) + timedelta(days=days)


def test_it_lists_each_search_result_s_facts_and_escapes_them(demo_data, login):
    case = make_case(first_name="Searchy", last_name="<i>Rowe</i>", known_as="S & R", date_of_birth=date(2011, 2, 3))
    log_referral(first_name="Searchy", last_name="Nodob", date_of_birth=None)

    page = login(user(COORDINATOR)).get(reverse("case_search"), {"q": "searchy"}).content.decode()

    items = re.findall(r'<li class="met-card">(.*?)</li>', page, flags=re.S)
    assert len(items) == 2 and "<i>Rowe</i>" not in page
    (found,) = [item for item in items if "Rowe" in item]
    assert f'href="{reverse("case_detail", args=[case.pk])}">Searchy &lt;i&gt;Rowe&lt;/i&gt;</a>' in found
    assert "(known as S &amp; R)" in found
    assert f"born 3 Feb 2011 · {case.reference} · Open · risk not yet assessed" in found
    (other,) = [item for item in items if "Nodob" in item]
    assert "date of birth not known" in other and "known as" not in other
