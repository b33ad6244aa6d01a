"""The tracking book (sổ theo dõi hồ sơ, form 07 of Circular 03/2025/TT-VPCP):
the page, the xlsx and CSV exports and the printable form carry the form's
columns, in the form's order, under the same labels; the docs mark every
label whose official wording is unknown as a reading ("cách hiểu")."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from motcua.accountability.tests.conftest import World

pytestmark = pytest.mark.django_db

URL = "/can-bo/trach-nhiem/so-theo-doi/"
PERIOD = {"tu": "2026-02-01", "den": "2026-03-31"}
DOCS = Path(__file__).resolve().parents[4] / "docs" / "developers" / "accountability.md"

#: The form's columns as this project reads them (decision 0042): the
#: layout of form 06 of Circular 01/2018, the predecessor of form 07.
FORM_07 = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả cho cá nhân, tổ chức",
    "Ghi chú",
]
DATE_COLUMNS = FORM_07[7:12]


def _get(client: Client, world: World, **query: str) -> Any:
    client.force_login(world.personas.inspector)
    return client.get(URL, {**PERIOD, **query})


def test_exports_header_row_is_the_form(client: Client, world: World) -> None:
    xlsx = _get(client, world, dang="xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert str(rows[0][0]).startswith("Sổ theo dõi hồ sơ (Mẫu số 07)")
    assert list(rows[1]) == FORM_07
    first = rows[2]
    assert first[0] == 1 and first[3] == 1  # STT, one set per dossier
    assert all(len(r) == len(FORM_07) for r in rows[2:])

    stream = _get(client, world, dang="csv")
    lines = list(csv.reader(io.StringIO(b"".join(stream.streaming_content).decode("utf-8-sig"))))
    assert lines[1] == FORM_07
    assert len(lines) == len(rows)


def test_page_shows_the_form_columns_and_says_they_are_a_reading(
    client: Client, world: World
) -> None:
    page = _get(client, world)
    assert page.status_code == 200
    html = page.content.decode()
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.findall(r'<th scope="col">([^<]+)</th>', head) == FORM_07
    assert "cách hiểu" in html and "Mẫu số 06 Thông tư 01/2018/TT-VPCP" in html


def test_printable_form_uses_the_same_columns() -> None:
    forms = resources.files("motcua.documents").joinpath("templates/documents/forms")
    source = forms.joinpath("2025/07.html").read_text("utf-8")
    assert '{% extends "documents/forms/tracking_book.html" %}' in source
    book = forms.joinpath("tracking_book.html").read_text("utf-8")
    head = book.split("<thead>", 1)[1].split("</thead>", 1)[0]
    labels = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<th[^>]*>([^<]+)</th>", head)]
    # Row one: the columns spanning two rows and the "Ngày, tháng, năm" group;
    # row two: the five dates under it.
    assert labels[:7] == FORM_07[:7]
    assert labels[7] == "Ngày, tháng, năm"
    assert labels[8] == "Ghi chú"
    assert labels[9:] == DATE_COLUMNS


def test_docs_mark_every_column_a_reading() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("### Tracking book columns", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    documented = {line.split("|")[2].strip(): line for line in rows[1:]}
    assert list(documented) == FORM_07
    assert all("cách hiểu" in line for line in documented.values())
