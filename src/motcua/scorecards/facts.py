"""What the counters of one dossier are filed under: its processing unit,
its catalogue procedure, the local day of each event."""

from __future__ import annotations

import datetime

from motcua.dossiers.caches import pinned_version
from motcua.dossiers.states import LOCAL_TZ


def procedure_of_version(version_id: int) -> int:
    """The catalogue procedure of a configuration version, from the pinned
    version the dossiers domain already holds in its per-process cache
    (versions are immutable; the submission seeds the cache)."""
    return int(pinned_version(version_id).procedure_version.procedure_id)


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LOCAL_TZ).date()
