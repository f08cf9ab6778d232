"""cases/chronology.py: a case's significant events in date order (issue 16, part 4) — what counts, the
order, the filters, what a viewer may not see; the page, its CSV and PDF, who may read them, the audit,
and a number of queries that does not grow with the number of events."""

import csv
import io
import itertools
import random
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import chronology
from cases.access import get_case_for_user
from cases.models import (
    CaseDocument,
    CaseNote,
    ClosureReason,
    Concern,
    MissingEpisode,
    NrmReferral,
    SafetyPlan,
)
from cases.services import case_close, permissions
from cases.views.chronology import pdf_html
from meetings.models import Action, ActionStatus, AgendaItem, Attendance, Decision, Meeting, Section
from met.audit import audit
from met.models import AuditEvent, Reminder
from riskassessment.demo import seed_assessment
from riskassessment.models import Assessment, AssessmentStatus, Provider, Referral, RiskHistory
from riskassessment.services import assessment_start, current_tool
from tests.cases import (
    COORDINATOR,
    HEALTH,
    POLICE,
    POLICE_ADMIN,
    SCHOOL,
    agency,
    category,
    make_case,
    text,
    user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ALL_KINDS = {
    "case",
    "concern",
    "missing",
    "rhi",
    "document",
    "safety_plan",
    "nrm",
    "assessment",
    "risk",
    "referral",
    "decision",
    "action",
    "escalation",
}
_slots = itertools.count(1)


def at(days_ago: int, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(TODAY - timedelta(days=days_ago), time(hour, minute)))


def _meeting(chair, coordinator) -> Meeting:
    """A meeting in its own slot (one meeting per date and time)."""
    n = next(_slots)
    return Meeting.objects.create(
        date=TODAY - timedelta(days=30 + n), starts_at=time(9, 0), chair=chair, created_by=coordinator
    )


def fill(case, n: int = 1, *, days_ago: int = 20) -> dict:
    """`n` events of every kind on the case, written straight to the tables (quick; the rules read
    tables). Returns the rows made, by kind."""
    coordinator, police, chair = user(COORDINATOR), user(POLICE), user("chair@example.org")
    made: dict[str, list] = {}
    for i in range(n):
        when = at(days_ago, 9, i % 60)
        made.setdefault("concern", []).append(
            Concern.objects.create(
                case=case,
                logged_by=police,
                source_agency=police.agency,
                category=category("cce"),
                observed_at=when,
                description=f"Seen getting into a car with older men, number {i}.",
            )
        )
        made.setdefault("episode", []).append(
            MissingEpisode.objects.create(
                case=case,
                went_missing_at=when,
                returned_at=when + timedelta(hours=5),
                where_found="Southampton Central station",
                reported_to_police=True,
                police_reference=f"44/{i}",
                rhi_completed_at=when + timedelta(hours=30),
                rhi_by="Barnardo's RHI worker",
                recorded_by=police,
            )
        )
        made.setdefault("document", []).append(
            CaseDocument.objects.create(
                case=case,
                title=f"Referral form {i}",
                kind="referral",
                stored_name=f"chronology-{case.pk}-{i}.pdf",
                content_type="application/pdf",
                size=10,
                sha256="0" * 64,
                uploaded_by=police,
                uploaded_at=when,
            )
        )
        made.setdefault("plan", []).append(
            SafetyPlan.objects.create(
                case=case,
                number=i + 1,
                is_current=False,
                agreed_on=when.date(),
                agreed_at="meog",
                review_date=when.date() + timedelta(days=28),
                recorded_by=coordinator,
            )
        )
        assessment = Assessment.objects.create(
            case=case,
            tool=current_tool(),
            status=AssessmentStatus.CONFIRMED,
            score=17,
            category=4,
            category_label="Significant",
            suggested_level="high",
            confirmed_level="high",
            created_by=police,
            submitted_by=police,
            submitted_at=when,
            confirmed_by=coordinator,
            confirmed_at=when + timedelta(hours=1),
        )
        made.setdefault("assessment", []).append(assessment)
        RiskHistory.objects.create(
            case=case,
            from_level="medium",
            to_level="high",
            direction="up",
            assessment=assessment,
            changed_by=coordinator,
            changed_at=when + timedelta(hours=1),
        )
        Referral.objects.create(
            case=case, provider=Provider.objects.order_by("pk").first(), referred_on=when.date(), referred_by=police
        )
        meeting = _meeting(chair, coordinator)
        item = AgendaItem.objects.create(meeting=meeting, section=Section.HIGH_RISK, case=case, reason="High risk")
        made.setdefault("meeting", []).append(meeting)
        Decision.objects.create(
            meeting=meeting,
            item=item,
            case=case,
            kind="other",
            text="Refer to the exploitation team.",
            recorded_by=chair,
        )
        action = Action.objects.create(
            case=case,
            meeting=meeting,
            item=item,
            description=f"Visit the family, number {i}",
            owner=police,
            owner_agency=police.agency,
            due_date=when.date() + timedelta(days=2),
            created_by=coordinator,
            created_at=when,
        )
        made.setdefault("action", []).append(action)
        Reminder.objects.create(
            kind="action",
            object_type="meetings.action",
            object_id=action.pk,
            key="1",
            recipient=user("manager.police@example.org"),
        )
    SafetyPlan.objects.filter(pk=made["plan"][-1].pk).update(is_current=True)
    NrmReferral.objects.create(
        case=case,
        referred_on=TODAY - timedelta(days=days_ago + 40),
        first_responder="Hampshire Constabulary",
        reference="NRM-1",
        rg_decided_on=TODAY - timedelta(days=days_ago + 36),
        rg_outcome="positive",
        recorded_by=police,
    )
    return made


@pytest.fixture
def case(demo_data):
    """Police and Health involved; the police practitioner leads."""
    return make_case(agencies=("Police", "Health"), lead=user(POLICE), category_code="trafficking")


def kinds_of(entries) -> set[str]:
    return {e.kind for e in entries}


# --- what counts ------------------------------------------------------------------------------------


def test_it_includes_every_kind_of_significant_event(case):
    fill(case)
    case_close(actor=user(COORDINATOR), case=case, reason=ClosureReason.RISK_REDUCED, note="Settled at home.")
    case.refresh_from_db()

    entries = chronology.case_chronology(case, user(COORDINATOR))

    assert kinds_of(entries) == ALL_KINDS == {code for code, _ in chronology.kinds()}
    summaries = [e.summary for e in entries]
    assert "Case opened, led by Hampshire Constabulary." in summaries
    assert "Case closed: Risk reduced. Settled at home." in summaries
    assert any(s.startswith("Concern (Child criminal exploitation): Seen getting into a car") for s in summaries)
    assert any("Returned" in s and "Southampton Central station" in s and "(44/0)" in s for s in summaries)
    assert "Return home interview held by Barnardo's RHI worker." in summaries
    assert "Document added: Referral form 0 (referral form)." in summaries
    assert any(s.startswith("Safety plan agreed (version 1) at a MEOG") for s in summaries)
    assert "Referred to the National Referral Mechanism by Hampshire Constabulary (reference NRM-1)." in summaries
    assert "NRM reasonable grounds decision: positive." in summaries
    assert any(s.startswith("SERAF assessment submitted: score 17, category 4 (Significant)") for s in summaries)
    assert "Risk level confirmed as high, up from medium." in summaries
    assert any(s.startswith("Other decision at the MEOG") for s in summaries)
    assert any(s.startswith("Action set at the MEOG") and "Visit the family, number 0" in s for s in summaries)
    assert any(s.startswith("Overdue action escalated to line manager") for s in summaries)
    # Who recorded it, and for which agency (a concern: the agency that raised it).
    concern = next(e for e in entries if e.kind == "concern")
    assert (concern.by, concern.agency) == (user(POLICE).full_name, "Police")
    closed = next(e for e in entries if e.summary.startswith("Case closed"))
    assert closed.by == user(COORDINATOR).full_name


def test_it_records_actions_completed_and_cancelled_and_decisions_withdrawn(case):
    made = fill(case)
    coordinator = user(COORDINATOR)
    action = made["action"][0]
    done = at(3, 15)
    Action.objects.filter(pk=action.pk).update(
        status=ActionStatus.DONE, completed_at=done, completed_by=user(POLICE), completion_note="Visited on Monday."
    )
    other = Action.objects.create(
        case=case,
        description="Speak to the school",
        owner=user(POLICE),
        owner_agency=agency("Police"),
        due_date=TODAY,
        created_by=coordinator,
        status=ActionStatus.CANCELLED,
        cancel_reason="No longer needed.",
    )
    audit(actor=coordinator, action="action.cancel", obj=other, child_id=case.child_id)
    Decision.objects.filter(case=case).update(
        withdrawn_at=at(2), withdrawn_by=coordinator, withdrawn_reason="Recorded on the wrong child."
    )

    summaries = {e.summary: e for e in chronology.case_chronology(case, coordinator)}

    completed = summaries["Action completed (Visit the family, number 0). What was done: Visited on Monday."]
    assert (completed.at, completed.by) == (done, user(POLICE).full_name)
    assert "Action cancelled (Speak to the school). Why: No longer needed." in summaries
    assert any(s.startswith("Decision withdrawn (other decision") for s in summaries)


def test_it_takes_risk_events_from_the_real_workflow_and_leaves_out_drafts_notes_and_reminders(case):
    seed_assessment(case, level="high", author=user(POLICE), confirmer=user(COORDINATOR), rng=random.Random(4))
    assessment_start(actor=user(POLICE), case=case)  # a draft: not an event
    CaseNote.objects.create(case=case, author=user(POLICE), text="Phoned mum.")
    action = Action.objects.create(
        case=case,
        description="Call back",
        owner=user(POLICE),
        owner_agency=agency("Police"),
        due_date=TODAY,
        created_by=user(COORDINATOR),
    )
    Reminder.objects.create(
        kind="action", object_type="meetings.action", object_id=action.pk, key="0", recipient=user(POLICE)
    )

    entries = chronology.case_chronology(case, user(COORDINATOR))

    assert [e.kind for e in entries if e.kind in {"assessment", "risk"}] == ["assessment", "risk"]
    assert not any("Phoned mum" in e.summary for e in entries)
    assert "escalation" not in kinds_of(entries)
    assert sum(e.kind == "assessment" for e in entries) == 1


def test_it_names_each_escalation_level_once_with_everyone_it_went_to(case):
    made = fill(case)
    action = made["action"][0]
    Reminder.objects.create(
        kind="action", object_type="meetings.action", object_id=action.pk, key="1", recipient=user(COORDINATOR)
    )
    Reminder.objects.create(
        kind="action", object_type="meetings.action", object_id=action.pk, key="2", recipient=user(COORDINATOR)
    )

    escalations = [e for e in chronology.case_chronology(case, user(COORDINATOR)) if e.kind == "escalation"]

    assert len(escalations) == 2
    line_manager, senior = escalations
    assert line_manager.summary.startswith("Overdue action escalated to line manager (")
    assert user("manager.police@example.org").full_name in line_manager.summary
    assert user(COORDINATOR).full_name in line_manager.summary
    assert senior.summary.startswith("Overdue action escalated to senior manager")
    assert line_manager.by == chronology.AUTOMATIC


# --- order --------------------------------------------------------------------------------------------


def test_it_lists_events_oldest_first_and_newest_first_on_request(case):
    police = user(POLICE)
    for days_ago in (5, 30, 12):
        Concern.objects.create(
            case=case,
            logged_by=police,
            source_agency=police.agency,
            category=category("cse"),
            observed_at=at(days_ago),
            description=f"{days_ago} days ago",
        )

    oldest = [e.at for e in chronology.case_chronology(case, police)]
    newest = [e.at for e in chronology.case_chronology(case, police, chronology.Filters(newest_first=True))]

    assert oldest == sorted(oldest) and len(oldest) >= 4  # the three, the referral's concern, the opening
    assert newest == sorted(oldest, reverse=True)


def test_it_puts_an_event_known_only_by_its_date_at_the_start_of_that_day_without_a_time(case):
    police = user(POLICE)
    Concern.objects.create(
        case=case,
        logged_by=police,
        source_agency=police.agency,
        category=category("cse"),
        observed_at=at(10, 0, 30),
        description="Just after midnight",
    )
    SafetyPlan.objects.create(
        case=case,
        number=1,
        agreed_on=TODAY - timedelta(days=10),
        agreed_at="outside",
        review_date=TODAY + timedelta(days=18),
        recorded_by=police,
        recorded_at=at(10, 17),
    )

    day = [e for e in chronology.case_chronology(case, police) if e.day == TODAY - timedelta(days=10)]

    assert [e.kind for e in day] == ["safety_plan", "concern"]
    assert day[0].time_text == "" and day[1].time_text == "00:30"


# --- filters -----------------------------------------------------------------------------------------


def test_it_filters_by_kind(case):
    fill(case)
    entries = chronology.case_chronology(
        case, user(COORDINATOR), chronology.Filters(kinds=frozenset({"concern", "escalation"}))
    )
    assert kinds_of(entries) == {"concern", "escalation"}


def test_it_filters_by_a_date_range_including_both_ends(case):
    police = user(POLICE)
    for days_ago in (40, 30, 20, 10):
        Concern.objects.create(
            case=case,
            logged_by=police,
            source_agency=police.agency,
            category=category("cse"),
            observed_at=at(days_ago, 23, 30),
            description=f"{days_ago} days ago",
        )
    filters = chronology.Filters(
        kinds=frozenset({"concern"}), start=TODAY - timedelta(days=30), end=TODAY - timedelta(days=20)
    )

    entries = chronology.case_chronology(case, police, filters)

    assert [e.summary.split(": ")[1] for e in entries] == ["30 days ago", "20 days ago"]


def test_it_names_the_field_of_a_date_range_that_ends_before_it_starts():
    assert chronology.range_problem(date(2026, 5, 2), date(2026, 5, 1)) == (
        "End date must be the same as or after the start date (2 May 2026)."
    )
    assert chronology.range_problem(date(2026, 5, 2), date(2026, 5, 2)) is None
    assert chronology.range_problem(None, date(2026, 5, 1)) is None


# --- what a viewer may not see ----------------------------------------------------------------------


def test_it_shows_archived_documents_to_the_coordinator_and_chairs_only_as_the_case_page_does(case):
    made = fill(case)
    CaseDocument.objects.filter(pk=made["document"][0].pk).update(
        archived_at=at(1), archived_by=user(COORDINATOR), archive_reason="Wrong child."
    )
    police_view = [e for e in chronology.case_chronology(case, user(POLICE)) if e.kind == "document"]
    coordinator_view = [e for e in chronology.case_chronology(case, user(COORDINATOR)) if e.kind == "document"]

    assert police_view == []
    assert [e.summary for e in coordinator_view] == [
        "Document added: Referral form 0 (referral form).",
        "Document archived: Referral form 0. Why: Wrong child.",
    ]


def test_it_links_only_where_the_viewer_may_follow(case, demo_data):
    made = fill(case)
    meeting = made["meeting"][0]
    health = user(HEALTH)

    # Health is involved (and may change the case) but does not attend the meeting: no link to it.
    health_entries = chronology.case_chronology(case, health)
    decision = next(e for e in health_entries if e.kind == "decision")
    assert decision.url == ""
    episode = next(e for e in health_entries if e.kind == "missing")
    assert episode.url == reverse("episode_edit", args=[made["episode"][0].pk])
    Attendance.objects.create(meeting=meeting, user=health, agency=health.agency)
    decision = next(e for e in chronology.case_chronology(case, health) if e.kind == "decision")
    assert decision.url == meeting.get_absolute_url()


def test_it_links_an_episode_only_for_those_who_may_change_the_case(demo_data):
    """The school owns an action on a Police case it is no longer involved in: it sees the case, read-only."""
    case = make_case(agencies=("Police",))
    school = user(SCHOOL)
    MissingEpisode.objects.create(case=case, went_missing_at=at(3), recorded_by=user(POLICE))
    Action.objects.create(
        case=case,
        description="Check attendance",
        owner=school,
        owner_agency=school.agency,
        due_date=TODAY,
        created_by=user(COORDINATOR),
    )
    permissions.sync_user_permissions(case)
    seen = get_case_for_user(school, case.pk)
    episode = next(e for e in chronology.case_chronology(seen, school) if e.kind == "missing")
    assert episode.url == ""
    assert episode.summary == "Went missing. Not yet returned."


# --- the page --------------------------------------------------------------------------------------


def test_it_shows_the_chronology_to_someone_who_sees_the_case_and_audits_the_view(case, login):
    fill(case)
    response = login(user(POLICE)).get(reverse("case_chronology", args=[case.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "Chronology" in page and case.child.full_name in page
    assert "Seen getting into a car with older men" in page
    assert "Download as PDF" in page and "Download as CSV" in page
    event = AuditEvent.objects.filter(action="case.view", object_id=str(case.pk)).latest("id")
    assert (event.actor, event.child_id, event.detail) == (user(POLICE), case.child_id, {"page": "chronology"})


def test_it_is_linked_from_the_case_page(case, login):
    response = login(user(HEALTH)).get(case.get_absolute_url())
    assert reverse("case_chronology", args=[case.pk]) in response.content.decode()


@pytest.mark.parametrize("suffix", ["", ".csv", ".pdf"])
def test_it_answers_404_to_those_who_may_not_see_the_case(case, login, suffix):
    names = {"": "case_chronology", ".csv": "case_chronology_csv", ".pdf": "case_chronology_pdf"}
    school = login(user(SCHOOL))
    assert school.get(reverse(names[suffix], args=[case.pk])).status_code == 404
    restricted = make_case(agencies=("Police", "Health"), restricted_to=[user(HEALTH)])
    assert login(user(POLICE)).get(reverse(names[suffix], args=[restricted.pk])).status_code == 404
    assert login(user(HEALTH)).get(reverse(names[suffix], args=[restricted.pk])).status_code == 200
    assert school.get(reverse(names[suffix], args=[999999])).status_code == 404
    assert not AuditEvent.objects.filter(actor=user(SCHOOL), object_id=str(case.pk)).exists()


def test_it_answers_403_to_an_agency_admin_who_holds_no_case_role(case, login):
    response = login(user(POLICE_ADMIN)).get(reverse("case_chronology", args=[case.pk]))
    assert response.status_code == 403


def test_it_refuses_a_date_range_that_ends_before_it_starts_naming_the_field(case, login):
    client = login(user(POLICE))
    start, end = TODAY - timedelta(days=3), TODAY - timedelta(days=10)
    query = {
        "start-day": start.day,
        "start-month": start.month,
        "start-year": start.year,
        "end-day": end.day,
        "end-month": end.month,
        "end-year": end.year,
    }
    for name in ("case_chronology", "case_chronology_csv", "case_chronology_pdf"):
        response = client.get(reverse(name, args=[case.pk]), query)
        assert response.status_code == 400, name
        assert response["Content-Type"].startswith("text/html")
        assert "End date must be the same as or after the start date" in text(response)
    assert not AuditEvent.objects.filter(action="case.chronology_export").exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start-day": "31", "start-month": "2", "start-year": "2026"}, "Start date must be a real date."),
        ({"end-day": "1", "end-month": "2", "end-year": "26"}, "End date must include a year with 4 numbers"),
        ({"kind": "gossip"}, "Kinds of event: “gossip” is not one of the options."),
        ({"start": "yesterday"}, "Start date must be a real date, like 27 3 2026."),
        ({"order": "sideways"}, "Order must be oldest first or newest first."),
    ],
)
def test_it_refuses_other_bad_filters_with_a_message_naming_the_field(case, login, query, message):
    response = login(user(POLICE)).get(reverse("case_chronology", args=[case.pk]), query)
    assert response.status_code == 400
    assert message in text(response)


def test_it_filters_the_page_from_the_get_form(case, login):
    fill(case)
    response = login(user(POLICE)).get(reverse("case_chronology", args=[case.pk]), {"kind": ["nrm"], "order": "newest"})
    entries = response.context["entries"]
    assert kinds_of(entries) == {"nrm"} and len(entries) == 2
    assert entries[0].summary == "NRM reasonable grounds decision: positive."
    assert "2 events matching the filters" in text(response)


def test_it_says_so_when_nothing_matches_or_nothing_is_recorded(demo_data, login):
    referred = make_case(agencies=("Police",), status="referred")
    Concern.objects.filter(case=referred).delete()
    client = login(user(COORDINATOR))
    empty = text(client.get(reverse("case_chronology", args=[referred.pk])))
    assert "Nothing significant has been recorded on this case yet." in empty
    assert "Download as CSV" not in empty

    case = make_case(agencies=("Police",))
    none = text(client.get(reverse("case_chronology", args=[case.pk]), {"kind": "escalation"}))
    assert "No events match these filters." in none


# --- downloads -------------------------------------------------------------------------------------


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_downloads_the_filtered_chronology_as_csv_and_audits_it(case, login):
    fill(case)
    client = login(user(HEALTH))
    query = {"kind": ["concern", "missing"], "start": (TODAY - timedelta(days=25)).isoformat()}

    response = client.get(reverse("case_chronology_csv", args=[case.pk]), query)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{case.reference}-chronology-' in response["Content-Disposition"]
    table = rows(response)
    assert table[0] == ["Date", "Time", "Kind of event", "What happened", "Recorded by", "Agency"]
    # The fill's concern and episode (20 days ago), then the referral's concern (yesterday).
    assert [row[2] for row in table[1:]] == ["Concerns", "Missing episodes", "Concerns"]
    page = client.get(reverse("case_chronology", args=[case.pk]), query)
    assert [row[3] for row in table[1:]] == [e.summary for e in page.context["entries"]]
    event = AuditEvent.objects.get(action="case.chronology_export")
    assert (event.actor, event.child_id, event.object_id) == (user(HEALTH), case.child_id, str(case.pk))
    assert event.detail == {
        "format": "csv",
        "entries": 3,
        "kinds": ["concern", "missing"],
        "start": query["start"],
        "end": None,
    }


def test_it_downloads_the_chronology_as_a_real_pdf_and_audits_it(case, login):
    fill(case)
    response = login(user(POLICE)).get(reverse("case_chronology_pdf", args=[case.pk]), {"order": "newest"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith('.pdf"')
    event = AuditEvent.objects.get(action="case.chronology_export")
    assert (event.detail["format"], event.child_id) == ("pdf", case.child_id)


def test_it_lists_the_pdfs_events_in_its_text(case):
    """The PDF's rows are the page's: read them from the HTML it is printed from."""
    fill(case)
    entries = chronology.case_chronology(case, user(POLICE))
    html = pdf_html(case, entries, filters=["Oldest first"], printed_by=user(POLICE))
    assert case.child.full_name in html
    assert html.count("<tr>") == len(entries) + 1
    assert "Seen getting into a car with older men, number 0." in html


# --- queries ---------------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("email", [COORDINATOR, POLICE])
@pytest.mark.parametrize("name", ["case_chronology", "case_chronology_csv"])
def test_it_reads_the_chronology_in_the_same_number_of_queries_however_many_events(demo_data, login, email, name):
    few_case = make_case(agencies=("Police", "Health"), lead=user(POLICE))
    many_case = make_case(agencies=("Police", "Health"), lead=user(POLICE))
    fill(few_case, 2)
    fill(many_case, 20)
    for case in (few_case, many_case):
        action = Action.objects.filter(case=case).first()
        Action.objects.filter(pk=action.pk).update(status=ActionStatus.CANCELLED, cancel_reason="Not needed")
        audit(actor=user(COORDINATOR), action="action.cancel", obj=action, child_id=case.child_id)
        Attendance.objects.create(meeting=action.meeting, user=user(POLICE), agency=agency("Police"))
    client = login(user(email))

    few = _queries(client, reverse(name, args=[few_case.pk]))
    many = _queries(client, reverse(name, args=[many_case.pk]))

    assert many == few, f"{few} queries for 2 events of each kind, {many} for 20"
    assert len(chronology.case_chronology(many_case, user(email))) > 20 * 10
