# Issue 17 part 3: the strategic action plan the group can keep — owners (agencies and named leads),
# due dates, retiring instead of deleting, the history of every change, the strategic group's chairs
# and the 6-monthly reviews of the plan.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _person(verbose_name):
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
    )


def _retirable(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="retired_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name=model_name,
            name="retired_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="retired_reason",
            field=models.TextField(blank=True, max_length=2000, verbose_name="reason for retiring"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("met", "0007_audit_no_truncate"),
        ("reporting", "0003_report_failures_and_reissues"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StrategicGroup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("next_review_on", models.DateField(blank=True, null=True, verbose_name="next review of the plan")),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("chair", _person("strategic chair")),
                ("deputy_chair", _person("deputy chair")),
            ],
        ),
        *_retirable("priority"),
        migrations.AlterField(
            model_name="priority",
            name="lead",
            field=models.CharField(blank=True, max_length=200, verbose_name="lead (as the plan words it)"),
        ),
        migrations.AddField(
            model_name="priority",
            name="lead_agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="met.agency",
                verbose_name="lead agency",
            ),
        ),
        migrations.AddField(model_name="priority", name="lead_person", field=_person("named lead")),
        *_retirable("planaction"),
        migrations.AlterModelOptions(name="planaction", options={"ordering": ["priority__number", "seq", "ref"]}),
        migrations.AddField(
            model_name="planaction",
            name="seq",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="planaction",
            name="what",
            field=models.TextField(max_length=5000, verbose_name="what are we going to do"),
        ),
        migrations.AlterField(
            model_name="planaction",
            name="how",
            field=models.TextField(blank=True, max_length=10000, verbose_name="how are we going to do it"),
        ),
        migrations.AlterField(
            model_name="planaction",
            name="difference",
            field=models.TextField(blank=True, max_length=10000, verbose_name="what difference will it make"),
        ),
        migrations.AddField(
            model_name="planaction",
            name="agencies",
            field=models.ManyToManyField(blank=True, related_name="+", to="met.agency", verbose_name="owning agencies"),
        ),
        migrations.AddField(model_name="planaction", name="lead_person", field=_person("named lead")),
        migrations.AddField(
            model_name="planaction",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="due date"),
        ),
        migrations.CreateModel(
            name="PlanChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("created", "Added"), ("edited", "Edited"), ("retired", "Retired")], max_length=10
                    ),
                ),
                ("fields", models.JSONField(blank=True, default=list)),
                ("reason", models.TextField(blank=True, max_length=2000)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "action",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="changes",
                        to="reporting.planaction",
                    ),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "priority",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="changes",
                        to="reporting.priority",
                    ),
                ),
            ],
            options={
                "ordering": ["-changed_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("action__isnull", False), ("priority__isnull", True))
                        | models.Q(("action__isnull", True), ("priority__isnull", False)),
                        name="reporting_planchange_one_subject",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PlanReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("held_on", models.DateField(verbose_name="date of the review")),
                ("due_on", models.DateField(blank=True, null=True, verbose_name="date it was due")),
                ("notes", models.TextField(max_length=10000)),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-held_on", "-pk"]},
        ),
    ]
