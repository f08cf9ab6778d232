"""cases/templatetags/triage.py: the triage inbox's cards are the markup the template loop made (kept
below as the reference, REFERENCE): a new referral, a concern on an open case, a possible duplicate
as the coordinator and as a chair sees it, and what was typed escaped."""

import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from cases import selectors, services
from cases.models import Concern
from cases.templatetags.triage import triage_cards
from tests.cases import CHAIR, COORDINATOR, POLICE, category, log_referral, make_case, user

pytestmark = pytest.mark.django_db

# The triage inbox's loop as it was before the tag (templates/cases/triage_inbox.html, issue 14).
REFERENCE = """{% for concern in page.object_list %}
<div class="met-card">
  <h2 class="govuk-heading-s"><a class="govuk-link" href="{{ concern.case.get_absolute_url }}">{{ concern.case.child.full_name }}</a> – {{ concern.category.name }}
    {% if concern.case.status == "referred" %}<strong class="govuk-tag govuk-tag--blue">New referral</strong>{% else %}<strong class="govuk-tag govuk-tag--grey">On {{ concern.case.get_status_display|lower }} case {{ concern.case.reference }}</strong>{% endif %}</h2>
  <p class="govuk-body-s">Logged by {{ concern.logged_by.full_name }} ({{ concern.source_agency.short_name }}) on {{ concern.logged_at|date:"j M Y H:i" }}; happened {{ concern.observed_at|date:"j M Y H:i" }}.</p>
  <p class="govuk-body">{{ concern.description|truncatewords:60 }}</p>
  {% if concern.possible_duplicate_of %}<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>Possibly the same child as {{ concern.possible_duplicate_of.full_name }} (born {{ concern.possible_duplicate_of.date_of_birth|date:"j M Y" }}), whose record the person logging it cannot see. Check before opening a case.{% if user.is_coordinator %} <a class="govuk-link" href="{% url 'child_merge_compare' concern.case.child_id concern.possible_duplicate_of_id %}">Compare the two records</a>{% endif %}</strong></div>{% endif %}
  <div class="govuk-button-group">
  {% if concern.case.status == "referred" %}
    <a class="govuk-button" href="{% url 'case_open' concern.case.pk %}">Open a case</a>
    <a class="govuk-button govuk-button--secondary" href="{% url 'case_close' concern.case.pk %}">Close with a reason</a>
  {% else %}
    <form method="post" action="{% url 'concern_acknowledge' concern.pk %}">{% csrf_token %}<button class="govuk-button" type="submit">Add to the {{ concern.case.get_status_display|lower }} case</button></form>
  {% endif %}
  </div>
</div>
{% endfor %}"""


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize("email", [COORDINATOR, CHAIR])
def test_it_makes_the_markup_the_template_made(demo_data, email):
    viewer = user(email)
    referral = log_referral(user(POLICE), first_name="<b>New</b>", last_name="O'Kid & Co")
    known = make_case(first_name="Already", last_name="Known")
    Concern.objects.filter(case=referral).update(possible_duplicate_of=known.child)
    open_case = make_case(first_name="Open", last_name="Caseling")

    services.concern_log(
        actor=user(POLICE),
        child=open_case.child,
        category=category("cse"),
        observed_at=timezone.now(),
        description="Word " * 70,
    )
    rows = (
        selectors.untriaged_concerns(viewer)
        .select_related("case__child", "logged_by", "possible_duplicate_of")
        .order_by("logged_at")
    )
    concerns = selectors.with_related(rows, "category", "source_agency")
    context = {"user": viewer, "csrf_token": "token-value"}

    made = triage_cards(Context(context), concerns)
    reference = Template(REFERENCE).render(Context({**context, "page": {"object_list": concerns}}))

    assert _normal(made) == _normal(reference)
    assert "&lt;b&gt;New&lt;/b&gt; O&#x27;Kid &amp; Co" in made and "<b>New</b>" not in made
    assert "New referral" in made and "Add to the open case" in made
    assert ("Compare the two records" in made) is (email == COORDINATOR)
    assert "Word Word" in made and made.count("Word") == 60
