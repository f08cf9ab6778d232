from django.apps import AppConfig


class RiskassessmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "riskassessment"
    verbose_name = "Risk assessment"
