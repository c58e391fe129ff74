"""Distinct people by probes: an index of RoomPersonPeriod by person, the people of all
time (Grain.EVER) added, the month rows dropped; the summaries filled again."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from attendance import rollups

    Meeting = apps.get_model("attendance", "Meeting")
    teams = Meeting.objects.filter(summarised=True).values_list("team_id", flat=True).distinct()
    for team_id in teams.order_by("team_id"):
        rollups.rebuild(team_id)


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0006_fill_report_rollups"),
    ]

    operations = [
        migrations.AlterField(
            model_name="roomperiod",
            name="grain",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "15 minutes"), (1, "day"), (2, "month"), (3, "all time")]
            ),
        ),
        migrations.AlterField(
            model_name="roompersonperiod",
            name="grain",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "15 minutes"), (1, "day"), (2, "month"), (3, "all time")]
            ),
        ),
        migrations.AddIndex(
            model_name="roompersonperiod",
            index=models.Index(
                fields=["team", "room", "identity", "grain", "start"], name="roomperson_probe"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
