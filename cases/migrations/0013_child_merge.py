# Issue 16 part 5: merging duplicate children. A merged child is kept and points at the record kept
# (Child.merged_into); each merge records exactly what moved, so a system admin can reverse it (ChildMerge).
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_national_referral_mechanism"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="child",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_children",
                to="cases.child",
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="merged_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name="ChildMerge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reason", models.TextField(max_length=2000, verbose_name="why these records are the same child")),
                ("moved", models.JSONField(default=dict, editable=False)),
                ("carried", models.JSONField(default=dict, editable=False)),
                ("merged_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("reversed_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "reverse_reason",
                    models.TextField(blank=True, max_length=2000, verbose_name="why the merge was reversed"),
                ),
                (
                    "duplicate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="merges_absorbed", to="cases.child"
                    ),
                ),
                (
                    "merged_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reversed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "survivor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="merges_kept", to="cases.child"
                    ),
                ),
            ],
            options={
                "ordering": ["-merged_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("survivor", models.F("duplicate")), _negated=True),
                        name="cases_childmerge_not_itself",
                        violation_error_message="A record cannot be merged into itself.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("reversed_at__isnull", True)),
                        fields=("duplicate",),
                        name="cases_childmerge_one_live_per_duplicate",
                    ),
                ],
            },
        ),
    ]
