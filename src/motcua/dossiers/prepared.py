"""Compiled reads (moved to :mod:`motcua.core.prepared`, which the accounts'
hot reads use as well); re-exported here for the dossiers' modules."""

from __future__ import annotations

from motcua.core.prepared import INT_MARKER, TEXT_MARKER, UUID_MARKER, PreparedRead

__all__ = ["INT_MARKER", "TEXT_MARKER", "UUID_MARKER", "PreparedRead"]
