"""Inviting professionals for their child's item only (issue 20), as MACE panels commonly run: the core
panel attends the whole meeting; the professionals working with a child join for that child's item at
a time slot, and see, accept the statement for and get in their pack only that item."""

from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.access import may_see_restricted
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceScope,
    Guest,
    ItemInvitation,
    Meeting,
)
from meetings.services._shared import _audit, _require_coordination, _require_open
from met.models import User


def _check_user(meeting: Meeting, user: User, items: list[AgendaItem]) -> None:
    if not user.is_active:
        raise ValidationError({"user": "That account is deactivated: invite someone who can take part."})
    if not user.has_case_role:
        raise ValidationError({"user": f"{user.full_name} has no casework role in MET Hub, so could not see the item."})
    if user.sees_all_cases:
        raise ValidationError({"user": "Coordinators and chairs attend the whole meeting: add them to the attendance."})
    whole = meeting.attendances.filter(user=user, scope=AttendanceScope.MEETING).exists()
    if whole:
        raise ValidationError({"user": f"{user.full_name} already attends the whole meeting and sees every item."})
    for item in items:
        if item.case_id and item.case.is_restricted and not may_see_restricted(user, item.case):
            raise ValidationError(
                {
                    "items": f"{item.subject_label}'s case is restricted and {user.full_name} is not named on it. "
                    "Name them on the case first, or leave that item out."
                }
            )


@transaction.atomic
def item_invite(
    *,
    actor: User,
    meeting: Meeting,
    items: list[AgendaItem],
    slot: time,
    user: User | None = None,
    guest: Guest | None = None,
    request: HttpRequest | None = None,
) -> list[ItemInvitation]:
    """Invite one person (a user, or one of the meeting's guests) to the chosen items at a time slot."""
    _require_coordination(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    if (user is None) == (guest is None):
        raise ValidationError({"user": "Choose one person to invite: someone with an account, or a guest."})
    if not items:
        raise ValidationError({"items": "Choose at least one item to invite them to."})
    if any(item.meeting_id != meeting.pk or item.removed_at is not None for item in items):
        raise ValidationError({"items": "Choose items that are on this meeting's agenda."})
    if slot < meeting.starts_at:
        raise ValidationError(
            {"slot": f"The time slot cannot be before the meeting starts ({meeting.starts_at:%H:%M})."}
        )
    if user is not None:
        _check_user(meeting, user, items)
        attendance, _ = Attendance.objects.get_or_create(
            meeting=meeting, user=user, defaults={"agency": user.agency, "scope": AttendanceScope.ITEMS}
        )
    else:
        if guest.meeting_id != meeting.pk:
            raise ValidationError({"guest": "Choose one of this meeting's guests."})
        if guest.scope != AttendanceScope.ITEMS:
            raise ValidationError({"guest": f"{guest.name} already attends the whole meeting."})
    invitations = []
    for item in items:
        who = {"user": user} if user is not None else {"guest": guest}
        invitation, created = ItemInvitation.objects.get_or_create(item=item, **who, defaults={"invited_by": actor})
        if not created and invitation.withdrawn_at is not None:
            invitation.withdrawn_at, invitation.withdrawn_by = None, None
            invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
        if item.slot != slot:
            AgendaItem.objects.filter(pk=item.pk).update(slot=slot)
            item.slot = slot
        invitations.append(invitation)
        _audit(
            actor,
            "meeting.item_invite",
            item,
            request,
            case=item.case,
            detail={"user": user.pk if user else None, "guest": guest.pk if guest else None, "slot": f"{slot:%H:%M}"},
        )
    if user is not None:
        from met.notifications import notify

        count = len(items)
        notify(
            recipient=user,
            subject="You are invited to a MEOG meeting",
            body=f"You are invited to {meeting} at {slot:%H:%M} for {count} agenda item{'s' if count != 1 else ''} "
            "about a child you work with. Accept the confidentiality statement in MET Hub to see "
            f"{'them' if count != 1 else 'it'}.",
            link=meeting.get_absolute_url(),
            reason="The MET coordinator invited you for the item about a child you work with.",
        )
        if attendance.accepted_statement_at is not None:
            # The statement they accepted named other items: they accept it again for these.
            Attendance.objects.filter(pk=attendance.pk).update(accepted_statement_at=None)
    return invitations


@transaction.atomic
def invitation_withdraw(
    *, actor: User, invitation: ItemInvitation, request: HttpRequest | None = None
) -> ItemInvitation:
    _require_coordination(actor, invitation.item.meeting)
    invitation = (
        ItemInvitation.objects.select_for_update(of=("self",))
        .select_related("item__meeting", "item__case")
        .get(pk=invitation.pk)
    )
    _require_open(invitation.item.meeting)
    if invitation.withdrawn_at is not None:
        raise ValidationError("This invitation has already been withdrawn.")
    invitation.withdrawn_at, invitation.withdrawn_by = timezone.now(), actor
    invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _audit(actor, "meeting.item_invite_withdraw", invitation.item, request, case=invitation.item.case)
    return invitation
