"""The access log partitioned by month on PostgreSQL (motcua.dossiers.
partitions; decision 0049). Works on a database with rows: they are copied
into the partitions. SQLite: nothing to do. No change of the model's state."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

TABLE = "dossiers_dossieraccesslog"


def forward(apps: Any, schema_editor: Any) -> None:
    from motcua.dossiers import partitions

    connection = schema_editor.connection
    if connection.vendor != "postgresql" or partitions.is_partitioned(connection, TABLE):
        return
    partitions.partition_table(connection, TABLE, today=timezone.now().date())


def backward(apps: Any, schema_editor: Any) -> None:
    from motcua.dossiers import partitions

    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    # Back to a plain table with the same rows.
    with connection.cursor() as cursor:
        cursor.execute(partitions.INDEXES_SQL, [TABLE])
        indexes = cursor.fetchall()
        cursor.execute(f'CREATE TABLE "{TABLE}_plain" (LIKE "{TABLE}" INCLUDING DEFAULTS)')
        cursor.execute(f'INSERT INTO "{TABLE}_plain" SELECT * FROM "{TABLE}"')
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        foreign = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"ALTER SEQUENCE {TABLE}_pid_seq OWNED BY NONE")
        cursor.execute(f'DROP TABLE "{TABLE}" CASCADE')
        cursor.execute(f'ALTER TABLE "{TABLE}_plain" RENAME TO "{TABLE}"')
        cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_pkey" PRIMARY KEY (id)')
        cursor.execute(f"ALTER SEQUENCE {TABLE}_pid_seq OWNED BY {TABLE}.id")
        for definition in foreign:
            cursor.execute(f'ALTER TABLE "{TABLE}" ADD {definition}')
        for _name, definition in indexes:
            cursor.execute(definition.replace(" ON ONLY ", " ON "))


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0008_keyset_list_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
