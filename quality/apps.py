from django.apps import AppConfig


class QualityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quality"
    verbose_name = "Case audits"

    def ready(self):
        from cases import extensions
        from met import registry
        from quality import case_links, demo, selectors, services

        registry.register_demo_builder("case_audits", demo.seed_case_audits, order=40)
        # Auditors see the sampled cases from the round's first day to its last: the sweep gives and takes
        # that view as rounds start and end (every 15 minutes, and in every run_due_jobs).
        registry.register_sweep("audit_access", services.access_sweep, groups=("reminders", "escalations"), order=15)
        registry.register_sweep(
            "learning_actions", services.learning_actions_sweep, groups=("reminders", "escalations"), order=45
        )
        registry.register_home_panel(
            "case_audits", template="quality/home_panel.html", context=selectors.home_panel, order=45
        )
        extensions.register_viewer_reason("case_audit", case_links.auditors_now)
