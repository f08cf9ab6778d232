"""A synthetic region for `make bench`: every volume proportional to the number of children.

At 100,000 children: 100,000 cases, 300,000 missing episodes, 50,000 SERAF assessments (risk history
consistent with each case's level), 100,000 actions, 200 weekly meetings of 40 agenda items, 150,000
concerns, each agency involved in 20–30% of cases with the guardian rows cases/services/permissions.py
would grant, a few hundred restricted cases, and exactly 10,000 items due for the sweeps.

Bulk inserts and set-based SQL only, so 100,000 children take minutes. Every name is made up and
obviously so ("Bench" in each e-mail address; children's names built from syllables). Deterministic
for a given seed, and relative to the moment of filling: bench/run.py moves every date forward by
whole days when a kept copy is used on a later day, and the due items are kept away from the sweeps'
boundaries so that such a move cannot push one in or out.
"""

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseStatus,
    CaseUserObjectPermission,
    Category,
    Child,
    ClosureReason,
    Concern,
    ConcernOutcome,
    MissingEpisode,
)
from meetings.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    DecisionKind,
    Feedback,
    FeedbackMethod,
    Meeting,
    MeetingStatus,
    PersonLink,
    PersonOfConcern,
    PlaceKind,
    PlaceLink,
    PlaceOfConcern,
)
from met import demo
from met import services as met_services
from met.models import Agency, AgencyKind, Area, Reminder, Role, User
from met.workdays import add_working_days
from riskassessment.models import Assessment, AssessmentStatus, ReviewInterval, RiskHistory, ScoreBand, ToolVersion
from riskassessment.services import direction

FULL_SIZE = 100_000
# Per 100,000 children (bench/README in the project README's Benchmark section).
PER_FULL = {
    "episodes": 300_000,
    "assessments": 50_000,
    "actions": 100_000,
    "meetings": 200,
    "concerns": 150_000,
    "restricted": 300,
    "untriaged": 300,
    "due_items": 10_000,
}
AGENDA_ITEMS = 40
# Of the due items: return home interviews overdue, risk reviews due, the rest overdue or due actions.
DUE_RHI_SHARE = 0.30
DUE_REVIEW_SHARE = 0.01
OPEN_SHARE = 0.45
YEARS = 3
BATCH = 5_000
PASSWORD_LESS = None  # bench staff never sign in: no password to hash


@dataclass(frozen=True)
class Volumes:
    children: int
    episodes: int
    assessments: int
    actions: int
    meetings: int
    concerns: int
    restricted: int
    untriaged: int
    due_actions: int
    due_rhis: int
    due_reviews: int
    staff_per_agency: int

    @property
    def due_items(self) -> int:
        return self.due_actions + self.due_rhis + self.due_reviews

    @classmethod
    def for_children(cls, children: int) -> "Volumes":
        if children < 20:
            raise ValueError("The bench needs at least 20 children.")
        scale = children / FULL_SIZE

        def scaled(key: str, minimum: int = 1) -> int:
            return max(minimum, round(PER_FULL[key] * scale))

        due = scaled("due_items", 3)
        rhis = max(1, round(due * DUE_RHI_SHARE))
        reviews = max(1, round(due * DUE_REVIEW_SHARE))
        return cls(
            children=children,
            episodes=scaled("episodes"),
            assessments=scaled("assessments"),
            actions=scaled("actions"),
            meetings=scaled("meetings", 2),
            concerns=scaled("concerns"),
            restricted=scaled("restricted"),
            untriaged=scaled("untriaged"),
            due_actions=due - rhis - reviews,
            due_rhis=rhis,
            due_reviews=reviews,
            staff_per_agency=min(20, max(2, round(children / 5_000))),
        )

    def as_dict(self) -> dict:
        return {**self.__dict__, "due_items": self.due_items}


# --- made-up names ------------------------------------------------------------------------------

_SYLLABLES = [
    "al",
    "ar",
    "ba",
    "bel",
    "bri",
    "ca",
    "cor",
    "da",
    "del",
    "den",
    "el",
    "en",
    "fa",
    "fi",
    "ga",
    "gor",
    "ha",
    "hel",
    "is",
    "ja",
    "jo",
    "ka",
    "kel",
    "ki",
    "la",
    "len",
    "li",
    "lo",
    "ma",
    "mar",
    "mel",
    "mi",
    "mo",
    "na",
    "nel",
    "ni",
    "no",
    "or",
    "pa",
    "per",
    "ri",
    "ro",
    "sa",
    "sel",
    "si",
    "so",
    "ta",
    "tel",
    "ti",
    "to",
    "va",
    "vel",
    "vi",
    "wen",
    "wy",
    "ya",
    "yo",
    "za",
    "zel",
]


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


# --- the plan: what each case is, decided before anything is written ----------------------------


class _Plan:
    __slots__ = (
        "actions",
        "agencies",
        "assessments",
        "categories",
        "closed_at",
        "created_at",
        "episodes",
        "lead",
        "lead_agency",
        "level",
        "opened_at",
        "restricted_to",
        "review_due",
        "rhi_due",
        "status",
    )

    def __init__(self):
        self.episodes = 0
        self.rhi_due = False
        self.assessments = []  # (confirmed date or None when only submitted, level)
        self.level = "not_assessed"
        self.review_due = None
        self.restricted_to = ()
        self.actions = []  # (kind, ...) see _plan_actions


class Filler:
    def __init__(self, children: int, *, seed: int = 42, log=print):
        self.volumes = Volumes.for_children(children)
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.log = log
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.start = self.now - timedelta(days=365 * YEARS)

    # -- people --------------------------------------------------------------------------------

    def _staff(self) -> None:
        demo.seed_accounts()
        self.coordinator = User.objects.get(email="coordinator@example.org")
        self.chair = User.objects.get(email="chair@example.org")
        self.areas = self._two_areas()
        self.agencies = list(Agency.objects.order_by("pk"))
        self.practitioners: dict[int, list[User]] = {}
        for agency in self.agencies:
            members = {u.email: u for u in User.objects.filter(agency=agency)}
            slug = agency.short_name.lower().replace(" ", "-").replace("'", "").replace("&", "and")
            senior = agency.senior_contact or self._user(f"senior.{slug}@bench.example.org", agency, None, "Head")
            manager = members.get(f"manager.{next(iter(_demo_slugs(agency)), '')}@example.org") or self._user(
                f"manager.{slug}@bench.example.org", agency, senior, "Manager"
            )
            if agency.senior_contact_id is None:
                Agency.objects.filter(pk=agency.pk).update(senior_contact=senior)
            staff = [u for u in members.values() if u.is_practitioner and u.line_manager_id == manager.pk]
            for k in range(len(staff), self.volumes.staff_per_agency):
                staff.append(self._user(f"bench.{slug}.{k + 1}@bench.example.org", agency, manager, "Practitioner"))
            self.practitioners[agency.pk] = staff
        self.staff_by_pk = {u.pk: u for staff in self.practitioners.values() for u in staff}
        self.involvement_rate = {
            agency.pk: 0.20 + 0.10 * (n / max(1, len(self.agencies) - 1)) for n, agency in enumerate(self.agencies)
        }

    def _two_areas(self) -> tuple[Area, Area]:
        """Two areas of half the children each (issue 18): the demo coordinator's council works in the
        first, a second council with its own coordinator in the second, every other agency in both (one
        police force, one health trust). The coordinator measured sees their own area's 50,000."""
        areas = list(Area.objects.order_by("pk")[:2])
        if len(areas) < 2:
            areas.append(Area.objects.create(name="Bench East", short_name="East"))
        first, second = areas
        home = self.coordinator.agency
        home.areas.set([first])
        for agency in Agency.objects.exclude(pk=home.pk).exclude(kind=AgencyKind.CSC):
            agency.areas.add(first, second)
        if not Agency.objects.filter(kind="csc", areas=second).exists():
            council = met_services.agency_create(
                actor=None, name="Bench East Children's Services", short_name="East CSC", kind="csc", areas=[second]
            )
            User.objects.create_user(
                email="coordinator.east@bench.example.org",
                full_name="East Coordinator",
                agency=council,
                is_coordinator=True,
                is_practitioner=True,
            )
        return first, second

    def _user(self, email: str, agency: Agency, manager: User | None, title: str) -> User:
        existing = User.objects.filter(email=email).first()
        if existing:
            return existing
        return met_services.user_create(
            actor=None,
            email=email,
            full_name=f"{_name(self.rng, 2)} {_name(self.rng, 3)} (Bench)",
            agency=agency,
            roles={Role.PRACTITIONER.value},
            job_title=title,
            line_manager=manager,
            password=PASSWORD_LESS,
        )

    # -- planning ------------------------------------------------------------------------------

    def _moment(self, lo: datetime, hi: datetime) -> datetime:
        span = max(0.0, (hi - lo).total_seconds())
        return lo + timedelta(seconds=self.rng.random() * span)

    def _plan_cases(self) -> list[_Plan]:
        v, rng, now = self.volumes, self.rng, self.now
        n = v.children
        statuses = [CaseStatus.REFERRED] * v.untriaged + [CaseStatus.OPEN] * round(n * OPEN_SHARE)
        statuses += [CaseStatus.CLOSED] * (n - len(statuses))
        rng.shuffle(statuses)
        categories = list(Category.objects.values_list("pk", flat=True))
        plans = []
        for status in statuses:
            p = _Plan()
            p.status = status
            p.agencies = [a.pk for a in self.agencies if rng.random() < self.involvement_rate[a.pk]]
            if status == CaseStatus.REFERRED:
                p.created_at = self._moment(now - timedelta(days=10), now - timedelta(hours=1))
                p.opened_at = p.closed_at = p.lead_agency = p.lead = None
                p.agencies = []
            else:
                if not p.agencies:
                    p.agencies = [rng.choice(self.agencies).pk]
                p.lead_agency = rng.choice(p.agencies)
                p.lead = rng.choice(self.practitioners[p.lead_agency]).pk
                latest = now - timedelta(days=1 if status == CaseStatus.OPEN else 45)
                p.opened_at = self._moment(self.start, latest)
                p.created_at = p.opened_at - timedelta(hours=rng.randint(1, 72))
                p.closed_at = (
                    self._moment(p.opened_at + timedelta(days=14), now - timedelta(days=1))
                    if status == CaseStatus.CLOSED
                    else None
                )
            p.categories = rng.sample(categories, rng.choice([1, 1, 1, 2]))
            plans.append(p)
        return plans

    def _plan_due(self, plans: list[_Plan]) -> None:
        """Exactly `due_items` things the sweeps must act on, on open cases, none near a boundary."""
        v, rng = self.volumes, self.rng
        open_cases = [p for p in plans if p.status == CaseStatus.OPEN]
        for p in rng.sample(open_cases, v.due_rhis):
            p.rhi_due = True
            self._opened_by(p, self.now - timedelta(days=30))
        self.review_hosts = rng.sample(open_cases, v.due_reviews)
        for p in self.review_hosts:
            p.review_due = self.today - timedelta(days=rng.randint(0, 20))
        for p in rng.choices(open_cases, k=v.due_actions):
            # Due today (a reminder only), a few days overdue (level 1), or long overdue (level 2).
            r = rng.random()
            days = 0 if r < 0.15 else rng.randint(1, 7) if r < 0.5 else rng.randint(8, 60)
            p.actions.append(("due", self.today - timedelta(days=days)))
            self._opened_by(p, self.now - timedelta(days=days + 15))

    def _opened_by(self, p: _Plan, moment: datetime) -> None:
        """Work due on a case was set after it opened: open it earlier when the draw made it too recent."""
        if p.opened_at > moment:
            p.opened_at = moment - timedelta(hours=self.rng.randint(1, 240))
            p.created_at = p.opened_at - timedelta(hours=self.rng.randint(1, 72))

    def _plan_assessments(self, plans: list[_Plan]) -> None:
        """Open cases are reviewed on time except the review hosts; none-level cases have no review."""
        v, rng = self.volumes, self.rng
        weeks = dict(ReviewInterval.objects.values_list("level", "weeks"))
        live = [p for p in plans if p.status != CaseStatus.REFERRED]
        hosts = set(map(id, self.review_hosts))
        others = [p for p in live if id(p) not in hosts]
        submitted = max(0, round(v.assessments * 0.01))
        doubles = round(v.assessments * 0.1)
        singles = max(0, v.assessments - submitted - 2 * doubles - len(self.review_hosts))
        chosen = self.review_hosts + rng.sample(others, min(len(others), singles + doubles))
        for n, p in enumerate(chosen):
            count = 2 if len(self.review_hosts) <= n < len(self.review_hosts) + doubles else 1
            last_level = rng.choices(["high", "medium", "low", "none"], weights=[15, 30, 35, 20])[0]
            if id(p) in hosts:
                last_level = rng.choice(["high", "medium", "low"])
                last = p.review_due - timedelta(weeks=weeks[last_level])
            elif p.status == CaseStatus.OPEN:
                span = weeks[last_level] * 7 - 1 if last_level in weeks else 120
                last = self.today - timedelta(days=rng.randint(0, span))
            else:
                last = timezone.localdate(self._moment(p.opened_at, p.closed_at))
            dates = [last - timedelta(days=rng.randint(30, 200)), last] if count == 2 else [last]
            earliest = datetime.combine(dates[0], datetime.min.time(), tzinfo=self.now.tzinfo) - timedelta(days=3)
            if p.opened_at > earliest:
                p.opened_at, p.created_at = earliest, earliest - timedelta(hours=6)
            levels = [rng.choice(["high", "medium", "low", "none"]) for _ in dates[:-1]] + [last_level]
            p.assessments = list(zip(dates, levels, strict=True))
            p.level = last_level
            if p.review_due is None and last_level in weeks:
                p.review_due = last + timedelta(weeks=weeks[last_level])
        with_level = [p for p in chosen if p.status == CaseStatus.OPEN]
        for p in rng.sample(with_level, min(len(with_level), submitted)):
            p.assessments.append((None, rng.choice(["high", "medium", "low"])))

    def _plan_episodes(self, plans: list[_Plan]) -> None:
        v, rng = self.volumes, self.rng
        live = [p for p in plans if p.status != CaseStatus.REFERRED]
        weights = [0.0 if rng.random() < 0.4 else rng.expovariate(1.0) for _ in live]
        for p in rng.choices(live, weights=weights, k=max(0, v.episodes - v.due_rhis)):
            p.episodes += 1

    def _plan_actions(self, plans: list[_Plan], meeting_actions: int) -> None:
        v, rng = self.volumes, self.rng
        open_cases = [p for p in plans if p.status == CaseStatus.OPEN]
        live = [p for p in plans if p.status != CaseStatus.REFERRED]
        not_due = round(v.actions * 0.14)
        for p in rng.choices(open_cases, k=not_due):
            p.actions.append(("later", self.today + timedelta(days=rng.randint(1, 42))))
        rest = max(0, v.actions - v.due_actions - not_due - meeting_actions)
        for p in rng.choices(live, k=rest):
            p.actions.append(("done" if rng.random() < 0.95 else "cancelled", None))

    def _plan_restricted(self, plans: list[_Plan]) -> None:
        rng = self.rng
        open_cases = [p for p in plans if p.status == CaseStatus.OPEN]
        for p in rng.sample(open_cases, min(len(open_cases), self.volumes.restricted)):
            others = [u.pk for a in p.agencies for u in self.practitioners[a] if u.pk != p.lead]
            p.restricted_to = (p.lead, *rng.sample(others, min(len(others), rng.randint(0, 2))))

    # -- writing -------------------------------------------------------------------------------

    def run(self) -> dict:
        started = time.perf_counter()
        with transaction.atomic():
            self._staff()
            plans = self._plan_cases()
            self._plan_due(plans)
            self._plan_assessments(plans)
            self._plan_episodes(plans)
            meetings_past = self.volumes.meetings - 1
            meeting_actions = meetings_past * AGENDA_ITEMS // 4
            self._plan_actions(plans, meeting_actions)
            self._plan_restricted(plans)
            self.log(f"Planned {len(plans)} cases in {time.perf_counter() - started:.1f} s")
            self.tool = ToolVersion.objects.get(is_current=True)
            self.bands = list(ScoreBand.objects.filter(tool=self.tool))
            self.categories = list(Category.objects.values_list("pk", flat=True))
            cases: list[Case] = []
            for first in range(0, len(plans), BATCH):
                cases += self._write_batch(plans[first : first + BATCH], first)
                self.log(f"  {first + len(plans[first : first + BATCH])} children written")
            extra = self.volumes.concerns - len(plans)
            self._extra_concerns(cases, plans, extra)
            self._meetings(cases, plans, meeting_actions)
            self._permissions()
            self._earlier_escalations()
            from cases.services import refresh_all_frequent_missing

            flagged = refresh_all_frequent_missing()
        self.log(f"Filled in {time.perf_counter() - started:.1f} s ({flagged} cases flagged frequent missing)")
        return self.counts()

    def _write_batch(self, plans: list[_Plan], offset: int) -> list[Case]:
        rng = self.rng
        kids = []
        for n, p in enumerate(plans, start=offset):
            age_days = rng.randint(10 * 365, 17 * 365)
            kids.append(
                Child(
                    first_name=_name(rng, 2),
                    last_name=_name(rng, rng.choice([2, 3])),
                    known_as=_name(rng, 2) if rng.random() < 0.1 else "",
                    date_of_birth=(p.created_at - timedelta(days=age_days)).date(),
                    gender=rng.choice(["female", "female", "male", "male", "other", "not_known"]),
                    ethnicity=rng.choice(["asian", "black", "mixed", "white", "white", "white", "other", "not_known"]),
                    address_district=rng.choice(["North", "South", "East", "West", "Central"]) + " district",
                    school=f"{_name(rng, 2)} School" if rng.random() < 0.8 else "",
                    police_number=f"BENCH-PN-{n:07d}" if rng.random() < 0.3 else None,
                    csc_number=f"BENCH-CSC-{n:07d}" if rng.random() < 0.7 else None,
                    nhs_number=f"{9_000_000_000 + n}" if rng.random() < 0.5 else None,
                    is_looked_after=rng.random() < 0.2,
                    # One direction at most (cases_child_one_placement_direction).
                    placed_out_of_area=(placement := rng.random()) < 0.05,
                    placed_by_other_authority=0.05 <= placement < 0.08,
                    placing_authority="Bench County Council" if 0.05 <= placement < 0.08 else "",
                    created_at=p.created_at,
                    created_by=self.coordinator,
                )
            )
        kids = Child.objects.bulk_create(kids)
        cases = Case.objects.bulk_create(
            Case(
                child=kid,
                area_id=self.areas[n % 2].pk,
                status=p.status,
                lead_agency_id=p.lead_agency,
                lead_professional_id=p.lead,
                risk_level=p.level,
                risk_review_due=p.review_due,
                is_restricted=bool(p.restricted_to),
                opened_at=p.opened_at,
                closed_at=p.closed_at,
                closure_reason=rng.choice(ClosureReason.values) if p.closed_at else "",
                created_at=p.created_at,
                created_by=self.coordinator,
            )
            for n, (kid, p) in enumerate(zip(kids, plans, strict=True), start=offset)
        )
        Case.categories.through.objects.bulk_create(
            Case.categories.through(case_id=c.pk, category_id=cat)
            for c, p in zip(cases, plans, strict=True)
            for cat in p.categories
        )
        Case.agencies_involved.through.objects.bulk_create(
            Case.agencies_involved.through(case_id=c.pk, agency_id=a)
            for c, p in zip(cases, plans, strict=True)
            for a in p.agencies
        )
        Case.restricted_to.through.objects.bulk_create(
            Case.restricted_to.through(case_id=c.pk, user_id=u)
            for c, p in zip(cases, plans, strict=True)
            for u in p.restricted_to
        )
        concerns = []
        for c, p in zip(cases, plans, strict=True):
            logger = self._someone(p)
            concerns.append(
                Concern(
                    case=c,
                    logged_by=logger,
                    source_agency_id=logger.agency_id,
                    category_id=p.categories[0],
                    observed_at=p.created_at - timedelta(hours=rng.randint(1, 96)),
                    logged_at=p.created_at,
                    description="Bench: what was seen, in the logger's words.",
                    triaged_at=p.opened_at,
                    triaged_by=self.coordinator if p.opened_at else None,
                    outcome=ConcernOutcome.CASE_OPENED if p.opened_at else "",
                )
            )
        Concern.objects.bulk_create(concerns)
        MissingEpisode.objects.bulk_create(e for c, p in zip(cases, plans, strict=True) for e in self._episodes(c, p))
        self._assessments(cases, plans)
        Action.objects.bulk_create(
            (a for c, p in zip(cases, plans, strict=True) for a in self._actions(c, p)),
            batch_size=BATCH,
        )
        return cases

    def _someone(self, p: _Plan) -> User:
        agency = self.rng.choice(p.agencies) if p.agencies else self.rng.choice(self.agencies).pk
        return self.rng.choice(self.practitioners[agency])

    def _owner(self, p: _Plan) -> User:
        # On a restricted case only the people named may own work (cases/extensions restriction check).
        if p.restricted_to:
            return self._user_by_pk(self.rng.choice(p.restricted_to))
        return self._someone(p)

    def _user_by_pk(self, pk: int) -> User:
        return self.staff_by_pk[pk]

    def _episodes(self, case: Case, p: _Plan):
        rng, now = self.rng, self.now
        end = (p.closed_at or now) - timedelta(hours=2)
        recent = now - timedelta(days=31)  # a return since then has its interview recorded (or declined)
        for _ in range(p.episodes):
            went = self._moment(p.created_at, end)
            returned = went + timedelta(hours=rng.randint(2, 60))
            kind = "absent" if rng.random() < 0.1 else "missing"
            done = declined = None
            if returned > now - timedelta(hours=1):
                returned = None
            elif returned >= recent:
                declined = rng.random() < 0.05
                if not declined:
                    done = returned + (min(now, returned + timedelta(hours=70)) - returned) * rng.random()
            else:
                r = rng.random()
                if r < 0.80:
                    done = returned + timedelta(hours=rng.randint(4, 72))
                elif r < 0.88:
                    done = returned + timedelta(hours=rng.randint(73, 400))
                declined = 0.88 <= r < 0.92
            yield MissingEpisode(
                case=case,
                kind=kind,
                went_missing_at=went,
                returned_at=returned,
                reported_to_police=rng.random() < 0.7,
                rhi_completed_at=done,
                rhi_by="RHI Service" if done else "",
                rhi_declined=bool(declined),
                recorded_by=self.coordinator,
                recorded_at=went + timedelta(hours=2),
            )
        if p.rhi_due:
            returned = now - timedelta(days=3.5 + rng.random() * 22.5)
            yield MissingEpisode(
                case=case,
                kind="missing",
                went_missing_at=returned - timedelta(hours=rng.randint(2, 48)),
                returned_at=returned,
                reported_to_police=True,
                recorded_by=self.coordinator,
                recorded_at=returned - timedelta(hours=1),
            )

    def _band(self, level: str) -> ScoreBand | None:
        matching = [b for b in self.bands if b.suggested_level == level]
        return self.rng.choice(matching) if matching else None

    def _assessments(self, cases: list[Case], plans: list[_Plan]) -> None:
        tz = self.now.tzinfo
        made, history = [], []
        for c, p in zip(cases, plans, strict=True):
            for day, level in p.assessments:
                band = self._band(level)
                at = datetime.combine(day or self.today, datetime.min.time(), tzinfo=tz) + timedelta(hours=11)
                confirmed = day is not None
                author = self._user_by_pk(p.lead) if p.lead else self.coordinator
                made.append(
                    (
                        c,
                        Assessment(
                            case=c,
                            tool=self.tool,
                            status=AssessmentStatus.CONFIRMED if confirmed else AssessmentStatus.SUBMITTED,
                            assessment_date=day or self.today,
                            summary="Bench assessment.",
                            score=band.min_score if band else 0,
                            category=band.category if band else None,
                            category_label=band.label if band else "",
                            suggested_level=level,
                            confirmed_level=level if confirmed else "",
                            review_due=None,
                            created_by=author,
                            created_at=at - timedelta(days=2),
                            submitted_by=author,
                            submitted_at=at - timedelta(days=1),
                            confirmed_by=self.chair if confirmed else None,
                            confirmed_at=at if confirmed else None,
                        ),
                    )
                )
        Assessment.objects.bulk_create([a for _, a in made])
        weeks = dict(ReviewInterval.objects.values_list("level", "weeks"))
        before: dict[int, str] = {}
        for c, a in made:
            if a.status != AssessmentStatus.CONFIRMED:
                continue
            frm = before.get(c.pk, "not_assessed")
            history.append(
                RiskHistory(
                    case=c,
                    from_level=frm,
                    to_level=a.confirmed_level,
                    direction=direction(frm, a.confirmed_level),
                    assessment=a,
                    changed_by=self.chair,
                    changed_at=a.confirmed_at,
                )
            )
            before[c.pk] = a.confirmed_level
            if a.confirmed_level in weeks:
                a.review_due = a.assessment_date + timedelta(weeks=weeks[a.confirmed_level])
        Assessment.objects.bulk_update([a for _, a in made if a.review_due], ["review_due"], batch_size=BATCH)
        RiskHistory.objects.bulk_create(history)

    def _actions(self, case: Case, p: _Plan):
        rng, now = self.rng, self.now
        for kind, due in p.actions:
            owner = self._owner(p)
            if kind in ("due", "later"):
                created = min(now, datetime.combine(due, datetime.min.time(), tzinfo=now.tzinfo)) - timedelta(days=14)
                created = max(created, p.opened_at or created)
                yield Action(
                    case=case,
                    description="Bench: visit the child and update the plan.",
                    owner=owner,
                    owner_agency_id=owner.agency_id,
                    due_date=due,
                    status=ActionStatus.OPEN,
                    created_by=self.coordinator,
                    created_at=created,
                )
                continue
            created = self._moment(p.opened_at, (p.closed_at or now) - timedelta(days=2))
            finished = min(created + timedelta(days=rng.randint(1, 30)), p.closed_at or now)
            done = kind == "done"
            yield Action(
                case=case,
                description="Bench: share the intelligence with the team.",
                owner=owner,
                owner_agency_id=owner.agency_id,
                due_date=(created + timedelta(days=14)).date(),
                status=ActionStatus.DONE if done else ActionStatus.CANCELLED,
                completion_note="Done." if done else "",
                completed_at=finished if done else None,
                completed_by=owner if done else None,
                cancel_reason="" if done else "No longer needed.",
                created_by=self.coordinator,
                created_at=created,
            )

    def _extra_concerns(self, cases: list[Case], plans: list[_Plan], count: int) -> None:
        rng, now = self.rng, self.now
        live = [(c, p) for c, p in zip(cases, plans, strict=True) if p.opened_at]
        batch = []
        for c, p in rng.choices(live, k=max(0, count)):
            logger = self._someone(p)
            at = self._moment(p.opened_at, (p.closed_at or now) - timedelta(hours=1))
            batch.append(
                Concern(
                    case=c,
                    logged_by=logger,
                    source_agency_id=logger.agency_id,
                    category_id=rng.choice(p.categories),
                    observed_at=at - timedelta(hours=rng.randint(1, 48)),
                    logged_at=at,
                    description="Bench: a further concern.",
                    triaged_at=at + timedelta(hours=rng.randint(1, 40)),
                    triaged_by=self.coordinator,
                    outcome=ConcernOutcome.ADDED_TO_CASE,
                )
            )
        Concern.objects.bulk_create(batch, batch_size=BATCH)

    def _meetings(self, cases: list[Case], plans: list[_Plan], meeting_actions: int) -> None:
        """Weekly MEOGs: all but the last held and signed off, the last next week with its agenda ready."""
        rng, now = self.rng, self.now
        v = self.volumes
        open_pairs = [(c, p) for c, p in zip(cases, plans, strict=True) if p.status == CaseStatus.OPEN]
        next_meeting = self.today + timedelta(days=7 - self.today.weekday() + 2)  # Wednesday next week
        dates = [next_meeting - timedelta(weeks=k) for k in range(v.meetings - 1, -1, -1)]
        attendees = [
            self.coordinator,
            self.chair,
            *User.objects.filter(email__in=["practitioner.police@example.org", "practitioner.health@example.org"]),
        ]
        # Each area's MEOG in turn, the next one (the one measured) the first area's.
        area_of = {day: self.areas[(len(dates) - 1 - k) % 2] for k, day in enumerate(dates)}
        meetings = Meeting.objects.bulk_create(
            Meeting(
                area=area_of[day],
                date=day,
                chair=self.chair,
                location="Civic Offices, Committee Room 2",
                status=MeetingStatus.SIGNED_OFF if day < self.today else MeetingStatus.SCHEDULED,
                agenda_built_at=now - timedelta(days=1) if day >= self.today else _at(day, now) - timedelta(days=2),
                signed_off_by=self.chair if day < self.today else None,
                signed_off_at=_at(day, now) + timedelta(days=3) if day < self.today else None,
                created_by=self.coordinator,
                created_at=_at(day, now) - timedelta(days=14),
            )
            for day in dates
        )
        places = PlaceOfConcern.objects.bulk_create(
            PlaceOfConcern(
                name=f"{_name(rng, 2)} {rng.choice(['Park', 'House', 'Takeaway', 'Hotel'])}",
                kind=rng.choice(PlaceKind.values),
                created_by=self.coordinator,
            )
            for _ in range(max(3, v.meetings // 4))
        )
        persons = PersonOfConcern.objects.bulk_create(
            PersonOfConcern(name=f"{_name(rng, 2)} {_name(rng, 2)}", created_by=self.coordinator)
            for _ in range(max(3, v.meetings // 6))
        )
        PlaceLink.objects.bulk_create(
            PlaceLink(place=place, case=c, linked_by=self.coordinator)
            for place in places
            for c, _ in rng.sample(open_pairs, min(len(open_pairs), 3))
        )
        PersonLink.objects.bulk_create(
            PersonLink(person=person, case=c, linked_by=self.coordinator)
            for person in persons
            for c, _ in rng.sample(open_pairs, min(len(open_pairs), 3))
        )
        sections = [1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 7]
        items, attendances = [], []
        for meeting in meetings:
            held = meeting.status != MeetingStatus.SCHEDULED
            for user in attendees:
                attendances.append(
                    Attendance(
                        meeting=meeting,
                        user=user,
                        agency_id=user.agency_id,
                        status=AttendanceStatus.PRESENT if held else AttendanceStatus.INVITED,
                        # The coordinator and the chair preparing next week's agenda have accepted its
                        # confidentiality statement, so the agenda page shows them its children.
                        accepted_statement_at=_at(meeting.date, now)
                        if held
                        else (now - timedelta(hours=1) if user in (self.coordinator, self.chair) else None),
                    )
                )
            local = [pair for pair in open_pairs if pair[0].area_id == meeting.area_id]
            chosen = rng.sample(local, min(len(local), AGENDA_ITEMS - 2))
            for order, (c, _) in enumerate(chosen):
                section = rng.choice(sections)
                items.append(
                    _item(
                        meeting=meeting, section=section, case=c, key=f"{section}:case:{c.pk}", order=order, held=held
                    )
                )
            place, person = rng.choice(places), rng.choice(persons)
            items.append(_item(meeting=meeting, section=8, place=place, key=f"8:place:{place.pk}", order=98, held=held))
            items.append(
                _item(meeting=meeting, section=8, person=person, key=f"8:person:{person.pk}", order=99, held=held)
            )
        Attendance.objects.bulk_create(attendances)
        items = AgendaItem.objects.bulk_create(items, batch_size=BATCH)
        plan_of = {c.pk: p for c, p in open_pairs}
        held_items = [i for i in items if i.case_id and i.meeting.status != MeetingStatus.SCHEDULED]
        by_meeting: dict[int, list[AgendaItem]] = {}
        for item in held_items:
            by_meeting.setdefault(item.meeting_id, []).append(item)
        feedback, decisions, actions = [], [], []
        feedback_due = {m.pk: add_working_days(m.date, 2) for m in meetings}
        for item in held_items:
            meeting = item.meeting
            feedback.append(
                Feedback(
                    meeting=meeting,
                    case_id=item.case_id,
                    lead_professional_id=plan_of[item.case_id].lead,
                    due_date=feedback_due[meeting.pk],
                    sent_at=_at(meeting.date, now) + timedelta(days=1),
                    sent_by=self.coordinator,
                    method=FeedbackMethod.EMAIL,
                )
            )
        for meeting_items in by_meeting.values():
            for item in meeting_items[:5]:
                decisions.append(
                    Decision(
                        meeting=item.meeting,
                        item=item,
                        case_id=item.case_id,
                        kind=DecisionKind.OTHER,
                        text="Bench: agreed a plan.",
                        recorded_by=self.coordinator,
                        recorded_at=_at(item.meeting.date, now),
                    )
                )
        for item in rng.sample(held_items, min(len(held_items), meeting_actions)):
            owner = self._owner(plan_of[item.case_id])
            created = _at(item.meeting.date, now)
            actions.append(
                Action(
                    case_id=item.case_id,
                    meeting=item.meeting,
                    item=item,
                    description="Bench: agreed at the meeting.",
                    owner=owner,
                    owner_agency_id=owner.agency_id,
                    due_date=item.meeting.date + timedelta(days=14),
                    status=ActionStatus.DONE,
                    completion_note="Done.",
                    completed_at=min(created + timedelta(days=10), now),
                    completed_by=owner,
                    created_by=self.coordinator,
                    created_at=created,
                )
            )
        Feedback.objects.bulk_create(feedback, batch_size=BATCH)
        Decision.objects.bulk_create(decisions, batch_size=BATCH)
        Action.objects.bulk_create(actions, batch_size=BATCH)

    def _earlier_escalations(self) -> None:
        """Actions overdue a week or more were already reminded and escalated by earlier sweeps (three
        days ago): what a live system holds, and what puts their cases among the stuck ones. Today's
        sweep sends only the steps that have fallen due since."""
        from meetings import escalation

        earlier = self.today - timedelta(days=3)
        overdue = Action.objects.filter(
            status=ActionStatus.OPEN, due_date__lte=self.today - timedelta(days=8)
        ).select_related("owner__line_manager__line_manager", "owner_agency__senior_contact")
        offsets = {escalation.REMINDER: 0, escalation.LEVEL_1: 1, escalation.LEVEL_2: 8}
        rows = []
        for action in overdue:
            for step in escalation.steps_for(
                due=action.due_date, today=earlier, responsible=action.owner, agency=action.owner_agency
            ):
                day = min(action.due_date + timedelta(days=offsets[step.key]), earlier)
                at = datetime.combine(day, datetime.min.time(), tzinfo=self.now.tzinfo) + timedelta(hours=7)
                rows += [
                    Reminder(
                        kind="action",
                        object_type=Action._meta.label_lower,
                        object_id=action.pk,
                        key=step.key,
                        recipient=recipient,
                        created_at=at,
                    )
                    for recipient in step.recipients
                ]
        Reminder.objects.bulk_create(rows, batch_size=BATCH)

    def _permissions(self) -> None:
        """The guardian rows cases/services/permissions.py keeps in step, written in one statement each:
        every involved agency's group may view and change; the lead professional and the people named
        on a restricted case may view and change; action owners may view."""
        from django.contrib.auth.models import Permission

        view = Permission.objects.get(content_type__app_label="cases", codename="view_case").pk
        change = Permission.objects.get(content_type__app_label="cases", codename="change_case").pk
        case = Case._meta.db_table
        involved = Case.agencies_involved.through._meta.db_table
        restricted = Case.restricted_to.through._meta.db_table
        agency = Agency._meta.db_table
        action = Action._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {CaseGroupObjectPermission._meta.db_table} (permission_id, group_id, content_object_id) "  # noqa: S608
                f"SELECT p.perm, a.group_id, i.case_id FROM {involved} i JOIN {agency} a ON a.id = i.agency_id "
                f"CROSS JOIN (SELECT %s AS perm UNION ALL SELECT %s) p",
                [view, change],
            )
            cursor.execute(
                f"INSERT INTO {CaseUserObjectPermission._meta.db_table} (permission_id, user_id, content_object_id) "  # noqa: S608
                f"SELECT perm, user_id, case_id FROM ("
                f" SELECT p.perm, c.lead_professional_id AS user_id, c.id AS case_id FROM {case} c"
                f"  CROSS JOIN (SELECT %s AS perm UNION ALL SELECT %s) p WHERE c.lead_professional_id IS NOT NULL"
                f" UNION SELECT p.perm, r.user_id, r.case_id FROM {restricted} r"
                f"  CROSS JOIN (SELECT %s AS perm UNION ALL SELECT %s) p"
                f" UNION SELECT %s, o.owner_id, o.case_id FROM {action} o WHERE o.case_id IS NOT NULL"
                f") AS wanted",
                [view, change, view, change, view],
            )

    def counts(self) -> dict:
        return {
            "children": Child.objects.count(),
            "cases": Case.objects.count(),
            "open_cases": Case.objects.filter(status=CaseStatus.OPEN).count(),
            "missing_episodes": MissingEpisode.objects.count(),
            "assessments": Assessment.objects.count(),
            "risk_history": RiskHistory.objects.count(),
            "actions": Action.objects.count(),
            "meetings": Meeting.objects.count(),
            "agenda_items": AgendaItem.objects.count(),
            "concerns": Concern.objects.count(),
            "untriaged_concerns": Concern.objects.filter(triaged_at__isnull=True).count(),
            "restricted_cases": Case.objects.filter(is_restricted=True).count(),
            "agencies_involved": Case.agencies_involved.through.objects.count(),
            "group_permissions": CaseGroupObjectPermission.objects.count(),
            "user_permissions": CaseUserObjectPermission.objects.count(),
            "users": User.objects.count(),
            "earlier_reminders": Reminder.objects.count(),
        }


_ITEM_FIELDS = {f.name for f in AgendaItem._meta.get_fields()}


def _item(*, meeting: Meeting, section: int, key: str, order: int, held: bool, **subject) -> AgendaItem:
    """An agenda item as the agenda builder leaves it, whichever of its two shapes the model has
    (an auto_key per item, or the list of reasons of meetings/agenda.py)."""
    reason = "Bench: on the agenda for this section."
    fields = {
        "meeting": meeting,
        "section": section,
        "reason": reason,
        "order": order,
        "discussion": "Discussed; actions agreed." if held else "",
        "auto_key": key,
        "reasons": [{"section": section, "text": reason}],
        **subject,
    }
    return AgendaItem(**{name: value for name, value in fields.items() if name in _ITEM_FIELDS})


def _demo_slugs(agency: Agency) -> list[str]:
    return [slug for slug, (name, _, _) in demo.AGENCIES.items() if name == agency.name]


def _at(day: date, now: datetime) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo) + timedelta(hours=10)


def fill(children: int, *, seed: int = 42, log=print) -> dict:
    return Filler(children, seed=seed, log=log).run()
