from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from met import registry
        from reporting import services

        # A build lost with its worker (or queued while the broker was down) is marked failed, so the
        # chair can retry it; run_due_jobs catches it too.
        registry.register_sweep("stalled_report_builds", services.fail_stalled_builds, order=60)
        # Under Celery beat the daily task builds them; with no beat (the embedded default run from
        # cron), run_due_jobs does: every scheduled report due and never built.
        registry.register_sweep("due_reports", lambda: len(services.build_due_reports()), order=70)
