"""Drawing a round's sample (issue 17): reproducible from its seed and criteria, recorded, never restricted cases."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from quality import sampling, services
from quality.models import AuditRound, SampledCase
from tests.cases import CHAIR, HEALTH, make_case, user


@pytest.fixture
def cases(demo_data):
    return [make_case(agencies=("Police",), category_code="missing") for _ in range(12)]


def start(**kw):
    today = timezone.localdate()
    data = {
        "actor": user(CHAIR),
        "title": "Missing from care",
        "theme": "children missing from care",
        "starts_on": today,
        "ends_on": today + timedelta(days=30),
        "sample_size": 6,
        "criteria": {"category": "missing"},
        "seed": 12345,
    }
    data.update(kw)
    return services.round_start(**data)


def test_it_draws_the_same_sample_from_the_same_seed_and_data(cases):
    first, second = start(), start()
    assert first.drawn_case_ids == second.drawn_case_ids
    assert len(first.drawn_case_ids) == 6
    assert list(SampledCase.objects.filter(round=first).values_list("case_id", flat=True)) == first.drawn_case_ids
    # And anyone can draw it again from what the round recorded.
    assert sampling.redraw(first.criteria, first.sample_size, first.seed) == first.drawn_case_ids


def test_it_draws_a_different_sample_with_another_seed(cases):
    samples = {tuple(start(seed=seed).drawn_case_ids) for seed in (1, 2, 3)}
    assert len(samples) > 1


def test_it_draws_the_same_ids_whatever_order_the_candidates_come_in():
    ids = list(range(100, 160))
    assert sampling.draw(ids, 6, 99) == sampling.draw(list(reversed(ids)), 6, 99)
    assert sampling.draw(ids[:4], 6, 99) == ids[:4]


def test_it_records_a_seed_when_none_is_given(cases):
    round_ = start(seed=None)
    assert round_.seed is not None
    assert sampling.redraw(round_.criteria, 6, round_.seed) == round_.drawn_case_ids


def test_it_never_draws_a_restricted_case_or_one_outside_the_criteria(cases):
    restricted = make_case(agencies=("Police",), category_code="missing", restricted_to=[user(HEALTH)])
    cse = make_case(agencies=("Police",), category_code="cse")
    round_ = start(sample_size=50)
    assert restricted.pk not in round_.drawn_case_ids and cse.pk not in round_.drawn_case_ids
    assert set(round_.drawn_case_ids) == {c.pk for c in cases}


def test_it_draws_cases_closed_in_a_period(cases):
    closed = make_case(agencies=("Police",), category_code="missing", status="closed")
    today = timezone.localdate()
    round_ = start(criteria={"closed_from": (today - timedelta(days=1)).isoformat(), "closed_to": today.isoformat()})
    assert round_.drawn_case_ids == [closed.pk]


def test_it_refuses_an_empty_sample_naming_the_field_and_writes_nothing(cases):
    with pytest.raises(ValidationError) as refused:
        start(criteria={"category": "trafficking"})
    assert "sample_size" in refused.value.error_dict
    assert "Number of cases to sample" in str(refused.value)
    assert not AuditRound.objects.exists()


def test_it_refuses_a_round_ending_before_it_starts(cases):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        start(starts_on=today, ends_on=today - timedelta(days=1))
    assert "ends_on" in refused.value.error_dict
    assert not AuditRound.objects.exists()


@pytest.mark.parametrize(("typed", "kept"), [("MET-00012, met7", ["MET-00012", "MET-00007"]), ("42", ["MET-00042"])])
def test_it_reads_case_references_as_people_type_them(typed, kept):
    from quality.forms import RoundForm

    form = RoundForm({"references": typed})
    form.is_valid()
    assert "references" not in form.errors and form.cleaned_data["references"] == kept


@pytest.mark.parametrize("typed", ["MET-²", "MET-12x", "twelve"])
def test_it_refuses_what_is_not_a_case_reference_naming_it(typed):
    from quality.forms import RoundForm

    form = RoundForm({"references": typed})
    assert not form.is_valid()
    assert form.errors["references"] == [f"Only these cases: “{typed}” is not a case reference like MET-00012."]
