"""Benchmark: build a monthly report over a large synthetic dataset (`make bench-reports`).

Fills the database with made-up children, cases, episodes, assessments and actions the first time
(bulk inserts, names like "Bench 12345"), then times metrics.compute for last month. Run it against
a database of its own: it never deletes anything, and the rows are obviously not real people.
"""

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, CaseStatus, Category, Child, Concern, MissingEpisode
from meetings.models import Action
from met import demo
from met.models import Agency, User
from reporting import metrics, services
from riskassessment.models import Assessment, RiskHistory, ToolVersion

BATCH = 5000


class Command(BaseCommand):
    help = "Time the monthly report over N synthetic children (default 100,000)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=100_000)

    def handle(self, *args, children: int, **options):
        if not User.objects.exists():
            demo.seed_accounts()
        existing = Child.objects.filter(first_name="Bench").count()
        if existing < children:
            started = time.perf_counter()
            self._fill(existing, children)
            self.stdout.write(
                f"Inserted {children - existing} children and their records in {time.perf_counter() - started:.1f} s"
            )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        start, end = services.previous_month(timezone.localdate())
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            data = metrics.compute(start, end)
            timings.append(time.perf_counter() - started)
        self.stdout.write(
            f"{connection.vendor}: monthly report for {start:%B %Y} over {Child.objects.count()} children, "
            f"{MissingEpisode.objects.count()} episodes, {Assessment.objects.count()} assessments, {Action.objects.count()} actions: "
            f"best {min(timings):.2f} s, worst {max(timings):.2f} s (3 runs). Open at month end: {sum(data['open_cases_end'].values())}."
        )

    @transaction.atomic
    def _fill(self, first: int, last: int) -> None:
        rng = random.Random(42)  # noqa: S311 - synthetic data, not security
        now = timezone.now()
        coordinator = User.objects.get(email="coordinator@example.org")
        owners = list(User.objects.filter(is_practitioner=True))
        agencies = {a.pk: a for a in Agency.objects.all()}
        categories = list(Category.objects.all())
        tool = ToolVersion.objects.get(is_current=True)
        for batch_start in range(first, last, BATCH):
            n = min(BATCH, last - batch_start)
            kids = Child.objects.bulk_create(
                Child(
                    first_name="Bench",
                    last_name=f"{batch_start + i:06d}",
                    date_of_birth=(now - timedelta(days=rng.randint(4000, 6500))).date(),
                    gender=rng.choice(["female", "male"]),
                    is_looked_after=rng.random() < 0.2,
                    placed_out_of_area=rng.random() < 0.05,
                )
                for i in range(n)
            )
            cases = []
            for kid in kids:
                opened = now - timedelta(days=rng.randint(1, 720))
                closed = opened + timedelta(days=rng.randint(30, 300)) if rng.random() < 0.5 else None
                if closed and closed > now:
                    closed = None
                cases.append(
                    Case(
                        child=kid,
                        status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                        opened_at=opened,
                        created_at=opened - timedelta(days=2),
                        closed_at=closed,
                        closure_reason="risk_reduced" if closed else "",
                        risk_level=rng.choice(["low", "medium", "high", "none"]),
                    )
                )
            cases = Case.objects.bulk_create(cases)
            Case.categories.through.objects.bulk_create(
                Case.categories.through(case_id=c.pk, category_id=rng.choice(categories).pk) for c in cases
            )
            Concern.objects.bulk_create(
                Concern(
                    case=c,
                    logged_by=coordinator,
                    source_agency=coordinator.agency,
                    category=categories[0],
                    observed_at=c.created_at,
                    logged_at=c.created_at,
                    description="Bench",
                    triaged_at=c.opened_at,
                )
                for c in cases
            )
            episodes, history, assessments, actions = [], [], [], []
            for c in cases:
                for _ in range(rng.choice([0, 0, 1, 2, 3])):
                    went = c.opened_at + timedelta(days=rng.randint(0, 200), hours=rng.randint(0, 23))
                    if went < now:
                        back = went + timedelta(hours=rng.randint(2, 60))
                        episodes.append(
                            MissingEpisode(
                                case=c,
                                went_missing_at=went,
                                returned_at=back if back < now else None,
                                rhi_completed_at=back + timedelta(hours=rng.randint(10, 100))
                                if back + timedelta(hours=100) < now and rng.random() < 0.7
                                else None,
                                recorded_by=coordinator,
                            )
                        )
                changed = c.opened_at + timedelta(days=rng.randint(1, 20))
                if changed < now:
                    history.append(
                        RiskHistory(
                            case=c,
                            from_level="not_assessed",
                            to_level=c.risk_level,
                            direction="up",
                            changed_by=coordinator,
                            changed_at=changed,
                        )
                    )
                    assessments.append(
                        Assessment(
                            case=c,
                            tool=tool,
                            status="confirmed",
                            created_by=coordinator,
                            created_at=changed,
                            submitted_at=changed,
                            confirmed_at=changed,
                            confirmed_level=c.risk_level,
                            suggested_level=c.risk_level,
                        )
                    )
                if rng.random() < 0.5:
                    owner = rng.choice(owners)
                    created = c.opened_at + timedelta(days=rng.randint(1, 60))
                    done = rng.random() < 0.6
                    actions.append(
                        Action(
                            case=c,
                            description="Bench",
                            owner=owner,
                            owner_agency=agencies[owner.agency_id],
                            due_date=(created + timedelta(days=14)).date(),
                            created_by=coordinator,
                            created_at=created,
                            status="done" if done else "open",
                            completed_at=created + timedelta(days=rng.randint(1, 30)) if done else None,
                        )
                    )
            MissingEpisode.objects.bulk_create(episodes)
            RiskHistory.objects.bulk_create(history)
            Assessment.objects.bulk_create(assessments)
            Action.objects.bulk_create(actions)
