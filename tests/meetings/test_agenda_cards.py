# ruff: noqa: F811 - `people` is test_agenda's fixture, imported
"""meetings/templatetags/agenda_cards.py: the agenda page's item cards show what the template loop
showed (label and link, reference and risk, reason, slot, invitees, decisions, the running buttons),
escape what practitioners typed, and read decisions and invitations only for the items that have some."""

import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, RiskLevel
from meetings import services
from meetings.models import AgendaItem, Decision, DecisionKind, ItemInvitation, Meeting, Section
from tests.meetings.test_agenda import TODAY, make_case, people  # noqa: F401 - the fixture


@pytest.fixture
def meeting(people):
    meeting = Meeting.objects.create(
        date=TODAY + timedelta(days=2), chair=people["chair@example.org"], created_by=people["coordinator@example.org"]
    )
    services.statement_accept(actor=people["coordinator@example.org"], meeting=meeting)
    return meeting


def item(meeting, case, order, **fields):
    return AgendaItem.objects.create(
        meeting=meeting, case=case, section=Section.HIGH_RISK, order=order, reason="high risk", **fields
    )


def cards(page: str) -> list[str]:
    return re.findall(r'<li class="met-card">(.*?)</li>', page, flags=re.S)


def test_it_shows_each_items_facts_decisions_and_invitees(people, meeting, login):
    coordinator, police = people["coordinator@example.org"], people["practitioner.police@example.org"]
    case = make_case(people, "Carda")
    Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.HIGH)
    first = item(meeting, case, 1, slot=time(10, 30), added_by=coordinator, order_pinned=True)
    for text, withdrawn in (("Refer to <b>YOS</b>", None), ("Recorded in error", timezone.now())):
        Decision.objects.create(
            **{"meeting": meeting, "item": first, "case": case, "kind": DecisionKind.OTHER, "text": text},
            recorded_by=coordinator,
            withdrawn_at=withdrawn,
            withdrawn_by=coordinator if withdrawn else None,
        )
    ItemInvitation.objects.create(item=first, user=police, invited_by=coordinator)
    item(meeting, make_case(people, "Cardb"), 2)

    page = login(coordinator).get(meeting.get_absolute_url()).content.decode()

    one, two = cards(page)
    assert f'href="{meeting.get_absolute_url()}items/{first.pk}/">Carda Mossby</a>' in one
    assert f"{case.reference} · risk high" in one
    assert "Added by hand" in one and "Moved by hand" in one
    assert "High risk" in one  # the reason, capitalised
    assert "Slot 10:30" in one
    assert f"Invited: {police.full_name} ({police.agency.short_name})" in one
    assert "<strong>Decision:</strong> Refer to &lt;b&gt;YOS&lt;/b&gt;" in one
    assert "<strong>Decision (withdrawn):</strong> <del>Recorded in error</del>" in one
    assert "Added by hand" not in two and "Decision" not in two and "Invited" not in two


def test_it_offers_moves_within_a_section_and_escapes_names(people, meeting, login):
    coordinator = people["coordinator@example.org"]
    top = item(meeting, make_case(people, "<script>x</script>"), 1)
    item(meeting, make_case(people, "Middle"), 2)
    item(meeting, make_case(people, "Bottom"), 3)

    page = login(coordinator).get(meeting.get_absolute_url()).content.decode()

    first, middle, last = cards(page)
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt; Mossby" in first
    assert 'value="up"' not in first and 'value="down"' in first
    assert 'value="up"' in middle and 'value="down"' in middle
    assert 'value="up"' in last and 'value="down"' not in last
    assert f'action="{meeting.get_absolute_url()}items/{top.pk}/move/"' in first
    assert 'name="csrfmiddlewaretoken"' in first
    assert f'href="{meeting.get_absolute_url()}items/{top.pk}/remove/"' in first


def test_it_offers_no_running_buttons_once_signed_off_or_to_attendees(people, meeting, login):
    police = people["practitioner.police@example.org"]
    item(meeting, make_case(people, "Solo"), 1)
    services.attendance_set(actor=people["coordinator@example.org"], meeting=meeting, user=police, status="invited")
    services.statement_accept(actor=police, meeting=meeting)

    page = login(police).get(meeting.get_absolute_url()).content.decode()

    (card,) = cards(page)
    assert "Solo Mossby" in card
    assert "move/" not in card and "remove/" not in card


def test_it_reads_no_decisions_or_invitations_when_no_item_has_any(people, meeting, login):
    coordinator = people["coordinator@example.org"]
    for n in range(3):
        item(meeting, make_case(people, f"Q{n}"), n)
    client = login(coordinator)
    client.get(meeting.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        assert client.get(meeting.get_absolute_url()).status_code == 200
    # The items' query asks whether each has any (EXISTS); no query reads their rows.
    reads = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in reads if sql.startswith('SELECT "meetings_decision"."id"')]
    assert not [sql for sql in reads if sql.startswith('SELECT "meetings_iteminvitation"."id"')]
    assert any('FROM "meetings_decision"' in sql for sql in reads)  # the EXISTS, so the check is real
