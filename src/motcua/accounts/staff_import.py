"""Import a province's agencies and staff from two CSV files (see
``docs/installation.md`` → "Cơ quan và cán bộ" and the sample files in
``data/sample/``).

Every row is checked before anything is written; one broken row means the
whole import changes nothing and every broken row is reported with its line
number, in Vietnamese. Re-running the same files is safe: agencies are
matched by ``ma``, staff by ``ten_dang_nhap``; roles are only added (revoke
them in the back office or the admin site)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Generation, Level

AGENCY_COLUMNS = ("ma", "ten", "loai", "dia_ban")
AGENCY_OPTIONAL = ("ten_viet_tat", "ma_dinh_danh", "cap_tren")
STAFF_COLUMNS = ("ten_dang_nhap", "ho_ten", "co_quan", "vai_tro")
STAFF_OPTIONAL = ("email", "dien_thoai")
#: Several roles in one cell are separated by ``;`` (labels contain commas).
ROLE_SEPARATOR = ";"


class StaffImportError(Exception):
    """The files have errors; nothing was written. ``errors`` are the
    messages, one per broken row or file."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class StaffImportReport:
    agencies_added: int = 0
    agencies_changed: int = 0
    agencies_unchanged: int = 0
    staff_added: int = 0
    staff_changed: int = 0
    roles_added: int = 0
    roles_unchanged: int = 0
    new_usernames: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _AgencyRow:
    line: int
    public_id: str
    name: str
    short_name: str
    kind: str
    e_identifier: str | None
    area: AdministrativeUnit
    parent: str


@dataclass(frozen=True)
class _StaffRow:
    line: int
    username: str
    full_name: str
    email: str
    phone: str
    agency: str
    roles: tuple[str, ...]


def _choice(value: str, choices: Iterable[tuple[str, object]]) -> str | None:
    """The code of ``value`` given as a code or as its Vietnamese label."""
    wanted = value.strip().casefold()
    for code, label in choices:
        if wanted in (code.casefold(), str(label).casefold()):
            return code
    return None


def _read(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> list[dict[str, str]]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise StaffImportError([f"{name}: không tìm thấy tệp."]) from None
    except UnicodeDecodeError:
        raise StaffImportError([f"{name}: tệp phải được lưu với mã UTF-8."]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise StaffImportError([f"{name}: thiếu cột {', '.join(missing)} ở dòng tiêu đề."])
    unknown = [c for c in header if c not in required + optional]
    if unknown:
        raise StaffImportError([f"{name}: cột không dùng được: {', '.join(unknown)}."])
    reader.fieldnames = header
    rows = []
    for raw in reader:
        if None in raw:
            rows.append({"__error__": "có nhiều ô hơn số cột của dòng tiêu đề."})
            continue
        rows.append({k: (v or "").strip() for k, v in raw.items()})
    return rows


def _parse_agencies(
    rows: list[dict[str, str]], *, file: str, errors: list[str]
) -> list[_AgencyRow]:
    out: list[_AgencyRow] = []
    seen: dict[str, int] = {}
    seen_eid: dict[str, int] = {}
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            generation=Generation.CURRENT, code__in={r.get("dia_ban", "") for r in rows}
        )
    }
    for line, row in enumerate(rows, start=2):
        problems: list[str] = []
        if "__error__" in row:
            errors.append(f"{file}, dòng {line}: {row['__error__']}")
            continue
        public_id, name = row["ma"], row["ten"]
        try:
            validate_slug(public_id)
        except ValidationError:
            problems.append(
                "mã cơ quan chỉ gồm chữ không dấu, số và dấu gạch ngang"
                if public_id
                else "thiếu mã cơ quan"
            )
        if public_id in seen:
            problems.append(f"mã {public_id} đã có ở dòng {seen[public_id]}")
        seen.setdefault(public_id, line)
        if not name:
            problems.append("thiếu tên cơ quan")
        elif len(name) > 200:
            problems.append("tên cơ quan dài quá 200 ký tự")
        kind = _choice(row["loai"], AgencyKind.choices)
        if kind is None:
            labels = "; ".join(str(label) for _, label in AgencyKind.choices)
            problems.append(f"loại cơ quan “{row['loai']}” không có (dùng một trong: {labels})")
        area = units.get(row["dia_ban"])
        if area is None or area.level not in (Level.PROVINCE, Level.COMMUNE):
            problems.append(
                f"không có tỉnh hoặc xã, phường mã “{row['dia_ban']}” trong danh mục hiện hành"
            )
        eid = row.get("ma_dinh_danh", "") or None
        if eid is not None:
            if eid in seen_eid:
                problems.append(f"mã định danh {eid} đã có ở dòng {seen_eid[eid]}")
            elif Agency.objects.filter(e_identifier=eid).exclude(public_id=public_id).exists():
                problems.append(f"mã định danh {eid} đã thuộc về một cơ quan khác")
            seen_eid.setdefault(eid, line)
        if problems:
            errors.append(f"{file}, dòng {line}: " + "; ".join(problems) + ".")
            continue
        assert kind is not None and area is not None
        out.append(
            _AgencyRow(
                line=line,
                public_id=public_id,
                name=name,
                short_name=row.get("ten_viet_tat", ""),
                kind=kind,
                e_identifier=eid,
                area=area,
                parent=row.get("cap_tren", ""),
            )
        )
    known = {r.public_id for r in out} | set(seen)
    existing = set(
        Agency.objects.filter(public_id__in={r.parent for r in out if r.parent}).values_list(
            "public_id", flat=True
        )
    )
    for r in out:
        if r.parent and r.parent not in known and r.parent not in existing:
            errors.append(f"{file}, dòng {r.line}: không có cơ quan cấp trên mã “{r.parent}”.")
        elif r.parent == r.public_id:
            errors.append(f"{file}, dòng {r.line}: cơ quan không thể là cấp trên của chính nó.")
    return out


def _parse_staff(
    rows: list[dict[str, str]], *, file: str, agencies: set[str], errors: list[str]
) -> list[_StaffRow]:
    out: list[_StaffRow] = []
    names: dict[str, tuple[str, int]] = {}
    validate_username = UnicodeUsernameValidator()
    existing = set(
        Agency.objects.filter(public_id__in={r.get("co_quan", "") for r in rows}).values_list(
            "public_id", flat=True
        )
    )
    for line, row in enumerate(rows, start=2):
        if "__error__" in row:
            errors.append(f"{file}, dòng {line}: {row['__error__']}")
            continue
        problems: list[str] = []
        username = row["ten_dang_nhap"]
        try:
            validate_username(username)
            if not username or len(username) > 150:
                raise ValidationError("")
        except ValidationError:
            problems.append(
                "tên đăng nhập chỉ gồm chữ, số và các dấu @ . + - _ (tối đa 150 ký tự)"
                if username
                else "thiếu tên đăng nhập"
            )
        full_name = row["ho_ten"]
        if not full_name:
            problems.append("thiếu họ và tên")
        elif username in names and names[username][0] != full_name:
            problems.append(f"họ và tên khác với dòng {names[username][1]} của cùng tên đăng nhập")
        names.setdefault(username, (full_name, line))
        email = row.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"thư điện tử “{email}” không hợp lệ")
        if row["co_quan"] not in agencies and row["co_quan"] not in existing:
            problems.append(f"không có cơ quan mã “{row['co_quan']}”")
        roles: list[str] = []
        cells = [c for c in row["vai_tro"].split(ROLE_SEPARATOR) if c.strip()]
        if not cells:
            problems.append("thiếu vai trò")
        for cell in cells:
            role = _choice(cell, Role.choices)
            if role is None:
                labels = "; ".join(str(label) for _, label in Role.choices)
                problems.append(f"vai trò “{cell.strip()}” không có (dùng: {labels})")
            else:
                roles.append(role)
        if problems:
            errors.append(f"{file}, dòng {line}: " + "; ".join(problems) + ".")
            continue
        out.append(
            _StaffRow(
                line=line,
                username=username,
                full_name=full_name,
                email=email,
                phone=row.get("dien_thoai", ""),
                agency=row["co_quan"],
                roles=tuple(roles),
            )
        )
    return out


def _write_agencies(rows: list[_AgencyRow], report: StaffImportReport) -> None:
    by_id = {
        a.public_id: a for a in Agency.objects.filter(public_id__in=[r.public_id for r in rows])
    }
    for r in rows:
        agency = by_id.get(r.public_id)
        values = {
            "name": r.name,
            "short_name": r.short_name,
            "kind": r.kind,
            "e_identifier": r.e_identifier,
            "area_id": r.area.pk,
        }
        if agency is None:
            agency = Agency(public_id=r.public_id, **values)
            agency.save()
            by_id[r.public_id] = agency
            report.agencies_added += 1
        elif any(getattr(agency, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(agency, k, v)
            agency.area = r.area
            agency.save()
            report.agencies_changed += 1
        else:
            report.agencies_unchanged += 1
    parents = {
        a.public_id: a
        for a in Agency.objects.filter(public_id__in={r.parent for r in rows if r.parent})
    }
    for r in rows:
        parent = parents.get(r.parent) if r.parent else None
        agency = by_id[r.public_id]
        if parent is not None and agency.parent_id != parent.pk:
            Agency.objects.filter(pk=agency.pk).update(parent=parent)


def _write_staff(rows: list[_StaffRow], report: StaffImportReport) -> None:
    agencies = {
        a.public_id: a for a in Agency.objects.filter(public_id__in={r.agency for r in rows})
    }
    users = {u.username: u for u in User.objects.filter(username__in={r.username for r in rows})}
    for r in rows:
        user = users.get(r.username)
        if user is None:
            user = User(username=r.username, full_name=r.full_name, email=r.email, phone=r.phone)
            user.set_unusable_password()
            user.save()
            users[r.username] = user
            report.staff_added += 1
            report.new_usernames.append(r.username)
        else:
            changed = False
            for attr, value in (("full_name", r.full_name), ("email", r.email), ("phone", r.phone)):
                if value and getattr(user, attr) != value:
                    setattr(user, attr, value)
                    changed = True
            if changed:
                user.save(update_fields=["full_name", "email", "phone"])
                report.staff_changed += 1
        for role in r.roles:
            _, created = RoleAssignment.objects.get_or_create(
                user=user, agency=agencies[r.agency], role=role
            )
            if created:
                report.roles_added += 1
            else:
                report.roles_unchanged += 1


def staff_import(*, agencies_csv: Path | None, staff_csv: Path | None) -> StaffImportReport:
    """Check both files, then write them in one transaction. Raises
    :class:`StaffImportError` (nothing written) when any row is broken."""
    errors: list[str] = []
    agency_rows: list[_AgencyRow] = []
    if agencies_csv is not None:
        raw = _read(agencies_csv, AGENCY_COLUMNS, AGENCY_OPTIONAL)
        agency_rows = _parse_agencies(raw, file=agencies_csv.name, errors=errors)
    staff_rows: list[_StaffRow] = []
    if staff_csv is not None:
        raw = _read(staff_csv, STAFF_COLUMNS, STAFF_OPTIONAL)
        staff_rows = _parse_staff(
            raw,
            file=staff_csv.name,
            agencies={r.public_id for r in agency_rows},
            errors=errors,
        )
    if errors:
        raise StaffImportError(errors)
    report = StaffImportReport()
    with transaction.atomic():
        _write_agencies(agency_rows, report)
        _write_staff(staff_rows, report)
    return report
