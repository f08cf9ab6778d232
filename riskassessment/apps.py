from django.apps import AppConfig


class RiskassessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "riskassessment"
    verbose_name = "Risk assessment"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from cases import extensions
        from met import registry
        from riskassessment import demo, selectors, services
        from riskassessment.models import Provider

        # The active providers are kept a few minutes (services.suggested_providers).
        post_save.connect(services.forget_providers, sender=Provider, dispatch_uid="risk_forget_providers_saved")
        post_delete.connect(services.forget_providers, sender=Provider, dispatch_uid="risk_forget_providers_deleted")
        m2m_changed.connect(services.forget_providers, sender=Provider.areas.through, dispatch_uid="risk_forget_areas")
        registry.register_demo_builder("risk_assessments", demo.seed_assessments, order=20)
        registry.register_sweep("reviews", services.review_sweep, groups=("escalations",), order=50)

        from riskassessment.models import Assessment, Referral, RiskHistory

        for name, model in (("assessments", Assessment), ("referrals", Referral), ("risk_history", RiskHistory)):
            extensions.register_case_fact(name, model)
        extensions.register_case_panel(
            "risk",
            template="riskassessment/case_panel.html",
            context=lambda case: {"risk": selectors.case_risk_summary(case)},
            order=10,
        )
        # The case's chronology (issue 16, part 4): assessments submitted, risk levels confirmed, referrals.
        from riskassessment import chronology

        extensions.register_chronology_source("riskassessment", chronology.entries, kinds=chronology.KINDS, order=30)
