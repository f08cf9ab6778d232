"""The whole meeting's attendance on one page, guests accepting the statement on the coordinator's
device, and inviting professionals for their child's item only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from meetings import selectors, services
from meetings.access import get_guest_for_user, get_meeting_for_user, require_child_details
from meetings.forms import CASE_ROLE, NEW_GUEST_ROWS, GuestStatementForm, InviteForm
from meetings.models import AttendanceScope, AttendanceStatus, ItemInvitation, StatementMethod
from meetings.services.attendance import NewGuest
from meetings.views._shared import _audit_children
from met.models import User
from met.views.editing import apply_service_error

STATUSES = [
    (AttendanceStatus.PRESENT, "Present"),
    (AttendanceStatus.APOLOGIES, "Sent apologies"),
    (AttendanceStatus.INVITED, "Invited, not here"),
]


def _writable(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, write=True)
    if meeting.is_signed_off:
        raise PermissionDenied(services.SIGNED_OFF)
    return meeting


class _BadForm(Exception):
    pass


def _ids(post, prefix: str) -> dict[int, str]:
    result = {}
    for key, value in post.items():
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            if not rest.isdigit():
                raise _BadForm
            result[int(rest)] = value
    return result


def _parse(post) -> dict:
    try:
        version = int(post.get("version", ""))
        people = {pk: status for pk, status in _ids(post, "person-").items() if status}
        guests = _ids(post, "guest-")
        signed = {int(v) for v in post.getlist("signed") if v.isdigit()}
        if len(signed) != len(post.getlist("signed")):
            raise _BadForm
    except (ValueError, _BadForm):
        raise ValidationError("The form was not filled in as expected: reload the page and try again.") from None
    new_guests = []
    for n in range(NEW_GUEST_ROWS):
        name, organisation, role = (post.get(f"new-{n}-{f}", "").strip() for f in ("name", "organisation", "role"))
        if name or organisation or role:
            new_guests.append(
                NewGuest(
                    name=name[:200],
                    organisation=organisation[:200],
                    role=role[:200],
                    status=post.get(f"new-{n}-status", AttendanceStatus.PRESENT),
                    signed=post.get(f"new-{n}-signed") == "yes",
                )
            )
    return {"expected_version": version, "people": people, "guests": guests, "signed": signed, "new_guests": new_guests}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk: int):
    """Tick who came and who sent apologies, add people and guests, in one form."""
    meeting = _writable(request, pk)
    errors, posted = {}, request.POST if request.method == "POST" else None
    if posted is not None:
        try:
            result = services.attendance_record(actor=request.user, meeting=meeting, request=request, **_parse(posted))
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            if services.CHANGED_MEANWHILE in errors.get("__all__", []):
                posted = None  # show the list as it now stands
                meeting.refresh_from_db()
        else:
            messages.success(
                request,
                f"Attendance saved: {result['changed']} change{'s' if result['changed'] != 1 else ''}, "
                f"{result['added']} added.",
            )
            return redirect(f"{meeting.get_absolute_url()}#attendance")
    attendances = list(
        meeting.attendances.select_related("user__agency", "agency").order_by("agency__name", "user__full_name")
    )
    listed = {a.user_id for a in attendances}
    others = list(
        User.objects.filter(CASE_ROLE, is_active=True)
        .exclude(pk__in=listed)
        .select_related("agency")
        .order_by("agency__name", "full_name")
    )
    guests = list(meeting.guests.all())

    def chosen(key: str, current: str) -> str:
        return posted.get(key, current) if posted is not None else current

    context = {
        "meeting": meeting,
        "statuses": STATUSES,
        "people": [
            {
                "key": f"person-{a.user_id}",
                "person": a.user,
                "attendance": a,
                "value": chosen(f"person-{a.user_id}", a.status),
            }
            for a in attendances
        ],
        "others": [{"key": f"person-{u.pk}", "person": u, "value": chosen(f"person-{u.pk}", "")} for u in others],
        "guests": [
            {
                "key": f"guest-{g.pk}",
                "guest": g,
                "value": chosen(f"guest-{g.pk}", g.status),
                "signed": posted is not None and str(g.pk) in posted.getlist("signed"),
            }
            for g in guests
        ],
        "new_rows": [
            {
                f: (posted.get(f"new-{n}-{f}", "") if posted is not None else "")
                for f in ("name", "organisation", "role", "status", "signed")
            }
            | {"n": n, "n_str": str(n)}
            for n in range(NEW_GUEST_ROWS)
        ],
        "add_choices": [("", "Not at this meeting"), *STATUSES[:2]],
        "guest_fields": [("name", "Name"), ("organisation", "Organisation"), ("role", "Role")],
        "others_open": any(posted.get(f"person-{u.pk}") for u in others) if posted is not None else False,
        "errors": errors,
        "error_list": [(key if key != "__all__" else "", m) for key, messages_ in errors.items() for m in messages_],
    }
    return render(request, "meetings/attendance.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def guest_statement(request, pk: int, guest_pk: int):
    """The guest reads and accepts the confidentiality statement on the coordinator's device."""
    meeting = _writable(request, pk)
    guest = get_guest_for_user(request.user, meeting, guest_pk)
    form = GuestStatementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guest_statement_accept(
                actor=request.user, guest=guest, method=StatementMethod.ON_DEVICE, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{guest.name} accepted the confidentiality statement. Thank you.")
            return redirect(f"{meeting.get_absolute_url()}#attendance")
    return render(
        request,
        "meetings/guest_statement.html",
        {"meeting": meeting, "guest": guest, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_invite(request, pk: int):
    """Invite a professional (with an account, or a guest) to chosen items at a time slot."""
    meeting = _writable(request, pk)
    require_child_details(request.user, meeting)  # the items are named
    items, _, _ = selectors.agenda_sections(meeting, request.user, detail=False)
    live = [i for i in items if i.removed_at is None]
    form = InviteForm(request.POST or None, meeting=meeting, items=live, initial={"slot": meeting.starts_at})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a new guest is kept only if the invitation is made
                invitations = _invite(request, meeting, data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            count = len(invitations)
            messages.success(request, f"Invited for {count} item{'s' if count != 1 else ''} at {data['slot']:%H:%M}.")
            return redirect(f"{meeting.get_absolute_url()}#running-order")
    _audit_children(request, meeting, live, "meeting.invite_page")  # every item is named to choose from
    invitations = (
        ItemInvitation.objects.filter(item__meeting=meeting)
        .select_related("item__case__child", "item__place", "item__person", "user__agency", "guest", "invited_by")
        .order_by("item__slot", "pk")
    )
    return render(
        request,
        "meetings/invite.html",
        {"meeting": meeting, "form": form, "invitations": invitations},
        status=400 if form.errors else 200,
    )


def _invite(request, meeting, data: dict) -> list[ItemInvitation]:
    guest = data["guest"]
    if data["who"] == "guest" and guest is None:
        guest = services.guest_add(
            actor=request.user,
            meeting=meeting,
            name=data["guest_name"],
            organisation=data["guest_organisation"],
            role=data["guest_role"],
            scope=AttendanceScope.ITEMS,
            request=request,
        )
    return services.item_invite(
        actor=request.user,
        meeting=meeting,
        items=list(data["items"].select_related("case__child", "place", "person")),
        slot=data["slot"],
        user=data["user"] if data["who"] == "user" else None,
        guest=guest if data["who"] == "guest" else None,
        request=request,
    )


@login_required
@require_POST
def invitation_withdraw(request, pk: int, invitation_pk: int):
    meeting = _writable(request, pk)
    try:
        invitation = ItemInvitation.objects.select_related("item").get(pk=invitation_pk, item__meeting=meeting)
    except ItemInvitation.DoesNotExist:
        raise Http404("No such invitation.") from None
    try:
        services.invitation_withdraw(actor=request.user, invitation=invitation, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Invitation withdrawn. It stays in the record.")
    return redirect("meeting_invite", pk=meeting.pk)
