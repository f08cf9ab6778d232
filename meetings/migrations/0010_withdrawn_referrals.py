"""Referrals whose decision the meeting withdrew before referrals could be marked withdrawn (issue 20
part 5): marked now, so that no report counts them."""

from django.db import migrations


def mark(apps, schema_editor):
    Decision = apps.get_model("meetings", "Decision")
    Referral = apps.get_model("riskassessment", "Referral")
    withdrawn = Decision.objects.filter(withdrawn_at__isnull=False, referral__isnull=False).values("referral_id")
    Referral.objects.filter(pk__in=withdrawn).update(outcome="withdrawn")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0009_action_due_order"),
        ("riskassessment", "0004_referral_withdrawn"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
