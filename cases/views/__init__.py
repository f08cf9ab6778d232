"""Pages for children, cases, concerns and missing episodes. Views validate, services act.

Split by entity; every name is still importable from here."""

from cases.views._shared import PAGE_SIZE
from cases.views.cases import case_access_log, case_detail, case_edit, case_note_add, child_edit
from cases.views.concerns import (
    case_close,
    case_open,
    concern_acknowledge,
    concern_detail,
    concern_log,
    concern_log_for_case,
    triage_inbox,
)
from cases.views.documents import document_archive, document_download, document_upload
from cases.views.episodes import episode_create, episode_edit, rhi_overdue_list
from cases.views.lists import DATE_PATTERNS, case_export, case_list, case_search

__all__ = [
    "DATE_PATTERNS",
    "PAGE_SIZE",
    "case_access_log",
    "case_close",
    "case_detail",
    "case_edit",
    "case_export",
    "case_list",
    "case_note_add",
    "case_open",
    "case_search",
    "child_edit",
    "concern_acknowledge",
    "concern_detail",
    "concern_log",
    "concern_log_for_case",
    "document_archive",
    "document_download",
    "document_upload",
    "episode_create",
    "episode_edit",
    "rhi_overdue_list",
    "triage_inbox",
]
