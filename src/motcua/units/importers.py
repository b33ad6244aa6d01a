"""Import the official lists of administrative units and the 2025 old → new
conversion table from the files in ``data/admin-units/``.

The import runs in two phases:

1. **parse and validate** every file into plain dataclasses, without touching
   the database. Any problem raises :class:`UnitImportError`, which names the
   file and the row;
2. **write** everything in one transaction, with a handful of bulk queries:
   rows are compared with what the database holds, so a re-run with the same
   files changes nothing, and a re-run with corrected files updates exactly
   the rows that differ.

Units are never deleted (old dossiers point at them); succession rows mirror
the conversion table, so a row dropped from the table is removed.
"""

from __future__ import annotations

import csv
import datetime
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F

from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.units.models import (
    LEGACY_LAST_DAY,
    REFORM_2025,
    AdministrativeUnit,
    Generation,
    Level,
    UnitSuccession,
)
from motcua.units.selectors import units_without_predecessor, units_without_successor

CURRENT_FILE = "current-nested-divisions.json"
LEGACY_FILE = "legacy-2025-01-nested-divisions.json"
INTERIM_FILE = "legacy-2025-interim-communes.csv"
PROVINCE_CONVERSION_FILE = "province-conversion-2025-07.csv"
WARD_CONVERSION_FILE = "ward-conversion-2025-07.csv"

#: Zero-padded width of a GSO code at each level.
CODE_WIDTH: dict[str, int] = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
BATCH_SIZE = 500
#: How many changed rows the report lists one by one.
REPORT_DETAIL_LIMIT = 50

_UNIT_FIELDS = (
    "name",
    "division_type",
    "codename",
    "name_folded",
    "parent_id",
    "province_id",
    "valid_from",
    "valid_to",
)

_KIND_LABELS: dict[type, str] = {int: "số nguyên", str: "chuỗi", list: "danh sách"}

UnitKey = tuple[str, str]  # (generation, code); the code's width gives the level


class UnitImportError(DomainError):
    """The input files are malformed. Nothing has been written."""

    code = "unit_import_invalid"
    title = "Dữ liệu đơn vị hành chính không hợp lệ"

    def __init__(self, *, file: str, where: str, problem: str) -> None:
        super().__init__(f"{file}, {where}: {problem}")
        self.file = file
        self.where = where
        self.problem = problem


# --------------------------------------------------------------------------
# Parsed input


@dataclass(frozen=True)
class ParsedUnit:
    generation: str
    level: str
    code: str
    name: str
    division_type: str
    codename: str
    parent_code: str | None
    province_code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    @property
    def key(self) -> UnitKey:
        return (self.generation, self.code)


@dataclass(frozen=True)
class ParsedSuccession:
    old: UnitKey
    new: UnitKey
    partial: bool


@dataclass
class ParsedData:
    units: list[ParsedUnit] = field(default_factory=list)
    successions: list[ParsedSuccession] = field(default_factory=list)
    #: rows read per file (units per level for the JSON files)
    file_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    #: disagreements between the files that do not stop the import
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# Result


@dataclass
class TableResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged


@dataclass
class ImportResult:
    units: TableResult
    successions: TableResult
    file_counts: dict[str, dict[str, int]]
    #: units of those generations in the database but in no file (left as they are)
    units_not_in_files: int
    #: legacy communes with no successor row, "code name" strings
    without_successor: list[str]
    #: current communes with no predecessor row
    without_predecessor: list[str]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def added(self) -> int:
        return self.units.added + self.successions.added

    @property
    def changed(self) -> int:
        """Updated rows, succession rows removed included."""
        return self.units.changed + self.successions.changed + self.successions.removed

    @property
    def unchanged(self) -> int:
        return self.units.unchanged + self.successions.unchanged

    def summary(self) -> str:
        return f"{self.added} thêm mới, {self.changed} thay đổi, {self.unchanged} không đổi"


# --------------------------------------------------------------------------
# Parsing helpers


def _where_json(path: list[str]) -> str:
    return " › ".join(path) if path else "gốc tệp"


def _require(obj: Mapping[str, Any], key: str, kind: type, *, file: str, path: list[str]) -> Any:
    if key not in obj:
        raise UnitImportError(file=file, where=_where_json(path), problem=f"thiếu trường '{key}'")
    value = obj[key]
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise UnitImportError(
            file=file,
            where=_where_json(path),
            problem=(
                f"trường '{key}' phải là {_KIND_LABELS.get(kind, kind.__name__)}"
                f", nhận được {value!r}"
            ),
        )
    if kind is str and not value.strip():
        raise UnitImportError(file=file, where=_where_json(path), problem=f"trường '{key}' rỗng")
    return value


def _code(value: int, level: str, *, file: str, where: str) -> str:
    width = CODE_WIDTH[level]
    if value < 0 or value >= 10**width:
        raise UnitImportError(
            file=file,
            where=where,
            problem=f"mã {value!r} không hợp lệ cho {Level(level).label.lower()} ({width} chữ số)",
        )
    return f"{value:0{width}d}"


def _csv_code(
    row: Mapping[str, str | None], column: str, level: str, *, file: str, where: str
) -> str:
    raw = (row.get(column) or "").strip()
    if not raw.isdigit():
        raise UnitImportError(
            file=file, where=where, problem=f"cột '{column}' phải là mã số, nhận được {raw!r}"
        )
    return _code(int(raw), level, file=file, where=where)


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise UnitImportError(file=path.name, where="tệp", problem="không tìm thấy tệp") from None
    except json.JSONDecodeError as exc:
        raise UnitImportError(
            file=path.name, where=f"dòng {exc.lineno}", problem=f"JSON lỗi: {exc.msg}"
        ) from None


def _read_csv(path: Path, columns: Iterable[str]) -> list[tuple[int, dict[str, str | None]]]:
    """Rows of a CSV file with their line numbers (the header is line 1)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise UnitImportError(
                    file=path.name, where="dòng 1", problem=f"thiếu cột {', '.join(missing)}"
                )
            return [(reader.line_num, dict(row)) for row in reader]
    except FileNotFoundError:
        raise UnitImportError(file=path.name, where="tệp", problem="không tìm thấy tệp") from None


def _unit_fields(
    obj: Mapping[str, Any], level: str, *, file: str, path: list[str]
) -> tuple[str, str, str, str]:
    code = _code(
        _require(obj, "code", int, file=file, path=path), level, file=file, where=_where_json(path)
    )
    path = [*path[:-1], f"{path[-1]} (mã {code})"]
    name = _require(obj, "name", str, file=file, path=path).strip()
    division_type = _require(obj, "division_type", str, file=file, path=path).strip()
    codename = _require(obj, "codename", str, file=file, path=path).strip()
    return code, name, division_type, codename


def _check_unique(seen: dict[str, str], code: str, *, file: str, where: str, what: str) -> None:
    if code in seen:
        raise UnitImportError(
            file=file, where=where, problem=f"mã {what} {code} trùng với {seen[code]}"
        )
    seen[code] = where


@dataclass(frozen=True)
class _Tier:
    """One level of a nested units file: its level, the word used in error
    messages, and the key of its children (None for the last level)."""

    level: str
    label: str
    children: str | None


def _parse_tree(
    path: Path,
    *,
    generation: str,
    tiers: Sequence[_Tier],
    valid_from: datetime.date | None,
    valid_to: datetime.date | None,
) -> list[ParsedUnit]:
    file = path.name
    data = _load_json(path)
    if not isinstance(data, list):
        raise UnitImportError(file=file, where="gốc tệp", problem="phải là danh sách tỉnh")
    units: list[ParsedUnit] = []
    seen: dict[str, str] = {}

    def walk(
        items: list[Any], depth: int, above: list[str], parent: str | None, province: str | None
    ) -> None:
        tier = tiers[depth]
        for i, obj in enumerate(items, start=1):
            where = [*above, f"{tier.label} thứ {i}"]
            if not isinstance(obj, dict):
                raise UnitImportError(
                    file=file, where=_where_json(where), problem="phải là đối tượng"
                )
            code, name, dtype, codename = _unit_fields(obj, tier.level, file=file, path=where)
            where = [*above, f"{tier.label} thứ {i} (mã {code})"]
            _check_unique(seen, code, file=file, where=_where_json(where), what=tier.label)
            province_code = province or code
            units.append(
                ParsedUnit(
                    generation, tier.level, code, name, dtype, codename,
                    parent, province_code, valid_from, valid_to,
                )
            )  # fmt: skip
            if tier.children is not None:
                children = _require(obj, tier.children, list, file=file, path=where)
                walk(children, depth + 1, where, code, province_code)

    walk(data, 0, [], None, None)
    return units


_PROVINCE = _Tier(Level.PROVINCE, "tỉnh", "wards")
_COMMUNE = _Tier(Level.COMMUNE, "xã", None)


def parse_current(path: Path) -> list[ParsedUnit]:
    """The post-2025 list: provinces → communes (no districts)."""
    return _parse_tree(
        path,
        generation=Generation.CURRENT,
        tiers=[_PROVINCE, _COMMUNE],
        valid_from=REFORM_2025,
        valid_to=None,
    )


def parse_legacy(path: Path) -> list[ParsedUnit]:
    """The pre-2025 list: provinces → districts → communes."""
    return _parse_tree(
        path,
        generation=Generation.LEGACY,
        tiers=[
            _Tier(Level.PROVINCE, "tỉnh", "districts"),
            _Tier(Level.DISTRICT, "huyện", "wards"),
            _COMMUNE,
        ],
        valid_from=None,
        valid_to=LEGACY_LAST_DAY,
    )


def parse_interim(path: Path, *, legacy: list[ParsedUnit]) -> list[ParsedUnit]:
    """Communes created in the first half of 2025, after the 2025-01-04
    snapshot, that the conversion table names as old units (optional file)."""
    if not path.exists():
        return []
    file = path.name
    by_code = {u.code: u for u in legacy}
    columns = ("code", "name", "division_type", "codename", "district_code", "province_code")
    units: list[ParsedUnit] = []
    for line, row in _read_csv(path, columns):
        where = f"dòng {line}"
        code = _csv_code(row, "code", Level.COMMUNE, file=file, where=where)
        dcode = _csv_code(row, "district_code", Level.DISTRICT, file=file, where=where)
        pcode = _csv_code(row, "province_code", Level.PROVINCE, file=file, where=where)
        if code in by_code:
            raise UnitImportError(
                file=file, where=where, problem=f"mã xã {code} đã có trong {LEGACY_FILE}"
            )
        district = by_code.get(dcode)
        if district is None or district.level != Level.DISTRICT or district.province_code != pcode:
            raise UnitImportError(
                file=file,
                where=where,
                problem=f"không có huyện {dcode} thuộc tỉnh {pcode} trong {LEGACY_FILE}",
            )
        values = {}
        for column in ("name", "division_type", "codename"):
            value = (row.get(column) or "").strip()
            if not value:
                raise UnitImportError(file=file, where=where, problem=f"cột '{column}' rỗng")
            values[column] = value
        unit = ParsedUnit(
            Generation.LEGACY, Level.COMMUNE, code, values["name"], values["division_type"],
            values["codename"], dcode, pcode, None, LEGACY_LAST_DAY,
        )  # fmt: skip
        by_code[code] = unit
        units.append(unit)
    return units


def parse_province_conversion(
    path: Path,
    *,
    legacy: Mapping[str, ParsedUnit],
    current: Mapping[str, ParsedUnit],
    wards: list[ParsedSuccession],
    warnings: list[str],
) -> list[ParsedSuccession]:
    """Old province → new province. The file has no partial flag, so it is
    derived from the commune rows: a row is partial when some commune of the
    old province went to another new province. A row that no commune row
    supports is reported (the 2026-09 data has one: 82 → 80)."""
    file = path.name
    rows: list[tuple[str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in _read_csv(path, ("old_province_code", "new_province_code")):
        where = f"dòng {line}"
        old = _csv_code(row, "old_province_code", Level.PROVINCE, file=file, where=where)
        new = _csv_code(row, "new_province_code", Level.PROVINCE, file=file, where=where)
        _check_known(old, Level.PROVINCE, legacy, LEGACY_FILE, file=file, where=where)
        _check_known(new, Level.PROVINCE, current, CURRENT_FILE, file=file, where=where)
        if (old, new) in seen:
            raise UnitImportError(
                file=file, where=where, problem=f"cặp {old} → {new} trùng dòng {seen[old, new]}"
            )
        seen[old, new] = line
        rows.append((old, new))
    # new provinces that received communes of each old province
    destinations: dict[str, set[str]] = defaultdict(set)
    for ward in wards:
        destinations[legacy[ward.old[1]].province_code].add(current[ward.new[1]].province_code)
    for old, new in rows:
        if new not in destinations[old]:
            warnings.append(
                f"{file}, dòng {seen[old, new]}: không xã nào của tỉnh cũ {old} chuyển sang "
                f"tỉnh mới {new} theo {WARD_CONVERSION_FILE}"
            )
    listed = set(rows)
    for old, news in sorted(destinations.items()):
        for new in sorted(news - {n for o, n in listed if o == old}):
            warnings.append(
                f"{file}: thiếu dòng {old} → {new} (có xã của tỉnh cũ {old} chuyển sang "
                f"tỉnh mới {new})"
            )
    return [
        ParsedSuccession(
            (Generation.LEGACY, old),
            (Generation.CURRENT, new),
            partial=bool(destinations[old] - {new}),
        )
        for old, new in rows
    ]


def _check_known(
    code: str,
    level: str,
    units: Mapping[str, ParsedUnit],
    source: str,
    *,
    file: str,
    where: str,
) -> ParsedUnit:
    unit = units.get(code)
    if unit is None or unit.level != level:
        raise UnitImportError(
            file=file,
            where=where,
            problem=f"mã {Level(level).label.lower()} {code} không có trong {source}",
        )
    return unit


def parse_ward_conversion(
    path: Path,
    *,
    legacy: Mapping[str, ParsedUnit],
    current: Mapping[str, ParsedUnit],
    warnings: list[str],
) -> list[ParsedSuccession]:
    """Old commune → new commune(s), with the partial flag."""
    file = path.name
    columns = (
        "old_ward_code",
        "old_district_code",
        "old_province_code",
        "old_ward_partly_merged",
        "new_ward_code",
        "new_province_code",
    )
    result: list[ParsedSuccession] = []
    seen: dict[tuple[str, str], int] = {}
    partial_of: dict[str, tuple[bool, int]] = {}
    for line, row in _read_csv(path, columns):
        where = f"dòng {line}"
        old = _csv_code(row, "old_ward_code", Level.COMMUNE, file=file, where=where)
        old_district = _csv_code(row, "old_district_code", Level.DISTRICT, file=file, where=where)
        old_province = _csv_code(row, "old_province_code", Level.PROVINCE, file=file, where=where)
        new = _csv_code(row, "new_ward_code", Level.COMMUNE, file=file, where=where)
        new_province = _csv_code(row, "new_province_code", Level.PROVINCE, file=file, where=where)
        flag = (row.get("old_ward_partly_merged") or "").strip()
        if flag not in ("0", "1"):
            raise UnitImportError(
                file=file,
                where=where,
                problem=f"cột 'old_ward_partly_merged' phải là 0 hoặc 1, nhận được {flag!r}",
            )
        partial = flag == "1"
        old_unit = _check_known(
            old, Level.COMMUNE, legacy, f"{LEGACY_FILE} hay {INTERIM_FILE}", file=file, where=where
        )
        new_unit = _check_known(new, Level.COMMUNE, current, CURRENT_FILE, file=file, where=where)
        # The district and province columns repeat what the unit lists say;
        # the lists win, and a disagreement is reported, not fatal.
        if (old_unit.parent_code, old_unit.province_code) != (old_district, old_province):
            warnings.append(
                f"{file}, {where}: xã cũ {old} thuộc huyện {old_unit.parent_code}, tỉnh "
                f"{old_unit.province_code} theo danh mục, bảng ghi {old_district}, {old_province}"
            )
        if new_unit.province_code != new_province:
            warnings.append(
                f"{file}, {where}: xã mới {new} thuộc tỉnh {new_unit.province_code} theo "
                f"danh mục, bảng ghi {new_province}"
            )
        if (old, new) in seen:
            raise UnitImportError(
                file=file, where=where, problem=f"cặp {old} → {new} trùng dòng {seen[old, new]}"
            )
        seen[old, new] = line
        if old in partial_of and partial_of[old][0] != partial:
            raise UnitImportError(
                file=file,
                where=where,
                problem=f"cờ nhập một phần của xã cũ {old} khác với dòng {partial_of[old][1]}",
            )
        partial_of.setdefault(old, (partial, line))
        result.append(
            ParsedSuccession((Generation.LEGACY, old), (Generation.CURRENT, new), partial)
        )
    return result


def _level_counts(units: Iterable[ParsedUnit]) -> dict[str, int]:
    counts = Counter(u.level for u in units)
    return {level: counts[level] for level in Level.values if counts[level]}


def parse_all(data_dir: Path) -> ParsedData:
    """Read and check every file; raise :class:`UnitImportError` on the first
    problem. Touches no database."""
    current = parse_current(data_dir / CURRENT_FILE)
    legacy = parse_legacy(data_dir / LEGACY_FILE)
    interim = parse_interim(data_dir / INTERIM_FILE, legacy=legacy)
    legacy_by_code = {u.code: u for u in [*legacy, *interim]}
    current_by_code = {u.code: u for u in current}
    warnings: list[str] = []
    wards = parse_ward_conversion(
        data_dir / WARD_CONVERSION_FILE,
        legacy=legacy_by_code,
        current=current_by_code,
        warnings=warnings,
    )
    provinces = parse_province_conversion(
        data_dir / PROVINCE_CONVERSION_FILE,
        legacy=legacy_by_code,
        current=current_by_code,
        wards=wards,
        warnings=warnings,
    )
    counts = {
        CURRENT_FILE: _level_counts(current),
        LEGACY_FILE: _level_counts(legacy),
        PROVINCE_CONVERSION_FILE: {"rows": len(provinces)},
        WARD_CONVERSION_FILE: {"rows": len(wards)},
    }
    if interim:
        counts[INTERIM_FILE] = _level_counts(interim)
    return ParsedData(
        units=[*current, *legacy, *interim],
        successions=[*provinces, *wards],
        file_counts=counts,
        warnings=warnings,
    )


# --------------------------------------------------------------------------
# Writing


def _describe_change(unit: ParsedUnit, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    diffs = [
        f"{name}: {old[name]!r} → {new[name]!r}"
        for name in _UNIT_FIELDS
        if name != "name_folded" and old[name] != new[name]
    ]
    return f"{unit.generation}/{unit.code} {unit.name}: {'; '.join(diffs)}"


def _write_units(parsed: list[ParsedUnit], result: TableResult) -> dict[UnitKey, int]:
    """Create or update the units level by level (parents first); return the
    id of every unit named in the files."""
    generations = sorted({u.generation for u in parsed})
    existing: dict[UnitKey, dict[str, Any]] = {
        (row["generation"], row["code"]): row
        for row in AdministrativeUnit.objects.filter(generation__in=generations).values(
            "id", "generation", "code", *_UNIT_FIELDS
        )
    }
    ids: dict[UnitKey, int] = {key: row["id"] for key, row in existing.items()}
    by_level: dict[str, list[ParsedUnit]] = defaultdict(list)
    for unit in parsed:
        by_level[unit.level].append(unit)

    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        for unit in by_level.get(level, []):
            wanted: dict[str, Any] = {
                "name": unit.name,
                "division_type": unit.division_type,
                "codename": unit.codename,
                "name_folded": fold(unit.name),
                "parent_id": ids[unit.generation, unit.parent_code] if unit.parent_code else None,
                "province_id": ids.get((unit.generation, unit.province_code)),
                "valid_from": unit.valid_from,
                "valid_to": unit.valid_to,
            }
            row = existing.get(unit.key)
            if row is None:
                to_create.append(
                    AdministrativeUnit(
                        generation=unit.generation, level=unit.level, code=unit.code, **wanted
                    )
                )
            elif any(row[name] != wanted[name] for name in _UNIT_FIELDS):
                result.changes.append(_describe_change(unit, row, wanted))
                to_update.append(AdministrativeUnit(id=row["id"], **wanted))
            else:
                result.unchanged += 1
        if to_create:
            AdministrativeUnit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            ids.update(
                ((g, c), pk)
                for g, c, pk in AdministrativeUnit.objects.filter(
                    generation__in=generations, level=level
                ).values_list("generation", "code", "id")
            )
            if level == Level.PROVINCE:
                # A province is its own province; its id is known only now.
                AdministrativeUnit.objects.filter(
                    generation__in=generations, level=level, province__isnull=True
                ).update(province=F("id"))
        if to_update:
            AdministrativeUnit.objects.bulk_update(
                to_update, list(_UNIT_FIELDS), batch_size=BATCH_SIZE
            )
        result.added += len(to_create)
        result.changed += len(to_update)
    return ids


def _write_successions(
    parsed: list[ParsedSuccession], ids: Mapping[UnitKey, int], result: TableResult
) -> None:
    wanted = {(ids[s.old], ids[s.new]): s.partial for s in parsed}
    existing = {
        (old, new): (pk, partial, effective)
        for pk, old, new, partial, effective in UnitSuccession.objects.filter(
            old__generation=Generation.LEGACY, new__generation=Generation.CURRENT
        ).values_list("id", "old_id", "new_id", "partial", "effective")
    }
    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    for (old, new), partial in wanted.items():
        row = existing.get((old, new))
        if row is None:
            to_create.append(
                UnitSuccession(old_id=old, new_id=new, partial=partial, effective=REFORM_2025)
            )
        elif (row[1], row[2]) != (partial, REFORM_2025):
            to_update.append(UnitSuccession(id=row[0], partial=partial, effective=REFORM_2025))
        else:
            result.unchanged += 1
    stale = [row[0] for pair, row in existing.items() if pair not in wanted]
    if to_create:
        UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        UnitSuccession.objects.bulk_update(
            to_update, ["partial", "effective"], batch_size=BATCH_SIZE
        )
    for start in range(0, len(stale), BATCH_SIZE):
        UnitSuccession.objects.filter(id__in=stale[start : start + BATCH_SIZE]).delete()
    result.added = len(to_create)
    result.changed = len(to_update)
    result.removed = len(stale)
    if to_update or stale:
        result.changes.append(
            f"chuyển đổi: {len(to_update)} dòng đổi cờ nhập một phần, {len(stale)} dòng bị bỏ"
        )


def import_units(*, data_dir: Path) -> ImportResult:
    """Import every file in ``data_dir`` in one transaction. Raises
    :class:`UnitImportError` (and writes nothing) when a file is malformed."""
    started = time.perf_counter()
    parsed = parse_all(data_dir)
    units = TableResult()
    successions = TableResult()
    with transaction.atomic():
        ids = _write_units(parsed.units, units)
        _write_successions(parsed.successions, ids, successions)
        known = set(ids.values())
        in_db = set(
            AdministrativeUnit.objects.filter(
                generation__in=[Generation.LEGACY, Generation.CURRENT]
            ).values_list("id", flat=True)
        )
        without_successor = [
            f"{u.code} {u.name}" for u in units_without_successor().select_related("parent")
        ]
        without_predecessor = [f"{u.code} {u.name}" for u in units_without_predecessor()]
    return ImportResult(
        units=units,
        successions=successions,
        file_counts=parsed.file_counts,
        units_not_in_files=len(in_db - known),
        without_successor=without_successor,
        without_predecessor=without_predecessor,
        warnings=parsed.warnings,
        seconds=time.perf_counter() - started,
    )
