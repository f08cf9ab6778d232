# Documents on a case (issue 16, part 3).
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_review_due_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("referral", "Referral form"),
                            ("meeting_notes", "Strategy or meeting notes"),
                            ("photograph", "Photograph"),
                            ("report", "Report or assessment"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=20,
                    ),
                ),
                ("description", models.TextField(blank=True, max_length=2000)),
                (
                    "original_name",
                    models.CharField(
                        blank=True, editable=False, max_length=255, verbose_name="file name when uploaded"
                    ),
                ),
                ("stored_name", models.CharField(editable=False, max_length=100, unique=True)),
                ("content_type", models.CharField(editable=False, max_length=100)),
                ("size", models.PositiveBigIntegerField(editable=False)),
                ("sha256", models.CharField(editable=False, max_length=64)),
                ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("archived_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("archive_reason", models.TextField(blank=True, editable=False, max_length=2000)),
                (
                    "archived_by",
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
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="documents", to="cases.case"
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-uploaded_at", "-id"],
                "indexes": [models.Index(fields=["case", "-uploaded_at"], name="cases_document_case_newest")],
            },
        ),
    ]
