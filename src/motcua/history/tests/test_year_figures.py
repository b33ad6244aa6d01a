"""A slice of the generated year, imported through the services, then the
scorecard, ranking, open data, accountability lists and their xlsx / CSV
exports rendered over HTTP: their figures match a recomputation written
here, its own way, from the JSON Lines file and the DossierEvent rows —
never by calling the scorecards' or the accountability app's code.

Inputs that do not come from the event log (the catalogue, fees, feedback,
national sync) are read straight from their rows; the index is scored by
this test's own reading of the configuration file (weights are data)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from motcua.catalog.models import ConfiguredProcedure, OnlineLevel
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import make_procedure
from motcua.feedback.models import Feedback
from motcua.history.format import LOCAL_TZ
from motcua.history.generator import dumps, generate, province_plan
from motcua.history.importer import import_file
from motcua.history.models import ImportedDossier
from motcua.payments.models import Obligation
from motcua.testing import PASSWORD, Personas
from motcua.units.models import Agency

pytestmark = pytest.mark.django_db

UNTIL = datetime.datetime(2026, 5, 29, 17, 0, tzinfo=LOCAL_TZ)
START = datetime.datetime(2026, 4, 1, tzinfo=LOCAL_TZ)
END = datetime.datetime(2026, 5, 1, tzinfo=LOCAL_TZ)
LAST_DAY = datetime.date(2026, 4, 30)
MONTH = {"ky": "2026-04"}
SPAN = {"tu": "2026-04-01", "den": "2026-04-30"}
CLOSED = {"result_ready", "returned", "refused", "stopped", "withdrawn"}
QUEUE = {"submitted", "processing", "result_ready"}
#: The index inputs this test recomputes from the file and the events.
EVENT_INPUTS = (
    "received",
    "received_online",
    "received_minus_late_receptions",
    "late_receptions",
    "digitised",
    "reused",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "result_electronic",
    "withdrawn",
    "stopped",
    "refused",
    "in_progress",
    "in_progress_within",
    "in_progress_overdue",
    "procedures_online_used",
    "ratings",
    "ratings_satisfied",
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def in_april(at: datetime.datetime | str | None) -> bool:
    if at is None:
        return False
    value = moment(at) if isinstance(at, str) else at
    return START <= value < END


def day(at: datetime.datetime | str) -> datetime.date:
    value = moment(at) if isinstance(at, str) else at
    return value.astimezone(LOCAL_TZ).date()


def kind(finished: datetime.datetime, due: str | None) -> str:
    if due is None or day(finished) == day(due):
        return "on_time"
    return "early" if day(finished) < day(due) else "late"


# ----------------------------------------------------------------- the world


class Slice:
    """The imported slice and everything the recomputation needs."""

    def __init__(self, personas: Personas, tmp_path: Path) -> None:
        self.personas = personas
        place = personas.place
        for agency, days in ((place.agency_a, 5), (place.agency_a, 3), (place.agency_b, 7)):
            make_procedure(agency, days=days)
        records = generate(
            province_plan("99"),
            start=datetime.date(2026, 3, 2),
            until=UNTIL,
            dossiers=450,
            seed=7,
            prefix="NAM",
        )
        self.path = tmp_path / "lat-cat.jsonl"
        self.path.write_text("".join(dumps(r) + "\n" for r in records), encoding="utf-8")
        summary = import_file(self.path, now=UNTIL + datetime.timedelta(hours=1))
        assert (summary.imported, summary.rejected) == (450, 0), summary.rejections
        self.records = [json.loads(line) for line in self.path.read_text("utf-8").splitlines()]
        dossier_of = dict(ImportedDossier.objects.values_list("legacy_id", "dossier_id"))
        self.code = dict(Dossier.objects.values_list("id", "code"))
        self.by_legacy = {r["legacy_id"]: r for r in self.records}
        self.record_of = {dossier_of[r["legacy_id"]]: r for r in self.records}
        self.events: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for e in DossierEvent.objects.values().order_by("dossier_id", "seq"):
            self.events[e["dossier_id"]].append(dict(e))
        self.agencies = {a.public_id: a for a in Agency.objects.filter(province=place.province)}
        self.units = sorted({r["agency"] for r in self.records})
        self.procedure_name = dict(
            ConfiguredProcedure.objects.values_list(
                "procedure__code", "current_version__procedure_version__name"
            )
        )

    def unit_of(self, dossier_id: int) -> str:
        return str(self.record_of[dossier_id]["agency"])


@pytest.fixture
def world(personas: Personas, tmp_path: Path) -> Slice:
    return Slice(personas, tmp_path)


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


# ------------------------------------------------------ the recomputation


def expected_inputs(w: Slice) -> dict[str, Counter[str]]:
    """Per unit, the index inputs of April, from the file and the events."""
    out: dict[str, Counter[str]] = {u: Counter() for u in w.units}
    online_procedures: dict[str, set[str]] = defaultdict(set)
    for r in w.records:
        c = out[r["agency"]]
        if in_april(r["received_at"]):
            c["received"] += 1
            if r["channel"] == "online":
                c["received_online"] += 1
                online_procedures[r["agency"]].add(r["procedure"])
        rating = r.get("rating")
        if rating and in_april(rating["at"]):
            c["ratings"] += 1
            c["ratings_satisfied"] += rating["level"] in ("satisfied", "very_satisfied")
    for dossier_id, evs in w.events.items():
        c = out[w.unit_of(dossier_id)]
        submit = evs[0]
        assert submit["action"] == "submit"
        if in_april(submit["at"]) and (submit["payload"] or {}).get("documents"):
            c["digitised"] += 1
        judged: str | None = None  # the appointment in force, apologies aside
        current: str | None = None  # the appointment now, apologies included
        finished = False
        for e in evs:
            payload = e["payload"] or {}
            if "appointment_at" in payload:
                current = payload["appointment_at"]
                if not payload.get("lateness"):
                    judged = payload["appointment_at"]
            if not in_april(e["at"]):
                if e["to_state"] in ("result_ready", "returned"):
                    finished = True
                continue
            if e["action"] == "accept" and payload.get("reception_late"):
                c["late_receptions"] += 1
            if e["to_state"] in ("result_ready", "returned") and not finished:
                finished = True
                c["finished"] += 1
                c[f"finished_{kind(e['at'], judged)}"] += 1
                c["result_electronic"] += bool(payload.get("documents"))
            if e["to_state"] in ("withdrawn", "stopped", "refused") and (
                e["from_state"] != e["to_state"]
            ):
                c[e["to_state"]] += 1
        if in_april(submit["at"]) and evs[-1]["to_state"] not in CLOSED:
            c["in_progress"] += 1
            c["in_progress_within"] += current is None or day(current) >= LAST_DAY
    for unit, c in out.items():
        c["in_progress_overdue"] = c["in_progress"] - c["in_progress_within"]
        c["received_minus_late_receptions"] = c["received"] - c["late_receptions"]
        c["procedures_online_used"] = len(online_procedures[unit])
    return out


def capability_inputs(w: Slice, unit: str) -> dict[str, int | None]:
    """Inputs outside the event log, straight from their rows; ``None`` for
    the capabilities that do not exist yet (no data)."""
    agency = w.agencies[unit]
    configured = ConfiguredProcedure.objects.filter(agency=agency, current_version__isnull=False)
    online = configured.exclude(current_version__procedure_version__online_level=OnlineLevel.NONE)
    assert not Obligation.objects.filter(agency=agency, amount_vnd__gt=0).exists()
    assert not Feedback.objects.filter(agency=agency).exists()
    return {
        "procedures": configured.count(),
        "procedures_online": online.count(),
        "fee_dossiers": 0,
        "fee_dossiers_paid_online": 0,
        "fee_procedures": 0,
        "fee_procedures_paid_online": 0,
        "feedback": 0,
        "feedback_on_time": 0,
        "procedures_published": None,
        "procedures_published_on_time": None,
        "national_synced": None,
        "national_payable_procedures": None,
    }


def converted_score(inputs: dict[str, int | None]) -> float | None:
    """The index scaled to 100 over the indicators that have data, scored
    from the configuration file by this test's own reading of it."""
    text = resources.files("motcua.scorecards").joinpath("index_766.json").read_text("utf-8")
    config = json.loads(text)
    total = available = 0.0
    for group in config["groups"]:
        for ind in group["indicators"]:
            parts = [inputs.get(k) for k in ind["numerator"] + ind["denominator"]]
            if any(v is None for v in parts):
                continue
            num = sum(int(inputs[k] or 0) for k in ind["numerator"])
            den = sum(int(inputs[k] or 0) for k in ind["denominator"])
            if den == 0:
                continue
            rate = min(1.0, num / den)
            points = float(ind["points"])
            if ind["kind"] == "threshold":
                total += points if rate >= ind["threshold"] else points * ind["below"]
            else:
                total += points * rate
            available += points
    return total * 100 / available if available else None


# ------------------------------------------------------------- the pages


def _num(text: str) -> int:
    return int(text.replace(".", "").strip() or 0)


def _timeliness_table(html: str) -> dict[str, int]:
    """The scorecard page's table: label → number (links or plain)."""
    import re

    body = html.split('aria-label="Số liệu tiến độ"', 1)[1].split("</table>", 1)[0]
    out = {}
    for label, cell in re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td>', body):
        out[label] = _num(re.sub(r"<[^>]+>", "", cell))
    return out


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def _csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_generated_slice_figures_match_the_events(world: Slice, settings: Any) -> None:
    """One import (the slow part), both families of pages checked on it."""
    settings.PROVINCE_CODE = "99"
    check_scorecards(world)
    check_accountability(world)


def check_scorecards(w: Slice) -> None:
    expected = expected_inputs(w)
    c = client_for(w.personas.inspector)
    labels = {
        "received": "Hồ sơ tiếp nhận",
        "finished": "Hồ sơ đã giải quyết",
        "finished_early": "Giải quyết trước hạn",
        "finished_on_time": "Giải quyết đúng hạn",
        "finished_late": "Giải quyết quá hạn",
        "withdrawn": "Rút hồ sơ",
    }
    data = c.get("/chi-so-phuc-vu/du-lieu-mo.json", MONTH)
    assert data.status_code == 200
    rows = {r["agency_code"]: r for r in json.loads(data.content)["rows"]}
    own: dict[str, float | None] = {}
    for unit in w.units:
        e = expected[unit]
        assert e["received"] > 20 and e["finished"] > 10, (unit, e)
        page = c.get("/can-bo/chi-so/", {"don_vi": w.agencies[unit].public_id, **MONTH})
        assert page.status_code == 200
        shown = _timeliness_table(page.content.decode())
        for key, label in labels.items():
            if label in shown:
                assert shown[label] == e[key], (unit, key)
        row = rows[unit]
        for key in (
            "received",
            "finished",
            "finished_early",
            "finished_on_time",
            "finished_late",
            "in_progress_within",
            "in_progress_overdue",
            "withdrawn",
            "refused",
            "received_online",
        ):
            assert row[key] == e[key], (unit, key, row[key], e[key])
        inputs: dict[str, int | None] = dict.fromkeys(EVENT_INPUTS, 0)
        inputs.update(capability_inputs(w, unit))
        inputs.update(e)
        own[unit] = converted_score(inputs)
        assert own[unit] is not None
        assert row["index_converted"] == pytest.approx(own[unit], abs=0.05)
    # The ranking: by this test's scores, best first; the rest unranked.
    ranked = sorted(w.units, key=lambda u: -(own[u] or 0))
    assert [rows[u]["rank"] for u in ranked] == list(range(1, len(ranked) + 1))
    ranking = c.get("/can-bo/chi-so/xep-hang/", MONTH).content.decode()
    body = ranking.split('<table class="ranking">', 1)[1]
    positions = [body.index(w.agencies[u].name) for u in ranked]
    assert positions == sorted(positions)
    others = [a for code, a in w.agencies.items() if code not in w.units]
    assert others and all(rows[a.public_id]["rank"] in (None, "") for a in others)
    # The province as a whole: the units added up.
    province = _timeliness_table(c.get("/can-bo/chi-so/", MONTH).content.decode())
    assert province["Hồ sơ tiếp nhận"] == sum(expected[u]["received"] for u in w.units)
    # CSV open data: the same rows.
    lines = c.get("/chi-so-phuc-vu/du-lieu-mo.csv", MONTH).content.decode("utf-8-sig")
    table = {r["agency_code"]: r for r in csv.DictReader(io.StringIO(lines))}
    for unit in w.units:
        assert int(table[unit]["received"]) == expected[unit]["received"]
        assert int(table[unit]["finished_late"]) == expected[unit]["finished_late"]


def check_accountability(w: Slice) -> None:
    c = client_for(w.personas.inspector)
    base = "/can-bo/trach-nhiem/"
    # Held now: the dossiers whose last event left them in a queue state.
    held = {w.code[d] for d, evs in w.events.items() if evs[-1]["to_state"] in QUEUE}
    assert len(held) > 10
    lines = _csv(c.get(f"{base}dang-giu/", {"dang": "csv"}))
    assert lines[1][0] == "Mã hồ sơ"
    assert {line[0] for line in lines[2:]} == held
    by_holder = _sheet(c.get(f"{base}nguoi-giu/", {"dang": "xlsx"}))
    assert by_holder[1][3] == "Đang giữ"
    assert sum(int(r[3]) for r in by_holder[2:]) == len(held)
    assert c.get(f"{base}dang-giu/").status_code == 200

    # Bounced: send-backs in the file (one unit per workflow: no moves).
    backs = {
        r["legacy_id"]: sum(1 for e in r["events"] if e["action"] == "send_back")
        for r in w.records
        if in_april(r["received_at"])
    }
    dossier_of = dict(ImportedDossier.objects.values_list("legacy_id", "dossier_id"))
    for more_than in (0, 1):
        sheet = _sheet(c.get(f"{base}chuyen-qua-lai/", {**SPAN, "tren": more_than, "dang": "xlsx"}))
        got = {r[0]: r[5] for r in sheet[2:]}
        want = {w.code[dossier_of[k]]: n for k, n in backs.items() if n > more_than}
        assert got == want
        assert want or more_than
        listed = c.get(f"{base}chuyen-qua-lai/", {**SPAN, "tren": more_than})
        assert listed.status_code == 200
        for code in list(want)[:5]:
            assert code in listed.content.decode()
    assert any(n > 1 for n in backs.values())  # some bounced twice

    # The periodic statistics report, per procedure and unit.
    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for dossier_id, evs in w.events.items():
        accepted = next((e for e in evs if e["to_state"] == "processing"), None)
        if accepted is None or accepted["at"] >= END:
            continue
        closing = next((e for e in evs if e["to_state"] in CLOSED), None)
        if closing is not None and closing["at"] < START:
            continue
        first = next(
            (
                e["payload"]["appointment_at"]
                for e in evs
                if "appointment_at" in (e["payload"] or {})
            ),
            None,
        )
        record = w.record_of[dossier_id]
        row = rows[(record["procedure"], w.agencies[record["agency"]].name)]
        row["carried" if accepted["at"] < START else "received"] += 1
        if closing is not None and closing["at"] < END:
            if closing["to_state"] in ("result_ready", "returned"):
                row[kind(closing["at"], first)] += 1
            elif closing["to_state"] in ("withdrawn", "stopped"):
                row["withdrawn"] += 1
        elif first is None or day(first) >= LAST_DAY:
            row["within"] += 1
        else:
            row["overdue"] += 1
    sheet = _sheet(c.get(f"{base}thong-ke/", {**SPAN, "dang": "xlsx"}))
    assert sheet[1][4] == "Tiếp nhận trong kỳ" and sheet[-1][1] == "Tổng cộng"
    keys = ("carried", "received", "", "early", "on_time", "late", "withdrawn", "within", "overdue")
    got_rows = {}
    for r in sheet[2:-1]:
        got_rows[(r[0], r[2])] = {k: int(v) for k, v in zip(keys, r[3:12], strict=True) if k}
    want_rows = {k: {n: v[n] for n in keys if n} for k, v in rows.items()}
    assert got_rows == want_rows
    totals = Counter[str]()
    for v in rows.values():
        totals.update(v)
    assert sheet[-1][4] == totals["received"] and sheet[-1][8] == totals["late"]
    assert totals["late"] and totals["early"] and totals["within"] + totals["overdue"]
    # The tracking book: every dossier received in April, in order.
    book = _sheet(c.get(f"{base}so-theo-doi/", {**SPAN, "dang": "xlsx"}))
    received = [r for r in w.records if in_april(r["received_at"])]
    assert len(book) - 2 == len(received)
    assert {r[1] for r in book[2:]} == {w.code[dossier_of[r["legacy_id"]]] for r in received}
    assert [r[0] for r in book[2:]] == list(range(1, len(received) + 1))

    # Repeated requests, late receptions, apologies: events of April.
    april = [(d, e) for d, evs in w.events.items() for e in evs if in_april(e["at"])]
    asked = Counter(d for d, e in april if e["action"] in ("ask_to_complete", "ask_to_supplement"))
    sheet = _sheet(c.get(f"{base}yeu-cau-bo-sung/", {**SPAN, "tu_lan": "1", "dang": "xlsx"}))
    assert {r[0]: r[3] for r in sheet[2:]} == {w.code[d]: n for d, n in asked.items()}
    assert asked
    late = {
        w.code[d]
        for d, e in april
        if e["action"] == "accept" and e["payload"].get("reception_late")
    }
    sheet = _sheet(c.get(f"{base}tiep-nhan-muon/", {**SPAN, "dang": "xlsx"}))
    assert {r[0] for r in sheet[2:]} == late
    apologies = Counter(w.code[d] for d, e in april if e["action"] == "apologise")
    lines = _csv(c.get(f"{base}xin-loi/", {**SPAN, "dang": "csv"}))
    assert Counter(line[0] for line in lines[2:]) == apologies and apologies
    # Every list and both files of it answer for the slice.
    for slug in ("thoi-gian-giu", "ty-le-can-bo", "nguoi-giu", "so-theo-doi", "thong-ke"):
        assert c.get(f"{base}{slug}/", SPAN).status_code == 200
        assert len(_csv(c.get(f"{base}{slug}/", {**SPAN, "dang": "csv"}))) > 2
