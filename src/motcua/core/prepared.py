"""Compiled reads: :class:`PreparedRead` compiles a hot ORM query once
per database connection, later calls only execute it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

from motcua.core.db import current_read_alias

_M = TypeVar("_M", bound=Model)


#: Stand for the parameter of a :class:`PreparedRead` while it is compiled.
TEXT_MARKER = "\x00motcua-prepared-parameter\x00"


INT_MARKER = -8_070_450_532_247_928_831


#: Stands for a UUID parameter (bound as a UUID on PostgreSQL, as its hex
#: digits on SQLite: the compiled form is remembered and followed).
UUID_MARKER = uuid.UUID("6d6f7463-7561-4000-8000-707265706172")


def _uuid_hex(value: Any) -> str:
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).hex


def _uuid_value(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _stand_in(marker: Any, i: int) -> Any:
    if i == 0:
        return marker
    if isinstance(marker, uuid.UUID):
        return uuid.UUID(int=(marker.int + i) % 2**128)
    return marker + i if isinstance(marker, int) else f"{marker}{i}"


def _find(params: list[Any], marker: Any) -> tuple[int, Callable[[Any], Any] | None]:
    """Where ``marker`` sits among ``params`` and how a value is bound there."""
    found: list[tuple[int, Callable[[Any], Any] | None]] = [
        (i, None) for i, p in enumerate(params) if type(p) is type(marker) and p == marker
    ]
    if isinstance(marker, uuid.UUID):
        found += [(i, _uuid_hex) for i, p in enumerate(params) if p == marker.hex]
        found = [(i, conv or _uuid_value) for i, conv in found]
    assert len(found) == 1, "each marker must appear once among the parameters"
    return found[0]


def _column_name(col: Any, alias: str | None) -> str:
    target = getattr(col, "target", None)
    return str(target.attname) if target is not None else str(alias)


class PreparedRead:
    """A read whose SQL Django compiles once per database connection: later
    calls only execute it and apply the backend's value converters. For the
    hot reads, where compiling the ORM query cost more CPU than running it.
    ``build(*markers)`` returns the queryset; each marker (:data:`TEXT_MARKER`
    or :data:`INT_MARKER`, told by ``markers``) must appear exactly once among
    its parameters; ``rows(*values)`` puts the values in their places."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        *,
        markers: tuple[str | int | uuid.UUID, ...] = (TEXT_MARKER,),
    ) -> None:
        self._build = build
        self._markers = markers
        self._compiled: dict[int, tuple[str, list[Any], list[Any], Any, Any, list[str]]] = {}

    def _compile(self, alias: str) -> tuple[str, list[Any], list[Any], Any, Any, list[str]]:
        conn = connections[alias]
        entry = self._compiled.get(id(conn))
        if entry is None:
            # Distinct stand-ins for equal kinds of marker.
            stand_ins = [_stand_in(m, i) for i, m in enumerate(self._markers)]
            queryset = self._build(*stand_ins)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            positions = [_find(list(params), marker) for marker in stand_ins]
            converters = compiler.get_converters([col for col, _ann, _alias in compiler.select])
            names = [_column_name(col, alias_) for col, _ann, alias_ in compiler.select]
            entry = (sql, list(params), positions, compiler, converters, names)
            self._compiled[id(conn)] = entry
        return entry

    def rows(self, *values: Any, using: str | None = None) -> list[tuple[Any, ...]]:
        """``using``: by default the alias of the enclosing ``reading()``
        block (:mod:`motcua.core.db`), else ``default``."""
        using = using or current_read_alias()
        sql, params, positions, compiler, converters, _names = self._compile(using)
        params = params.copy()
        for (position, convert), value in zip(positions, values, strict=True):
            params[position] = value if convert is None else convert(value)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters and rows:
            return [tuple(r) for r in compiler.apply_converters(rows, converters)]
        return [tuple(r) for r in rows]

    def models(self, model: type[_M], *values: Any, using: str | None = None) -> list[_M]:
        """The rows as ``model`` instances (``Model.from_db``), for a
        queryset of ``model`` with no ``select_related``."""
        using = using or current_read_alias()
        names = self._compile(using)[5]
        return [model.from_db(using, names, row) for row in self.rows(*values, using=using)]

    def objects(self, *values: Any, using: str | None = None) -> list[Any]:
        """The rows as model instances with their ``select_related`` rows
        attached, the way Django's ``ModelIterable`` builds them."""
        using = using or current_read_alias()
        compiler = self._compile(using)[3]
        rows = self.rows(*values, using=using)
        if not rows:
            return []
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [col.target.attname for col, _ann, _alias in select[start:end]]
        model = klass_info["model"]
        populators = get_related_populators(klass_info, select, using)
        found = []
        for row in rows:
            obj = model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            found.append(obj)
        return found
