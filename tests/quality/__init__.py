"""Shared helpers for the case audit tests (issue 17): rounds made through the services, as in real life."""

from datetime import timedelta

from django.utils import timezone

from quality import selectors, services
from quality.models import AuditRound, Grade
from tests.cases import CHAIR, HEALTH, POLICE, make_case, user

GOOD = Grade.GOOD


def start_round(*, cases=None, size=None, seed=7, days_before=1, days_after=20, actor=None, auditors=(POLICE, HEALTH)):
    """A running round over exactly `cases` (by reference), led by the chair, audited by police and health."""
    cases = cases if cases is not None else [make_case(agencies=("Police", "Health"))]
    today = timezone.localdate()
    round_ = services.round_start(
        actor=actor or user(CHAIR),
        title="Children missing from care",
        theme="children missing from care",
        starts_on=today - timedelta(days=days_before),
        ends_on=today + timedelta(days=days_after),
        sample_size=size or len(cases),
        criteria={"references": [c.reference for c in cases]},
        seed=seed,
    )
    for email in auditors:
        services.auditor_add(actor=user(CHAIR), round_=round_, auditor=user(email))
    return AuditRound.objects.get(pk=round_.pk)


def answer(round_, case, email, grade=GOOD, **kw):
    person = user(email)
    return services.answer_record(
        actor=person,
        round_=round_,
        case=case,
        agency=person.agency,
        involvement="Worked with the child all year.",
        grades={q.code: (kw.get(q.code, grade), "Seen in the records.") for q in selectors.tool_questions(round_)},
        **({"expected_version": kw["expected_version"]} if "expected_version" in kw else {}),
    )


def grade_post(round_, grade=GOOD, version=0) -> dict:
    data = {"involvement": "Worked with the child all year.", "version": str(version)}
    for q in selectors.tool_questions(round_):
        data[f"grade_{q.code}"] = grade
        data[f"evidence_{q.code}"] = "Seen in the records."
    return data
