"""About 60 demo children and their cases. Every name is generated and invented: no real child."""

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Case, CaseStatus, Category, Child, ClosureReason, Concern, EpisodeKind, Gender, RiskLevel
from met.demo import SECOND_AREA_ACCOUNTS
from met.models import Agency, User

FIRST_NAMES = {
    Gender.FEMALE: [
        "Amber",
        "Bella",
        "Chloe",
        "Demi",
        "Ellie",
        "Freya",
        "Grace",
        "Holly",
        "Isla",
        "Jade",
        "Kacey",
        "Lacey",
        "Maisie",
        "Nia",
        "Poppy",
        "Ruby",
        "Skye",
        "Tia",
    ],
    Gender.MALE: [
        "Alfie",
        "Brandon",
        "Callum",
        "Dylan",
        "Ethan",
        "Finley",
        "George",
        "Harley",
        "Jayden",
        "Kai",
        "Leo",
        "Mason",
        "Noah",
        "Oscar",
        "Reece",
        "Tyler",
    ],
    Gender.OTHER: ["Alex", "Charlie", "Jesse", "Riley", "Sam"],
}
# Surnames made of two invented halves, so that no demo child shares a real family's name by design.
SURNAME_HEADS = [
    "Bramble",
    "Quill",
    "Thistle",
    "Marrow",
    "Pebble",
    "Fern",
    "Wren",
    "Copper",
    "Lantern",
    "Moss",
    "Juniper",
    "Hollow",
]
SURNAME_TAILS = ["worth", "ton", "field", "by", "wick", "combe", "dale", "stead", "more", "gate"]
DISTRICTS = ["Riverside", "Harbourside", "Hillcrest", "Old Town", "Parkway", "Meadowbank", "Eastgate"]
SCHOOLS = ["Example Academy", "Sample Park School", "Demo Vale College", "Placeholder High School", "Testbridge School"]
DESCRIPTIONS = [
    "Seen getting into a car with an older male not known to the family, late evening.",
    "Came to school with a new phone and cash; would not say where they came from.",
    "Reported missing overnight; returned with a train ticket to another city.",
    "Disclosed being asked to carry a package for an older friend in exchange for money.",
    "Staff noticed frequent contact from unknown adults on social media during lessons.",
    "Found in a hotel room with adults; police attended.",
]


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def seed_cases(world: dict | None = None, count: int = 60) -> int:
    """The demo children and cases. Each open case's planned risk level goes into world["risk_plan"]
    (case id → level, author, confirmer), for the risk app's builder to back with a confirmed SERAF."""
    world = world if world is not None else {}
    plan = world.setdefault("risk_plan", {})
    if Child.objects.exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 - the same demo world on every machine, not security
    today = timezone.localdate()
    users = {u.email: u for u in User.objects.select_related("agency")}
    coordinator = users["coordinator@example.org"]
    loggers = [
        users[e]
        for e in (
            "practitioner.police@example.org",
            "practitioner.health@example.org",
            "practitioner.school@example.org",
            "manager.csc@example.org",
        )
    ]
    agencies = {a.short_name: a for a in Agency.objects.all()}
    csc, police, health, education = agencies["CSC"], agencies["Police"], agencies["Health"], agencies["Education"]
    others = [a for a in agencies.values() if a not in (csc, police, health, education)]
    categories = list(Category.objects.all())
    created = 0
    for n in range(count):
        gender = rng.choice([Gender.FEMALE] * 5 + [Gender.MALE] * 4 + [Gender.OTHER])
        first = rng.choice(FIRST_NAMES[gender])
        last = rng.choice(SURNAME_HEADS) + rng.choice(SURNAME_TAILS)
        age_days = rng.randint(11 * 365, 17 * 365 + 300)
        logger = loggers[n % len(loggers)]
        child_data = {
            "first_name": first,
            "last_name": last,
            "known_as": rng.choice(["", "", "", first[:3]]),
            "date_of_birth": today - timedelta(days=age_days),
            "gender": gender,
            "ethnicity": rng.choice(["white", "white", "white", "mixed", "black", "asian", "not_known"]),
            "address_district": rng.choice(DISTRICTS),
            "school": rng.choice(SCHOOLS),
            "police_number": f"DEMO-P{n:04d}" if n % 3 == 0 else "",
            "csc_number": f"DEMO-C{n:04d}" if n % 2 == 0 else "",
            "nhs_number": "",
            "is_looked_after": n % 5 == 0,
            "placed_out_of_area": n % 11 == 0 and n % 13 != 0,  # never both (cases_child_one_placement_direction)
            "placed_by_other_authority": n % 13 == 0,
            "placing_authority": "Exampleshire County Council" if n % 13 == 0 else "",
        }
        category = categories[n % len(categories)]
        concern = services.concern_log(
            actor=logger,
            new_child=child_data,
            category=category,
            observed_at=_aware(today - timedelta(days=rng.randint(1, 200)), rng.randint(8, 22)),
            description=rng.choice(DESCRIPTIONS),
        )
        case = concern.case
        created += 1
        if n % 8 == 7:
            continue  # left as a referral, waiting in the coordinator's triage inbox
        involved = {csc, rng.choice([police, police, health, education])}
        if n % 2 == 0:
            involved.add(health)
        if n % 3 == 0:
            involved.add(police)
        if n % 4 == 0:
            involved.add(education)
        if n % 6 == 0:
            involved.add(rng.choice(others))
        lead_agency = police if n % 5 == 1 else csc
        lead = next(
            (
                u
                for u in users.values()
                if u.agency_id == lead_agency.pk and u.email.startswith(("manager.", "practitioner."))
            ),
            None,
        )
        services.case_open(
            actor=coordinator,
            case=case,
            lead_agency=lead_agency,
            lead_professional=lead,
            agencies_involved=involved,
            categories=[category, *rng.sample(categories, rng.randint(0, 1))],
        )
        level = rng.choice(
            [
                RiskLevel.HIGH,
                RiskLevel.MEDIUM,
                RiskLevel.MEDIUM,
                RiskLevel.LOW,
                RiskLevel.LOW,
                RiskLevel.NONE,
                RiskLevel.NOT_ASSESSED,
            ]
        )
        if level != RiskLevel.NOT_ASSESSED:
            plan[case.pk] = (level, lead or logger, coordinator)
        Case.objects.filter(pk=case.pk).update(
            voice_of_child=rng.choice(
                [
                    "",
                    "Says they just want to be left alone and that the older friends ‘look after’ them.",
                    "Wants to stay at their current placement and go back to college.",
                ]
            )
        )
        if n % 4 == 0:
            _seed_missing(
                case, logger=users["practitioner.police@example.org"], rng=rng, today=today, frequent=n % 8 == 0
            )
        if n % 10 == 9:
            # Closed once the other apps have added their history (close_demo_cases).
            world.setdefault("to_close", []).append(case.pk)
    # As if each concern had been logged soon after it happened, not all today.
    for concern in Concern.objects.all():
        Concern.objects.filter(pk=concern.pk).update(logged_at=concern.observed_at + timedelta(hours=2))
    # Cases opened a day after their first concern, so that the demo's history, and the reports built
    # from it, hang together (the risk app's builder moves it before the first confirmed risk level).
    for case in Case.objects.exclude(opened_at__isnull=True):
        first = case.concerns.order_by("logged_at").values_list("logged_at", flat=True).first()
        opened = min(first + timedelta(days=1), timezone.now())
        Case.objects.filter(pk=case.pk).update(created_at=first, opened_at=opened)
    # New concerns on open cases, for the triage inbox's other kind of item.
    for case in Case.objects.filter(status=CaseStatus.OPEN).order_by("pk")[:3]:
        services.concern_log(
            actor=users["practitioner.school@example.org"]
            if case.agencies_involved.filter(pk=education.pk).exists()
            else coordinator,
            child=case.child,
            category=case.categories.first(),
            observed_at=_aware(today - timedelta(days=1), 15),
            description="Another sighting with the same older group near the station after school.",
        )
    return created


def _seed_missing(case: Case, *, logger: User, rng: random.Random, today: date, frequent: bool) -> None:
    starts = [rng.randint(8, 80) for _ in range(4)] if frequent else [rng.randint(100, 300)]
    for index, days_ago in enumerate(sorted(starts, reverse=True)):
        went = _aware(today - timedelta(days=days_ago), 21)
        returned = went + timedelta(hours=rng.randint(6, 40))
        # The most recent return of a frequent-missing child has no interview yet: it shows as overdue.
        done = not (frequent and index == len(starts) - 1)
        services.missing_episode_record(
            actor=logger,
            case=case,
            kind=EpisodeKind.MISSING,
            went_missing_at=went,
            returned_at=returned,
            reported_to_police=True,
            police_reference=f"DEMO-{case.pk}-{index}",
            where_found=rng.choice(["Friend's address", "Town centre", "Another city", "Returned home on own"]),
            rhi_offered_at=returned + timedelta(hours=20) if done else None,
            rhi_completed_at=returned + timedelta(hours=rng.choice([30, 50, 90])) if done else None,
            rhi_by="RHI Service" if done else "",
            rhi_declined=False,
        )


def close_demo_cases(world: dict) -> int:
    """Close the cases seed_cases marked, after risk and meetings added their history to them."""
    coordinator = User.objects.get(email="coordinator@example.org")
    closed = 0
    for case in Case.objects.filter(pk__in=world.get("to_close", []), status=CaseStatus.OPEN):
        services.case_close(actor=coordinator, case=case, reason=ClosureReason.RISK_REDUCED)
        closed += 1
    return closed


def seed_nrm(world: dict) -> int:
    """NRM referrals on a few open trafficking and modern slavery cases (issue 16, part 2), one at each
    stage: waiting past its reasonable grounds target, in the recovery period, and concluded."""
    from cases import nrm
    from cases.models import NrmReferral
    from cases.services.nrm import nrm_referral_record

    coordinator = User.objects.get(email="coordinator@example.org")
    today = timezone.localdate()
    stages = [
        {"referred_on": today - timedelta(days=20)},
        {
            "referred_on": today - timedelta(days=15),
            "rg_decided_on": today - timedelta(days=12),
            "rg_outcome": "positive",
        },
        {
            "referred_on": today - timedelta(days=90),
            "rg_decided_on": today - timedelta(days=86),
            "rg_outcome": "positive",
            "cg_decided_on": today - timedelta(days=40),
            "cg_outcome": "positive",
            "ictg_allocated": True,
            "ictg_name": "Barnardo's Independent Child Trafficking Guardianship Service",
            "ictg_allocated_on": today - timedelta(days=88),
        },
    ]
    cases = (
        Case.objects.filter(status=CaseStatus.OPEN, categories__code__in=nrm.NRM_CATEGORY_CODES)
        .exclude(pk__in=NrmReferral.objects.values("case_id"))
        .distinct()
        .order_by("pk")[: len(stages)]
    )
    made = 0
    for n, (case, fields) in enumerate(zip(cases, stages, strict=False)):
        nrm_referral_record(
            actor=coordinator,
            case=case,
            first_responder=["Hampshire Constabulary", "Southampton Children's Services", "Border Force"][n],
            reference=f"NRM-{today:%y}-{1000 + case.pk}",
            **fields,
        )
        made += 1
    return made


def seed_turning_18(world: dict) -> int:
    """Two open cases of children who turn 18 within 6 months (issue 16, part 6): a looked-after child in 40
    days with a transition plan (adult services and the leaving-care team), and one in about 100 days without."""
    from cases import turning_18
    from cases.models import TransitionPlan
    from cases.services.turning_18 import transition_plan_record

    if TransitionPlan.objects.exists():
        return 0
    today = timezone.localdate()
    coordinator = User.objects.get(email="coordinator@example.org")
    near = turning_18.window_filter(today)
    open_cases = Case.objects.filter(status=CaseStatus.OPEN).exclude(near).select_related("child").order_by("pk")
    with_plan = open_cases.filter(child__is_looked_after=True).first()
    without = open_cases.filter(child__is_looked_after=False).first()
    if with_plan is None or without is None:
        return 0
    for case, days in ((with_plan, 40), (without, 100)):
        target = today + timedelta(days=days)
        if (target.month, target.day) == (2, 29):
            target += timedelta(days=1)
        Child.objects.filter(pk=case.child_id).update(date_of_birth=target.replace(year=target.year - 18))
    transition_plan_record(
        actor=coordinator,
        case=with_plan,
        based_on=0,
        agreed_on=today - timedelta(days=7),
        responsible="Priya Shah, social worker",
        responsible_agency=Agency.objects.get(short_name="CSC"),
        adult_team="Adult Social Care: transitions team",
        adult_referred_on=today - timedelta(days=5),
        adult_reference="ASC-T-0412",
        adult_outcome="awaited",
        leaving_care_team="Care Leavers' Service (Pathways team)",
        personal_adviser="Jordan Ellis",
        notes="Joint visit with the personal adviser booked before the birthday; MEOG to hear the hand-over.",
        change_note="",
    )
    return 2


def seed_duplicate_record(world: dict) -> int:
    """A second record of one demo child (issue 16, part 5): the school logged a concern as a new child while
    the first record's case was open, the coordinator closed that referral at triage as a duplicate record,
    and the two records wait to be merged (the child's case page: "Merge with another record")."""
    school = User.objects.get(email="practitioner.school@example.org")
    coordinator = User.objects.get(email="coordinator@example.org")
    first = (
        Case.objects.filter(status=CaseStatus.OPEN, child__date_of_birth__isnull=False, child__merged_into=None)
        .select_related("child")
        .order_by("pk")
        .first()
    )
    if first is None or Case.objects.filter(closure_reason=ClosureReason.DUPLICATE).exists():
        return 0
    child = first.child
    concern = services.concern_log(
        actor=school,
        category=Category.objects.order_by("order").first(),
        observed_at=timezone.now() - timedelta(days=3),
        description="Told a teaching assistant an older friend collects them after school in a car.",
        new_child={
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth,
            "gender": child.gender,
            "school": child.school,
        },
    )
    services.case_close(
        actor=coordinator,
        case=concern.case,
        reason=ClosureReason.DUPLICATE,
        note=f"The same child as case {first.reference}: the two records are to be merged.",
    )
    return 1


# --- a second area (issue 18, part 6) ------------------------------------------------------------

PLACEMENT_REASON = "Placed with a foster carer in Southampton after repeated missing episodes from home."


def seed_second_area(world: dict) -> int:
    """Runs after every other builder, which made the demo in the one area: the area becomes
    Southampton, and Portsmouth gets its own council, coordinator and chair, with three children of its
    own. The police, health and the charities work across both. One Portsmouth child is placed in
    Southampton (so appears in Southampton's "placed here" list and agenda) and goes missing there,
    which tells Portsmouth's coordinator."""
    from cases.services.placements import placement_start
    from met import services as met_services
    from met.models import Area

    if Area.objects.filter(name="Portsmouth").exists():
        return 0
    southampton = Area.objects.order_by("pk").first()
    southampton.name, southampton.short_name = "Southampton", "Soton"
    southampton.save(update_fields=["name", "short_name"])
    portsmouth = Area.objects.create(name="Portsmouth", short_name="Pompey")
    agencies = {a.short_name: a for a in Agency.objects.all()}
    for agency in agencies.values():
        if agency.kind != "csc":
            agency.areas.add(portsmouth)  # one police force, one health trust, charities across both
    council = met_services.agency_create(
        actor=None,
        name="Portsmouth Children's Services",
        short_name="Pompey CSC",
        kind="csc",
        areas=[portsmouth],
    )
    people = {}
    for email, (full_name, title, roles) in SECOND_AREA_ACCOUNTS.items():
        people[email] = met_services.user_create(
            actor=None,
            email=email,
            full_name=full_name,
            agency=council,
            roles={r.value for r in roles},
            job_title=title,
            password=settings.MET_DEMO_PASSWORD,
        )
    coordinator = people["coordinator.portsmouth@example.org"]
    police = User.objects.get(email="practitioner.police@example.org")
    today = timezone.localdate()
    rng = random.Random(1832)  # noqa: S311 - the same demo on every machine, not security
    categories = list(Category.objects.all())
    made = []
    for n, (first, last) in enumerate(
        (("Marlo", "Demo-Quayside"), ("Tegan", "Demo-Dockyard"), ("Ashby", "Demo-Hilsea"))
    ):
        concern = services.concern_log(
            actor=coordinator,
            new_child={
                "first_name": first,
                "last_name": last,
                "date_of_birth": today - timedelta(days=rng.randint(13 * 365, 16 * 365)),
                "gender": Gender.NOT_KNOWN,
                "ethnicity": "not_known",
                "address_district": "Portsea district",
                "placed_out_of_area": n == 0,
            },
            category=categories[n % len(categories)],
            observed_at=_aware(today - timedelta(days=20 + n), 19),
            description=DESCRIPTIONS[n % len(DESCRIPTIONS)],
        )
        services.case_open(
            actor=coordinator,
            case=concern.case,
            lead_agency=council,
            lead_professional=None,
            agencies_involved={council, agencies["Police"]},
            categories=[categories[n % len(categories)]],
        )
        made.append(concern.case)
    placed = made[0]
    placement_start(
        actor=coordinator,
        case=placed,
        host_area=southampton,
        reason=PLACEMENT_REASON,
        placed_on=today - timedelta(days=30),
        address_note="Independent fostering agency",
    )
    # Missing in Southampton: Portsmouth's coordinator is told (cases/placements.py).
    went = _aware(today - timedelta(days=3), 22)
    services.missing_episode_record(
        actor=police,
        case=placed,
        kind=EpisodeKind.MISSING,
        went_missing_at=went,
        returned_at=went + timedelta(hours=14),
        reported_to_police=True,
        police_reference="DEMO-PORTS-1",
        where_found="Southampton city centre",
        rhi_offered_at=None,
        rhi_completed_at=None,
        rhi_by="",
        rhi_declined=False,
    )
    world["placed_case"] = placed.pk
    return len(made)
