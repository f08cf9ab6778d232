"""The issue's story, through the browser's eyes: log, triage, involve, see, go missing, audit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseStatus, Category, Child, Concern
from met.models import AuditEvent, Notification


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def concern_post(**child):
    data = {
        "child-first_name": "Poppy",
        "child-last_name": "Quillfield",
        "child-date_of_birth": "2011-05-04",
        "child-gender": "female",
        "child-ethnicity": "not_known",
        "concern-category": Category.objects.get(code="cse").pk,
        "concern-observed_at": _local(timezone.now() - timedelta(hours=3)),
        "concern-description": "Seen getting into a car with an older man outside school.",
    }
    data.update({f"child-{k}": v for k, v in child.items()})
    return data


@pytest.mark.django_db(transaction=False)
def test_it_carries_a_concern_from_logging_to_an_involved_agency(demo_data, login, django_capture_on_commit_callbacks):
    police, health, school = (demo_data[f"practitioner.{a}@example.org"] for a in ("police", "health", "school"))
    coordinator = demo_data["coordinator@example.org"]

    # A police officer logs a concern about a child MET Hub does not know yet.
    with django_capture_on_commit_callbacks(execute=True):
        response = login(police).post(reverse("concern_log"), concern_post())
    assert response.status_code == 302
    concern = Concern.objects.get()
    case = concern.case
    assert case.status == CaseStatus.REFERRED
    assert case.child.full_name == "Poppy Quillfield"

    # It waits in the coordinator's triage inbox.
    coord = login(coordinator)
    assert "Poppy Quillfield" in coord.get(reverse("triage_inbox")).content.decode()

    # The coordinator opens the case with CSC leading and Health involved.
    csc = coordinator.agency
    with django_capture_on_commit_callbacks(execute=True):
        response = coord.post(
            reverse("case_open", args=[case.pk]),
            {
                "lead_agency": csc.pk,
                "lead_professional": demo_data["manager.csc@example.org"].pk,
                "agencies_involved": [health.agency.pk],
                "categories": [concern.category_id],
            },
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert "Poppy Quillfield" not in coord.get(reverse("triage_inbox")).content.decode()

    # The police officer is told, in the app and by email: the outcome, not the case, which Police do not work on.
    note = Notification.objects.get(recipient=police)
    assert "has opened a case for the concern you logged" in note.body
    assert case.reference not in note.body
    assert [m.to for m in mail.outbox] == [[police.email]]
    police_client = login(police)
    assert (
        "opened a case for this concern"
        in police_client.get(reverse("concern_detail", args=[concern.pk])).content.decode()
    )

    # Health now sees the case; the school and the police officer who referred it get a 404, as for a
    # case that does not exist (DESIGN §3: the referrer follows their concern, not the case).
    assert login(health).get(case.get_absolute_url()).status_code == 200
    assert login(school).get(case.get_absolute_url()).status_code == 404
    assert police_client.get(case.get_absolute_url()).status_code == 404

    # Three missing episodes in 90 days make the child frequently missing.
    health_client = login(health)
    for days_ago in (40, 20, 2):
        # Noon, so that ten hours later never falls in the hour the clocks go back (ambiguous in London).
        went = timezone.localtime().replace(hour=12, minute=0) - timedelta(days=days_ago)
        response = health_client.post(
            reverse("episode_create", args=[case.pk]),
            {"kind": "missing", "went_missing_at": _local(went), "returned_at": _local(went + timedelta(hours=10))},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.is_frequent_missing
    assert "Frequent missing" in health_client.get(case.get_absolute_url()).content.decode()

    # All of it is in the audit trail for this child.
    actions = set(AuditEvent.objects.filter(child_id=case.child_id).values_list("action", flat=True))
    assert {
        "child.create",
        "case.refer",
        "concern.create",
        "case.open",
        "case.view",
        "missing_episode.create",
        "case.flag_frequent_missing",
    } <= actions
    viewers = set(
        AuditEvent.objects.filter(child_id=case.child_id, action="case.view").values_list("actor__email", flat=True)
    )
    assert health.email in viewers
    assert school.email not in viewers


@pytest.mark.django_db
def test_it_warns_of_a_possible_duplicate_and_lets_the_practitioner_pick_it(demo_data, login):
    police = demo_data["practitioner.police@example.org"]
    first = login(police).post(reverse("concern_log"), concern_post())
    assert first.status_code == 302
    existing = Child.objects.get()
    # Offered only once Police work on the child's case: a referrer alone does not see it.
    _open_with(demo_data, existing.cases.get(), police.agency)

    response = login(police).post(reverse("concern_log"), concern_post(first_name="Popy"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Is this one of these children?" in page
    assert Child.objects.count() == 1  # nothing created until they choose

    response = login(police).post(
        reverse("concern_log"), {**concern_post(first_name="Popy"), "duplicate-choice": str(existing.pk)}
    )
    assert response.status_code == 302
    assert Child.objects.count() == 1
    assert Concern.objects.filter(case__child=existing).count() == 2


def _open_with(demo_data, case, agency):
    from cases import services

    services.case_open(
        actor=demo_data["coordinator@example.org"],
        case=case,
        lead_agency=agency,
        lead_professional=None,
        agencies_involved=[agency],
        categories=list(case.categories.all()),
    )


@pytest.mark.django_db
def test_it_creates_a_new_child_when_the_practitioner_says_it_is_someone_else(demo_data, login):
    police = demo_data["practitioner.police@example.org"]
    login(police).post(reverse("concern_log"), concern_post())
    response = login(police).post(
        reverse("concern_log"), {**concern_post(first_name="Popy"), "duplicate-choice": "new"}
    )
    assert response.status_code == 302
    assert Child.objects.count() == 2


@pytest.mark.django_db
def test_it_never_shows_a_match_the_practitioner_cannot_see_but_flags_it_for_triage(demo_data, login):
    police, school = demo_data["practitioner.police@example.org"], demo_data["practitioner.school@example.org"]
    login(police).post(reverse("concern_log"), concern_post())
    hidden = Child.objects.get()

    response = login(school).post(reverse("concern_log"), concern_post(first_name="Popy"))
    assert response.status_code == 302  # no choice offered: the school cannot see the first record
    new_concern = Concern.objects.get(logged_by=school)
    assert new_concern.possible_duplicate_of == hidden
    page = login(demo_data["coordinator@example.org"]).get(reverse("triage_inbox")).content.decode()
    assert "Possibly the same child as" in page


@pytest.mark.django_db
def test_it_closes_a_referral_at_triage_and_tells_the_practitioner(
    demo_data, login, django_capture_on_commit_callbacks
):
    police = demo_data["practitioner.police@example.org"]
    login(police).post(reverse("concern_log"), concern_post())
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(demo_data["coordinator@example.org"]).post(
            reverse("case_close", args=[case.pk]), {"reason": "nfa"}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (CaseStatus.CLOSED, "nfa")
    assert Notification.objects.filter(recipient=police, subject__contains="reviewed").exists()
    assert Child.objects.count() == 1  # closing deletes nothing


@pytest.mark.django_db
def test_it_adds_a_new_concern_on_an_open_case_to_that_case(demo_data):
    police = demo_data["practitioner.police@example.org"]
    coordinator = demo_data["coordinator@example.org"]
    category = Category.objects.get(code="cce")
    first = services.concern_log(
        actor=police,
        new_child={"first_name": "Kai", "last_name": "Mossgate"},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    services.case_open(
        actor=coordinator,
        case=first.case,
        lead_agency=coordinator.agency,
        lead_professional=None,
        agencies_involved=[police.agency],
        categories=[category],
    )
    second = services.concern_log(
        actor=police, child=first.case.child, category=category, observed_at=timezone.now(), description="again"
    )
    assert second.case == first.case
    services.concern_acknowledge(actor=coordinator, concern=second)
    second.refresh_from_db()
    assert second.outcome == "added_to_case"


@pytest.mark.django_db
def test_it_keeps_change_history_with_before_and_after(demo_data):
    from auditlog.models import LogEntry

    police = demo_data["practitioner.police@example.org"]
    coordinator = demo_data["coordinator@example.org"]
    category = Category.objects.get(code="cce")
    concern = services.concern_log(
        actor=police,
        new_child={"first_name": "Kai", "last_name": "Mossgate"},
        category=category,
        observed_at=timezone.now(),
        description="x",
    )
    child = concern.case.child
    services.child_update(
        actor=coordinator, child=child, expected_version=child.version, seen=None, school="Example Academy"
    )
    entry = LogEntry.objects.get_for_object(child).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.changes_dict["school"] == ["", "Example Academy"]


@pytest.mark.django_db
def test_it_shows_chairs_who_accessed_a_record(demo_data, login):
    police = demo_data["practitioner.police@example.org"]
    login(police).post(reverse("concern_log"), concern_post())
    case = Case.objects.get()
    login(police).get(case.get_absolute_url())
    page = login(demo_data["chair@example.org"]).get(reverse("case_access_log", args=[case.pk])).content.decode()
    assert police.full_name in page
    assert "case.view" in page
    sysadmin_page = login(demo_data["sysadmin@example.org"]).get(reverse("case_access_log", args=[case.pk]))
    assert sysadmin_page.status_code == 200
    assert "Poppy" not in sysadmin_page.content.decode()  # who accessed it, not what is in it
