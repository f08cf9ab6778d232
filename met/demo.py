"""Demo agencies and accounts. Every name here is made up; none is a real person."""

from django.conf import settings
from django.db import transaction

from met import services
from met.models import Agency, AgencyKind, Role, User

# slug (used in demo email addresses) → (name, short name, kind)
AGENCIES = {
    "csc": ("Children's Social Care", "CSC", AgencyKind.CSC),
    "police": ("Hampshire Constabulary", "Police", AgencyKind.POLICE),
    "health": ("Health (CSE nursing and sexual health)", "Health", AgencyKind.HEALTH),
    "school": ("Education settings", "Education", AgencyKind.EDUCATION),
    "yos": ("Youth Offending Service", "YOS", AgencyKind.YOUTH_OFFENDING),
    "probation": ("Probation Service", "Probation", AgencyKind.PROBATION),
    "housing": ("Housing", "Housing", AgencyKind.HOUSING),
    "substance": ("Drug and Alcohol Services", "Drugs & Alcohol", AgencyKind.SUBSTANCE_MISUSE),
    "community-safety": ("Community Safety Team", "Community Safety", AgencyKind.COMMUNITY_SAFETY),
    "rhi": ("Return Home Interview Service", "RHI Service", AgencyKind.RHI_SERVICE),
    "barnardos": ("Barnardo's", "Barnardo's", AgencyKind.VOLUNTARY),
    "asphaleia": ("Asphaleia", "Asphaleia", AgencyKind.VOLUNTARY),
}

MANAGED_SLUGS = ("csc", "police", "health", "school")

# email → (full name, agency slug, roles, job title, manager email or None)
ACCOUNTS = {
    "sysadmin@example.org": ("Sam Demo-Sysadmin", "csc", {Role.SYSTEM_ADMIN}, "Systems and data officer", None),
    "admin.police@example.org": (
        "Pat Demo-Policeadmin",
        "police",
        {Role.AGENCY_ADMIN},
        "Police systems administrator",
        None,
    ),
    "admin.health@example.org": (
        "Hana Demo-Healthadmin",
        "health",
        {Role.AGENCY_ADMIN},
        "Health IT administrator",
        None,
    ),
    "coordinator@example.org": (
        "Cory Demo-Coordinator",
        "csc",
        {Role.COORDINATOR},
        "Missing and exploitation coordinator",
        "manager.csc@example.org",
    ),
    "chair@example.org": (
        "Charlie Demo-Chair",
        "police",
        {Role.CHAIR},
        "Detective inspector",
        "manager.police@example.org",
    ),
    "practitioner.police@example.org": (
        "Parker Demo-Officer",
        "police",
        {Role.PRACTITIONER},
        "Police constable, MET team",
        "manager.police@example.org",
    ),
    "practitioner.health@example.org": (
        "Harper Demo-Nurse",
        "health",
        {Role.PRACTITIONER},
        "CSE nurse",
        "manager.health@example.org",
    ),
    "practitioner.school@example.org": (
        "Skyler Demo-Teacher",
        "school",
        {Role.PRACTITIONER},
        "Designated safeguarding lead",
        "manager.school@example.org",
    ),
}
for _slug in MANAGED_SLUGS:
    _title = AGENCIES[_slug][1]
    ACCOUNTS[f"senior.{_slug}@example.org"] = (
        f"Morgan Demo-Senior-{_title}",
        _slug,
        {Role.PRACTITIONER},
        "Head of service",
        None,
    )
    ACCOUNTS[f"manager.{_slug}@example.org"] = (
        f"Jordan Demo-Manager-{_title}",
        _slug,
        {Role.PRACTITIONER},
        "Team manager",
        f"senior.{_slug}@example.org",
    )


# Portsmouth's council, made by the last demo builder (cases.demo.seed_second_area, issue 18), not with
# the accounts above: the tests' accounts stay in the one area.
SECOND_AREA_ACCOUNTS = {
    # email → (full name, job title, roles)
    "coordinator.portsmouth@example.org": ("Robin Demo-Harbourside", "MET coordinator", {Role.COORDINATOR}),
    "chair.portsmouth@example.org": ("Alex Demo-Seafront", "Head of safeguarding", {Role.CHAIR}),
}


def demo_logins() -> list[tuple[str, str]]:
    return [(email, ", ".join(sorted(r.label for r in roles))) for email, (_, _, roles, _, _) in ACCOUNTS.items()] + [
        (email, ", ".join(sorted(r.label for r in roles)) + " (Portsmouth)")
        for email, (_, _, roles) in SECOND_AREA_ACCOUNTS.items()
    ]


def database_is_empty() -> bool:
    return not Agency.objects.exists() and not User.objects.exists()


@transaction.atomic
def seed_accounts() -> dict[str, int]:
    created = {"agencies": 0, "accounts": 0}
    agencies = {}
    for slug, (name, short_name, kind) in AGENCIES.items():
        agency = Agency.objects.filter(short_name=short_name).first()
        if agency is None:
            agency = services.agency_create(actor=None, name=name, short_name=short_name, kind=kind)
            created["agencies"] += 1
        agencies[slug] = agency
    # Managers before the people who report to them: seniors, then managers, then everyone else.
    ordered = sorted(
        ACCOUNTS.items(), key=lambda item: (not item[0].startswith("senior."), not item[0].startswith("manager."))
    )
    for email, (full_name, slug, roles, job_title, manager_email) in ordered:
        if User.objects.filter(email=email).exists():
            continue
        services.user_create(
            actor=None,
            email=email,
            full_name=full_name,
            agency=agencies[slug],
            roles={r.value for r in roles},
            job_title=job_title,
            line_manager=User.objects.get(email=manager_email) if manager_email else None,
            password=settings.MET_DEMO_PASSWORD,
        )
        created["accounts"] += 1
    for slug in MANAGED_SLUGS:
        agency = agencies[slug]
        if agency.senior_contact_id is None:
            agency.senior_contact = User.objects.get(email=f"senior.{slug}@example.org")
            agency.save(update_fields=["senior_contact"])
    return created
