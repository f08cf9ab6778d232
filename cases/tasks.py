from celery import shared_task

from cases import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_frequent_missing_flags() -> int:
    """Daily: the 90-day window moves on, so flags set by old episodes clear by themselves. Idempotent."""
    return services.refresh_all_frequent_missing()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def close_cases_at_18() -> int:
    """Daily (issue 16, part 6): close the cases of children whose 18th birthday has come, each with a note, an
    audit event and a notification to its lead professional and the coordinators. Idempotent: a case closed
    is not found again, and each notification is recorded once (cases/services/turning_18.py)."""
    from cases.services.turning_18 import cases_close_at_18

    return cases_close_at_18()
