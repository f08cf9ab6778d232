# Issue 16 part 6: turning 18. A case's transition plan (versioned like the safety plan), the closure reason
# "Transferred to adult services", and case notes MET Hub writes itself (no author) when it closes a case
# on the 18th birthday.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_child_merge"),
        ("met", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="closure_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("nfa", "No further action needed"),
                    ("risk_reduced", "Risk reduced"),
                    ("transferred", "Moved away or transferred to another area"),
                    ("adult", "Transferred to adult services"),
                    ("duplicate", "Duplicate record"),
                    ("other", "Other"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="casenote",
            name="author",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="TransitionPlan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(editable=False, verbose_name="version")),
                ("is_current", models.BooleanField(default=True, editable=False)),
                ("agreed_on", models.DateField(verbose_name="date agreed")),
                ("responsible", models.CharField(max_length=200, verbose_name="who is responsible for the hand-over")),
                ("adult_team", models.CharField(blank=True, max_length=200, verbose_name="adult services team")),
                (
                    "adult_referred_on",
                    models.DateField(blank=True, null=True, verbose_name="date referred to adult services"),
                ),
                (
                    "adult_reference",
                    models.CharField(blank=True, max_length=60, verbose_name="adult services reference"),
                ),
                (
                    "adult_outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("awaited", "Awaiting a decision"),
                            ("accepted", "Accepted by adult services"),
                            ("not_eligible", "Not accepted (does not meet adult services' criteria)"),
                        ],
                        max_length=20,
                        verbose_name="adult services decision",
                    ),
                ),
                ("leaving_care_team", models.CharField(blank=True, max_length=200, verbose_name="leaving-care team")),
                ("personal_adviser", models.CharField(blank=True, max_length=200, verbose_name="personal adviser")),
                ("notes", models.TextField(blank=True, max_length=5000, verbose_name="notes")),
                ("change_note", models.CharField(blank=True, max_length=1000, verbose_name="what changed and why")),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="transition_plans", to="cases.case"
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
                (
                    "responsible_agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="met.agency",
                        verbose_name="their agency",
                    ),
                ),
            ],
            options={
                "ordering": ["case", "-number"],
                "constraints": [
                    models.UniqueConstraint(fields=("case", "number"), name="cases_transitionplan_one_number_per_case"),
                    models.UniqueConstraint(
                        condition=models.Q(("is_current", True)),
                        fields=("case",),
                        name="cases_transitionplan_one_current_per_case",
                    ),
                ],
            },
        ),
    ]
