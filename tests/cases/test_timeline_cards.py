"""cases/templatetags/timeline.py: the case page's timeline cards are the markup the template loop made
(kept below as the reference, REFERENCE), for every kind of event and its variants, and its dates are
the date filter's."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from cases import selectors, services
from cases.models import Case
from cases.templatetags.timeline import _when, timeline_cards
from meetings.escalation import LEVEL_1
from meetings.models import Action, ActionStatus, AgendaItem, Decision, DecisionKind, Meeting, Section
from met.models import Reminder
from tests.cases import COORDINATOR, POLICE, add_episode, make_case, user

pytestmark = pytest.mark.django_db

# The case page's timeline loop as it was before the tag (templates/cases/case_detail.html, issue 14).
REFERENCE = """{% load i18n %}{% for item in timeline %}
  <li class="met-card">
  {% if item.kind == "concern" %}
    <h3 class="govuk-heading-s">Concern: {{ item.obj.category.name }} <span class="govuk-body-s">– {{ item.at|date:"j M Y H:i" }}</span></h3>
    <p class="govuk-body-s">Logged by {{ item.obj.logged_by.full_name }} ({{ item.obj.source_agency.short_name }})</p>
    <p class="govuk-body">{{ item.obj.description|truncatewords:80 }} <a class="govuk-link" href="{% url 'concern_detail' item.obj.pk %}">Read the concern</a></p>
  {% elif item.kind == "missing" %}
    <h3 class="govuk-heading-s">{% if item.obj.kind == "missing" %}Missing{% else %}Absent{% endif %} episode <span class="govuk-body-s">– {{ item.at|date:"j M Y H:i" }}</span></h3>
    <p class="govuk-body">{% if item.obj.returned_at %}Returned {{ item.obj.returned_at|date:"j M Y H:i" }}{% if item.obj.where_found %}, found at {{ item.obj.where_found }}{% endif %}.{% else %}<strong>Still missing.</strong>{% endif %}
      {% if item.obj.reported_to_police %}Reported to police{% if item.obj.police_reference %} ({{ item.obj.police_reference }}){% endif %}.{% endif %}</p>
    {% if item.rhi.status != "not_applicable" %}<p class="govuk-body">Return home interview: <strong class="govuk-tag {% if item.rhi.status == 'overdue' %}govuk-tag--red{% elif item.rhi.status == 'due' %}govuk-tag--yellow{% else %}govuk-tag--green{% endif %}">{{ item.rhi.label }}</strong>{% if item.rhi.status == "due" or item.rhi.status == "overdue" %} (due by {{ item.rhi.due_at|date:"j M Y H:i" }}){% endif %}</p>{% endif %}
    {% if may_change %}<p class="govuk-body-s"><a class="govuk-link" href="{% url 'episode_edit' item.obj.pk %}">Update this episode<span class="govuk-visually-hidden"> from {{ item.at|date:"j M Y" }}</span></a></p>{% endif %}
  {% elif item.kind == "decision" %}
    <h3 class="govuk-heading-s">MEOG decision: {{ item.obj.get_kind_display|lower }} <span class="govuk-body-s">– {{ item.obj.meeting }}</span></h3>
    <p class="govuk-body">{{ item.obj.text }}</p>
  {% elif item.kind == "action" %}
    <h3 class="govuk-heading-s">Action for {{ item.obj.owner.display_name }} ({{ item.obj.owner_agency.short_name }}) <span class="govuk-body-s">– set {{ item.at|date:"j M Y" }}{% if item.obj.meeting %} at {{ item.obj.meeting }}{% endif %}</span></h3>
    <p class="govuk-body"><a class="govuk-link" href="{{ item.obj.get_absolute_url }}">{{ item.obj.description }}</a> – due {{ item.obj.due_date|date:"j M Y" }}
      {% if item.obj.status == "open" %}{% if item.overdue %}<strong class="govuk-tag govuk-tag--red">Overdue{% if item.escalation %}, {{ item.escalation }}{% endif %}</strong>{% else %}<strong class="govuk-tag govuk-tag--blue">Open</strong>{% endif %}{% else %}<strong class="govuk-tag govuk-tag--grey">{{ item.obj.get_status_display }}</strong>{% endif %}</p>
  {% elif item.kind == "note" %}
    <h3 class="govuk-heading-s">Note by {{ item.obj.author.full_name|default:"MET Hub" }} <span class="govuk-body-s">– {{ item.at|date:"j M Y H:i" }}</span></h3>
    <p class="govuk-body">{{ item.obj.text|linebreaksbr }}</p>
  {% endif %}
  </li>
{% endfor %}"""


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.fixture
def case(demo_data):
    coordinator, police = user(COORDINATOR), user(POLICE)
    case = make_case(agencies=("Police",), last_name="Cardhistory")
    add_episode(case, kind="missing", days_ago=2, returned_at=None, reported_to_police=True, police_reference="P/1")
    add_episode(case, kind="missing", days_ago=200, where_found="Bus <station> & café")  # interview overdue
    add_episode(case, kind="absent", days_ago=5, rhi_completed_at=timezone.now() - timedelta(days=4))
    services.case_note_add(actor=coordinator, case=case, text="First line & <second>\nThird line")
    meeting = Meeting.objects.create(date=timezone.localdate(), chair=user("chair@example.org"), created_by=coordinator)
    item = AgendaItem.objects.create(meeting=meeting, case=case, section=Section.HIGH_RISK, reason="high risk")
    Decision.objects.create(
        meeting=meeting, item=item, case=case, kind=DecisionKind.OTHER, text="Refer <now>", recorded_by=coordinator
    )
    today = timezone.localdate()
    for description, due, status, where in (
        ("Overdue & escalated", today - timedelta(days=20), ActionStatus.OPEN, meeting),
        ("Still open", today + timedelta(days=3), ActionStatus.OPEN, None),
        ("All done", today - timedelta(days=3), ActionStatus.DONE, meeting),
    ):
        owned = {"case": case, "owner": police, "owner_agency": police.agency, "created_by": coordinator}
        action = Action.objects.create(**owned, description=description, due_date=due, status=status, meeting=where)
        if description.startswith("Overdue"):
            Reminder.objects.create(
                kind="action", object_type="meetings.action", object_id=action.pk, key=LEVEL_1, recipient=police
            )
    return case


@pytest.mark.parametrize("may_change", [True, False])
def test_it_makes_the_markup_the_template_made_for_every_kind(case, may_change):
    read = Case.objects.select_related("child").get(pk=case.pk)
    timeline = selectors.case_page_timeline(read, timezone.now())["timeline"]
    assert {item["kind"] for item in timeline} == {"concern", "missing", "note", "decision", "action"}

    made = timeline_cards(timeline, may_change)
    reference = Template(REFERENCE).render(Context({"timeline": timeline, "may_change": may_change}))

    assert _normal(made) == _normal(reference)
    assert "Bus &lt;station&gt; &amp; café" in made and "First line &amp; &lt;second&gt;<br>Third line" in made
    assert "Overdue, escalated" in made and ("Update this episode" in made) is may_change


def test_it_writes_dates_as_the_date_filter_does_in_local_time():
    reference = Template('{{ at|date:"j M Y H:i" }}|{{ at|date:"j M Y" }}|{{ day|date:"j M Y" }}')
    for month in range(1, 13):
        # Noon UTC in every month: 13:00 in British Summer Time, 12:00 outside it.
        at = datetime(2026, month, 9, 12, 5, tzinfo=timezone.get_fixed_timezone(0))
        day = date(2026, month, 28)
        expected = reference.render(Context({"at": at, "day": day}))
        assert f"{_when(at)}|{_when(at, with_time=False)}|{_when(day)}" == expected
