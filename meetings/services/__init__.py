"""Writes for meetings, their agenda, decisions, actions and the intelligence registers.

Split by entity; every name is still importable from here."""

from meetings.services._shared import DUE_DATES, MEETING_DATES, SIGNED_OFF
from meetings.services.actions import action_cancel, action_complete, action_create
from meetings.services.attendance import CHANGED_MEANWHILE, attendance_record, guest_add, guest_statement_accept
from meetings.services.decisions import (
    decision_close_case,
    decision_confirm_risk,
    decision_other,
    decision_referral,
    decision_withdraw,
    referral_mismatch,
)
from meetings.services.feedback import (
    feedback_create_for_meeting,
    feedback_email_body,
    feedback_mark_sent,
    feedback_send_email,
)
from meetings.services.invitations import invitation_withdraw, item_invite
from meetings.services.items import item_add, item_discussion_save, item_move, item_remove, item_restore
from meetings.services.meetings import (
    addendum_add,
    agenda_rebuild,
    attendance_set,
    meeting_create,
    meeting_sign_off,
    meeting_start,
    quorum_exception_record,
    statement_accept,
)
from meetings.services.reassign import (
    WorkChanged,
    action_reassign,
    feedback_reassign,
    lead_professional_reassign,
    open_work_reassign,
)
from meetings.services.registers import disruption_record, person_create, place_create, register_link
from meetings.services.sweeps import actions_sweep, feedback_sweep

__all__ = [
    "CHANGED_MEANWHILE",
    "DUE_DATES",
    "MEETING_DATES",
    "SIGNED_OFF",
    "WorkChanged",
    "action_cancel",
    "action_complete",
    "action_create",
    "action_reassign",
    "actions_sweep",
    "addendum_add",
    "agenda_rebuild",
    "attendance_record",
    "attendance_set",
    "decision_close_case",
    "decision_confirm_risk",
    "decision_other",
    "decision_referral",
    "decision_withdraw",
    "disruption_record",
    "feedback_create_for_meeting",
    "feedback_email_body",
    "feedback_mark_sent",
    "feedback_reassign",
    "feedback_send_email",
    "feedback_sweep",
    "guest_add",
    "guest_statement_accept",
    "invitation_withdraw",
    "item_add",
    "item_discussion_save",
    "item_invite",
    "item_move",
    "item_remove",
    "item_restore",
    "lead_professional_reassign",
    "meeting_create",
    "meeting_sign_off",
    "meeting_start",
    "open_work_reassign",
    "person_create",
    "place_create",
    "quorum_exception_record",
    "referral_mismatch",
    "register_link",
    "statement_accept",
]
