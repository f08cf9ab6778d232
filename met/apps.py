from django.apps import AppConfig


class MetConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "met"
    verbose_name = "MET Hub core"

    def ready(self):
        from auditlog.registry import auditlog
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from met import areas, cache, workdays
        from met.models import Agency, Area, NonWorkingDay, User

        request_started.connect(cache.request_started, dispatch_uid="met_cache_request_started")
        request_finished.connect(cache.request_finished, dispatch_uid="met_cache_request_finished")

        post_save.connect(workdays.forget, sender=NonWorkingDay, dispatch_uid="met_workdays_forget_saved")
        post_delete.connect(workdays.forget, sender=NonWorkingDay, dispatch_uid="met_workdays_forget_deleted")

        # Who acts in which area is kept per person (met/areas.py): forgotten whenever it could change.
        m2m_changed.connect(areas.on_user_areas_changed, sender=User.areas.through, dispatch_uid="met_user_areas")
        m2m_changed.connect(areas.on_agency_areas_changed, sender=Agency.areas.through, dispatch_uid="met_agency_areas")
        post_save.connect(areas.on_user_saved, sender=User, dispatch_uid="met_areas_user_saved")
        post_save.connect(areas.forget_areas, sender=Area, dispatch_uid="met_areas_saved")
        post_delete.connect(areas.forget_areas, sender=Area, dispatch_uid="met_areas_deleted")

        # Field-by-field change history (before/after); secrets are never copied into it. Areas are
        # grants (met/areas.py): their changes are in the history too.
        auditlog.register(User, exclude_fields=["password", "last_login", "version"], m2m_fields={"areas"})
        auditlog.register(Agency, exclude_fields=["version"], m2m_fields={"areas"})
        auditlog.register(Area, exclude_fields=["version"])

        from met import home, registry, reminders

        registry.set_sweep_context(reminders.digest)

        registry.register_home_panel(
            "agency_admin", template="home/accounts.html", context=home.agency_admin_panel, order=40
        )
        registry.register_home_panel(
            "system_admin", template="home/system.html", context=home.system_admin_panel, order=50
        )
