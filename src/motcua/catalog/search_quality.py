"""The search measure: realistic queries (``data/search/queries.csv``) with
the procedure or agency each should find, and the share found in the top
three results (target ≥ 95 %)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from motcua.catalog.selectors import procedure_find
from motcua.units.models import Agency
from motcua.units.selectors import agency_find

TOP = 3


@dataclass(frozen=True)
class QueryCase:
    query: str
    kind: str  # "thu_tuc" (procedure code) or "co_quan" (agency public id)
    expected: str


@dataclass
class QualityReport:
    cases: int = 0
    found: int = 0
    misses: list[tuple[QueryCase, list[str]]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.found / self.cases if self.cases else 0.0


def default_queries_path() -> Path:
    return Path(settings.SEED_DIR) / "search" / "queries.csv"


def queries_read(*, path: Path) -> list[QueryCase]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            QueryCase(query=row["truy_van"], kind=row["loai"], expected=row["mong_doi"])
            for row in csv.DictReader(handle)
        ]


def search_quality(*, cases: list[QueryCase], province_code: str | None = None) -> QualityReport:
    """Run every case through the search a citizen uses (procedures: the
    catalogue search; agencies: the unit picker of the province)."""
    agencies = Agency.objects.filter(
        is_active=True, province__code=province_code or settings.PROVINCE_CODE
    )
    report = QualityReport()
    for case in cases:
        if case.kind == "co_quan":
            top = [m.agency.public_id for m in agency_find(query=case.query, agencies=agencies)]
        else:
            results = procedure_find(q=case.query).results
            top = [v.procedure.code for v in results[:TOP]]
        top = top[:TOP]
        report.cases += 1
        if case.expected in top:
            report.found += 1
        else:
            report.misses.append((case, top))
    return report
