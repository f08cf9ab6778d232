"""Shared helpers for the cases tests: build children and cases through the services, as in real life.

Every case is made the way the app makes one (a concern logged, the coordinator opening it and
involving agencies), so guardian permissions are granted exactly as they are for real users.
"""

import html
import itertools
import re
from datetime import date, datetime, timedelta

from django import forms
from django.utils import timezone

from cases import services
from cases.models import Case, CaseStatus, Category, ClosureReason, MissingEpisode
from met.models import Agency, User
from met.widgets import GovukDateInput

COORDINATOR = "coordinator@example.org"
CHAIR = "chair@example.org"
POLICE = "practitioner.police@example.org"
HEALTH = "practitioner.health@example.org"
SCHOOL = "practitioner.school@example.org"
POLICE_ADMIN = "admin.police@example.org"
SYSADMIN = "sysadmin@example.org"

_numbers = itertools.count(1)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _unique_word(n: int) -> str:
    """Letters only, so that no generated name is a substring of another ('Kid b' vs 'Kid ba')."""
    word = ""
    while True:
        n, r = divmod(n, len(_LETTERS))
        word = _LETTERS[r] + word
        if n == 0:
            return word + "z"


def user(email: str) -> User:
    return User.objects.select_related("agency").get(email=email)


def agency(short_name: str) -> Agency:
    return Agency.objects.get(short_name=short_name)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def text(response) -> str:
    return html.unescape(response.content.decode())


def local_input(value: datetime) -> str:
    """How a browser's datetime-local field sends a time: local, to the minute."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def child_data(**fields) -> dict:
    n = next(_numbers)
    data = {
        "first_name": "Testkid",
        "last_name": "Family" + _unique_word(n).capitalize(),
        "known_as": "",
        "date_of_birth": date(2011, 1, 1) + timedelta(days=n),
        "gender": "not_known",
        "ethnicity": "not_known",
    }
    data.update(fields)
    return data


def log_referral(logger: User | None = None, *, category_code: str = "cse", **child) -> Case:
    """A concern about a new child: a referred case, waiting for triage."""
    logger = logger or user(COORDINATOR)
    concern = services.concern_log(
        actor=logger,
        category=category(category_code),
        observed_at=timezone.now() - timedelta(days=1),
        description="Seen with older youths near the station late at night.",
        new_child=child_data(**child),
    )
    return concern.case


def make_case(
    logger: User | None = None,
    *,
    agencies=("Police", "Health"),
    lead_agency: str | None = None,
    lead: User | None = None,
    restricted_to=(),
    status: str = CaseStatus.OPEN,
    category_code: str = "cse",
    risk_level: str | None = None,
    **child,
) -> Case:
    """A case made as the app makes one. The coordinator logs it unless `logger` is given.

    `agencies` are short names; the first is the lead agency unless `lead_agency` says otherwise.
    """
    coordinator = user(COORDINATOR)
    case = log_referral(logger or coordinator, category_code=category_code, **child)
    if status == CaseStatus.REFERRED:
        return Case.objects.get(pk=case.pk)
    involved = [agency(name) for name in agencies]
    services.case_open(
        actor=coordinator,
        case=case,
        lead_agency=agency(lead_agency) if lead_agency else involved[0],
        lead_professional=lead,
        agencies_involved=involved,
        categories=[category(category_code)],
    )
    case = Case.objects.get(pk=case.pk)
    if restricted_to:
        services.case_update(
            actor=coordinator,
            case=case,
            expected_version=case.version,
            seen=None,
            is_restricted=True,
            restricted_to=list(restricted_to),
        )
    if risk_level:
        # The risk assessment issue sets this; for now it is a plain field.
        Case.objects.filter(pk=case.pk).update(risk_level=risk_level)
    if status == CaseStatus.CLOSED:
        services.case_close(actor=coordinator, case=case, reason=ClosureReason.RISK_REDUCED)
    return Case.objects.select_related("child").get(pk=case.pk)


def add_episode(case: Case, *, actor: User | None = None, days_ago: float = 10, hours_away: float = 8, **fields):
    went = timezone.now() - timedelta(days=days_ago)
    data = {
        "kind": "missing",
        "went_missing_at": went,
        "returned_at": went + timedelta(hours=hours_away),
        "reported_to_police": False,
        "police_reference": "",
        "where_found": "",
        "rhi_offered_at": None,
        "rhi_completed_at": None,
        "rhi_by": "",
        "rhi_declined": False,
    }
    data.update(fields)
    return services.missing_episode_record(actor=actor or user(COORDINATOR), case=case, **data)


def episode(pk: int) -> MissingEpisode:
    return MissingEpisode.objects.get(pk=pk)


def form_data(form) -> dict:
    """What a browser would send back for a form as rendered (unchanged)."""
    data = {}
    for name in form.fields:
        bound = form[name]
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, GovukDateInput):
            # The GOV.UK date input's boxes: <name>-day, -month, -year (and -time).
            for part, typed in widget.format_value(value).items():
                data[f"{bound.html_name}-{part}"] = typed
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.SelectMultiple):
            data[bound.html_name] = [str(v) for v in value or []]
        elif value is None:
            data[bound.html_name] = ""
        else:
            data[bound.html_name] = widget.format_value(value) or ""
    return data


def hidden_value(page: str, name: str) -> str:
    """The value of a hidden input, read from the HTML the browser received."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no {name} field in the page"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    assert value, f"the {name} field has no value"
    return html.unescape(value.group(1))


def main_content(response) -> str:
    """The page's <main> element: what it says, without per-request tokens in the header."""
    match = re.search(r"<main[^>]*>(.*)</main>", text(response), re.S)
    assert match, "no <main> in the page"
    return match.group(1)
