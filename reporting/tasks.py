from celery import shared_task

from reporting import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def build_report(report_id: int) -> str:
    """Build one requested report. Idempotent: a finalised report is never touched."""
    return services.report_build(report_id=report_id).status


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def build_monthly_report() -> list[int]:
    """Daily: builds every scheduled report (monthly MACE, quarterly and six-monthly LSCB) that is due
    and has never been built, so a day the beat or the worker missed loses nothing.

    It first marks failed any build that was lost, so no report shows "Building" for more than a day
    even if nobody opens it (its page offers a retry as soon as the build is overdue)."""
    services.fail_stalled_builds()
    return [report.pk for report in services.build_due_reports()]
