"""Reassigning a person's open work (issue 20): the leavers with open work, one person's open work,
moving one item, and moving everything at once after a confirmation page.

Who may see and do it is met.access (work_owners_visible_to, work_receivers_for); what counts as open
work is meetings/open_work.py; the move is meetings.services.reassign. The coordinator sees each
child's name; an agency admin, who sees no case content by virtue of that role, sees case references
only (and not even that for a restricted case).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from meetings import open_work, services
from meetings.services.reassign import receive_problem
from met.access import get_work_owner_for_user, may_reassign_work, work_owners_visible_to, work_receivers_for
from met.audit import audit_list_page
from met.models import User

TEMPLATES = "meetings/reassign/"


class ReassignForm(forms.Form):
    # Here rather than meetings/forms.py: one small form that only these pages use.
    to = forms.ModelChoiceField(
        label="Who should take it on?",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={
            "required": "Choose who should take the work on.",
            "invalid_choice": "Choose one of the people listed: they are the ones who could take this work on.",
        },
    )

    def __init__(self, *args, actor: User, from_user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Colleagues from the same agency first: usually the right person.
        same_first = SqlCase(
            When(agency_id=from_user.agency_id, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        self.fields["to"].queryset = (
            work_receivers_for(actor, from_user)
            .annotate(other_agency=same_first)
            .order_by("other_agency", "agency__short_name", "full_name", "pk")
        )
        self.fields["to"].label_from_instance = lambda u: (
            f"{u.full_name} ({u.agency.short_name}{f', {u.job_title}' if u.job_title else ''})"
        )


def _context(request, owner: User, **extra) -> dict:
    return {"owner": owner, "show_child": request.user.is_coordinator, **extra}


def _audit_work(request, work: open_work.OpenWork) -> None:
    cases = work.cases + [a.case for a in work.actions if a.case_id] + [f.case for f in work.feedback]
    audit_list_page(actor=request.user, kind="open_work", child_ids=[c.child_id for c in cases], request=request)


class PersonForm(forms.Form):
    person = forms.ModelChoiceField(
        label="Someone else’s work",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        help_text="Anyone still working whose actions or cases need to move, for example on a long absence.",
        error_messages={
            "required": "Choose whose work to see.",
            "invalid_choice": "Choose one of the people listed.",
        },
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            work_owners_visible_to(actor).filter(is_active=True).order_by("agency__short_name", "full_name", "pk")
        )
        self.fields["person"].label_from_instance = lambda u: f"{u.full_name} ({u.agency.short_name})"


@login_required
@require_safe
def open_work_index(request):
    """People who have left and still own open work: the coordinator's across agencies, an agency
    admin's in theirs; and a way to any other person's work (?person=)."""
    if not may_reassign_work(request.user):
        raise PermissionDenied("Only the MET coordinator and agency admins reassign work.")
    form = PersonForm(request.GET if "person" in request.GET else None, actor=request.user)
    if form.is_bound and form.is_valid():
        return redirect("open_work", pk=form.cleaned_data["person"].pk)
    leavers = work_owners_visible_to(request.user).filter(is_active=False)
    found = open_work.counts(leavers.values("pk"), viewer=request.user)
    people = [
        (person, found[person.pk])
        for person in User.objects.filter(pk__in=list(found)).select_related("agency").order_by("full_name", "pk")
    ]
    return render(
        request, TEMPLATES + "index.html", {"people": people, "form": form}, status=400 if form.errors else 200
    )


def _render_work(request, owner: User, *, form=None, status: int = 200):
    work = open_work.open_work_of(owner, viewer=request.user)
    _audit_work(request, work)
    form = form or ReassignForm(actor=request.user, from_user=owner)
    return render(request, TEMPLATES + "open_work.html", _context(request, owner, work=work, form=form), status=status)


@login_required
@require_safe
def open_work_page(request, pk: int):
    owner = get_work_owner_for_user(request.user, pk)
    return _render_work(request, owner)


def _plan(work: open_work.OpenWork, to_user: User) -> tuple[list, list]:
    """What would move to to_user and what would stay (with why), item by item, as the move would judge it."""
    leads_moving = frozenset(c.pk for c in work.cases if receive_problem(open_work.LEAD, c, to_user) is None)
    moving, staying = [], []
    for kind, items in (
        (open_work.LEAD, work.cases),
        (open_work.ACTION, work.actions),
        (open_work.FEEDBACK, work.feedback),
    ):
        for obj in items:
            problem = receive_problem(kind, obj, to_user, leads_moving=leads_moving)
            entry = {"kind": kind, "obj": obj, "key": f"{kind}:{obj.pk}", "problem": problem}
            (staying if problem else moving).append(entry)
    return moving, staying


@login_required
@require_http_methods(["GET", "POST"])
def open_work_reassign_all(request, pk: int):
    """GET ?to=: the confirmation page (what moves, what stays and why); POST: the move."""
    owner = get_work_owner_for_user(request.user, pk)
    data = request.POST if request.method == "POST" else request.GET
    # Bound even when empty: the page is for a chosen person, and says so if none was chosen.
    form = ReassignForm(data, actor=request.user, from_user=owner)
    if not form.is_valid():
        return _render_work(request, owner, form=form, status=400)
    to_user = form.cleaned_data["to"]
    if request.method == "POST":
        try:
            moved = services.open_work_reassign(
                actor=request.user,
                from_user=owner,
                to_user=to_user,
                items=request.POST.getlist("items"),
                request=request,
            )
        except services.WorkChanged as error:
            return _confirm(request, owner, form, to_user, error=" ".join(error.messages), status=409)
        except ValidationError as error:
            return _confirm(request, owner, form, to_user, error=" ".join(error.messages), status=400)
        remaining = open_work.open_work_of(owner, viewer=request.user).total
        messages.success(
            request,
            f"Reassigned to {to_user.full_name}, who has been told: {moved.summary()}."
            + (
                f" {remaining} item{'s' if remaining != 1 else ''} of {owner.full_name}'s still to reassign."
                if remaining
                else ""
            ),
        )
        return redirect("open_work", pk=owner.pk)
    return _confirm(request, owner, form, to_user)


def _confirm(request, owner, form, to_user, *, error: str = "", status: int = 200):
    work = open_work.open_work_of(owner, viewer=request.user)
    _audit_work(request, work)
    moving, staying = _plan(work, to_user)
    return render(
        request,
        TEMPLATES + "confirm_all.html",
        _context(request, owner, form=form, to_user=to_user, moving=moving, staying=staying, error=error),
        status=status,
    )


# kind → (the service's argument, the service, the person's open work of that kind, what the page shows)
ITEM_SERVICES = {
    open_work.ACTION: (
        "action",
        services.action_reassign,
        open_work.open_actions,
        ("case__child", "case__lead_agency"),
    ),
    open_work.LEAD: ("case", services.lead_professional_reassign, open_work.led_cases, ("child", "lead_agency")),
    open_work.FEEDBACK: (
        "feedback",
        services.feedback_reassign,
        open_work.feedback_owed,
        ("case__child", "case__lead_agency", "meeting"),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def open_work_reassign_item(request, pk: int, kind: str, item_pk: int):
    """One action, lead role or feedback record of the person's: 404 for anything that is not their open work."""
    owner = get_work_owner_for_user(request.user, pk)
    if kind not in ITEM_SERVICES:
        raise Http404("No such kind of work.")
    argument, service, queryset, related = ITEM_SERVICES[kind]
    item = queryset([owner.pk], viewer=request.user).select_related(*related).filter(pk=item_pk).first()
    if item is None:
        raise Http404("That is not open work of this person's.")
    form = ReassignForm(request.POST or None, actor=request.user, from_user=owner)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            to_user = form.cleaned_data["to"]
            try:
                service(actor=request.user, from_user=owner, to_user=to_user, request=request, **{argument: item})
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
                status = 409 if isinstance(error, services.WorkChanged) else 400
            else:
                messages.success(
                    request,
                    f"Reassigned to {to_user.full_name}, who has been told. It is no longer {owner.full_name}'s.",
                )
                return redirect("open_work", pk=owner.pk)
        else:
            status = 400
    case = item if kind == open_work.LEAD else item.case
    if case is not None:
        audit_list_page(actor=request.user, kind="open_work", child_ids=[case.child_id], request=request)
    return render(
        request,
        TEMPLATES + "item.html",
        _context(request, owner, kind=kind, item=item, form=form, back=reverse("open_work", args=[owner.pk])),
        status=status,
    )
