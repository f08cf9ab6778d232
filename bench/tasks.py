"""The bench's in-process steps, each a subprocess of bench/run.py with the same settings as the server:

    python -m bench.tasks fill N     fill an empty, migrated database to N children
    python -m bench.tasks report     build last month's MACE report; aggregation and PDF timed apart
    python -m bench.tasks prepare    OTP-verified sessions for the two bench users and the pages to measure
    python -m bench.tasks sweeps     every sweep twice over the due items, reminders counted and checked

Each prints one line `BENCH-JSON {...}` that bench/run.py reads; everything else is for people.
"""

import json
import sys
import time
from datetime import date, timedelta
from urllib.parse import urlencode

BENCH_USERS = {"coordinator": "coordinator@example.org", "police": "practitioner.police@example.org"}
SEARCH_FRAGMENT = "mar"


def _emit(result: dict) -> None:
    print("BENCH-JSON " + json.dumps(result, default=str), flush=True)


def fill(children: int) -> dict:
    from django.utils import timezone

    from bench.fill import Volumes, fill

    started = time.perf_counter()
    counts = fill(children)
    return {
        "today": timezone.localdate().isoformat(),
        "seconds": time.perf_counter() - started,
        "counts": counts,
        "volumes": Volumes.for_children(children).as_dict(),
    }


def report() -> dict:
    from django.utils import timezone

    from met.models import Area
    from reporting import services
    from reporting.models import ReportKind, ReportStatus

    def timed(kind: str, start, area) -> dict:
        started = time.perf_counter()
        made, _ = services.report_request(actor=None, kind=kind, start=start, area=area)
        built = services.report_build(report_id=made.pk)
        aggregation = time.perf_counter() - started
        if built.status != ReportStatus.DRAFT:
            raise SystemExit(f"The {kind} report did not build: {built.status} {built.build_error}")
        started = time.perf_counter()
        pdf = services.render_pdf(built)
        return {
            "report_id": built.pk,
            "period": built.period_label,
            "aggregation_seconds": aggregation,
            "pdf_seconds": time.perf_counter() - started,
            "pdf_bytes": len(pdf),
            "stuck_cases": len(built.data.get("stuck_cases", [])),
        }

    # Last month's MACE report of the first area (the coordinator measured works there), and the
    # strategic group's last full quarter across both areas (issue 18): every one of the children.
    today = timezone.localdate()
    start, _ = services.previous_month(today)
    monthly = timed(ReportKind.MACE_MONTHLY, start, Area.objects.order_by("pk").first())
    # The last full calendar quarter (July to September when run in December).
    first_month = 3 * ((today.month - 1) // 3) + 1
    quarter = date(today.year, first_month, 1) - timedelta(days=1)
    quarter = date(quarter.year, 3 * ((quarter.month - 1) // 3) + 1, 1)
    return {**monthly, "strategic": timed(ReportKind.LSCB_QUARTERLY, quarter, None)}


def _session_for(user) -> str:
    """What signing in with a password and a TOTP code leaves in the session, made directly."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, name="bench", confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def prepare() -> dict:
    """Sessions, and the pages to measure with the records they show (found, not assumed)."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from cases.access import cases_visible_to
    from cases.models import Case, CaseStatus, Category, MissingEpisode
    from meetings.models import Action, Meeting, MeetingStatus
    from met.models import User
    from reporting.models import Report, ReportKind
    from riskassessment.models import Assessment

    users = {role: User.objects.get(email=email) for role, email in BENCH_USERS.items()}
    police = users["police"]
    sessions = {role: _session_for(user) for role, user in users.items()}

    def having(model, field: str, at_least: int) -> set[int]:
        rows = model.objects.order_by().values(field).annotate(n=Count("pk")).filter(n__gte=at_least)
        return set(rows.values_list(field, flat=True))

    rich = having(MissingEpisode, "case_id", 3) & having(Assessment, "case_id", 1) & having(Action, "case_id", 2)
    case = (
        cases_visible_to(police)
        .filter(status=CaseStatus.OPEN, is_restricted=False, agencies_involved=police.agency_id, pk__in=rich)
        # One that both the coordinator (their area's cases only, issue 18) and the police can open.
        .filter(pk__in=cases_visible_to(users["coordinator"]).values("pk"))
        .order_by("pk")
        .first()
    )
    if case is None:
        raise SystemExit("No open case with episodes, assessments and actions that the police can see.")
    case.n_episodes = case.missing_episodes.count()
    case.n_assessments = case.assessments.count()
    case.n_actions = case.actions.count()
    category = Category.objects.annotate(n=Count("cases")).order_by("-n").first()
    meeting = Meeting.objects.filter(status=MeetingStatus.SCHEDULED).order_by("date").first()
    report = Report.objects.filter(kind=ReportKind.MACE_MONTHLY).order_by("-period_start").first()
    api = [
        "case",
        "child",
        "concern",
        "missing-episode",
        "assessment",
        "risk-tool",
        "meeting",
        "action",
        "notification",
        "category",
        "agency",
    ]
    coordinator_pages = [
        ("home", reverse("home")),
        ("case list, risk = high", reverse("case_list") + "?" + urlencode({"risk_level": "high"})),
        (f"case list, category = {category.code}", reverse("case_list") + "?" + urlencode({"category": category.code})),
        (f"case page ({case.reference})", reverse("case_detail", args=[case.pk])),
        (f"child search “{SEARCH_FRAGMENT}”", reverse("case_search") + "?" + urlencode({"q": SEARCH_FRAGMENT})),
        ("RHI-overdue list", reverse("rhi_overdue_list")),
        (f"meeting agenda ({meeting.items.count()} items)", reverse("meeting_detail", args=[meeting.pk])),
        ("dashboard", reverse("dashboard")),
        ("actions: agency", reverse("agency_actions")),
        ("actions: mine", reverse("my_actions")),
        ("triage", reverse("triage_inbox")),
        ("reviews due", reverse("reviews_due")),
        (f"monthly report page ({report.period_label})", reverse("report_detail", args=[report.pk])),
        *[(f"API {reverse(f'api:{name}-list')}", reverse(f"api:{name}-list")) for name in api],
    ]
    police_pages = [
        ("home", reverse("home")),
        ("case list", reverse("case_list")),
        (f"case page ({case.reference})", reverse("case_detail", args=[case.pk])),
        ("API /api/v1/cases/", reverse("api:case-list")),
    ]
    matches = Q(child__first_name__icontains=SEARCH_FRAGMENT) | Q(child__last_name__icontains=SEARCH_FRAGMENT)
    return {
        "sessions": sessions,
        "empty": reverse("bench_empty"),
        "pages": [("coordinator", label, url) for label, url in coordinator_pages]
        + [("police", label, url) for label, url in police_pages],
        "facts": {
            "case": {
                "id": case.pk,
                "episodes": case.n_episodes,
                "assessments": case.n_assessments,
                "actions": case.n_actions,
            },
            "search_matches": Case.objects.filter(matches).count(),
            "police_visible_cases": cases_visible_to(police).count(),
            "agenda_items": meeting.items.count(),
        },
    }


# --- sweeps ---------------------------------------------------------------------------------------


def due_now() -> dict:
    """The items the sweeps must act on now and the reminders they should send, by the sweeps' own
    rules (meetings/escalation.py for actions and feedback, cases/missing.py for interviews, the
    review date for reviews), less what was sent already."""

    from django.db.models import Q
    from django.utils import timezone

    from cases import missing
    from cases.models import Case, CaseStatus
    from cases.services.episodes import returns_for_rhi_reminders
    from meetings import escalation
    from meetings.models import Action, ActionStatus, Feedback
    from met.areas import AreaCoordinators
    from met.models import Reminder

    now = timezone.now()
    today = timezone.localdate(now)
    coordinators = AreaCoordinators()  # the child's own area's (issue 18)
    sent = set(Reminder.objects.values_list("kind", "object_id", "key", "recipient_id"))
    wanted: set[tuple] = set()

    actions = Action.objects.filter(status=ActionStatus.OPEN, due_date__lte=today).select_related(
        "owner__line_manager__line_manager", "owner_agency__senior_contact"
    )
    for a in actions:
        for step in escalation.steps_for(due=a.due_date, today=today, responsible=a.owner, agency=a.owner_agency):
            wanted |= {("action", a.pk, step.key, r.pk) for r in step.recipients if r.is_active}
    feedback = Feedback.objects.filter(sent_at__isnull=True, due_date__lte=today).select_related(
        "meeting__created_by__line_manager__line_manager", "meeting__created_by__agency__senior_contact"
    )
    for f in feedback:
        who = f.meeting.created_by
        for step in escalation.steps_for(due=f.due_date, today=today, responsible=who, agency=who.agency):
            wanted |= {("feedback", f.pk, step.key, r.pk) for r in step.recipients if r.is_active}
    episodes = returns_for_rhi_reminders(now)
    for e in episodes:
        overdue = now > missing.rhi_due_at(e.returned_at)
        lead = e.case.lead_professional
        people = {
            *([lead] if lead else []),
            *(coordinators.for_area(e.case.area_id) if overdue or lead is None else ()),
        }
        wanted |= {("rhi", e.pk, "overdue" if overdue else "48h", r.pk) for r in people if r.is_active}
    reviews = Case.objects.filter(
        Q(status=CaseStatus.OPEN, risk_review_due__isnull=False, risk_review_due__lte=today)
    ).select_related("lead_professional")
    for c in reviews:
        people = {*([c.lead_professional] if c.lead_professional else []), *coordinators.for_area(c.area_id)}
        wanted |= {("risk_review", c.pk, c.risk_review_due.isoformat(), r.pk) for r in people if r.is_active}
    items = {
        "actions": actions.count(),
        "feedback": feedback.count(),
        "rhis": episodes.count(),
        "reviews": reviews.count(),
    }
    return {"items": items, "total": sum(items.values()), "expected_reminders": len(wanted - sent)}


def _reminder_check() -> dict:
    from django.db.models import Count

    from met.models import Reminder

    rows = Reminder.objects.count()
    distinct = (
        Reminder.objects.values("kind", "object_type", "object_id", "key", "recipient").annotate(n=Count("pk")).count()
    )
    return {"rows": rows, "distinct": distinct}


def sweeps() -> dict:
    """registry.run_sweeps() as run_due_jobs runs it, one sweep at a time so each is timed; then the
    outbox's deliver_due, timed apart. Twice: the second run must send nothing."""
    from django.core import mail

    from met import registry
    from met.models import Notification, Reminder
    from met.outbox import deliver_due

    due = due_now()
    runs = []
    for _ in range(2):
        before = Reminder.objects.count()
        mail.outbox = []
        per_sweep, started = {}, time.perf_counter()
        for sweep in registry.sweeps():
            if sweep.name == "due_reports":  # report builds are timed in their own step
                continue
            t = time.perf_counter()
            per_sweep[sweep.name] = {"result": sweep.run(), "seconds": time.perf_counter() - t}
        total = time.perf_counter() - started
        t = time.perf_counter()
        delivered = deliver_due()
        runs.append(
            {
                "seconds": total,
                "sweeps": per_sweep,
                "reminders_sent": Reminder.objects.count() - before,
                "emails_during_sweep": len(getattr(mail, "outbox", [])),
                "deliver_due": {"sent": delivered, "seconds": time.perf_counter() - t},
            }
        )
    return {
        "due": due,
        "runs": runs,
        "reminders": _reminder_check(),
        "notifications": Notification.objects.count(),
    }


def main(argv: list[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    task, args = argv[0], argv[1:]
    if task == "fill":
        _emit(fill(int(args[0])))
    elif task == "report":
        _emit(report())
    elif task == "prepare":
        _emit(prepare())
    elif task == "sweeps":
        _emit(sweeps())
    elif task == "due":
        _emit(due_now())
    else:
        raise SystemExit(f"Unknown task {task!r}: fill N, report, prepare, sweeps or due.")


if __name__ == "__main__":
    main(sys.argv[1:])
