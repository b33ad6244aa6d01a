"""The national sync report as an .xlsx workbook (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from motcua.national.models import SyncState
from motcua.national.selectors import SyncShare, UnsyncedDossier

HEADERS = (
    "Đơn vị",
    "Số hồ sơ",
    "Đã đồng bộ",
    "Đồng bộ trễ",
    "Chưa đồng bộ",
    "Tỷ lệ đồng bộ đúng hạn (%)",
)
DOSSIER_HEADERS = (
    "Mã hồ sơ",
    "Đơn vị",
    "Trạng thái tại tỉnh",
    "Trạng thái trên Cổng quốc gia",
    "Kết quả đối soát",
    "Đồng bộ trễ",
    "Lý do",
)


def report_xlsx(rows: Sequence[SyncShare], dossiers: Sequence[UnsyncedDossier]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Theo đơn vị"
    sheet.append(list(HEADERS))
    for r in rows:
        sheet.append(
            [r.agency_name, r.total, r.synced, r.late, r.unsynced, round(r.share * 100, 1)]
        )
    detail = book.create_sheet("Hồ sơ chưa đồng bộ")
    detail.append(list(DOSSIER_HEADERS))
    for d in dossiers:
        detail.append(
            [
                d.code,
                d.agency_name,
                d.local_status,
                d.remote_status if d.remote_status is not None else "",
                str(SyncState(d.state).label),
                "Có" if d.late else "Không",
                d.reason,
            ]
        )
    for ws in (sheet, detail):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
