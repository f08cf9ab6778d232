from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "Partner API"

    def ready(self):
        # Token revocation follows account deactivation (api/signals.py); the schema extensions
        # must be imported before drf-spectacular builds the schema.
        from api import schema, signals  # noqa: F401
