"""Reading a filled e-form through its schema (what officers and the printed
forms show instead of raw data)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from motcua.catalog.eform_display import EMPTY, Line, address_text, display_lines, render_html

SCHEMA: dict[str, Any] = json.loads(
    (settings.BASE_DIR / "catalog" / "fixtures" / "eform-1.001193.json").read_text("utf-8")
)["schema"]


def _names(code: str) -> str | None:
    return {"29011": "Xã Phú Khương, Tỉnh Vĩnh Long"}.get(code)


def _values(lines: list[Line]) -> dict[str, str | None]:
    return {line.label: line.value for line in lines}


def test_labels_choices_dates_addresses_and_empties() -> None:
    data = {
        "nguoi_yeu_cau": {
            "ho_ten": "Nguyễn Văn An",
            "so_dinh_danh": "086190001234",
            "noi_cu_tru": {"commune_code": "29011", "street": "Số 12, ấp 3"},
            "quan_he": "cha",
        },
        "tre": {"ho_ten": "Nguyễn Thị Bé", "gioi_tinh": "nu", "ngay_sinh": "2026-02-03"},
        "me": {"ho_ten": "Trần Thị Bình", "nam_sinh": 1995},
    }
    lines = display_lines(SCHEMA, data, unit_name=_names)
    headings = [ln.label for ln in lines if ln.is_heading]
    assert headings[:3] == ["Người yêu cầu", "Người được khai sinh", "Mẹ"]
    by_group: dict[str, dict[str, str | None]] = {}
    group = ""
    for ln in lines:
        if ln.is_heading:
            group = ln.label
        else:
            by_group.setdefault(group, {})[ln.label] = ln.value
    assert by_group["Người yêu cầu"]["Quan hệ với người được khai sinh"] == "Cha"
    assert by_group["Người yêu cầu"]["Nơi cư trú"] == "Số 12, ấp 3, Xã Phú Khương, Tỉnh Vĩnh Long"
    assert by_group["Người được khai sinh"]["Giới tính"] == "Nữ"
    assert by_group["Người được khai sinh"]["Ngày, tháng, năm sinh"] == "03/02/2026"
    assert by_group["Người được khai sinh"]["Nơi sinh"] == EMPTY
    assert by_group["Mẹ"]["Năm sinh"] == "1995"
    html = render_html(lines)
    assert "{" not in html and '"ho_ten"' not in html
    assert "<h3" in html and "<dt>Giới tính</dt><dd>Nữ</dd>" in html


def test_booleans_numbers_lists_and_unknown_keys() -> None:
    schema = {
        "type": "object",
        "properties": {
            "dong_y": {"type": "boolean", "title": "Đồng ý công khai"},
            "ban_sao": {"type": "integer", "title": "Số bản sao"},
            "dien_tich": {"type": "number", "title": "Diện tích (m²)"},
            "con": {
                "type": "array",
                "title": "Con",
                "items": {
                    "type": "object",
                    "properties": {"ten": {"type": "string", "title": "Tên"}},
                },
            },
            "giay_to": {
                "type": "array",
                "title": "Giấy tờ kèm theo",
                "items": {
                    "type": "object",
                    "properties": {"ten": {"type": "string", "title": "Tên"}},
                },
            },
        },
    }
    data = {
        "dong_y": False,
        "ban_sao": 12000,
        "dien_tich": "120.5",
        "con": [{"ten": "Bé Na"}],
        "giay_to": [],
        "ghi_chu_rieng": "x",
    }
    lines = display_lines(schema, data, unit_name=_names)
    values = _values(lines)
    assert values["Đồng ý công khai"] == "Không"
    assert values["Số bản sao"] == "12.000"
    assert values["Diện tích (m²)"] == "120,5"
    assert values["Giấy tờ kèm theo"] == EMPTY
    assert Line(1, "Con 1") in lines and values["Tên"] == "Bé Na"
    assert Line(0, "Thông tin khác") in lines and values["Ghi chu rieng"] == "x"
    assert display_lines(schema, {"dong_y": True}, unit_name=_names)[0].value == "Có"


def test_address_text() -> None:
    assert address_text({"commune_code": "29011", "street": "Ấp 1"}, unit_name=_names) == (
        "Ấp 1, Xã Phú Khương, Tỉnh Vĩnh Long"
    )
    assert address_text({"commune_code": "", "street": ""}, unit_name=_names) == EMPTY
    assert address_text({"commune_code": "99999"}, unit_name=_names) == "mã xã, phường 99999"
