from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from motcua.units.importers import (
    CURRENT_FILE,
    LEGACY_FILE,
    PROVINCE_CONVERSION_FILE,
    WARD_CONVERSION_FILE,
    ImportResult,
    UnitImportError,
    import_units,
)
from motcua.units.models import (
    LEGACY_LAST_DAY,
    REFORM_2025,
    AdministrativeUnit,
    Generation,
    Level,
    UnitSuccession,
)

pytestmark = pytest.mark.django_db

UNITS_IN_FILES = 34 + 3321 + 63 + 696 + 10051 + 10  # + 10 interim communes
SUCCESSION_ROWS = 64 + 10565


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    units = list(
        AdministrativeUnit.objects.order_by("id").values_list(
            "id", "generation", "level", "code", "name", "name_folded", "parent_id",
            "province_id", "valid_from", "valid_to",
        )
    )  # fmt: skip
    successions = list(
        UnitSuccession.objects.order_by("id").values_list(
            "id", "old_id", "new_id", "partial", "effective"
        )
    )
    return units, successions


def count(generation: str, level: str) -> int:
    return AdministrativeUnit.objects.filter(generation=generation, level=level).count()


def test_first_import_loads_the_real_counts(real_units: ImportResult) -> None:
    assert real_units.file_counts[CURRENT_FILE] == {"province": 34, "commune": 3321}
    assert real_units.file_counts[LEGACY_FILE] == {
        "province": 63,
        "district": 696,
        "commune": 10051,
    }
    assert real_units.file_counts[PROVINCE_CONVERSION_FILE] == {"rows": 64}
    assert real_units.file_counts[WARD_CONVERSION_FILE] == {"rows": 10565}
    assert (real_units.units.added, real_units.units.changed) == (UNITS_IN_FILES, 0)
    assert (real_units.successions.added, real_units.successions.changed) == (SUCCESSION_ROWS, 0)

    assert count(Generation.CURRENT, Level.PROVINCE) == 34
    assert count(Generation.CURRENT, Level.COMMUNE) == 3321
    assert count(Generation.CURRENT, Level.DISTRICT) == 0
    assert count(Generation.LEGACY, Level.PROVINCE) == 63
    assert count(Generation.LEGACY, Level.DISTRICT) == 696
    assert count(Generation.LEGACY, Level.COMMUNE) == 10051 + 10
    assert UnitSuccession.objects.filter(old__level=Level.PROVINCE).count() == 64
    assert UnitSuccession.objects.filter(old__level=Level.COMMUNE).count() == 10565
    assert (
        UnitSuccession.objects.filter(old__level=Level.COMMUNE, partial=True)
        .values("old")
        .distinct()
        .count()
        == 573
    )  # split old communes (one of them, 27076, an interim commune)


def test_unmapped_units_are_reported(real_units: ImportResult) -> None:
    assert len(real_units.without_successor) == 28
    assert "26935 Phường 14" in real_units.without_successor
    assert [item.split(" ", 1)[1] for item in real_units.without_predecessor] == [
        "Đặc khu Bạch Long Vĩ",
        "Đặc khu Cồn Cỏ",
        "Đặc khu Hoàng Sa",
        "Đặc khu Lý Sơn",
        "Đặc khu Côn Đảo",
    ]
    # two commune rows name the wrong old province; one province row has no support
    assert len(real_units.warnings) == 3
    assert any("dòng 53" in w and "82" in w for w in real_units.warnings)


def test_units_are_zero_padded_and_linked(real_units: ImportResult) -> None:
    hanoi = AdministrativeUnit.objects.get(generation=Generation.CURRENT, code="01")
    ba_dinh = AdministrativeUnit.objects.get(generation=Generation.CURRENT, code="00004")
    assert (hanoi.name, hanoi.province_id, hanoi.parent_id) == ("Thành phố Hà Nội", hanoi.pk, None)
    assert (ba_dinh.name, ba_dinh.parent_id, ba_dinh.province_id) == (
        "Phường Ba Đình",
        hanoi.pk,
        hanoi.pk,
    )
    assert (ba_dinh.valid_from, ba_dinh.valid_to) == (REFORM_2025, None)
    assert ba_dinh.name_folded == "phuong ba dinh"

    phuc_xa = AdministrativeUnit.objects.select_related("parent", "province").get(
        generation=Generation.LEGACY, code="00001"
    )
    assert phuc_xa.parent is not None and phuc_xa.province is not None
    assert (phuc_xa.parent.code, phuc_xa.parent.level, phuc_xa.province.code) == (
        "001",
        Level.DISTRICT,
        "01",
    )
    assert (phuc_xa.valid_from, phuc_xa.valid_to) == (None, LEGACY_LAST_DAY)


def test_province_successions_derive_the_partial_flag(real_units: ImportResult) -> None:
    rows = UnitSuccession.objects.filter(old__level=Level.PROVINCE)
    assert set(rows.filter(partial=True).values_list("old__code", "new__code")) == {("82", "80")}
    assert set(rows.filter(new__code="86").values_list("old__code", flat=True)) == {
        "83",
        "84",
        "86",
    }


def test_second_run_changes_nothing(real_units: ImportResult) -> None:
    before = snapshot()
    again = import_units(data_dir=Path(real_units_dir()))
    assert (again.added, again.changed, again.unchanged) == (0, 0, UNITS_IN_FILES + SUCCESSION_ROWS)
    assert (
        again.summary() == f"0 thêm mới, 0 thay đổi, {UNITS_IN_FILES + SUCCESSION_ROWS} không đổi"
    )
    assert snapshot() == before


def real_units_dir() -> Path:
    from motcua.units.tests.conftest import DATA_DIR

    return DATA_DIR


def test_a_renamed_commune_changes_exactly_one_row(real_units: ImportResult, data_copy: Path):
    path = data_copy / CURRENT_FILE
    provinces = json.loads(path.read_text(encoding="utf-8"))
    assert provinces[0]["wards"][0]["code"] == 4
    provinces[0]["wards"][0]["name"] = "Phường Ba Đình Mới"
    path.write_text(json.dumps(provinces, ensure_ascii=False), encoding="utf-8")
    before = {row[0]: row for row in snapshot()[0]}

    result = import_units(data_dir=data_copy)

    assert (result.added, result.changed) == (0, 1)
    assert result.unchanged == UNITS_IN_FILES + SUCCESSION_ROWS - 1
    assert result.units.changes == [
        "2025/00004 Phường Ba Đình Mới: name: 'Phường Ba Đình' → 'Phường Ba Đình Mới'"
    ]
    after = {row[0]: row for row in snapshot()[0]}
    differing = [pk for pk in after if after[pk] != before[pk]]
    assert len(differing) == 1
    unit = AdministrativeUnit.objects.get(pk=differing[0])
    assert (unit.code, unit.name, unit.name_folded) == (
        "00004",
        "Phường Ba Đình Mới",
        "phuong ba dinh moi",
    )


def test_a_dropped_conversion_row_is_removed(real_units: ImportResult, data_copy: Path):
    path = data_copy / WARD_CONVERSION_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("1,1,1,0,97,1")
    path.write_text("".join([lines[0], *lines[2:]]), encoding="utf-8")

    result = import_units(data_dir=data_copy)

    assert (result.successions.added, result.successions.removed) == (0, 1)
    assert not UnitSuccession.objects.filter(
        old__generation=Generation.LEGACY, old__code="00001"
    ).exists()
    assert "00001 Phường Phúc Xá" in result.without_successor


def _rewrite_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _append_csv_row(path: Path, row: list[str]) -> int:
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(row)
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            CURRENT_FILE,
            lambda d: d[1]["wards"][2].pop("name"),
            "tỉnh thứ 2 (mã 04) › xã thứ 3 (mã 01288): thiếu trường 'name'",
        ),
        (
            CURRENT_FILE,
            lambda d: d[0]["wards"][0].update(code="00004"),
            "tỉnh thứ 1 (mã 01) › xã thứ 1: trường 'code' phải là số nguyên, nhận được '00004'",
        ),
        (
            LEGACY_FILE,
            lambda d: d[0]["districts"][0].update(code=1234),
            "tỉnh thứ 1 (mã 01) › huyện thứ 1: mã 1234 không hợp lệ cho cấp huyện (3 chữ số)",
        ),
        (
            LEGACY_FILE,
            lambda d: d[0].pop("districts"),
            "tỉnh thứ 1 (mã 01): thiếu trường 'districts'",
        ),
        (
            CURRENT_FILE,
            lambda d: d[0]["wards"].append(dict(d[1]["wards"][0])),
            "tỉnh thứ 2 (mã 04) › xã thứ 1 (mã 01273): mã xã 01273 trùng với "
            "tỉnh thứ 1 (mã 01) › xã thứ 127 (mã 01273)",
        ),
    ],
)
def test_malformed_json_writes_nothing(
    real_units: ImportResult, data_copy: Path, file: str, change, message: str
) -> None:
    _rewrite_json(data_copy / file, change)
    before = snapshot()
    with pytest.raises(UnitImportError) as excinfo:
        import_units(data_dir=data_copy)
    assert excinfo.value.file == file
    assert message in str(excinfo.value), str(excinfo.value)
    assert snapshot() == before


def test_unknown_code_in_conversion_writes_nothing(real_units: ImportResult, data_copy: Path):
    # a new, valid commune name at the top of the file so writing would start...
    _rewrite_json(
        data_copy / CURRENT_FILE,
        lambda d: d[0]["wards"][0].update(name="Phường Đổi Tên"),
    )
    line = _append_csv_row(data_copy / WARD_CONVERSION_FILE, ["99999", "001", "01", "0", "4", "1"])
    before = snapshot()
    with pytest.raises(UnitImportError) as excinfo:
        import_units(data_dir=data_copy)
    assert str(excinfo.value) == (
        f"{WARD_CONVERSION_FILE}, dòng {line}: mã cấp xã 99999 không có trong "
        "legacy-2025-01-nested-divisions.json hay legacy-2025-interim-communes.csv"
    )
    assert snapshot() == before
    assert not AdministrativeUnit.objects.filter(name="Phường Đổi Tên").exists()


def test_bad_values_in_conversion_files(real_units: ImportResult, data_copy: Path):
    line = _append_csv_row(data_copy / PROVINCE_CONVERSION_FILE, ["8x", "86"])
    with pytest.raises(UnitImportError) as excinfo:
        import_units(data_dir=data_copy)
    assert str(excinfo.value) == (
        f"{PROVINCE_CONVERSION_FILE}, dòng {line}: cột 'old_province_code' phải là mã số, "
        "nhận được '8x'"
    )


def test_bad_partial_flag(real_units: ImportResult, data_copy: Path):
    line = _append_csv_row(
        data_copy / WARD_CONVERSION_FILE, ["00001", "001", "01", "yes", "00004", "01"]
    )
    with pytest.raises(UnitImportError, match=f"dòng {line}: cột 'old_ward_partly_merged'"):
        import_units(data_dir=data_copy)


def test_command_reports_counts_unmapped_and_time(real_units: ImportResult) -> None:
    out = StringIO()
    call_command("import_units", data_dir=real_units_dir(), stdout=out)
    text = out.getvalue()
    total = UNITS_IN_FILES + SUCCESSION_ROWS
    assert f"Tổng cộng: 0 thêm mới, 0 thay đổi, {total} không đổi" in text
    assert "Xã cũ không có đơn vị kế thừa trong bảng chuyển đổi: 28" in text
    assert "Xã mới không có đơn vị tiền thân trong bảng chuyển đổi: 5" in text
    assert "  11948 Đặc khu Bạch Long Vĩ" in text
    assert "Thời gian: " in text


def test_command_fails_cleanly_on_malformed_data(real_units: ImportResult, data_copy: Path):
    (data_copy / PROVINCE_CONVERSION_FILE).write_text("old_province_code\n01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="không ghi gì") as excinfo:
        call_command("import_units", data_dir=data_copy, stdout=StringIO())
    assert f"{PROVINCE_CONVERSION_FILE}, dòng 1: thiếu cột new_province_code" in str(excinfo.value)


def test_missing_folder_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không tìm thấy thư mục"):
        call_command("import_units", data_dir=tmp_path / "nowhere", stdout=StringIO())
