"""A realistic year of dossiers for the demo province, as ``motcua-history/1``
lines (decision 0045).

:func:`province_plan` reads the units and configured procedures from the
database (what ``motcua demo`` loaded); :func:`generate` is pure: for a plan,
a window and a seed it always yields the same lines. What it models:

- volume per day: working days, a small weekend share (online only), the
  dip around Tết (the week before and the holiday itself) and the surge of
  the three weeks after, a surge in July–August (school enrolment) carried
  by the civil-status and residence procedures;
- the mix: units of very different sizes, procedures Zipf-like in each unit,
  the online share rising over the year (where the procedure offers it);
- cases: late receptions, completion requests, refusals at reception,
  supplementation, fees, send-backs (some twice: bounced), late processing
  with or without an apology, stopped and withdrawn dossiers, results handed
  over later, ratings for a share of the returned ones;
- a few *stretching* units (about one in twenty) with several times the
  late and supplementation rates.

Moments follow an approximate working calendar (Monday–Friday, 7:00–11:30
and 13:30–17:00, the 2025–2027 public holidays); the services compute the
real appointments and deadlines from the province's calendar on import.
Nothing after ``until`` is written: dossiers received shortly before it are
still in progress.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from motcua.history.format import FORMAT, LOCAL_TZ

H = datetime.timedelta(hours=1)
SESSIONS = (
    (datetime.time(7, 0), datetime.time(11, 30)),
    (datetime.time(13, 30), datetime.time(17, 0)),
)

#: Public holidays (approximate: fixed days and the lunar ones of 2025–2027).
HOLIDAYS: frozenset[datetime.date] = frozenset(
    [datetime.date(y, 1, 1) for y in (2025, 2026, 2027)]
    + [datetime.date(2025, 1, 25) + datetime.timedelta(days=i) for i in range(9)]
    + [datetime.date(2026, 2, 14) + datetime.timedelta(days=i) for i in range(9)]
    + [datetime.date(2027, 2, 4) + datetime.timedelta(days=i) for i in range(9)]
    + [datetime.date(2025, 4, 7), datetime.date(2026, 4, 27), datetime.date(2027, 4, 16)]
    + [datetime.date(y, m, d) for y in (2025, 2026, 2027) for m, d in ((4, 30), (5, 1))]
    + [datetime.date(y, 9, d) for y in (2025, 2026, 2027) for d in (1, 2)]
)
#: Tết Nguyên Đán (first day of the lunar year).
TET = {
    2025: datetime.date(2025, 1, 29),
    2026: datetime.date(2026, 2, 17),
    2027: datetime.date(2027, 2, 6),
}

#: Words (folded) of the procedures that surge with school enrolment.
ENROLMENT_WORDS = ("khai sinh", "ho tich", "cu tru", "ban sao", "chung thuc", "thuong tru")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GIVEN = _words(
    "An Bình Châu Dũng Giang Hà Hải Hạnh Hòa Hùng Hương Khánh Lan Linh Long Mai Minh Nam Ngọc "
    "Nhung Phúc Phương Quang Sơn Tâm Thảo Thắng Thu Trang Trung Tuấn Vân Việt Yến"
)
MIDDLE = _words("Văn Thị Minh Thanh Ngọc Hữu Quốc Thu Đức Kim Hoàng Xuân")
FAMILY = _words(
    "Nguyễn Trần Lê Phạm Huỳnh Hoàng Phan Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trương Lâm Châu"
)
COMPANY = ("Mê Kông", "Cửu Long", "Phú Khương", "Sông Tiền", "Bến Tre Xanh", "Trà Vinh", "Tân Phú")


@dataclass(frozen=True)
class ProcedurePlan:
    code: str
    name: str
    days: float
    channels: tuple[str, ...]  # of the catalogue: online, in_person, post
    fee_vnd: int
    start: str
    steps: dict[str, str]  # step key -> role
    transitions: tuple[tuple[str, str, str], ...]  # (from, action, to)


@dataclass(frozen=True)
class UnitPlan:
    agency: str
    kind: str  # commune / department / …
    procedures: tuple[ProcedurePlan, ...]


@dataclass
class Plan:
    units: list[UnitPlan]
    stretching: set[str] = field(default_factory=set)


def fold(text: str) -> str:
    from motcua.core.text import fold as core_fold

    return core_fold(text)


def province_plan(province_code: str = "") -> list[UnitPlan]:
    """The units of a province (the demo's by default) with their configured
    procedures."""
    from motcua.catalog.configuration import Statutory
    from motcua.catalog.models import ConfiguredProcedure
    from motcua.demo.loader import PROVINCE_CODE

    units: dict[str, list[ProcedurePlan]] = {}
    kinds: dict[str, str] = {}
    rows = (
        ConfiguredProcedure.objects.filter(
            agency__province__code=province_code or PROVINCE_CODE,
            agency__province__generation="2025",
            is_active=True,
            current_version__isnull=False,
        )
        .select_related(
            "agency", "procedure", "current_version__workflow", "current_version__procedure_version"
        )
        .prefetch_related("current_version__procedure_version__processing_times")
        .order_by("agency__public_id", "procedure__code")
    )
    for cp in rows:
        cpv = cp.current_version
        assert cpv is not None
        if cpv.eform_id is not None or cpv.workflow is None:
            continue  # history carries no form data; a workflow is needed to process
        days = cpv.processing_days
        if days is None:
            days = Statutory.of(cpv.procedure_version).days
        definition: dict[str, Any] = cpv.workflow.definition
        fee = sum(int(f.get("amount_vnd") or 0) for f in cpv.fees or [])
        units.setdefault(cp.agency.public_id, []).append(
            ProcedurePlan(
                code=cp.procedure.code,
                name=cpv.procedure_version.name,
                days=float(days or 5),
                channels=tuple(cpv.channels or ("online", "in_person")),
                fee_vnd=fee,
                start=str(definition["start"]),
                steps={s["key"]: s["role"] for s in definition["steps"]},
                transitions=tuple(
                    (t["from"], t["action"], t["to"]) for t in definition["transitions"]
                ),
            )
        )
        kinds[cp.agency.public_id] = cp.agency.kind
    return [UnitPlan(a, kinds[a], tuple(p)) for a, p in units.items()]


# -- the working calendar (approximate) ----------------------------------------
def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


_SESSIONS_H = tuple((s.hour + s.minute / 60, e.hour + e.minute / 60) for s, e in SESSIONS)
_DAY_HOURS = sum(e - s for s, e in _SESSIONS_H)


def _next_working_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working(moment: datetime.datetime, hours: float) -> datetime.datetime:
    """``moment`` plus ``hours`` of (approximate) working time (whole seconds)."""
    local = moment.astimezone(LOCAL_TZ)
    day = local.date()
    tod = local.hour + local.minute / 60 + local.second / 3600
    left = max(hours, 0.0)
    if not is_working_day(day):
        day, tod = _next_working_day(day), 0.0
    while True:
        for start, end in _SESSIONS_H:
            if tod < end:
                tod = max(tod, start)
                if tod + left <= end:
                    midnight = datetime.datetime.combine(day, datetime.time(0), LOCAL_TZ)
                    return midnight + datetime.timedelta(seconds=round((tod + left) * 3600))
                left -= end - tod
                tod = end
        day, tod = _next_working_day(day), 0.0
        while left > _DAY_HOURS:
            left -= _DAY_HOURS
            day = _next_working_day(day)


# -- volume ----------------------------------------------------------------------
def day_weight(day: datetime.date) -> float:
    """The relative number of dossiers received on ``day``."""
    weekday = day.weekday()
    base = 1.0 if weekday < 5 else (0.08 if weekday == 5 else 0.04)
    if day in HOLIDAYS:
        base = 0.04
    tet = TET.get(day.year)
    if tet is not None:
        offset = (day - tet).days
        if -10 <= offset < -3:
            base *= 0.45  # the last week before the holiday: people travel home
        elif 6 <= offset < 27:
            base *= 1.7  # the weeks after: everything postponed arrives
    if day.month in (7, 8):
        base *= 1.25  # school enrolment
    return base


def online_share(day: datetime.date) -> float:
    """Rising over the year: 35 % in January to about 65 % in December."""
    return 0.35 + 0.30 * (day.timetuple().tm_yday / 366)


_ENROLMENT: dict[str, bool] = {}


def _is_enrolment(procedure: ProcedurePlan) -> bool:
    found = _ENROLMENT.get(procedure.name)
    if found is None:
        name = fold(procedure.name)
        found = _ENROLMENT[procedure.name] = any(word in name for word in ENROLMENT_WORDS)
    return found


# -- people ------------------------------------------------------------------------
def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _applicants(rng: random.Random, count: int) -> list[dict[str, str]]:
    pool: list[dict[str, str]] = []
    seen: set[str] = set()
    while len(pool) < count:
        if rng.random() < 0.08:
            number = f"15{rng.randrange(10**8):08d}"
            item = {
                "kind": "organisation",
                "name": f"Công ty TNHH {rng.choice(COMPANY)} {rng.randrange(1, 999)}",
                "tax_code": number,
            }
        else:
            province = rng.choice((83, 84, 86))
            born = rng.randrange(60, 100)
            number = f"0{province}{rng.randrange(2)}{born:02d}{rng.randrange(10**6):06d}"
            item = {"kind": "citizen", "name": _person_name(rng), "personal_id": number}
        if number not in seen:
            seen.add(number)
            pool.append(item)
    return pool


def _staff(rng: random.Random, units: list[UnitPlan]) -> dict[tuple[str, str], list[str]]:
    staff: dict[tuple[str, str], list[str]] = {}
    for unit in units:
        for role, count in (("one_stop_officer", 2), ("specialist", 4), ("leader", 2)):
            staff[(unit.agency, role)] = [_person_name(rng) for _ in range(count)]
    return staff


# -- one dossier ---------------------------------------------------------------------
@dataclass
class _Rates:
    late: float = 0.07
    supplement: float = 0.08
    send_back: float = 0.06
    refuse: float = 0.035
    complete: float = 0.05
    withdraw: float = 0.012
    stop: float = 0.008
    late_reception: float = 0.04
    pay: float = 0.7
    rating: float = 0.3


BASE = _Rates()
STRETCH = _Rates(late=0.35, supplement=0.4, send_back=0.2, refuse=0.08, stop=0.02)


class _Dossier:
    def __init__(self, rng: random.Random, until: datetime.datetime) -> None:
        self.rng = rng
        self.until = until
        self.events: list[dict[str, Any]] = []
        self.at: datetime.datetime | None = None
        self.cut = False

    def add(self, action: str, at: datetime.datetime, **fields: Any) -> bool:
        """Append an event at ``at``; False (and nothing more) once past ``until``."""
        if self.cut or at > self.until:
            self.cut = True
            return False
        event = {"action": action, "at": at.isoformat(), **fields}
        self.events.append(event)
        self.at = at
        return True


def _forward_moves(proc: ProcedurePlan, step: str) -> list[tuple[str, str]]:
    return [
        (a, t)
        for f, a, t in proc.transitions
        if f == step and a not in ("send_back", "consult", "join")
    ]


def _one(
    rng: random.Random,
    *,
    number: str,
    unit: UnitPlan,
    proc: ProcedurePlan,
    received: datetime.datetime,
    channel: str,
    applicant: dict[str, str],
    staff: dict[tuple[str, str], list[str]],
    rates: _Rates,
    until: datetime.datetime,
) -> dict[str, Any]:
    d = _Dossier(rng, until)
    agency = unit.agency

    def by(role: str) -> str:
        return rng.choice(staff[(agency, role)])

    line: dict[str, Any] = {
        "format": FORMAT,
        "legacy_id": number,
        "procedure": proc.code,
        "agency": agency,
        "channel": channel,
        "result_delivery": "post" if rng.random() < 0.08 else "counter",
        "applicant": applicant,
        "received_at": received.isoformat(),
    }
    if channel == "counter":
        line["received_by"] = by("one_stop_officer")
    result = ""
    budget = max(proc.days, 0.5) * 8  # working hours
    t = received
    if channel != "counter":
        late = rng.random() < rates.late_reception
        t = add_working(t, rng.uniform(9, 20) if late else rng.uniform(0.2, 6))
        if rng.random() < rates.refuse:
            d.add("refuse", t, by=by("one_stop_officer"), reasons=["Hồ sơ không thuộc thẩm quyền"])
            result = "refused"
            return _finish(line, d, result)
        if rng.random() < rates.complete:
            d.add("ask_to_complete", t, by=by("one_stop_officer"), missing=["Tờ khai chưa ký"])
            t = add_working(t, rng.uniform(4, 40))
            if rng.random() < 0.15:
                d.add("refuse", t, by=by("one_stop_officer"), reasons=["Không hoàn thiện hồ sơ"])
                return _finish(line, d, "refused")
            d.add("complete", t, note="Đã bổ sung chữ ký")
            t = add_working(t, rng.uniform(0.2, 4))
        d.add("accept", t, by=by("one_stop_officer"))
    accepted = t
    late = rng.random() < rates.late
    supplement = rng.random() < rates.supplement
    bounces = 0
    if rng.random() < rates.send_back:
        bounces = 2 if rng.random() < 0.25 else 1
    ending = ""
    r = rng.random()
    if r < rates.withdraw:
        ending = "withdraw"
    elif r < rates.withdraw + rates.stop:
        ending = "stop"
    pay = proc.fee_vnd > 0 and rng.random() < rates.pay
    apologise = late and rng.random() < 0.4
    step = proc.start
    specialist_done = False
    guard = 0
    while step != "end" and not d.cut and guard < 20:
        guard += 1
        role = proc.steps[step]
        if role == "specialist" and not specialist_done:
            share = rng.uniform(1.3, 2.6) if late else rng.uniform(0.15, 0.7)
            work = budget * share
            if apologise:
                d.add(
                    "apologise",
                    add_working(t, rng.uniform(0.5, 2)),
                    by=by("specialist"),
                    new_appointment=add_working(accepted, budget * 3 + 24).isoformat(),
                    reason="Hồ sơ cần xác minh thêm tại địa phương",
                )
                t = d.at or t
            if supplement:
                t = add_working(t, work * 0.3)
                d.add(
                    "ask_to_supplement", t, by=by("specialist"), reason="Thiếu giấy tờ chứng minh"
                )
                t = add_working(t, rng.uniform(4, 60))
                if rng.random() < 0.1:
                    d.add("withdraw", t, reason="Không bổ sung được giấy tờ")
                    return _finish(line, d, "withdrawn")
                d.add("supplement", t, note="Đã bổ sung")
            t = add_working(t, work * (0.7 if supplement else 1.0))
            if ending:
                if ending == "withdraw":
                    d.add("withdraw", t, reason="Không còn nhu cầu")
                    return _finish(line, d, "withdrawn")
                d.add("stop", t, by=by("specialist"), reason="Hồ sơ không đủ điều kiện giải quyết")
                return _finish(line, d, "stopped")
            if pay:
                d.add(
                    "ask_to_pay", t, by=by("specialist"), amount_vnd=proc.fee_vnd, reason="Lệ phí"
                )
                t = add_working(t, rng.uniform(0.5, 16))
                d.add("pay", t, reference=f"LS{number[-8:]}")
                t = add_working(t, rng.uniform(0.1, 1))
            specialist_done = True
        else:
            t = add_working(t, rng.uniform(0.1, min(budget * 0.1, 3) + 0.1))
        backs = [tgt for f, a, tgt in proc.transitions if f == step and a == "send_back"]
        if backs and bounces and specialist_done:
            bounces -= 1
            d.add("send_back", t, by=by(role), to=backs[0], note="Đề nghị thẩm định lại")
            step = backs[0]
            t = add_working(t, rng.uniform(2, 12))
            continue
        moves = _forward_moves(proc, step)
        ahead = [tgt for _a, tgt in moves if tgt != "end"]
        if ahead:
            d.add("forward", t, by=by(role), to=ahead[0])
            step = ahead[0]
        else:
            d.add("decide", t, by=by(role))
            step = "end"
    if d.cut:
        return _finish(line, d, "")
    t = add_working(t, rng.uniform(0.5, 40))
    d.add("hand_over", t, by=by("one_stop_officer"), received_by=applicant["name"])
    if not d.cut and rng.random() < rates.rating:
        rated = t + datetime.timedelta(hours=rng.uniform(1, 72))
        if rated <= until:
            unhappy = 0.25 if rates is STRETCH else 0.03
            x = rng.random()
            level = (
                "not_satisfied" if x < unhappy else ("satisfied" if x < 0.4 else "very_satisfied")
            )
            line["rating"] = {"at": rated.replace(microsecond=0).isoformat(), "level": level}
    return _finish(line, d, "issued")


def _finish(line: dict[str, Any], d: _Dossier, result: str) -> dict[str, Any]:
    line["events"] = d.events
    line["result_kind"] = "" if d.cut else result
    return line


# -- the whole window -------------------------------------------------------------------
def _received(rng: random.Random, day: datetime.date, channel: str) -> datetime.datetime:
    if channel == "online" and (not is_working_day(day) or rng.random() < 0.3):
        hour = rng.uniform(6, 23)
    else:
        hour = rng.choice((rng.uniform(7, 11.4), rng.uniform(13.5, 16.9)))
    moment = datetime.datetime.combine(day, datetime.time(0), LOCAL_TZ) + datetime.timedelta(
        hours=hour
    )
    return moment.replace(microsecond=0)


def generate(
    units: list[UnitPlan],
    *,
    start: datetime.date,
    until: datetime.datetime,
    dossiers: int,
    seed: int,
    prefix: str = "VL",
) -> Iterator[dict[str, Any]]:
    """The dossiers received from ``start`` to ``until`` (in order), each a
    ``motcua-history/1`` record (a dict; :func:`dumps` writes the line)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    units = sorted(units, key=lambda u: u.agency)
    if not units:
        return
    stretching = stretching_units(units, seed)
    staff = _staff(rng, units)
    pool = _applicants(rng, max(50, dossiers // 3))
    # Unit sizes: log-normal (a few large wards, many small communes).
    sizes = [rng.lognormvariate(0, 0.8) * (3 if u.kind == "department" else 1) for u in units]
    # Procedures: Zipf-like by a province-wide popularity rank.
    codes = sorted({p.code for u in units for p in u.procedures})
    rank = {code: i for i, code in enumerate(rng.sample(codes, len(codes)))}
    mixes: dict[tuple[str, bool], list[float]] = {}
    for u in units:
        for season in (False, True):
            mixes[(u.agency, season)] = [
                (3.0 if season and _is_enrolment(p) else 1.0) / (rank[p.code] + 1) ** 1.1
                for p in u.procedures
            ]
    last = until.astimezone(LOCAL_TZ).date()
    days = [start + datetime.timedelta(days=i) for i in range((last - start).days + 1)]
    weights = [day_weight(d) for d in days]
    picked = sorted(rng.choices(range(len(days)), weights=weights, k=dossiers))
    width = max(6, len(str(dossiers)))
    for n, day_index in enumerate(picked, start=1):
        day = days[day_index]
        unit = rng.choices(units, weights=sizes)[0]
        mix = mixes[(unit.agency, day.month in (7, 8))]
        proc = rng.choices(unit.procedures, weights=mix)[0]
        offered = set(proc.channels)
        online = "online" in offered and (
            rng.random() < online_share(day) or not is_working_day(day)
        )
        if online:
            channel = "online"
        elif "post" in offered and rng.random() < 0.04:
            channel = "post"
        elif "in_person" in offered or not offered:
            channel = "counter"
        else:
            channel = "online" if "online" in offered else "post"
        while not is_working_day(day) and channel != "online":
            day += datetime.timedelta(days=1)  # the counter is closed: the next working day
        received = _received(rng, day, channel)
        if received > until:  # the last day, after ``until``: earlier that day
            received = until - datetime.timedelta(minutes=rng.randrange(1, 240))
        yield _one(
            rng,
            number=f"{prefix}-{day.year}-{n:0{width}d}",
            unit=unit,
            proc=proc,
            received=received,
            channel=channel,
            applicant=rng.choice(pool),
            staff=staff,
            rates=STRETCH if unit.agency in stretching else BASE,
            until=until,
        )


def stretching_units(units: list[UnitPlan], seed: int) -> set[str]:
    """About one unit in twenty (at least one) stretches its procedures."""
    names = sorted(u.agency for u in units)
    rng = random.Random(f"stretching-{seed}")  # noqa: S311
    return set(rng.sample(names, max(1, len(names) // 20)))


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
