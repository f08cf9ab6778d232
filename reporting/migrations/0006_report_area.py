# Issue 18: a report is of one local area, or (no area) the strategic group's report of every area; a
# priority of the strategic action plan is one area's, or (no area) shared by every area.
#
# Existing reports were built over every case of a single-area installation, that is over its one area:
# they get that area, so that they stay the area's reports and read exactly as before (the coordinator
# still sees them, no breakdown appears). Where several areas already exist they covered all of them,
# and are left without an area: the report of every area. Existing priorities stay shared.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def reports_to_the_only_area(apps, schema_editor):
    Area = apps.get_model("met", "Area")
    Report = apps.get_model("reporting", "Report")
    areas = list(Area.objects.values_list("pk", flat=True)[:2])
    if len(areas) == 1:
        Report.objects.filter(area__isnull=True).update(area_id=areas[0])


class Migration(migrations.Migration):
    dependencies = [
        ("met", "0008_areas"),
        ("reporting", "0005_action_plan_as_seeded"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="area",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for the strategic group's report of every area.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reports",
                to="met.area",
            ),
        ),
        migrations.AddField(
            model_name="priority",
            name="area",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty for a priority every area shares.",
                null=True,
                verbose_name="area",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="met.area",
            ),
        ),
        migrations.RemoveConstraint(model_name="report", name="reporting_one_current_report_per_period"),
        migrations.RemoveConstraint(model_name="report", name="reporting_one_issue_number"),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                condition=Q(superseded_at__isnull=True),
                fields=("kind", "period_start", "area"),
                name="reporting_one_current_report_per_period",
                nulls_distinct=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                fields=("kind", "period_start", "area", "issue"),
                name="reporting_one_issue_number",
                nulls_distinct=False,
            ),
        ),
        migrations.RunPython(reports_to_the_only_area, migrations.RunPython.noop),
    ]
