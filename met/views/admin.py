"""Account and agency management for agency admins and system admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from met import areas as met_areas
from met import notifications, open_work, services
from met.access import agencies_visible_to, get_agency_for_admin, get_user_for_admin, users_visible_to
from met.forms import (
    AgencyEditForm,
    AgencyForm,
    AreaEditForm,
    AreaForm,
    NonWorkingDayForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from met.models import Area, NonWorkingDay, User
from met.views.editing import apply_service_error, versioned_edit

PAGE_SIZE = 25


def _require_admin(user) -> None:
    if not (user.is_agency_admin or user.is_system_admin):
        raise PermissionDenied("Only agency admins and system admins manage accounts.")


def _require_system_admin(user) -> None:
    if not user.is_system_admin:
        raise PermissionDenied("Only system admins manage agencies.")


def _invite(request, user, *, done: str) -> None:
    """E-mail the one-time link with which the person chooses their own password, and say whether it went."""
    if notifications.email_invitation(user=user, inviter=request.user):
        messages.success(request, done)
    else:
        messages.warning(
            request,
            f"The invitation to {user.email} could not be sent just now. MET Hub will keep trying; "
            "you can also resend it from the account's page.",
        )


@login_required
@require_safe
def user_list(request):
    _require_admin(request.user)
    form = UserFilterForm(request.GET or None)
    if not request.user.is_system_admin:
        del form.fields["agency"]
    users = users_visible_to(request.user)
    status = "active"
    if form.is_bound and not form.is_valid():
        return render(request, "manage/user_list.html", {"form": form, "page": None}, status=400)
    if form.is_bound:
        data = form.cleaned_data
        status = data.get("status") or "active"
        if data.get("q"):
            users = users.filter(Q(full_name__icontains=data["q"]) | Q(email__icontains=data["q"]))
        if data.get("agency"):
            users = users.filter(agency=data["agency"])
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    page = Paginator(users.order_by("full_name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    # Open work (issue 20) for the page's accounts: a fixed number of queries, whatever the page size.
    work = open_work.open_work_for(u.pk for u in page.object_list)
    rows = [(u, work[u.pk]) for u in page.object_list]
    return render(request, "manage/user_list.html", {"form": form, "page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_admin(request.user)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                agency=data.get("agency") or request.user.agency,
                roles=data["roles"],
                job_title=data["job_title"],
                phone=data["phone"],
                line_manager=data["line_manager"],
                request=request,
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            _invite(
                request,
                user,
                done=f"Account created for {user.full_name}. An invitation to set a password was emailed to {user.email}.",
            )
            return redirect(user)
    return render(
        request, "manage/user_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
@require_safe
def user_detail(request, pk: int):
    _require_admin(request.user)
    target = get_user_for_admin(request.user, pk)
    has_device = TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    may_change = not (target.is_system_admin and not request.user.is_system_admin)
    reports = target.reports.filter(is_active=True).order_by("full_name")
    return render(
        request,
        "manage/user_detail.html",
        {
            "target": target,
            "has_device": has_device,
            "may_change": may_change,
            "reports": reports,
            **_acts_in_context(target),
            **_open_work_context(request.user, target),
        },
    )


def _acts_in_context(target: User) -> dict:
    """Where the person acts (met.areas.area_ids), and whether that is narrower than their agency."""
    agency_areas = list(Area.objects.filter(agencies=target.agency_id))
    acts_in = met_areas.area_ids(target)
    return {
        "acts_in": [area for area in agency_areas if area.pk in acts_in],
        "acts_in_all": acts_in == {area.pk for area in agency_areas},
    }


def _open_work_context(actor, target) -> dict:
    """The person's open work (counted by the apps that hold it) and where the actor can reassign it."""
    return {
        "open_work": open_work.open_work_for([target.pk])[target.pk],
        "reassign_url": open_work.reassign_url(actor, target),
    }


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    _require_admin(request.user)
    target = get_user_for_admin(request.user, pk, write=True)

    def save(form):
        data = form.model_data()
        services.user_update(
            actor=request.user,
            user=target,
            roles=form.cleaned_data["roles"],
            areas=form.selected_areas(),
            request=request,
            **form.version_kwargs(),
            **data,
        )

    return versioned_edit(
        request,
        form_class=UserEditForm,
        instance=target,
        form_kwargs={"actor": request.user},
        save=save,
        template="manage/user_form.html",
        context={"target": target},
        success_message=f"Changes to {target.full_name}'s account saved.",
        success_url=target,
    )


def _account_action(request, pk: int, *, action, template: str, done: str, context=None):
    """A confirm page on GET, the change on POST: nothing irreversible happens from a link."""
    _require_admin(request.user)
    target = get_user_for_admin(request.user, pk, write=True)
    extra = context(request.user, target) if context else {}
    if request.method == "POST":
        try:
            action(actor=request.user, user=target, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return render(request, template, {"target": target, **extra}, status=400)
        messages.success(request, done.format(name=target.full_name))
        return redirect(target)
    return render(request, template, {"target": target, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def user_deactivate(request, pk: int):
    return _account_action(
        request,
        pk,
        action=services.user_deactivate,
        template="manage/user_deactivate.html",
        done="{name} has been deactivated and can no longer sign in.",
        context=_open_work_context,
    )


@login_required
@require_POST
def user_reactivate(request, pk: int):
    return _account_action(
        request,
        pk,
        action=services.user_reactivate,
        template="manage/user_detail.html",
        done="{name} has been reactivated.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_reset_2fa(request, pk: int):
    return _account_action(
        request,
        pk,
        action=services.user_reset_2fa,
        template="manage/user_reset_2fa.html",
        done="{name} will set up a new authenticator app when they next sign in.",
    )


@login_required
@require_POST
def user_resend_invitation(request, pk: int):
    _require_admin(request.user)
    target = get_user_for_admin(request.user, pk, write=True)
    if not target.is_active:
        messages.error(request, "Reactivate the account before sending an invitation.")
        return redirect(target)
    _invite(request, target, done=f"A new link to set a password was emailed to {target.email}.")
    return redirect(target)


@login_required
@require_safe
def agency_list(request):
    _require_system_admin(request.user)
    agencies = agencies_visible_to(request.user).select_related("senior_contact")
    return render(request, "manage/agency_list.html", {"agencies": agencies})


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request):
    _require_system_admin(request.user)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = services.agency_create(actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"{agency.name} added.")
        return redirect(agency)
    return render(
        request, "manage/agency_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
@require_safe
def agency_detail(request, pk: int):
    _require_admin(request.user)
    agency = get_agency_for_admin(request.user, pk)
    members = agency.members.filter(is_active=True).order_by("full_name")
    return render(
        request,
        "manage/agency_detail.html",
        {"agency": agency, "member_count": members.count(), "areas": agency.areas.all()},
    )


class _ConfirmAreaRemoval(Exception):
    """Raised from the save of an agency edit that takes areas away from coordinators or chairs."""

    def __init__(self, losses: list[dict]):
        self.losses = losses
        super().__init__("Confirm the removal of areas.")


def _area_losses(agency, removed_ids: set[int]) -> list[dict]:
    """For each area taken from the agency: its members who coordinate or chair there, and the open
    cases of the area they will no longer see. Areas where none of them does are left out."""
    losses = []
    open_cases = _open_cases_by_area(removed_ids)
    for area in Area.objects.filter(pk__in=removed_ids):
        people = list(
            agency.members.filter(is_active=True)
            .filter(Q(is_coordinator=True) | Q(is_chair=True))
            .filter(Q(areas=None) | Q(areas=area))
            .distinct()
            .order_by("full_name")
        )
        if people:
            losses.append({"area": area, "people": people, "open_cases": open_cases.get(area.pk, 0)})
    return losses


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, pk: int):
    _require_admin(request.user)
    agency = get_agency_for_admin(request.user, pk, write=True)

    def save(form):
        data = form.model_data()
        removed = set(agency.areas.values_list("pk", flat=True)) - {area.pk for area in data["areas"]}
        # Taking an area away from coordinators or chairs takes its cases from them: say so first.
        if removed and request.POST.get("confirm") != "yes":
            losses = _area_losses(agency, removed)
            if losses:
                raise _ConfirmAreaRemoval(losses)
        services.agency_update(actor=request.user, agency=agency, request=request, **form.version_kwargs(), **data)

    try:
        return versioned_edit(
            request,
            form_class=AgencyEditForm,
            instance=agency,
            save=save,
            template="manage/agency_form.html",
            context={"agency": agency},
            success_message=f"Changes to {agency.name} saved.",
            success_url=agency,
        )
    except _ConfirmAreaRemoval as confirm:
        posted = [(name, value) for name, values in request.POST.lists() for value in values if name != "confirm"]
        return render(
            request,
            "manage/agency_areas_confirm.html",
            {"agency": agency, "losses": confirm.losses, "posted": posted},
        )


# --- local areas (issue 18): the system admin's -----------------------------------------------------


def _open_cases_by_area(area_ids=None) -> dict[int, int]:
    """Open cases per area, in one query. Case is reached through Area's reverse relation, since met
    may not import cases (tests/met/test_import_direction.py)."""
    cases = Area._meta.get_field("cases").related_model.objects.filter(**services.OPEN_CASE)
    if area_ids is not None:
        cases = cases.filter(area__in=list(area_ids))
    return dict(cases.order_by().values("area").annotate(n=Count("pk")).values_list("area", "n"))


def _count_of(model, **filters):
    """A per-area count as a subquery: one query for the list, however many areas and cases."""
    rows = model.objects.filter(**filters).order_by().values("area").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _areas_with_counts():
    case_model = Area._meta.get_field("cases").related_model
    meeting_model = Area._meta.get_field("meetings").related_model
    agency_link = Area.agencies.through
    agencies = agency_link.objects.filter(area=OuterRef("pk")).order_by().values("area").annotate(n=Count("pk"))
    return Area.objects.annotate(
        agency_count=Coalesce(Subquery(agencies.values("n"), output_field=IntegerField()), 0),
        open_cases=_count_of(case_model, area=OuterRef("pk"), **services.OPEN_CASE),
        scheduled_meetings=_count_of(meeting_model, area=OuterRef("pk"), **services.SCHEDULED_MEETING),
    )


def _get_area(pk: int) -> Area:
    """Every system admin sees every area (the views check the role first); anyone else has a 403."""
    try:
        return _areas_with_counts().get(pk=pk)
    except Area.DoesNotExist:
        raise Http404("No such area.") from None


@login_required
@require_safe
def area_list(request):
    _require_system_admin(request.user)
    return render(request, "manage/area_list.html", {"areas": _areas_with_counts().order_by("name")})


@login_required
@require_http_methods(["GET", "POST"])
def area_create(request):
    _require_system_admin(request.user)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area = services.area_create(actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"{area.name} added. Now choose the agencies that work in it.")
        return redirect("area_detail", area.pk)
    return render(
        request, "manage/area_form.html", {"form": form, "creating": True}, status=400 if form.errors else 200
    )


@login_required
@require_safe
def area_detail(request, pk: int):
    _require_system_admin(request.user)
    area = _get_area(pk)
    agencies = area.agencies.order_by("name")
    return render(request, "manage/area_detail.html", {"area": area, "agencies": agencies})


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request, pk: int):
    _require_system_admin(request.user)
    area = _get_area(pk)
    return versioned_edit(
        request,
        form_class=AreaEditForm,
        instance=area,
        save=lambda form: services.area_update(
            actor=request.user, area=area, request=request, **form.version_kwargs(), **form.model_data()
        ),
        template="manage/area_form.html",
        context={"area": area},
        success_message=f"Changes to {area.name} saved.",
        success_url=reverse("area_detail", args=[area.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def non_working_days(request):
    """Extra days off for everyone (say, a one-off bank holiday): reminders and escalations skip them."""
    _require_system_admin(request.user)
    form = NonWorkingDayForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            removed = services.non_working_day_remove(actor=request.user, pk=request.POST["remove"], request=request)
            if removed:
                messages.success(request, "Day removed.")
            return redirect("non_working_days")
        if form.is_valid():
            try:
                services.non_working_day_add(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, f"{form.cleaned_data['date']:%-d %B %Y} is now a non-working day.")
                return redirect("non_working_days")
    days = NonWorkingDay.objects.all()
    return render(
        request, "manage/non_working_days.html", {"form": form, "days": days}, status=400 if form.errors else 200
    )
