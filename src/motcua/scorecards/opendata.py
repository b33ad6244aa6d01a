"""The province's monthly figures as open data (CSV and JSON): one row per
unit and period, fields documented in docs/developers/scorecards.md
(:data:`FIELDS` is the one list of them)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from motcua.scorecards.periods import Period
from motcua.scorecards.selectors import RankRow

#: (field, meaning) — the open data's columns, in order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("period", "Kỳ báo cáo (yyyy-mm, yyyy-Qn hoặc yyyy)"),
    ("agency_code", "Mã công khai của đơn vị"),
    ("agency_name", "Tên đơn vị"),
    ("received", "Số hồ sơ tiếp nhận trong kỳ"),
    ("finished", "Số hồ sơ đã giải quyết trong kỳ"),
    ("finished_early", "Giải quyết trước hạn"),
    ("finished_on_time", "Giải quyết đúng hạn"),
    ("finished_late", "Giải quyết quá hạn"),
    ("in_progress_within", "Đang giải quyết trong hạn (hồ sơ tiếp nhận trong kỳ)"),
    ("in_progress_overdue", "Đang giải quyết quá hạn (hồ sơ tiếp nhận trong kỳ)"),
    ("withdrawn", "Công dân rút hồ sơ"),
    ("refused", "Từ chối tiếp nhận"),
    ("received_online", "Hồ sơ nộp trực tuyến"),
    ("index_total", "Tổng điểm chỉ số (thang 100; trống: chưa có dữ liệu)"),
    ("index_available", "Số điểm tối đa của các chỉ tiêu đã có dữ liệu"),
    ("index_converted", "Điểm quy đổi về thang 100 trên các chỉ tiêu có dữ liệu"),
    ("grade", "Xếp loại"),
    ("rank", "Thứ hạng trong tỉnh (trống: chưa xếp hạng)"),
    ("rank_previous", "Thứ hạng kỳ trước"),
)


def rows(ranking: Sequence[RankRow], period: Period) -> list[dict[str, Any]]:
    out = []
    for r in ranking:
        out.append(
            {
                "period": period.key,
                "agency_code": r.agency.public_id,
                "agency_name": r.agency.name,
                **{key: r.inputs.get(key) or 0 for key, _ in FIELDS[3:13]},
                "index_total": r.index.total,
                "index_available": r.index.available,
                "index_converted": r.index.converted,
                "grade": r.index.grade,
                "rank": r.rank,
                "rank_previous": r.previous_rank,
            }
        )
    return out


def as_csv(data: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _ in FIELDS], lineterminator="\n")
    writer.writeheader()
    for row in data:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()
