from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        from auditlog.registry import auditlog

        from cases.models import Case, Child, MissingEpisode

        # Before/after history of every change to these records (DESIGN §8).
        auditlog.register(Child, exclude_fields=["version"])
        auditlog.register(
            Case, exclude_fields=["version"], m2m_fields={"categories", "agencies_involved", "restricted_to"}
        )
        auditlog.register(MissingEpisode, exclude_fields=["version"])
