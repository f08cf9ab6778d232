"""The problem profile page and its CSV (issue 18, part 5). The network and its rules are
meetings/profile.py; here only who may ask, for which dates, and what is read.

Whoever holds a case role may open it, as the registers: it is built from the cases they may see
(cases_visible_to), so a coordinator or chair sees the whole network and a practitioner the part their
children form. A child they may not see is not drawn, named or counted: their register pages do not
reveal such children either ("None that you can see"), so there is nowhere they may know one exists.
Every child shown is a read of that child: one audit event each, written in one insert as the agenda and
the register pages write theirs, so that it shows in "who accessed this record".
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cases.access import cases_visible_to
from cases.chronology import range_problem
from cases.views.chronology import ChronologyFilterForm
from meetings import profile
from met.access import require_case_role
from met.areas import area_ids
from met.audit import client_ip, insert_events
from met.csv import csv_response
from met.form_errors import Form
from met.models import Area

CSV_HEADER = (
    "Section",
    "Group",
    "Kind",
    "Name",
    "Case reference",
    "Children linked",
    "This period",
    "Previous period",
    "Change",
)

# The drawing's key: each kind's shape (as templates/meetings/_profile_shape.html draws it) and each
# kind of link's line (as the template dashes it), named for those who do not see them.
KEY_SHAPES = (
    (profile.CHILD, "Circle"),
    (profile.PERSON, "Square"),
    (profile.PLACE, "Diamond"),
    (profile.LOCATION, "Triangle"),
)
KEY_LINES = (
    ("", "Solid line", "Linked in the register"),
    ("8 4", "Dashed line", "Went missing at the same time"),
    ("2 4", "Dotted line", "Found at the same place after going missing"),
)


class ProfileForm(Form):
    # Here rather than meetings/forms.py: one small form that only these pages use. The dates are the
    # chronology's, with the same boxes, messages and range check.
    start = ChronologyFilterForm.base_fields["start"]
    end = ChronologyFilterForm.base_fields["end"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Someone who acts in several areas (a chair of both, issue 18) may look at one area's network.
        areas = sorted(area_ids(user)) if user is not None else []
        if len(areas) > 1:
            self.fields["area"] = forms.ModelChoiceField(
                label="Area",
                required=False,
                queryset=Area.objects.filter(pk__in=areas),
                empty_label="All your areas",
                error_messages={"invalid_choice": "Choose one of your areas."},
            )

    def clean(self):
        cleaned = super().clean()
        problem = range_problem(cleaned.get("start"), cleaned.get("end"))
        if problem:
            self.add_error("end", problem)
        return cleaned

    def period(self) -> profile.Period:
        data = self.cleaned_data if self.is_bound else {}
        return profile.period_from(data.get("start"), data.get("end"), timezone.localdate())


def _profile(request) -> tuple[ProfileForm, profile.Profile | None]:
    """The filter form, and the network of the cases the viewer sees in the period asked for (None when the
    dates are wrong). The form is bound only when dates were sent, as one ISO value or GOV.UK date boxes."""
    require_case_role(request.user)
    asked = {"start", "end", "area"} & {key.split("-")[0] for key in request.GET}
    form = ProfileForm(request.GET if asked else None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, None
    cases = cases_visible_to(request.user)
    area = form.cleaned_data.get("area") if form.is_bound else None
    if area is not None:
        cases = cases.filter(area=area)
    return form, profile.build_profile(cases, form.period())


def _audit(request, action: str, result: profile.Profile, child_ids) -> None:
    """One event per child shown, naming the period (the profile is no record of its own)."""
    period = f"{result.period.start:%Y-%m-%d}/{result.period.end:%Y-%m-%d}"
    insert_events(
        actor=request.user,
        ip_address=client_ip(request),
        via_api=False,
        rows=[(action, "meetings.problem_profile", period, child_id, None) for child_id in sorted(set(child_ids))],
    )


def _bad_dates(request, form: ProfileForm):
    return render(request, "meetings/profile.html", {"form": form, "result": None}, status=400)


@login_required
@require_safe
def problem_profile(request):
    form, result = _profile(request)
    if result is None:
        return _bad_dates(request, form)
    drawing = profile.draw(result)
    # The page names the children of the groups it draws and lists; the rest are in the CSV.
    _audit(request, "problem_profile.view", result, drawing.child_ids)
    return render(
        request,
        "meetings/profile.html",
        {
            "form": form,
            "result": result,
            "drawing": drawing,
            "query": request.GET.urlencode(),
            "max_nodes": profile.MAX_DRAWN_NODES,
            "kinds": [(kind, shape, profile.KIND_LABELS[kind]) for kind, shape in KEY_SHAPES],
            "lines": KEY_LINES,
        },
    )


def csv_rows(result: profile.Profile) -> list[list]:
    """The page's tables in one sheet: the month-on-month figures, every group's members, the top lists."""
    rows: list[list] = [
        ["Change", "", "", label, "", "", now, before, change] for label, now, before, change in result.changes
    ]
    for group in result.groups:
        rows += [
            [
                "Group member",
                group.number,
                member.kind_label,
                member.name,
                member.reference,
                "" if member.kind == profile.CHILD else member.children,
                "",
                "",
                "",
            ]
            for member in group.members
        ]
    for section, members in (
        ("Top person of concern", result.top_persons),
        ("Top place of concern", result.top_places),
        ("Top shared missing location", result.top_locations),
    ):
        rows += [[section, m.group, m.kind_label, m.name, "", m.children, "", "", ""] for m in members]
    return rows


@login_required
@require_safe
def problem_profile_csv(request):
    form, result = _profile(request)
    if result is None:
        return _bad_dates(request, form)
    _audit(request, "problem_profile.download_csv", result, result.child_ids)
    period = result.period
    return csv_response(
        f"problem-profile-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.csv", CSV_HEADER, csv_rows(result)
    )
