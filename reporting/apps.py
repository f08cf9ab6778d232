from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from met import registry
        from reporting import demo, home, plan_services, services

        # A build lost with its worker (or queued while the broker was down) is marked failed, so the
        # chair can retry it; run_due_jobs catches it too.
        registry.register_sweep("stalled_report_builds", services.fail_stalled_builds, order=60)
        # Under Celery beat the daily task builds them; with no beat (the embedded default run from
        # cron), run_due_jobs does: every scheduled report due and never built.
        registry.register_sweep("due_reports", lambda: len(services.build_due_reports()), order=70)
        # Daily with the escalations, like risk reviews: the strategic chair is reminded of the plan's
        # 6-monthly review from a month before it, once per date (issue 17 part 3).
        registry.register_sweep("plan_review", plan_services.plan_review_sweep, groups=("escalations",), order=55)
        registry.register_home_panel(
            "strategic_plan", template="reporting/home_plan.html", context=home.plan_panel, order=60
        )
        registry.register_demo_builder("strategic_group", demo.seed_strategic_group, order=60)
