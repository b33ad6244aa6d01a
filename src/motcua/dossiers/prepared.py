"""Compiled reads: :class:`PreparedRead` compiles a hot ORM query once
per database connection, later calls only execute it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet

from motcua.core.db import current_read_alias

_M = TypeVar("_M", bound=Model)


#: Stand for the parameter of a :class:`PreparedRead` while it is compiled.
TEXT_MARKER = "\x00motcua-prepared-parameter\x00"


INT_MARKER = -8_070_450_532_247_928_831


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
        markers: tuple[str | int, ...] = (TEXT_MARKER,),
    ) -> None:
        self._build = build
        self._markers = markers
        self._compiled: dict[int, tuple[str, list[Any], list[int], Any, Any, list[str]]] = {}

    def _compile(self, alias: str) -> tuple[str, list[Any], list[int], Any, Any, list[str]]:
        conn = connections[alias]
        entry = self._compiled.get(id(conn))
        if entry is None:
            # Distinct stand-ins for equal kinds of marker.
            stand_ins = [
                m if i == 0 else (m + i if isinstance(m, int) else f"{m}{i}")
                for i, m in enumerate(self._markers)
            ]
            queryset = self._build(*stand_ins)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            positions = []
            for marker in stand_ins:
                found = [i for i, p in enumerate(params) if type(p) is type(marker) and p == marker]
                assert len(found) == 1, "each marker must appear once among the parameters"
                positions.append(found[0])
            converters = compiler.get_converters([col for col, _ann, _alias in compiler.select])
            names = [_column_name(col, alias_) for col, _ann, alias_ in compiler.select]
            entry = (sql, list(params), positions, compiler, converters, names)
            self._compiled[id(conn)] = entry
        return entry

    def rows(self, *values: Any, using: str | None = None) -> list[tuple[Any, ...]]:
        """``using``: by default the alias of the enclosing ``reading()``
        block (motcua.core.db), else ``default``."""
        using = using or current_read_alias()
        sql, params, positions, compiler, converters, _names = self._compile(using)
        params = params.copy()
        for position, value in zip(positions, values, strict=True):
            params[position] = value
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
