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
