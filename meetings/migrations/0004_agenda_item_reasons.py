from django.db import migrations, models

SECTIONS = [
    (1, "New concerns and screenings"),
    (2, "Changes in risk"),
    (3, "High-risk cases"),
    (4, "Frequent missing and overdue return home interviews"),
    (5, "Children placed out of area or placed here"),
    (6, "Actions from previous meetings"),
    (7, "Cases due for risk review"),
    (8, "Places and persons of concern"),
]


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_recompute_case_grants_without_referrers")]

    operations = [
        migrations.RemoveConstraint(model_name="agendaitem", name="meetings_auto_item_once"),
        migrations.AddField(
            model_name="agendaitem", name="manual_reason", field=models.TextField(blank=True, max_length=500)
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="manual_section",
            field=models.PositiveSmallIntegerField(blank=True, choices=SECTIONS, null=True),
        ),
        migrations.AddField(model_name="agendaitem", name="order_pinned", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="agendaitem", name="reasons", field=models.JSONField(blank=True, default=list)),
        migrations.AlterField(
            model_name="agendaitem",
            name="reason",
            field=models.TextField(help_text="Why it is on the agenda: every reason, most urgent first."),
        ),
    ]
