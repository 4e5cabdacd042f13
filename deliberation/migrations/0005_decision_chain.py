"""Decisions join a hash chain (deliberation.chain), and the database refuses to change them.

PostgreSQL refuses UPDATE and DELETE of a decision row; SQLite refuses UPDATE (a DELETE
trigger there would also stop the test runner's flush, which empties tables with DELETE;
PostgreSQL flushes with TRUNCATE, which row triggers do not see). Existing decisions are
numbered and chained in the order they were recorded.
"""

import django.db.models.deletion
from django.db import migrations, models

PG_FUNCTION = "deliberation_decision_immutable"
PG_TRIGGER = "deliberation_decision_immutable"
SQLITE_TRIGGER = "deliberation_decision_no_update"


def chain_existing(apps, schema_editor):
    from deliberation import chain

    if schema_editor.connection.vendor == "postgresql":
        # Foreign keys are checked at once, so the ALTER TABLEs below find no pending events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Decision = apps.get_model("deliberation", "Decision")
    previous = chain.GENESIS
    numbers: dict[tuple[int, int], int] = {}
    rows = Decision.objects.select_related("meeting").order_by("created_at", "pk")
    for position, decision in enumerate(rows, start=1):
        decision.council_id = decision.meeting.council_id
        decision.year = chain.decision_year(decision.closed_at)
        key = (decision.council_id, decision.year)
        numbers[key] = numbers.get(key, 0) + 1
        decision.number = numbers[key]
        decision.position = position
        decision.previous_hash = previous
        decision.hash = chain.compute_hash(decision)
        previous = decision.hash
        # The historical model has none of the guards: a plain queryset update is allowed here.
        Decision.objects.filter(pk=decision.pk).update(
            council_id=decision.council_id,
            year=decision.year,
            number=decision.number,
            position=position,
            previous_hash=decision.previous_hash,
            hash=decision.hash,
        )


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'deliberation_decision is append-only';
            END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER {PG_TRIGGER} BEFORE UPDATE OR DELETE ON deliberation_decision
                FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}();
            """
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"""
            CREATE TRIGGER {SQLITE_TRIGGER} BEFORE UPDATE ON deliberation_decision
            BEGIN SELECT RAISE(ABORT, 'deliberation_decision is append-only'); END;
            """
        )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON deliberation_decision")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SQLITE_TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0001_initial"),
        ("deliberation", "0004_contribution"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="decision",
            options={
                "ordering": ["position"],
                "verbose_name": "décision",
                "verbose_name_plural": "décisions",
            },
        ),
        migrations.AddField(
            model_name="decision",
            name="council",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="council.council",
                verbose_name="conseil",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="année"),
        ),
        migrations.AddField(
            model_name="decision",
            name="number",
            field=models.PositiveIntegerField(null=True, verbose_name="numéro"),
        ),
        migrations.AddField(
            model_name="decision",
            name="position",
            field=models.PositiveIntegerField(null=True, verbose_name="position dans la chaîne"),
        ),
        migrations.AddField(
            model_name="decision",
            name="previous_hash",
            field=models.CharField(max_length=64, null=True, verbose_name="empreinte précédente"),
        ),
        migrations.AddField(
            model_name="decision",
            name="hash",
            field=models.CharField(max_length=64, null=True, verbose_name="empreinte (SHA-256)"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="decision",
            name="council",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions",
                to="council.council",
                verbose_name="conseil",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="année"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="number",
            field=models.PositiveIntegerField(verbose_name="numéro"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="position",
            field=models.PositiveIntegerField(unique=True, verbose_name="position dans la chaîne"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="previous_hash",
            field=models.CharField(max_length=64, verbose_name="empreinte précédente"),
        ),
        migrations.AlterField(
            model_name="decision",
            name="hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="empreinte (SHA-256)"),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(
                fields=("council", "year", "number"), name="one_decision_number_per_year"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
