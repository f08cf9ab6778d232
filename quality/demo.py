"""Demo case audit: a round on children missing from care, graded by police and health, one case
moderated, a good practice finding and a learning point with two learning actions (one overdue)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from met.models import User
from quality import selectors, services
from quality.models import AuditRound, Grade, LearningAction

GRADES = [Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.GOOD, Grade.OUTSTANDING, Grade.INADEQUATE]


@transaction.atomic
def seed_case_audits(world: dict | None = None) -> int:
    if AuditRound.objects.exists():
        return 0
    today = timezone.localdate()
    users = {u.email: u for u in User.objects.select_related("agency")}
    chair = users["chair@example.org"]
    police, health = users["practitioner.police@example.org"], users["practitioner.health@example.org"]
    round_ = None
    for criteria in ({"category": "missing", "status": "open"}, {"status": "open"}, {}):
        try:
            round_ = services.round_start(
                actor=chair,
                title="Children missing from care: winter audit",
                theme="children missing from care",
                starts_on=today - timedelta(days=10),
                ends_on=today + timedelta(days=20),
                sample_size=4,
                criteria=criteria,
                seed=2026,
            )
            break
        except ValidationError:
            continue
    if round_ is None:
        return 0
    for person in (police, health):
        services.auditor_add(actor=chair, round_=round_, auditor=person)
    questions = selectors.tool_questions(round_)
    sample = list(round_.sample.select_related("case"))
    for n, sampled in enumerate(sample):
        for person in (police, health) if n < 2 else (police,):
            services.answer_record(
                actor=person,
                round_=round_,
                case=sampled.case,
                agency=person.agency,
                involvement=f"{person.agency.name} worked with the child throughout the period.",
                grades={
                    q.code: (GRADES[(n + i) % len(GRADES)], "Seen in the agency's records for the period.")
                    for i, q in enumerate(questions)
                },
            )
    first = sample[0]
    services.moderate(
        actor=chair,
        round_=round_,
        sampled=first,
        grade=Grade.GOOD,
        reasons="Both agencies found timely interviews and a plan the child helped write; the risk fell.",
        expected_version=first.version,
    )
    services.finding_record(
        actor=chair,
        round_=round_,
        kind="good_practice",
        text="Return home interviews were offered within 72 hours and what the child said reached MEOG.",
        sampled=first,
    )
    learning = services.finding_record(
        actor=chair,
        round_=round_,
        kind="learning",
        text="Safety plans were not reviewed when the child went missing again.",
    )
    overdue = services.learning_action_create(
        actor=chair,
        finding=learning,
        description="Brief police missing-person coordinators on reviewing the safety plan after each episode.",
        owner=police,
        due_date=today,
    )
    # Demo history: the first action fell due a fortnight ago, so it shows as overdue and escalates.
    LearningAction.objects.filter(pk=overdue.pk).update(due_date=today - timedelta(days=14))
    services.learning_action_create(
        actor=chair,
        finding=learning,
        description="Add a safety plan review prompt to the health missing-episode checklist.",
        owner=health,
        due_date=today + timedelta(days=30),
    )
    return 1
