"""What the counters of one dossier are filed under: its processing unit,
its catalogue procedure, the local day of each event."""

from __future__ import annotations

import datetime
from functools import lru_cache

from motcua.catalog.models import ConfiguredProcedureVersion
from motcua.dossiers.states import LOCAL_TZ


@lru_cache(maxsize=4096)
def procedure_of_version(version_id: int) -> int:
    """The catalogue procedure of a configuration version (versions are
    immutable, so the answer is cached for the process)."""
    return int(
        ConfiguredProcedureVersion.objects.values_list("configured__procedure_id", flat=True).get(
            pk=version_id
        )
    )


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LOCAL_TZ).date()
