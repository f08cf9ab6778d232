"""Recording a case's NRM referral and decisions: the page, its panel on the case, refusals and audit."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import NrmReferral
from cases.services.nrm import nrm_referral_record
from met.models import AuditEvent
from tests.cases import COORDINATOR, HEALTH, POLICE, POLICE_ADMIN, SCHOOL, make_case, text, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo_data):
    return make_case(category_code="trafficking", agencies=("Police", "Health"))


def boxes(name: str, day: date | None) -> dict:
    if day is None:
        return {f"{name}-day": "", f"{name}-month": "", f"{name}-year": ""}
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def post_data(**fields) -> dict:
    today = timezone.localdate()
    values = {
        "referred_on": today - timedelta(days=40),
        "first_responder": "Hampshire Constabulary",
        "reference": "NRM-123",
        "rg_decided_on": None,
        "rg_outcome": "",
        "cg_decided_on": None,
        "cg_outcome": "",
        "ictg_allocated": False,
        "ictg_name": "",
        "ictg_allocated_on": None,
    }
    values.update(fields)
    data = {}
    for name, value in values.items():
        if name.endswith("_on"):
            data.update(boxes(name, value))
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


def test_it_lets_a_practitioner_on_the_case_record_the_referral_and_both_decisions(case, login):
    police = login(user(POLICE))
    url = reverse("nrm_referral_edit", args=[case.pk])
    page = police.get(url)
    assert page.status_code == 200 and "Record an NRM referral" in text(page)
    referred = timezone.localdate() - timedelta(days=60)
    response = police.post(url, post_data(referred_on=referred))
    assert response.status_code == 302
    referral = NrmReferral.objects.get(case=case)
    assert (referral.referred_on, referral.first_responder, referral.reference) == (
        referred,
        "Hampshire Constabulary",
        "NRM-123",
    )

    # Then the decisions, on the edit form with its version.
    rg, cg = referred + timedelta(days=4), referred + timedelta(days=40)
    data = post_data(
        referred_on=referred,
        rg_decided_on=rg,
        rg_outcome="positive",
        cg_decided_on=cg,
        cg_outcome="positive",
        ictg_allocated=True,
        ictg_name="Barnardo's ICTG service",
        ictg_allocated_on=referred + timedelta(days=1),
    )
    data["version"] = "1"
    assert police.post(url, data).status_code == 302
    referral.refresh_from_db()
    assert (referral.rg_outcome, referral.cg_outcome, referral.cg_decided_on, referral.version) == (
        "positive",
        "positive",
        cg,
        2,
    )
    shown = text(police.get(case.get_absolute_url()))
    assert "National Referral Mechanism" in shown and "Barnardo's ICTG service" in shown
    for action in ("nrm_referral.create", "nrm_referral.update"):
        event = AuditEvent.objects.get(action=action)
        assert event.child_id == case.child_id and event.actor == user(POLICE)
    assert AuditEvent.objects.filter(
        action="case.view", child_id=case.child_id, detail__page="nrm_referral", actor=user(POLICE)
    ).exists()


def test_it_shows_an_overdue_reasonable_grounds_decision_on_the_case_page(case, login):
    nrm_referral_record(
        actor=user(COORDINATOR),
        case=case,
        referred_on=timezone.localdate() - timedelta(days=30),
        first_responder="Southampton Children's Services",
    )
    page = text(login(user(HEALTH)).get(case.get_absolute_url()))
    assert "govuk-tag--red" in page and "Overdue: due" in page


def test_it_offers_the_panel_only_on_trafficking_and_modern_slavery_cases(demo_data, login):
    coordinator = login(user(COORDINATOR))
    trafficking = make_case(category_code="modern_slavery")
    cse = make_case(category_code="cse")
    assert "Record an NRM referral" in text(coordinator.get(trafficking.get_absolute_url()))
    assert "National Referral Mechanism" not in text(coordinator.get(cse.get_absolute_url()))
    # A referral recorded on another case (it was made all the same) still shows.
    nrm_referral_record(
        actor=user(COORDINATOR), case=cse, referred_on=timezone.localdate(), first_responder="Hampshire Constabulary"
    )
    assert "National Referral Mechanism" in text(coordinator.get(cse.get_absolute_url()))


@pytest.mark.parametrize(
    ("fields", "field_message"),
    [
        # A decision dated before the referral.
        ({"rg_decided_on": "before", "rg_outcome": "positive"}, "cannot be before the referral date"),
        # A conclusive decision without a positive reasonable grounds one.
        (
            {"rg_decided_on": "after", "rg_outcome": "negative", "cg_decided_on": "late", "cg_outcome": "positive"},
            "needs a positive reasonable grounds decision",
        ),
        ({"referred_on": "future"}, "Referral date must be in the past"),
        ({"rg_decided_on": "future", "rg_outcome": "positive"}, "cannot be in the future"),
        ({"first_responder": ""}, "first responder organisation"),
        ({"referred_on-year": "26"}, "Referral date must include a year with 4 numbers"),
        ({"rg_outcome": "maybe"}, "Select a valid choice"),
    ],
)
def test_it_refuses_bad_input_with_a_message_and_writes_nothing(case, login, fields, field_message):
    today = timezone.localdate()
    referred = today - timedelta(days=60)
    days = {
        "before": referred - timedelta(days=1),
        "after": referred + timedelta(days=3),
        "late": referred + timedelta(days=50),
        "future": today + timedelta(days=1),
    }
    values = {k: days.get(v, v) if isinstance(v, str) and not k.endswith("-year") else v for k, v in fields.items()}
    raw = {k: v for k, v in values.items() if "-" in k}
    data = post_data(**{"referred_on": referred, **{k: v for k, v in values.items() if "-" not in k}})
    data.update(raw)
    response = login(user(POLICE)).post(reverse("nrm_referral_edit", args=[case.pk]), data)
    assert response.status_code == 400
    assert field_message in text(response)
    assert not NrmReferral.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="nrm_referral.").exists()


def test_it_refuses_a_stale_edit(case, login):
    referral = nrm_referral_record(
        actor=user(COORDINATOR), case=case, referred_on=timezone.localdate(), first_responder="Hampshire Constabulary"
    )
    referral.version = 5
    referral.save()
    data = post_data(referred_on=timezone.localdate(), reference="changed")
    data["version"] = "1"
    response = login(user(POLICE)).post(reverse("nrm_referral_edit", args=[case.pk]), data)
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.reference == ""


def test_it_hides_the_page_from_those_who_may_not_change_the_case(case, login):
    url = reverse("nrm_referral_edit", args=[case.pk])
    assert login(user(SCHOOL)).get(url).status_code == 404  # the school is not involved: as if there were no case
    assert login(user(SCHOOL)).post(url, post_data()).status_code == 404
    assert login(user(POLICE_ADMIN)).get(url).status_code == 403  # no case role
    assert login(user(COORDINATOR)).get(reverse("nrm_referral_edit", args=[99999])).status_code == 404
    assert not NrmReferral.objects.exists()


def test_it_does_not_record_a_second_referral_through_the_service(case):
    nrm_referral_record(
        actor=user(COORDINATOR), case=case, referred_on=timezone.localdate(), first_responder="Hampshire Constabulary"
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        nrm_referral_record(
            actor=user(COORDINATOR), case=case, referred_on=timezone.localdate(), first_responder="Another"
        )
    assert NrmReferral.objects.count() == 1
