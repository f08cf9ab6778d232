"""What case audits add to a case (registered with cases.extensions in QualityConfig.ready): an auditor
of a running round may view, read-only, the cases of its sample, and no other."""

from quality.access import running
from quality.models import RoundAuditor


def auditors_now(case) -> list[int]:
    """Auditing a running round whose sample holds the case is a reason to view it (issue 17). The access
    sweep (quality.services.access_sweep) recomputes this when a round starts and when it ends."""
    return list(
        RoundAuditor.objects.filter(
            removed_at__isnull=True,
            round__in=_running_rounds_with(case),
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )


def _running_rounds_with(case):
    from quality.models import AuditRound

    return AuditRound.objects.filter(running(), sample__case=case).values("pk")
