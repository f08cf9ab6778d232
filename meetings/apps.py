from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from cases import extensions
        from meetings import case_links, demo, services
        from met import registry

        registry.register_demo_builder("meetings", demo.seed_meetings, order=30)
        # After the second area's placement (cases.demo.seed_second_area, order 90).
        registry.register_demo_builder("upcoming_agendas", demo.rebuild_upcoming_agendas, order=95)
        registry.register_sweep("actions", services.actions_sweep, groups=("reminders", "escalations"), order=30)
        registry.register_sweep("feedback", services.feedback_sweep, groups=("reminders", "escalations"), order=40)

        extensions.register_timeline_source("meetings", case_links.timeline_items)
        from meetings.models import Action, Decision

        extensions.register_case_fact("decisions", Decision)
        extensions.register_case_fact("actions", Action)
        extensions.register_viewer_reason("action_owner", case_links.action_owners)
        extensions.register_restriction_check("open_actions", case_links.unnamed_action_owners)
        # The case's chronology (issue 16, part 4): decisions, actions and their escalations.
        from meetings import chronology

        extensions.register_chronology_source("meetings", chronology.entries, kinds=chronology.KINDS, order=40)

        # A person's open work on the account pages, and where to reassign it (issue 20).
        from meetings import open_work
        from met.open_work import register_open_work

        register_open_work("meetings", counts=open_work.counts, url=open_work.reassign_url, order=10)
        registry.register_home_panel(
            "open_work", template="meetings/reassign/home_panel.html", context=open_work.home_panel, order=35
        )
