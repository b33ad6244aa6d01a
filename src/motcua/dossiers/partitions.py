"""Monthly partitions of the history tables on PostgreSQL (declarative
partitioning, ``PARTITION BY RANGE (at)``); plain tables on SQLite.

Partitioned today: the access log (``dossiers_dossieraccesslog``), which
grows with every read. Each month is a table ``<parent>_pYYYY_MM`` holding
``[first of the month, first of the next)`` in UTC; a ``<parent>_pdefault``
partition takes what falls outside them, so an insert never fails for want of
a partition. ``id`` stays unique, drawn from one sequence; the primary key is
``(id, at)`` because PostgreSQL requires the partition key in it (nothing
references the access log).

``motcua partitions --ahead 3 --archive-before 2025-01`` creates the months
up to three ahead (moving rows the default partition already holds for them)
and detaches the months that end before January 2025 into the schema
``motcua_archive``, where they are plain tables to dump (``pg_dump -t
motcua_archive.<name>``) and drop. Decision record 0049.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

ARCHIVE_SCHEMA = "motcua_archive"

#: The tables partitioned by month, by their time column.
PARTITIONED = {"dossiers_dossieraccesslog": "at"}

_MONTH = re.compile(r"_p(\d{4})_(\d{2})$")

#: A table's indexes other than its primary key's (name, definition).
INDEXES_SQL = (
    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
    " JOIN pg_class i ON i.oid = x.indexrelid"
    " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary"
)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def partition_name(table: str, month: datetime.date) -> str:
    return f"{table}_p{month:%Y_%m}"


def _bound(day: datetime.date) -> str:
    return f"'{day.isoformat()} 00:00:00+00'"


def is_partitioned(connection: BaseDatabaseWrapper, table: str) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
            " WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [table],
        )
        return cursor.fetchone() is not None


def months_of(connection: BaseDatabaseWrapper, table: str) -> list[datetime.date]:
    """The months that have a partition, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [table],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = []
    for name in names:
        found = _MONTH.search(name)
        if found:
            months.append(datetime.date(int(found[1]), int(found[2]), 1))
    return sorted(months)


def create_month(connection: BaseDatabaseWrapper, table: str, month: datetime.date) -> bool:
    """Create the partition of ``month`` (False when it exists). Rows the
    default partition holds for that month move into it, in one transaction."""
    name = partition_name(table, month)
    column = PARTITIONED[table]
    start, end = _bound(month), _bound(next_month(month))
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is not None:
            return False
        default = f"{table}_pdefault"
        cursor.execute(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS)')
        cursor.execute(
            f'WITH moved AS (DELETE FROM "{default}" WHERE {column} >= {start}'  # noqa: S608
            f' AND {column} < {end} RETURNING *) INSERT INTO "{name}" SELECT * FROM moved'
        )
        cursor.execute(
            f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" FOR VALUES FROM ({start}) TO ({end})'
        )
    return True


def archive_month(connection: BaseDatabaseWrapper, table: str, month: datetime.date) -> str:
    """Detach the partition of ``month`` and move it to the archive schema."""
    name = partition_name(table, month)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{ARCHIVE_SCHEMA}"')
        cursor.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{name}"')
        cursor.execute(f'ALTER TABLE "{name}" SET SCHEMA "{ARCHIVE_SCHEMA}"')
    return f"{ARCHIVE_SCHEMA}.{name}"


@dataclass
class Maintenance:
    created: list[str]
    archived: list[str]


def maintain(
    connection: BaseDatabaseWrapper,
    *,
    today: datetime.date,
    ahead: int,
    archive_before: datetime.date | None = None,
) -> Maintenance:
    """Months from this one to ``ahead`` months on exist; months ending on or
    before ``archive_before`` are archived. A no-op off PostgreSQL."""
    done = Maintenance(created=[], archived=[])
    for table in PARTITIONED:
        if not is_partitioned(connection, table):
            continue
        month = month_start(today)
        for _ in range(ahead + 1):
            if create_month(connection, table, month):
                done.created.append(partition_name(table, month))
            month = next_month(month)
        if archive_before is not None:
            for existing in months_of(connection, table):
                if next_month(existing) <= month_start(archive_before):
                    done.archived.append(archive_month(connection, table, existing))
    return done


def partition_table(
    connection: BaseDatabaseWrapper, table: str, *, today: datetime.date, ahead: int = 3
) -> None:
    """Turn an existing plain table (with its rows) into a partitioned one:
    the same columns, indexes (same names) and ``id`` sequence; one partition
    per month from its oldest row to ``ahead`` months on, and a default one.
    For the migration; PostgreSQL only."""
    column = PARTITIONED[table]
    old = f"{table}_unpartitioned"
    with connection.cursor() as cursor:
        cursor.execute(INDEXES_SQL, [table])
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            [table],
        )
        primary = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('f', 'c')",
            [table],
        )
        constraints = [row[0] for row in cursor.fetchall()]
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        for name in primary:
            cursor.execute(f'ALTER TABLE "{old}" RENAME CONSTRAINT "{name}" TO "{old}_pkey"')
        for index_name, _definition in indexes:
            cursor.execute(f'ALTER INDEX "{index_name}" RENAME TO "{index_name[:50]}_unpart"')
        cursor.execute(f'SELECT COALESCE(MAX(id), 0), MIN({column}) FROM "{old}"')  # noqa: S608
        max_id, oldest = cursor.fetchone()
        sequence = f"{table}_pid_seq"
        # (It exists when the table was partitioned before and turned back.)
        cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{sequence}" AS bigint')
        cursor.execute(f'ALTER SEQUENCE "{sequence}" OWNED BY NONE')
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, max(max_id, 1), max_id > 0])
        cursor.execute(
            f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS)'
            f" PARTITION BY RANGE ({column})"
        )
        cursor.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN id DROP IDENTITY IF EXISTS,'
            f" ALTER COLUMN id SET DEFAULT nextval('{sequence}'),"
            f' ADD CONSTRAINT "{table}_pkey" PRIMARY KEY (id, {column})'
        )
        cursor.execute(f'ALTER SEQUENCE "{sequence}" OWNED BY "{table}".id')
        for definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD {definition}')
        cursor.execute(f'CREATE TABLE "{table}_pdefault" PARTITION OF "{table}" DEFAULT')
        first = month_start(oldest.date()) if oldest is not None else month_start(today)
        month = first
        last = month_start(today)
        for _ in range(ahead):
            last = next_month(last)
        while month <= last:
            name = partition_name(table, month)
            cursor.execute(
                f'CREATE TABLE "{name}" PARTITION OF "{table}"'
                f" FOR VALUES FROM ({_bound(month)}) TO ({_bound(next_month(month))})"
            )
            month = next_month(month)
        for _index_name, definition in indexes:
            cursor.execute(definition)  # read before the rename: names the new table
        cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')  # noqa: S608
        # The copied rows' deferred foreign-key checks, now (not at commit).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'DROP TABLE "{old}"')
