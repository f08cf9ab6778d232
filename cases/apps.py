from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_delete, post_save

        from cases.forms import forget_choices, forget_practitioners
        from cases.models import Case, Category, Child, MissingEpisode
        from cases.selectors import forget_lookups
        from met.models import Agency, User

        # The case list's "lead professional" choices are kept a minute (cases/forms.py).
        post_save.connect(forget_practitioners, sender=User, dispatch_uid="cases_forget_practitioners_saved")
        post_delete.connect(forget_practitioners, sender=User, dispatch_uid="cases_forget_practitioners_deleted")
        # Its category and agency choices, five minutes.
        for model in (Category, Agency):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(forget_choices, sender=model, dispatch_uid=f"cases_forget_{model.__name__}_{name}")
                signal.connect(forget_lookups, sender=model, dispatch_uid=f"cases_lookups_{model.__name__}_{name}")

        # Before/after history of every change to these records (DESIGN §8).
        auditlog.register(Child, exclude_fields=["version", "search_name"])
        auditlog.register(
            Case, exclude_fields=["version"], m2m_fields={"categories", "agencies_involved", "restricted_to"}
        )
        auditlog.register(MissingEpisode, exclude_fields=["version"])

        from cases import demo, selectors, services
        from met import registry

        registry.register_demo_builder("cases", demo.seed_cases, order=10)
        registry.register_sweep("frequent_missing_flags", services.refresh_all_frequent_missing, order=10)
        registry.register_sweep("rhi", services.rhi_sweep, groups=("reminders",), order=20)
        registry.register_demo_builder("case_closures", demo.close_demo_cases, order=25)
        # Safety plans (issue 16, part 1): the current plan and its flag on the case page.
        from cases import extensions as case_extensions
        from cases import safety_plan

        case_extensions.register_case_panel(
            "safety_plan", template="cases/safety_plan_panel.html", context=safety_plan.case_panel, order=20
        )
        # Documents on a case (issue 16, part 3): a panel on the case page.
        from cases import extensions

        extensions.register_case_panel(
            "documents",
            template="cases/document_panel.html",
            context=lambda case: {"case_documents": selectors.case_documents(case)},
            order=40,
        )

        from cases import extensions, nrm

        extensions.register_case_panel("nrm", template="cases/nrm_panel.html", context=nrm.case_panel, order=30)
        registry.register_demo_builder("nrm_referrals", demo.seed_nrm, order=26)
        # Turning 18 (issue 16, part 6): the birthday and the transition plan on the case page; demo children near 18.
        from cases import turning_18

        extensions.register_case_panel(
            "transition", template="cases/transition_plan_panel.html", context=turning_18.case_panel, order=35
        )
        registry.register_demo_builder("turning_18", demo.seed_turning_18, order=27)
        # Merging duplicate children (issue 16, part 5): a second record of one demo child, waiting to be merged.
        registry.register_demo_builder("duplicate_record", demo.seed_duplicate_record, order=28)
        # Last of all: the demo's area becomes Southampton, and Portsmouth is added (issue 18, part 6).
        registry.register_demo_builder("second_area", demo.seed_second_area, order=90)

        # What the case page asks with the case itself (extensions.with_case_facts): usually none.
        from cases.models import CaseDocument, CaseNote, NrmReferral, SafetyPlan, TransitionPlan

        for name, model in (
            ("documents", CaseDocument),
            ("missing_episodes", MissingEpisode),
            ("notes", CaseNote),
            ("nrm_referral", NrmReferral),
            ("safety_plans", SafetyPlan),
            ("transition_plans", TransitionPlan),
        ):
            extensions.register_case_fact(name, model)

        for order, name in enumerate(("casework", "coordination", "chairing"), start=1):
            registry.register_home_panel(
                name, template=f"cases/home_{name}.html", context=getattr(selectors, f"{name}_panel"), order=order * 10
            )
