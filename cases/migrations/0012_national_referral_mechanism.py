# National Referral Mechanism referrals and decisions on a case (issue 16, part 2).
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_safety_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NrmReferral",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("referred_on", models.DateField(verbose_name="referral date")),
                ("first_responder", models.CharField(max_length=200, verbose_name="first responder organisation")),
                ("reference", models.CharField(blank=True, max_length=60, verbose_name="NRM reference")),
                (
                    "rg_decided_on",
                    models.DateField(blank=True, null=True, verbose_name="reasonable grounds decision date"),
                ),
                (
                    "rg_outcome",
                    models.CharField(
                        blank=True,
                        choices=[("positive", "Positive"), ("negative", "Negative")],
                        max_length=10,
                        verbose_name="reasonable grounds decision",
                    ),
                ),
                (
                    "cg_decided_on",
                    models.DateField(blank=True, null=True, verbose_name="conclusive grounds decision date"),
                ),
                (
                    "cg_outcome",
                    models.CharField(
                        blank=True,
                        choices=[("positive", "Positive"), ("negative", "Negative")],
                        max_length=10,
                        verbose_name="conclusive grounds decision",
                    ),
                ),
                (
                    "ictg_allocated",
                    models.BooleanField(default=False, verbose_name="Independent Child Trafficking Guardian allocated"),
                ),
                ("ictg_name", models.CharField(blank=True, max_length=200, verbose_name="guardian's name or service")),
                ("ictg_allocated_on", models.DateField(blank=True, null=True, verbose_name="guardian allocated on")),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="nrm_referral", to="cases.case"
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
                "verbose_name": "NRM referral",
                "indexes": [
                    models.Index(fields=["referred_on"], name="cases_nrmre_referre_22d3ea_idx"),
                    models.Index(fields=["rg_decided_on"], name="cases_nrmre_rg_deci_15da42_idx"),
                    models.Index(fields=["cg_decided_on"], name="cases_nrmre_cg_deci_2975a7_idx"),
                ],
            },
        ),
    ]
