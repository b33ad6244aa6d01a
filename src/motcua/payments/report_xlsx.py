"""The reconciliation report as an .xlsx workbook (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from motcua.payments.selectors import ReportRow
from motcua.payments.states import GatewayName

HEADERS = (
    "Đơn vị",
    "Ngày",
    "Cổng thanh toán",
    "Số giao dịch đã thanh toán",
    "Số tiền đã thu (đồng)",
    "Đang chờ",
    "Đã hoàn tiền",
    "Không thành công, hết hạn",
)


def report_xlsx(rows: Sequence[ReportRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đối soát"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append(
            [
                r.agency_name,
                r.day,
                str(GatewayName(r.gateway).label),
                r.paid_count,
                r.paid_vnd,
                r.open_count,
                r.refunded_count,
                r.failed_count,
            ]
        )
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
