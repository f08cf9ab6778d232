# Safety plans (issue 16, part 1): versions of a case's plan and their agreed measures.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_documents"),
        ("met", "0007_audit_no_truncate"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.CreateModel(
            name="SafetyPlan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(editable=False, verbose_name="version")),
                ("is_current", models.BooleanField(default=True, editable=False)),
                ("agreed_on", models.DateField(verbose_name="date agreed")),
                (
                    "agreed_at",
                    models.CharField(
                        choices=[
                            ("meog", "At a MEOG meeting"),
                            ("outside", "Outside a MEOG (for example at a strategy meeting or a visit)"),
                        ],
                        max_length=20,
                        verbose_name="where it was agreed",
                    ),
                ),
                (
                    "meeting_note",
                    models.CharField(
                        blank=True,
                        help_text="For example the MEOG of 3 December 2026.",
                        max_length=200,
                        verbose_name="which meeting",
                    ),
                ),
                ("review_date", models.DateField(verbose_name="review date")),
                ("child_views", models.TextField(blank=True, max_length=5000, verbose_name="the child's views")),
                (
                    "carers_views",
                    models.TextField(blank=True, max_length=5000, verbose_name="the parents' or carers' views"),
                ),
                (
                    "police_reference",
                    models.CharField(
                        blank=True, max_length=60, verbose_name="recorded on the police system (reference)"
                    ),
                ),
                (
                    "csc_reference",
                    models.CharField(blank=True, max_length=60, verbose_name="recorded on the CSC system (reference)"),
                ),
                ("change_note", models.CharField(blank=True, max_length=1000, verbose_name="what changed and why")),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="safety_plans", to="cases.case"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["case", "-number"],
            },
        ),
        migrations.CreateModel(
            name="SafetyPlanMeasure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("order", models.PositiveSmallIntegerField(default=0)),
                ("what", models.TextField(max_length=2000, verbose_name="what will be done")),
                ("who", models.CharField(max_length=200, verbose_name="who (person)")),
                ("by_when", models.DateField(verbose_name="by when")),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="met.agency",
                        verbose_name="agency",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="measures", to="cases.safetyplan"
                    ),
                ),
            ],
            options={
                "ordering": ["plan", "order", "pk"],
            },
        ),
        migrations.AddIndex(
            model_name="safetyplan",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=["case", "review_date"],
                name="cases_safetyplan_current",
            ),
        ),
        migrations.AddConstraint(
            model_name="safetyplan",
            constraint=models.UniqueConstraint(fields=("case", "number"), name="cases_safetyplan_one_number_per_case"),
        ),
        migrations.AddConstraint(
            model_name="safetyplan",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)), fields=("case",), name="cases_safetyplan_one_current_per_case"
            ),
        ),
        migrations.AddConstraint(
            model_name="safetyplan",
            constraint=models.CheckConstraint(
                condition=models.Q(("review_date__gte", models.F("agreed_on"))),
                name="cases_safetyplan_review_after_agreed",
                violation_error_message="The review date cannot be before the date the plan was agreed.",
            ),
        ),
    ]
