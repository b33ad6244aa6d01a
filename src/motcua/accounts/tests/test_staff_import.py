"""The province's agencies and staff from CSV: the sample files load, a
second run changes nothing, a broken row changes nothing and is named."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.accounts.staff_import import StaffImportError, staff_import
from motcua.units.models import AdministrativeUnit, Agency, Generation, Level

SAMPLE = Path(settings.SEED_DIR) / "sample"


@pytest.fixture
def vinh_long(db: None) -> AdministrativeUnit:
    province = AdministrativeUnit.objects.create(
        generation=Generation.CURRENT,
        level=Level.PROVINCE,
        code="86",
        name="Tỉnh Vĩnh Long",
        division_type="tỉnh",
        codename="vinh_long",
    )
    for code, name in (("28756", "Phường Phú Khương"), ("28777", "Phường An Hội")):
        AdministrativeUnit.objects.create(
            generation=Generation.CURRENT,
            level=Level.COMMUNE,
            code=code,
            name=name,
            division_type="phường",
            codename=code,
            parent=province,
            province=province,
        )
    return province


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_files_load_and_rerun_changes_nothing(vinh_long: AdministrativeUnit) -> None:
    out = StringIO()
    call_command(
        "import_staff",
        agencies=SAMPLE / "co-quan.csv",
        staff=SAMPLE / "can-bo.csv",
        stdout=out,
    )
    assert "5 thêm mới" in out.getvalue()
    assert Agency.objects.filter(province=vinh_long).count() == 5
    committee = Agency.objects.get(public_id="ubnd-tinh")
    assert Agency.objects.get(public_id="xa-an-hoi").parent == committee
    leader = User.objects.get(username="lanhdao.phukhuong")
    assert set(leader.role_assignments.values_list("role", flat=True)) == {
        Role.LEADER,
        Role.UNIT_ADMIN,
    }
    assert not leader.has_usable_password()
    assert RoleAssignment.objects.get(user__username="thanhtra.tinh").role == Role.INSPECTOR

    again = staff_import(agencies_csv=SAMPLE / "co-quan.csv", staff_csv=SAMPLE / "can-bo.csv")
    assert (again.agencies_added, again.agencies_changed, again.agencies_unchanged) == (0, 0, 5)
    assert (again.staff_added, again.roles_added) == (0, 0)
    assert again.roles_unchanged == RoleAssignment.objects.count()


def test_broken_row_names_the_line_and_writes_nothing(
    vinh_long: AdministrativeUnit, tmp_path: Path
) -> None:
    agencies = _write(
        tmp_path,
        "co-quan.csv",
        "ma,ten,loai,dia_ban\n"
        "ubnd,UBND tỉnh,UBND tỉnh,86\n"
        "xa-1,UBND xã,Hợp tác xã,28756\n"
        "xa-2,UBND xã 2,commune_committee,99999\n",
    )
    staff = _write(
        tmp_path,
        "can-bo.csv",
        "ten_dang_nhap,ho_ten,co_quan,vai_tro\n"
        "motcua.a,Nguyễn A,ubnd,Cán bộ một cửa\n"
        "sai ten,Nguyễn B,ubnd,Chủ tịch\n"
        "motcua.c,,khong-co,leader\n",
    )
    with pytest.raises(StaffImportError) as caught:
        staff_import(agencies_csv=agencies, staff_csv=staff)
    errors = caught.value.errors
    assert errors[0].startswith("co-quan.csv, dòng 3: loại cơ quan “Hợp tác xã” không có")
    assert errors[1].startswith("co-quan.csv, dòng 4: không có tỉnh hoặc xã, phường mã “99999”")
    assert errors[2].startswith("can-bo.csv, dòng 3: tên đăng nhập chỉ gồm")
    assert "vai trò “Chủ tịch” không có" in errors[2]
    assert "thiếu họ và tên" in errors[3] and "không có cơ quan mã “khong-co”" in errors[3]
    assert len(errors) == 4
    # Nothing half-imported: the good rows were not written either.
    assert not Agency.objects.filter(public_id="ubnd").exists()
    assert not User.objects.filter(username="motcua.a").exists()


def test_command_reports_errors_in_vietnamese(
    vinh_long: AdministrativeUnit, tmp_path: Path
) -> None:
    staff = _write(tmp_path, "can-bo.csv", "ten_dang_nhap,ho_ten\nx,y\n")
    err = StringIO()
    with pytest.raises(CommandError, match="không ghi gì"):
        call_command("import_staff", staff=staff, stderr=err)
    assert "thiếu cột co_quan, vai_tro" in err.getvalue()


def test_duplicates_and_unknown_parent_are_refused(
    vinh_long: AdministrativeUnit, tmp_path: Path
) -> None:
    agencies = _write(
        tmp_path,
        "co-quan.csv",
        "ma,ten,loai,dia_ban,ma_dinh_danh,cap_tren\n"
        "a,A,UBND tỉnh,86,000.00.00.H62,\n"
        "a,B,UBND tỉnh,86,000.00.00.H62,\n"
        "c,C,department,86,,khong-co\n"
        "d,D,department,86,,x,thừa\n",
    )
    with pytest.raises(StaffImportError) as caught:
        staff_import(agencies_csv=agencies, staff_csv=None)
    errors = caught.value.errors
    assert "mã a đã có ở dòng 2" in errors[0] and "mã định danh 000.00.00.H62 đã có" in errors[0]
    assert "dòng 5: có nhiều ô hơn" in errors[1]
    assert errors[2] == "co-quan.csv, dòng 4: không có cơ quan cấp trên mã “khong-co”."
    assert Agency.objects.count() == 0
