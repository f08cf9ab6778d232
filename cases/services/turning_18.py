"""Writes for turning 18 (issue 16, part 6; rule: cases/turning_18.py): recording a case's transition plan
(a new version each time, the earlier kept), and closing cases on the 18th birthday.

The closure is never silent: each case closed gets the reason "transferred to adult services", a case note
saying why (written by MET Hub itself, no author), an audit event, and a notification to its lead
professional and to every coordinator. Each case is closed under a row lock, and its notifications are
recorded as reminders (met.Reminder's unique key), in the same transaction: a second run, a retry or two
runs at once close nothing twice and send nothing twice.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cases import turning_18
from cases.models import Case, CaseNote, CaseStatus, ClosureReason, TransitionPlan
from cases.services._versions import CONFLICT as CONFLICT  # the views tell a conflict by it
from cases.services._versions import supersede
from cases.services.concerns import case_close
from met.areas import AreaCoordinators
from met.audit import audit
from met.models import User
from met.reminders import Digest, Section

PLAN_FIELDS = (
    "agreed_on",
    "responsible",
    "responsible_agency",
    "adult_team",
    "adult_referred_on",
    "adult_reference",
    "adult_outcome",
    "leaving_care_team",
    "personal_adviser",
    "notes",
    "change_note",
)
REMINDER_KIND = "turned_18"


def plan_problems(fields: dict, *, looked_after: bool, today: date) -> dict[str, list[str]]:
    """What is wrong with a transition plan's fields, by field name (empty when nothing is). The form shows
    these on its fields; the service refuses the same."""
    found: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        found.setdefault(name, []).append(message)

    agreed_on, referred_on = fields.get("agreed_on"), fields.get("adult_referred_on")
    if agreed_on is None:
        add("agreed_on", "Enter the date the plan was agreed.")
    elif agreed_on > today:
        add("agreed_on", "Date agreed cannot be in the future.")
    if not (fields.get("responsible") or "").strip():
        add("responsible", "Enter who is responsible for the hand-over.")
    if fields.get("responsible_agency") is None:
        add("responsible_agency", "Choose the agency of the person responsible for the hand-over.")
    if referred_on and referred_on > today:
        add("adult_referred_on", "Date referred to adult services cannot be in the future.")
    adult_team = (fields.get("adult_team") or "").strip()
    if (referred_on or fields.get("adult_reference") or fields.get("adult_outcome")) and not adult_team:
        add("adult_team", "Enter the adult services team the referral went to, or clear the referral's details.")
    if (fields.get("adult_reference") or fields.get("adult_outcome")) and not referred_on:
        add("adult_referred_on", "Enter the date referred to adult services, or clear its reference and decision.")
    if looked_after and not (fields.get("leaving_care_team") or "").strip():
        add(
            "leaving_care_team",
            "Enter the leaving-care team: the child is looked after, so the leaving-care team takes over at 18.",
        )
    return found


@transaction.atomic
def transition_plan_record(
    *, actor: User, case: Case, based_on: int, request: HttpRequest | None = None, **fields
) -> TransitionPlan:
    """Record the case's transition plan: its first version, or a new one that becomes current.

    `based_on` is the version the person started from (0 for none): when someone recorded a newer one
    meanwhile, nothing is written and the ValidationError's code is "conflict"."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Unexpected transition plan fields: {sorted(unknown)}")
    # Locks the case: two people recording at once get versions n+1 and a conflict, never two current.
    case = Case.objects.select_for_update().select_related("child").get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("The case is closed: a transition plan can only be recorded on a case that is not.")
    problems = plan_problems(fields, looked_after=case.child.is_looked_after, today=timezone.localdate())
    if problems:
        raise ValidationError(problems)
    current, number = supersede(
        TransitionPlan,
        case=case,
        based_on=based_on,
        conflict="Version {number} of this transition plan was recorded by someone else while you were working. "
        "Your changes were not saved: read the current plan and change it again.",
    )
    plan = TransitionPlan.objects.create(case=case, number=number, is_current=True, recorded_by=actor, **fields)
    audit(
        actor=actor,
        action="transition_plan.revise" if current else "transition_plan.record",
        obj=plan,
        child_id=case.child_id,
        request=request,
        detail={"case": case.pk, "version": plan.number},
    )
    return plan


def closure_note(birthday: date, *, has_plan: bool) -> str:
    said = f"{birthday.day} {birthday:%B %Y}"
    return f"Closed by MET Hub: the child turned 18 on {said}. Reason: transferred to adult services. " + (
        "The transition plan on this case says who takes over."
        if has_plan
        else "No transition plan was recorded on this case: check that adult services or the "
        "leaving-care team have taken over."
    )


def cases_close_at_18(*, today: date | None = None) -> int:
    """Close every case still open (or referred) whose child has turned 18 by `today` and that began before
    the birthday, each in its own transaction. Returns how many this call closed."""
    today = today or timezone.localdate()
    coordinators = AreaCoordinators()  # each case's own area's (issue 18)
    closed = 0
    for candidate in turning_18.due_for_closure(Case.objects.all(), today):
        closed += _close_one(case_id=candidate.pk, today=today, coordinators=coordinators.for_area(candidate.area_id))
    return closed


@transaction.atomic
def _close_one(*, case_id: int, today: date, coordinators: tuple[User, ...]) -> int:
    case = Case.objects.select_for_update(of=("self",)).select_related("child", "lead_professional").get(pk=case_id)
    if case.status == CaseStatus.CLOSED:  # closed meanwhile, by a person or another run
        return 0
    found = turning_18.flag(case, today)
    if found is None or not found.turned:  # the date of birth was corrected meanwhile
        return 0
    birthday = found.birthday
    has_plan = TransitionPlan.objects.filter(case=case, is_current=True).exists()
    text = closure_note(birthday, has_plan=has_plan)
    case_close(actor=None, case=case, reason=ClosureReason.ADULT, note=text)
    CaseNote.objects.create(case=case, author=None, text=text)
    audit(
        actor=None,
        action="case.close_at_18",
        obj=case,
        child_id=case.child_id,
        detail={"birthday": birthday.isoformat(), "transition_plan": has_plan},
    )
    # Its own digest, sent inside this transaction: the closure and the news of it are written together.
    digest = Digest()
    section = Section("Cases closed on the child's 18th birthday")
    for person in {p.pk: p for p in [case.lead_professional, *coordinators] if p is not None}.values():
        digest.add(
            kind=REMINDER_KIND,
            obj=case,
            key=birthday.isoformat(),
            recipient=person,
            section=section,
            subject=f"Case {case.reference} closed: the child turned 18",
            line=f"{case.reference} was closed on {today.day} {today:%B %Y}: the child turned 18 on "
            f"{birthday.day} {birthday:%B %Y}. Reason: transferred to adult services."
            + ("" if has_plan else " No transition plan was recorded."),
            link=reverse("case_detail", args=[case.pk]),
            reason="You lead this case or coordinate MET cases.",
            daily=False,
        )
    digest.send()
    return 1
