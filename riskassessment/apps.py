from django.apps import AppConfig


class RiskassessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "riskassessment"
    verbose_name = "Risk assessment"

    def ready(self):
        from cases import extensions
        from met import registry
        from riskassessment import demo, selectors, services

        registry.register_demo_builder("risk_assessments", demo.seed_assessments, order=20)
        registry.register_sweep("reviews", services.review_sweep, groups=("escalations",), order=50)

        extensions.register_case_panel(
            "risk",
            template="riskassessment/case_panel.html",
            context=lambda case: {"risk": selectors.case_risk_summary(case)},
            order=10,
        )
        # The case's chronology (issue 16, part 4): assessments submitted, risk levels confirmed, referrals.
        from riskassessment import chronology

        extensions.register_chronology_source("riskassessment", chronology.entries, kinds=chronology.KINDS, order=30)
