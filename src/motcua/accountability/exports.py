"""Exports of every accountability table: CSV (UTF-8 with a byte-order mark,
so Excel reads the diacritics; streamed) and xlsx (openpyxl in write-only
mode, decision 0029). Text cells that a spreadsheet would take for a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are
written with a leading apostrophe, in both formats."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from motcua.dossiers.states import LOCAL_TZ

Cell = str | int | float | Decimal | datetime.datetime | datetime.date | None

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Table:
    """One exported table: a sheet title, a heading line above the column
    headers (the report's name and period), the headers and the rows."""

    title: str
    heading: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def safe_text(value: str) -> str:
    """``value`` made inert for spreadsheets (formula injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _plain(value: Cell) -> str | int | float | Decimal | datetime.datetime | datetime.date | None:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime.datetime):
        # Spreadsheets have no time zones: the local wall-clock time.
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return value


def _csv_text(value: Cell) -> str:
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, datetime.datetime):
        return plain.strftime("%d/%m/%Y %H:%M")
    if isinstance(plain, datetime.date):
        return plain.strftime("%d/%m/%Y")
    return str(plain)


def csv_lines(table: Table) -> Iterator[bytes]:
    """The table as CSV, one encoded line at a time, BOM first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text.encode("utf-8")

    yield "\ufeff".encode()
    writer.writerow([safe_text(table.heading)])
    writer.writerow([safe_text(h) for h in table.headers])
    yield flush()
    for n, row in enumerate(table.rows, start=1):
        writer.writerow([_csv_text(v) for v in row])
        if n % 200 == 0:
            yield flush()
    yield flush()


def xlsx_bytes(table: Table) -> bytes:
    """The table as an xlsx workbook (write-only: rows are not kept in
    memory as cells; the file is assembled in a temporary file)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.title[:31])
    bold = Font(bold=True)

    def header(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=safe_text(text))
        cell.font = bold
        return cell

    sheet.append([header(table.heading)])
    sheet.append([header(h) for h in table.headers])
    for row in table.rows:
        cells: list[object] = []
        for value in row:
            plain = _plain(value)
            if isinstance(plain, datetime.datetime):
                cell = WriteOnlyCell(sheet, value=plain)
                cell.number_format = "dd/mm/yyyy hh:mm"
                cells.append(cell)
            elif isinstance(plain, datetime.date):
                cell = WriteOnlyCell(sheet, value=plain)
                cell.number_format = "dd/mm/yyyy"
                cells.append(cell)
            elif isinstance(plain, str):
                # Typed as text: openpyxl never reads it as a formula.
                cell = WriteOnlyCell(sheet, value=plain)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(plain)
        sheet.append(cells)
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        handle.seek(0)
        return handle.read()
