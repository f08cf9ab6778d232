from django.apps import AppConfig


class MetConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "met"
    verbose_name = "MET Hub core"

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete, post_save

        from met import workdays
        from met.models import Agency, NonWorkingDay, User

        post_save.connect(workdays.forget, sender=NonWorkingDay, dispatch_uid="met_workdays_forget_saved")
        post_delete.connect(workdays.forget, sender=NonWorkingDay, dispatch_uid="met_workdays_forget_deleted")

        # Field-by-field change history (before/after); secrets are never copied into it.
        auditlog.register(User, exclude_fields=["password", "last_login", "version"])
        auditlog.register(Agency, exclude_fields=["version"])

        from met import home, registry, reminders

        registry.set_sweep_context(reminders.digest)

        registry.register_home_panel(
            "agency_admin", template="home/accounts.html", context=home.agency_admin_panel, order=40
        )
        registry.register_home_panel(
            "system_admin", template="home/system.html", context=home.system_admin_panel, order=50
        )
