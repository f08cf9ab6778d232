"""Writes for agencies and accounts. Views validate input, then call one of these."""

from datetime import date as datetime_date

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from met import dates
from met.audit import audit
from met.concurrency import check_version
from met.models import Agency, Area, NonWorkingDay, Role, User
from met.notifications import notify

# Working days are counted from here on; an earlier non-working day is a typing error.
NON_WORKING_DAYS = {"earliest": datetime_date(2000, 1, 1), "latest": dates.years_from_today(10)}
USER_PROFILE_FIELDS = ("full_name", "job_title", "phone", "line_manager")


def _agency_group_name(short_name: str) -> str:
    return f"agency:{short_name}"


@transaction.atomic
def agency_create(
    *,
    actor: User | None,
    name: str,
    short_name: str,
    kind: str,
    areas=None,
    request: HttpRequest | None = None,
) -> Agency:
    """`areas`: where the agency works; with one area in the installation, that one (issue 18)."""
    if not areas:
        areas = list(Area.objects.all()[:2])
        if len(areas) != 1:
            raise ValidationError({"areas": "Choose the areas this agency works in."})
    group = Group.objects.create(name=_agency_group_name(short_name))
    agency = Agency.objects.create(name=name, short_name=short_name, kind=kind, group=group)
    agency.areas.set(areas)
    audit(
        actor=actor,
        action="agency.create",
        obj=agency,
        request=request,
        detail={"areas": sorted(a.pk for a in areas)},
    )
    return agency


@transaction.atomic
def agency_update(
    *,
    actor: User,
    agency: Agency,
    expected_version: int,
    seen: dict | None = None,
    areas=None,
    request: HttpRequest | None = None,
    **fields,
) -> Agency:
    """`areas`: where the agency works from now on; None leaves them as they are."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    check_version(agency, expected_version=expected_version, seen=seen)
    senior = fields.get("senior_contact")
    if senior is not None and senior.agency_id != agency.pk:
        raise ValidationError({"senior_contact": "The senior contact must work for this agency."})
    before_areas = sorted(agency.areas.values_list("pk", flat=True))
    after_areas = before_areas if areas is None else sorted({area.pk for area in areas})
    if not after_areas:
        raise ValidationError({"areas": "Choose at least one area this agency works in."})
    changed = [name for name, value in fields.items() if getattr(agency, name) != value]
    for name, value in fields.items():
        setattr(agency, name, value)
    if "short_name" in changed:
        agency.group.name = _agency_group_name(agency.short_name)
        agency.group.save(update_fields=["name"])
    agency.version += 1
    agency.save()
    detail = {"fields": changed}
    if after_areas != before_areas:
        # Members' own areas are left alone: met.areas.area_ids only ever uses those the agency
        # still covers, so a person narrowed to a removed area acts in none rather than in all.
        agency.areas.set(after_areas)
        detail["areas"] = {"before": before_areas, "after": after_areas}
    audit(actor=actor, action="agency.update", obj=agency, request=request, detail=detail)
    return agency


# --- local areas (issue 18) ------------------------------------------------------------------------
# met sits below cases and meetings (tests/met/test_import_direction.py), so their records are reached
# through the reverse relations of Area, by the status values those apps store.
OPEN_CASE = {"status": "open"}
SCHEDULED_MEETING = {"status": "scheduled"}


def _require_system_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_system_admin:
        raise PermissionDenied("Only system admins manage local areas.")


@transaction.atomic
def area_create(*, actor: User | None, name: str, short_name: str, request: HttpRequest | None = None) -> Area:
    _require_system_admin(actor)
    area = Area.objects.create(name=name.strip(), short_name=short_name.strip())
    audit(actor=actor, action="area.create", obj=area, request=request, detail={"name": area.name})
    return area


@transaction.atomic
def area_update(
    *,
    actor: User,
    area: Area,
    expected_version: int,
    seen: dict | None = None,
    request: HttpRequest | None = None,
    name: str,
    short_name: str,
    is_active: bool,
) -> Area:
    _require_system_admin(actor)
    area = Area.objects.select_for_update().get(pk=area.pk)
    check_version(area, expected_version=expected_version, seen=seen)
    if area.is_active and not is_active:
        # An inactive area would leave its children and meetings with nobody to run them.
        open_cases = area.cases.filter(**OPEN_CASE).count()
        meetings = area.meetings.filter(**SCHEDULED_MEETING).count()
        if open_cases or meetings:
            raise ValidationError(
                {
                    "is_active": f"{area.name} still has {open_cases} open case{'s' if open_cases != 1 else ''} "
                    f"and {meetings} scheduled meeting{'s' if meetings != 1 else ''}. Transfer or close the cases "
                    "and hold or cancel the meetings before you deactivate it."
                }
            )
    fields = {"name": name.strip(), "short_name": short_name.strip(), "is_active": is_active}
    changed = [field for field, value in fields.items() if getattr(area, field) != value]
    for field, value in fields.items():
        setattr(area, field, value)
    area.version += 1
    area.save()
    audit(actor=actor, action="area.update", obj=area, request=request, detail={"fields": changed})
    return area


# An agency admin's grants stay inside their agency and below case-wide sight: coordinators and
# chairs see every child's case, so only a system admin makes one (DESIGN §3).
AGENCY_ADMIN_GRANTS = frozenset({Role.PRACTITIONER.value, Role.AGENCY_ADMIN.value})


def grantable_roles(actor: User) -> frozenset[str]:
    """The roles this person may grant to, or take from, someone else."""
    if actor.is_system_admin:
        return frozenset(Role.values)
    if actor.is_agency_admin:
        return AGENCY_ADMIN_GRANTS
    return frozenset()


def role_labels(roles) -> str:
    return ", ".join(Role(role).label.lower() for role in sorted(roles))


def _check_may_manage(
    actor: User, *, agency: Agency, roles: set[str], target: User | None = None, before: set[str] | None = None
) -> None:
    """The account-management rules, in one place (DESIGN §3).

    `roles` is the whole set the account will hold and `before` what it holds now, so an agency admin
    can edit the profile of someone who already holds a role they could not grant, without touching it.
    """
    before = before or set()
    changed = set(roles) ^ before
    if target is not None and target.pk == actor.pk and changed:
        # Nobody widens (or quietly narrows) their own access: another admin makes the change.
        raise ValidationError({"roles": "You cannot change your own roles. Ask another system admin."})
    if not actor.is_system_admin:
        if not actor.is_agency_admin:
            raise PermissionDenied("Only agency admins and system admins manage accounts.")
        if agency.pk != actor.agency_id:
            raise PermissionDenied("Agency admins manage only their own agency's accounts.")
        if target is not None and target.is_system_admin:
            raise PermissionDenied("Only a system admin can change a system admin's account.")
    refused = changed - grantable_roles(actor)
    if refused:
        raise PermissionDenied(f"Only a system admin can grant or remove the {role_labels(refused)} role.")


def _announce_role_changes(
    *, actor: User, user: User, granted: set[str], revoked: set[str], request: HttpRequest | None
) -> None:
    """Every grant and revoke is an audit event of its own, and the person and the system admins hear of it."""
    for action, roles in (("user.role_grant", granted), ("user.role_revoke", revoked)):
        for role in sorted(roles):
            audit(actor=actor, action=action, obj=user, request=request, detail={"role": role})
    if not (granted or revoked):
        return
    changes = "; ".join(
        part
        for part in (
            f"granted: {role_labels(granted)}" if granted else "",
            f"removed: {role_labels(revoked)}" if revoked else "",
        )
        if part
    )
    link = reverse("user_detail", args=[user.pk])
    notify(
        recipient=user,
        subject="Your MET Hub roles have changed",
        body=f"{actor.full_name} changed your roles ({changes}). If you did not expect this, tell your agency admin.",
        link=reverse("account"),
        reason="Your own account's roles changed.",
    )
    for admin in User.objects.filter(is_active=True, is_system_admin=True).exclude(pk=user.pk):
        notify(
            recipient=admin,
            subject=f"Roles changed for {user.full_name}",
            body=f"{actor.full_name} changed the roles of {user.full_name} ({user.agency.short_name}): {changes}.",
            link=link,
            reason="System admins are told of every role grant and revoke.",
        )


def _check_line_manager(*, user: User | None, agency: Agency, line_manager: User | None) -> None:
    if line_manager is None:
        return
    if not line_manager.is_active:
        raise ValidationError({"line_manager": "The line manager's account is deactivated."})
    if line_manager.agency_id != agency.pk:
        raise ValidationError({"line_manager": "Choose a line manager from the same agency."})
    if user is not None:
        # Walk up the chain: a loop would send escalations round in circles for ever.
        seen = set()
        current = line_manager
        while current is not None and current.pk not in seen:
            if current.pk == user.pk:
                raise ValidationError(
                    {"line_manager": "A person cannot be managed by themselves or by someone they manage."}
                )
            seen.add(current.pk)
            current = current.line_manager


def _apply_roles(user: User, roles: set[str]) -> None:
    for role in Role:
        setattr(user, f"is_{role.value}", role.value in roles)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    agency: Agency,
    roles: set[str],
    job_title: str = "",
    phone: str = "",
    line_manager: User | None = None,
    password: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Create an account. Without a password it cannot log in until the invitation link is used."""
    roles = set(roles)
    if actor is not None:
        _check_may_manage(actor, agency=agency, roles=roles)
    if not agency.is_active:
        raise ValidationError({"agency": "This agency is inactive: it cannot be given new accounts."})
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email address already exists."})
    _check_line_manager(user=None, agency=agency, line_manager=line_manager)
    user = User(
        email=email, full_name=full_name, agency=agency, job_title=job_title, phone=phone, line_manager=line_manager
    )
    _apply_roles(user, roles)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(agency.group)
    audit(actor=actor, action="user.create", obj=user, request=request, detail={"roles": sorted(roles)})
    if actor is not None:
        _announce_role_changes(actor=actor, user=user, granted=roles, revoked=set(), request=request)
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    expected_version: int,
    roles: set[str],
    seen: dict | None = None,
    areas=None,
    request: HttpRequest | None = None,
    **fields,
) -> User:
    """`areas`: the areas the person acts in, narrower than their agency's (empty: all of the agency's);
    None leaves them as they are. Only a system admin narrows or widens them (least privilege)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    check_version(user, expected_version=expected_version, seen=seen)
    roles = set(roles)
    before_roles = {role.value for role in user.roles}
    _check_may_manage(actor, agency=user.agency, roles=roles, target=user, before=before_roles)
    area_change = _area_change(actor, user, areas)
    unknown = set(fields) - set(USER_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    _check_line_manager(user=user, agency=user.agency, line_manager=fields.get("line_manager", user.line_manager))
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name, value in fields.items():
        setattr(user, name, value)
    _apply_roles(user, roles)
    user.version += 1
    user.save()
    detail = {"fields": changed}
    if before_roles != roles:
        detail["roles"] = {"before": sorted(before_roles), "after": sorted(roles)}
    if area_change is not None:
        user.areas.set(area_change["after"])
        detail["areas"] = area_change
    audit(actor=actor, action="user.update", obj=user, request=request, detail=detail)
    _announce_role_changes(
        actor=actor, user=user, granted=roles - before_roles, revoked=before_roles - roles, request=request
    )
    return user


def _area_change(actor: User, user: User, areas) -> dict | None:
    """{"before": ids, "after": ids} when `areas` changes where the person acts, else None.

    "Before" is what counts today: own areas the agency still covers (met.areas.area_ids). Own areas
    the agency has since stopped covering are kept until the list really changes, so that saving the
    form unchanged never turns "no area" into "every area"."""
    if areas is None:
        return None
    if not actor.is_system_admin:
        raise PermissionDenied("Only a system admin chooses the areas a person acts in.")
    agency_areas = set(user.agency.areas.values_list("pk", flat=True))
    after = {area.pk for area in areas}
    if after - agency_areas:
        raise ValidationError({"areas": f"Choose only areas that {user.agency.name} works in."})
    before = set(user.areas.values_list("pk", flat=True)) & agency_areas
    if after == before:
        return None
    return {"before": sorted(before), "after": sorted(after)}


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_may_manage(actor, agency=user.agency, roles=set(), target=user)
    if actor.pk == user.pk:
        raise ValidationError("You cannot deactivate your own account.")
    if user.is_active:
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.version += 1
        user.save(update_fields=["is_active", "deactivated_at", "version"])
        audit(actor=actor, action="user.deactivate", obj=user, request=request)
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_may_manage(actor, agency=user.agency, roles=set(), target=user)
    if not user.is_active:
        user.is_active = True
        user.deactivated_at = None
        user.version += 1
        user.save(update_fields=["is_active", "deactivated_at", "version"])
        audit(actor=actor, action="user.reactivate", obj=user, request=request)
    return user


@transaction.atomic
def user_reset_2fa(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
    """Remove the user's authenticator so they enrol a new one at their next login."""
    _check_may_manage(actor, agency=user.agency, roles=set(), target=user)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit(actor=actor, action="user.reset_2fa", obj=user, request=request, detail={"devices_removed": removed})
    return removed


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, request: HttpRequest | None = None) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit(actor=user, action="user.enrol_2fa", obj=user, request=request)
    return device


@transaction.atomic
def non_working_day_add(*, actor: User, date, reason: str, request: HttpRequest | None = None) -> NonWorkingDay:
    if not actor.is_system_admin:
        raise PermissionDenied("Only a system admin sets non-working days.")
    if message := dates.out_of_range("Date", date, **NON_WORKING_DAYS):
        raise ValidationError({"date": message})
    if NonWorkingDay.objects.filter(date=date).exists():
        raise ValidationError({"date": "That day is already a non-working day."})
    day = NonWorkingDay.objects.create(date=date, reason=reason.strip(), added_by=actor)
    audit(actor=actor, action="non_working_day.add", obj=day, request=request, detail={"date": date.isoformat()})
    return day


@transaction.atomic
def non_working_day_remove(*, actor: User, pk, request: HttpRequest | None = None) -> bool:
    if not actor.is_system_admin:
        raise PermissionDenied("Only a system admin sets non-working days.")
    day = NonWorkingDay.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if day is None:
        return False
    audit(actor=actor, action="non_working_day.remove", obj=day, request=request, detail={"date": day.date.isoformat()})
    day.delete()
    return True
