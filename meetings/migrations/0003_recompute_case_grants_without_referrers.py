"""Recompute every user's own permissions on every case now that logging a concern is no longer a reason.

Until now whoever logged a concern got view permission on the case for good (issue 12). The reasons
that remain are the ones `cases.services.sync_user_permissions` applies: view and change for the lead
professional and the people named on a restricted case, view for action owners. It lives in meetings
because action owners are one of the reasons, and the actions are meetings'.
"""

from django.db import migrations

CASE_PERMS = ("view_case", "change_case")


def recompute(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Action = apps.get_model("meetings", "Action")
    Perm = apps.get_model("cases", "CaseUserObjectPermission")
    Permission = apps.get_model("auth", "Permission")
    permissions = {
        p.codename: p for p in Permission.objects.filter(content_type__app_label="cases", codename__in=CASE_PERMS)
    }
    if len(permissions) != len(CASE_PERMS):
        return  # a fresh database: no permissions, so no grants to recompute yet

    wanted: set[tuple[int, int, str]] = set()
    for case_id, lead_id in Case.objects.exclude(lead_professional=None).values_list("pk", "lead_professional_id"):
        wanted.update((case_id, lead_id, codename) for codename in CASE_PERMS)
    for case_id, user_id in Case.restricted_to.through.objects.values_list("case_id", "user_id"):
        wanted.update((case_id, user_id, codename) for codename in CASE_PERMS)
    for case_id, owner_id in Action.objects.exclude(case=None).values_list("case_id", "owner_id"):
        wanted.add((case_id, owner_id, "view_case"))

    held = {
        (case_id, user_id, codename): pk
        for pk, case_id, user_id, codename in Perm.objects.values_list(
            "pk", "content_object_id", "user_id", "permission__codename"
        )
    }
    stale = [pk for key, pk in held.items() if key not in wanted]
    Perm.objects.filter(pk__in=stale).delete()
    Perm.objects.bulk_create(
        [
            Perm(content_object_id=case_id, user_id=user_id, permission=permissions[codename])
            for case_id, user_id, codename in wanted - set(held)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_risk_review_due"),
        ("meetings", "0002_feedback"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
