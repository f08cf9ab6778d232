"""MEOG meetings, their agenda and minutes, actions, and the places/persons of concern registers.

Split by entity; every name is still importable from here."""

from meetings.views.actions import (
    action_cancel,
    action_complete,
    action_detail,
    agency_actions,
    case_action_create,
    my_actions,
)
from meetings.views.attendance import guest_statement, invitation_withdraw, meeting_attendance, meeting_invite
from meetings.views.feedback import feedback_record
from meetings.views.items import (
    ITEM_FORMS,
    decision_withdraw,
    item_add,
    item_detail,
    item_move,
    item_remove,
    item_restore,
)
from meetings.views.meetings import (
    meeting_accept,
    meeting_addendum,
    meeting_create,
    meeting_detail,
    meeting_list,
    meeting_quorum_exception,
    meeting_rebuild,
    meeting_sign_off,
)
from meetings.views.pdfs import meeting_minutes_pdf, meeting_pack_pdf
from meetings.views.registers import REGISTERS, register_create, register_detail, register_list

__all__ = [
    "ITEM_FORMS",
    "REGISTERS",
    "action_cancel",
    "action_complete",
    "action_detail",
    "agency_actions",
    "case_action_create",
    "decision_withdraw",
    "feedback_record",
    "guest_statement",
    "invitation_withdraw",
    "item_add",
    "item_detail",
    "item_move",
    "item_remove",
    "item_restore",
    "meeting_accept",
    "meeting_addendum",
    "meeting_attendance",
    "meeting_create",
    "meeting_detail",
    "meeting_invite",
    "meeting_list",
    "meeting_minutes_pdf",
    "meeting_pack_pdf",
    "meeting_quorum_exception",
    "meeting_rebuild",
    "meeting_sign_off",
    "my_actions",
    "register_create",
    "register_detail",
    "register_list",
]
