"""The places and persons of concern registers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cases.access import cases_visible_to, get_case_for_user
from meetings import services
from meetings.access import (
    get_person_for_user,
    get_place_for_user,
    persons_visible_to,
    places_visible_to,
)
from meetings.forms import (
    DisruptionForm,
    LinkForm,
    PersonForm,
    PlaceForm,
)
from met.access import require_case_role
from met.audit import audit_many
from met.views.editing import apply_service_error

REGISTERS = {
    "place": {
        "form": PlaceForm,
        "visible": places_visible_to,
        "get": get_place_for_user,
        "create": services.place_create,
        "title": "Places of concern",
    },
    "person": {
        "form": PersonForm,
        "visible": persons_visible_to,
        "get": get_person_for_user,
        "create": services.person_create,
        "title": "Persons of concern",
    },
}


@login_required
@require_safe
def register_list(request, kind: str):
    require_case_role(request.user)
    spec = REGISTERS[kind]
    entries = spec["visible"](request.user).prefetch_related("links")
    page = Paginator(entries.order_by("name", "pk"), 25).get_page(request.GET.get("page"))
    return render(request, "meetings/register_list.html", {"page": page, "kind": kind, "title": spec["title"]})


@login_required
@require_http_methods(["GET", "POST"])
def register_create(request, kind: str):
    require_case_role(request.user)
    spec = REGISTERS[kind]
    form = spec["form"](request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = spec["create"](actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"{entry.name} added. Link the children it concerns below.")
        return redirect(entry)
    return render(
        request,
        "meetings/register_form.html",
        {"form": form, "kind": kind, "title": spec["title"]},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_detail(request, kind: str, pk: int):
    require_case_role(request.user)
    spec = REGISTERS[kind]
    entry = spec["get"](request.user, pk)
    link_form, disruption_form = LinkForm(), DisruptionForm()
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "link":
            link_form = LinkForm(request.POST)
            if link_form.is_valid():
                case = get_case_for_user(request.user, link_form.cleaned_data["case"], write=True)
                try:
                    services.register_link(
                        actor=request.user, entry=entry, case=case, note=link_form.cleaned_data["note"], request=request
                    )
                except ValidationError as error:
                    apply_service_error(link_form, error)
                else:
                    messages.success(request, f"Linked to {case.reference}.")
                    return redirect(entry)
        elif which == "disruption":
            disruption_form = DisruptionForm(request.POST)
            if disruption_form.is_valid():
                try:
                    services.disruption_record(
                        actor=request.user, entry=entry, request=request, **disruption_form.cleaned_data
                    )
                except ValidationError as error:
                    apply_service_error(disruption_form, error)
                else:
                    messages.success(request, "Disruption activity recorded.")
                    return redirect(entry)
        else:
            return HttpResponse("Unknown form.", status=400)
    visible = set(cases_visible_to(request.user).values_list("pk", flat=True))
    # Only links to children the viewer may see; not even their number otherwise.
    links = [link for link in entry.links.select_related("case__child", "linked_by") if link.case_id in visible]
    # The page names those children: a read of each, as on the agenda.
    audit_many(
        actor=request.user,
        action=f"{kind}.view",
        obj=entry,
        child_ids=[link.case.child_id for link in links],
        request=request,
    )
    status = 400 if link_form.errors or disruption_form.errors else 200
    return render(
        request,
        "meetings/register_detail.html",
        {
            "entry": entry,
            "kind": kind,
            "title": spec["title"],
            "links": links,
            "disruptions": entry.disruptions.select_related("agency", "recorded_by"),
            "link_form": link_form,
            "disruption_form": disruption_form,
        },
        status=status,
    )
