"""Each municipality gets a case prefix (filled from its short name for existing rows) and opening hours."""

import re

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def fill_codes(apps, schema_editor):
    Municipality = apps.get_model("organisations", "Municipality")
    taken = set()
    for municipality in Municipality.objects.order_by("pk"):
        base = (re.sub(r"[^A-Z]", "", municipality.slug.upper()) or "MUN")[:3].ljust(2, "X")
        code, n = base, 1
        while code in taken:
            code = f"{base}{n}"[:6]
            n += 1
        taken.add(code)
        municipality.code = code
        municipality.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_audit_append_only")]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="code",
            field=models.CharField(max_length=6, null=True, verbose_name="case prefix"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="municipality",
            name="code",
            field=models.CharField(
                help_text="2–6 capital letters that start its case numbers, e.g. GUL in GUL-2026-000123.",
                max_length=6,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator("^[A-Z]{2,6}$", "Use 2 to 6 capital letters A–Z.")
                ],
                verbose_name="case prefix",
            ),
        ),
        migrations.CreateModel(
            name="OpeningHours",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weekday", models.PositiveSmallIntegerField(help_text="0 is Monday.", verbose_name="weekday")),
                ("opens_at", models.TimeField(verbose_name="opens")),
                ("closes_at", models.TimeField(verbose_name="closes")),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="opening_hours",
                        to="organisations.municipality",
                    ),
                ),
            ],
            options={
                "verbose_name": "opening hours",
                "verbose_name_plural": "opening hours",
                "ordering": ["weekday", "opens_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("closes_at__gt", models.F("opens_at"))), name="opening_closes_after_opening"
                    ),
                    models.CheckConstraint(condition=models.Q(("weekday__lte", 6)), name="opening_weekday_0_to_6"),
                ],
            },
        ),
    ]
