from celery import shared_task

from cases import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_frequent_missing_flags() -> int:
    """Daily: the 90-day window moves on, so flags set by old episodes clear by themselves. Idempotent."""
    return services.refresh_all_frequent_missing()
