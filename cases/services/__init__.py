"""Writes for children, cases, concerns, notes and missing episodes.

Views and API serializers validate the shape of the input, then call one of these. Each runs in
one transaction, checks the domain rules (raising ValidationError with a clear message), records
an audit event, and leaves permissions in step with the case.

Split by entity; every name is still importable from here."""

from cases.services._shared import CASE_PERMS, IDENTIFIERS, OLDEST_AGE_YEARS
from cases.services.cases import (
    COORDINATOR_CASE_FIELDS,
    PRACTITIONER_CASE_FIELDS,
    case_note_add,
    case_update,
    child_update,
)
from cases.services.concerns import case_close, case_open, concern_acknowledge, concern_log
from cases.services.episodes import (
    EPISODE_FIELDS,
    RHI_LOOKBACK_DAYS,
    case_refresh_frequent_missing,
    missing_episode_record,
    missing_episode_update,
    refresh_all_frequent_missing,
    rhi_sweep,
)
from cases.services.permissions import sync_user_permissions
from cases.services.validation import PLACEMENT_CONFLICT, placement_problems, validate_child, validate_episode

__all__ = [
    "CASE_PERMS",
    "COORDINATOR_CASE_FIELDS",
    "EPISODE_FIELDS",
    "IDENTIFIERS",
    "OLDEST_AGE_YEARS",
    "PLACEMENT_CONFLICT",
    "PRACTITIONER_CASE_FIELDS",
    "RHI_LOOKBACK_DAYS",
    "case_close",
    "case_note_add",
    "case_open",
    "case_refresh_frequent_missing",
    "case_update",
    "child_update",
    "concern_acknowledge",
    "concern_log",
    "missing_episode_record",
    "missing_episode_update",
    "placement_problems",
    "refresh_all_frequent_missing",
    "rhi_sweep",
    "sync_user_permissions",
    "validate_child",
    "validate_episode",
]
