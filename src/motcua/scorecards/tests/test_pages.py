"""The back-office scorecard, ranking, drill-down and home dashboard, the
public page and the open data: who may see what, figures that match the
events, bad input answered clearly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.models import DossierEvent
from motcua.scorecards.tests.journeys import PLANS, START, walk
from motcua.testing import PASSWORD, Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Personas:
    for plan in ("on_time", "late", "withdrawn", "open"):
        walk(personas, procedure, applicant, start=START, plan=PLANS[plan])
    return personas


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_leader_scorecard_shows_formulas_and_drills_down(filled: Personas) -> None:
    p = filled
    c = client_for(p.leader)
    r = c.get("/can-bo/chi-so/", {"ky": "2026-03"})
    assert r.status_code == 200
    text = r.content.decode()
    assert "Tiến độ, kết quả giải quyết" in text and "Chưa có dữ liệu" in text
    assert "Cách tính tạm" in text and 'role="img"' in text
    received = DossierEvent.objects.filter(action="submit").count()
    r = c.get(
        "/can-bo/chi-so/ho-so/",
        {"don_vi": p.place.agency_a.public_id, "chi_tieu": "received", "ky": "2026-03"},
    )
    assert r.status_code == 200
    assert r.content.decode().count("/can-bo/ho-so/") == received
    late = c.get(
        "/can-bo/chi-so/ho-so/",
        {"don_vi": p.place.agency_a.public_id, "chi_tieu": "finished_late", "ky": "2026-03"},
    )
    assert late.content.decode().count("/can-bo/ho-so/") == 1


def test_bad_periods_and_foreign_units(filled: Personas) -> None:
    p = filled
    c = client_for(p.leader)
    for query in ({"ky": "9999"}, {"tu": "2026-03-10", "den": "2026-03-01"}, {"ky": "x"}):
        r = c.get("/can-bo/chi-so/", query)
        assert r.status_code == 400
        assert "Lỗi:" in r.content.decode()
    assert c.get("/can-bo/chi-so/", {"don_vi": p.place.agency_b.public_id}).status_code == 404
    assert (
        c.get(
            "/can-bo/chi-so/ho-so/", {"don_vi": p.place.agency_a.public_id, "chi_tieu": "nope"}
        ).status_code
        == 404
    )
    # An officer without a scorecard role sees nothing.
    assert client_for(p.officer).get("/can-bo/chi-so/").status_code == 404
    # A period with no dossiers.
    assert c.get("/can-bo/chi-so/", {"ky": "2001-01"}).status_code == 200


def test_inspector_sees_the_province_and_ranking(filled: Personas) -> None:
    c = client_for(filled.inspector)
    r = c.get("/can-bo/chi-so/", {"ky": "2026-03"})
    assert r.status_code == 200 and "Toàn tỉnh" in r.content.decode()
    r = c.get("/can-bo/chi-so/xep-hang/", {"ky": "2026-03"})
    text = r.content.decode()
    assert r.status_code == 200 and filled.place.agency_a.name in text
    assert "Chưa xếp hạng" in text  # units without data are listed unranked


def test_home_dashboards(filled: Personas) -> None:
    for user in (filled.leader, filled.inspector):
        r = client_for(user).get("/can-bo/")
        text = r.content.decode()
        assert r.status_code == 200
        assert "Xu hướng sáu tháng" in text and text.count('role="img"') == 3
    assert "Xu hướng sáu tháng" not in client_for(filled.officer).get("/can-bo/").content.decode()


def test_public_page_and_open_data(filled: Personas, settings: Any) -> None:
    settings.PROVINCE_CODE = "99"
    c = Client()
    r = c.get("/chi-so-phuc-vu/", {"ky": "2026-03"})
    assert r.status_code == 200 and "Xếp hạng các đơn vị" in r.content.decode()
    data = json.loads(c.get("/chi-so-phuc-vu/du-lieu-mo.json", {"ky": "2026-03"}).content)
    row = next(x for x in data["rows"] if x["agency_code"] == filled.place.agency_a.public_id)
    # The independent count: submit events of the month at the unit.
    assert row["received"] == DossierEvent.objects.filter(action="submit").count()
    assert row["withdrawn"] == DossierEvent.objects.filter(action="withdraw").count()
    assert {f["name"] for f in data["fields"]} >= {"received", "rank", "index_converted"}
    csv = c.get("/chi-so-phuc-vu/du-lieu-mo.csv", {"ky": "2026-03"}).content.decode()
    assert csv.splitlines()[0].startswith("period,agency_code,agency_name,received")
    bad = c.get("/chi-so-phuc-vu/du-lieu-mo.json", {"ky": "9999"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    assert json.loads(bad.content)["code"] == "invalid_period"


def test_public_page_is_throttled(settings: Any) -> None:
    settings.MOTCUA_THROTTLE_OPEN_DATA = "2/h"
    c = Client()
    assert c.get("/chi-so-phuc-vu/").status_code == 200
    assert c.get("/chi-so-phuc-vu/du-lieu-mo.csv").status_code == 200
    assert c.get("/chi-so-phuc-vu/").status_code == 429


def test_a_result_ready_dossier_is_finished_not_in_progress(filled: Personas) -> None:
    """The "late" life ends with its result ready, not yet handed over: it
    counts once, as finished (late), never also as in progress."""
    from motcua.scorecards.periods import parse_period
    from motcua.scorecards.selectors import scorecard

    period = parse_period("2026-03", today=START.date())
    card = scorecard(agency=filled.place.agency_a, period=period)
    assert card.inputs["finished_late"] == 1
    assert card.inputs["in_progress"] == 1  # the "open" life only
    c = client_for(filled.leader)
    behind = c.get(
        "/can-bo/chi-so/ho-so/",
        {"don_vi": filled.place.agency_a.public_id, "chi_tieu": "in_progress", "ky": "2026-03"},
    )
    assert behind.content.decode().count("/can-bo/ho-so/") == 1
