"""The simulator as a strict receiver and the adapter against it, over a
real socket (no database)."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.integrations.national_portal import protocol as p
from motcua.integrations.national_portal.client import NationalPortal, PortalError
from motcua.integrations.national_portal.simulator import NationalPortalSimulator
from motcua.integrations.national_portal.testing import started_simulator

CATALOG = [{"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": "Hộ tịch"}]


@pytest.fixture
def sim() -> Iterator[NationalPortalSimulator]:
    simulator = started_simulator(catalog=CATALOG)
    yield simulator
    simulator.stop()


def client(sim: NationalPortalSimulator, **kw: Any) -> NationalPortal:
    kw.setdefault("timeout", 5.0)
    return NationalPortal(
        base_url=sim.url, username="motcua", password="motcua", unit_code="000.00.00.H99", **kw
    )


def record(
    code: str = "000.01.01.H99-260302-0001", status: int = 1, **extra: Any
) -> dict[str, Any]:
    return {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "ChuHoSo": "Nguyễn Văn An",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "086190000123",
        "NgayTiepNhan": "20260302080000",
        "TrangThaiHoSo": str(status),
        "DonViXuLy": "UBND Xã Đông Hòa",
        "TaiLieuNop": [],
        **extra,
    }


def progress(code: str = "000.01.01.H99-260302-0001", status: int = 1) -> dict[str, Any]:
    return {
        "MaHoSo": code,
        "NguoiXuLy": "Trần Thị Bình",
        "ThoiDiemXuLy": "20260302081500",
        "NoiDungXuLy": "Tiếp nhận hồ sơ",
        "TrangThai": str(status),
    }


def test_timestamps_are_vietnam_time() -> None:
    import datetime

    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    assert p.timestamp(moment) == "20260302063000"
    assert p.parse_timestamp("20260302063000") == moment
    with pytest.raises(ValueError):
        p.parse_timestamp("2026-03-02")


def test_a_dossier_and_its_progress_arrive_once_per_key(sim: NationalPortalSimulator) -> None:
    portal = client(sim)
    portal.sync_dossier(record(), key="k1", updating=False)
    portal.progress([progress(status=1)], key="k2")
    portal.progress([progress(status=2)], key="k3")
    again = portal.progress([progress(status=2)], key="k3")  # redelivered
    assert again["duplicate"] is True
    assert sim.history("000.01.01.H99-260302-0001") == [1, 2]
    outcomes = [(e["key"], e["outcome"]) for e in sim.log()]
    assert ("k3", "duplicate") in outcomes
    found = portal.lookup(["000.01.01.H99-260302-0001", "000.01.01.H99-260302-0002"])
    assert found["000.01.01.H99-260302-0001"]["TrangThaiHoSo"] == 2
    assert found["000.01.01.H99-260302-0002"]["TonTai"] is False
    page = urllib.request.urlopen(sim.url + "/", timeout=5).read().decode()  # noqa: S310
    assert "000.01.01.H99-260302-0001" in page and "1 → 2" in page


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"MaDoiTuong": "12ab"}, "MaDoiTuong"),
        ({"NgayTiepNhan": "02/03/2026"}, "yyyyMMddHHmmss"),
        ({"TrangThaiHoSo": "11"}, "TrangThaiHoSo"),
        ({"ChuHoSo": ""}, "ChuHoSo: bắt buộc"),
        ({"MaTTHC": "abc"}, "MaTTHC"),
        ({"TaiLieuNop": [{"TenTepDinhKem": "a.pdf"}]}, "đường dẫn"),
    ],
)
def test_the_strict_receiver_refuses_with_a_reason(
    sim: NationalPortalSimulator, change: dict[str, Any], reason: str
) -> None:
    with pytest.raises(PortalError) as caught:
        client(sim).sync_dossier(record(**change), key="bad", updating=False)
    assert caught.value.temporary is False
    assert reason in str(caught.value)
    assert sim.dossiers() == []


def test_progress_for_an_unknown_dossier_and_nonsense_transitions_are_refused(
    sim: NationalPortalSimulator,
) -> None:
    portal = client(sim)
    with pytest.raises(PortalError) as caught:
        portal.progress([progress()], key="p0")
    assert caught.value.code == p.UNKNOWN_DOSSIER and not caught.value.temporary
    portal.sync_dossier(record(status=1), key="s1", updating=False)
    portal.progress([progress(status=1)], key="p1")
    portal.progress([progress(status=10)], key="p2")
    for key, status in (("p3", 4), ("p4", 1)):
        with pytest.raises(PortalError) as caught:
            portal.progress([progress(status=status)], key=key)
        assert caught.value.code == p.TRANSITION
    assert sim.history("000.01.01.H99-260302-0001") == [1, 10]
    with pytest.raises(PortalError):  # an update of a dossier it does not hold
        portal.sync_dossier(record(code="000.01.01.H99-260302-0009"), key="u1", updating=True)


def test_a_partial_batch_is_refused_whole(sim: NationalPortalSimulator) -> None:
    portal = client(sim)
    portal.sync_dossier(record(), key="s1", updating=False)
    with pytest.raises(PortalError) as caught:
        portal.progress([progress(status=1), progress(status=99)], key="batch")
    assert not caught.value.temporary
    assert sim.history("000.01.01.H99-260302-0001") == []


def test_an_expired_session_is_renewed_once(sim: NationalPortalSimulator) -> None:
    portal = client(sim)
    portal.sync_dossier(record(), key="s1", updating=False)
    sim.fail("expire_sessions")
    portal.progress([progress()], key="p1")
    assert portal.logins == 2
    wrong = NationalPortal(
        base_url=sim.url, username="motcua", password="sai", unit_code="X", timeout=5
    )
    with pytest.raises(PortalError) as caught:
        wrong.lookup(["000.01.01.H99-260302-0001"])
    assert caught.value.code == "auth"


def test_a_session_kept_until_its_lifetime_is_over() -> None:
    now = [1000.0]
    simulator = started_simulator(session_seconds=60)
    try:
        portal = client(simulator, clock=lambda: now[0])
        portal.lookup(["000.01.01.H99-260302-0001"])
        portal.lookup(["000.01.01.H99-260302-0001"])
        assert portal.logins == 1
        now[0] += 31  # past the lifetime less the margin: renewed before the gateway refuses
        portal.lookup(["000.01.01.H99-260302-0001"])
        assert portal.logins == 2
    finally:
        simulator.stop()


@pytest.mark.parametrize("mode", ["error", "garbage"])
def test_outages_are_temporary(sim: NationalPortalSimulator, mode: str) -> None:
    portal = client(sim)
    portal.lookup(["000.01.01.H99-260302-0001"])  # logged in
    sim.fail(mode, times=1)
    with pytest.raises(PortalError) as caught:
        portal.sync_dossier(record(), key="s1", updating=False)
    assert caught.value.temporary
    portal.sync_dossier(record(), key="s1", updating=False)
    assert [d["code"] for d in sim.dossiers()] == ["000.01.01.H99-260302-0001"]


def test_a_timeout_is_temporary(sim: NationalPortalSimulator) -> None:
    portal = client(sim, timeout=0.5)
    sim.fail("timeout", times=1, seconds=3)
    with pytest.raises(PortalError) as caught:
        portal.lookup(["000.01.01.H99-260302-0001"])
    assert caught.value.temporary


def test_down_for_a_while_then_back_with_what_it_kept(sim: NationalPortalSimulator) -> None:
    portal = client(sim)
    portal.sync_dossier(record(), key="s1", updating=False)
    _control(sim, {"mode": "down", "seconds": 1})
    failures = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            found = portal.lookup(["000.01.01.H99-260302-0001"])
            if failures:
                break
        except PortalError as error:
            assert error.temporary
            failures += 1
        time.sleep(0.05)
    assert failures >= 1
    assert found["000.01.01.H99-260302-0001"]["TonTai"] is True


def test_procedures_are_listed_and_read(sim: NationalPortalSimulator) -> None:
    portal = client(sim)
    assert [x["MaTTHC"] for x in portal.procedures()] == ["1.001193"]
    assert portal.procedure("1.001193")["name"] == "Thủ tục đăng ký khai sinh"
    with pytest.raises(PortalError):
        portal.procedure("9.999999")


def test_measurement_events_are_checked_and_kept_once(sim: NationalPortalSimulator) -> None:
    from motcua.integrations.national_portal.client import Measurement

    emc = Measurement(url=sim.url + "/TrackingMCDT", timeout=5)
    event = {
        "CodeProfile": "X-1",
        "SiteId": "motcua",
        "CodeTTHC": "1.001193",
        "MaHoSo": "000.01.01.H99-260302-0001",
        "Status": 1,
        "FormsReception": 1,
        "FormsPayments": 0,
        "Level": 4,
    }
    emc.send(event, key="e1")
    assert emc.send(event, key="e1")["duplicate"] is True
    with pytest.raises(PortalError) as caught:
        emc.send({**event, "Status": 9}, key="e2")
    assert not caught.value.temporary
    assert len(sim.measurements()) == 1


def test_hostile_requests_get_an_answer_not_a_crash(sim: NationalPortalSimulator) -> None:
    for raw in (b"[1,2]", b"\xff\xfe", b'{"service": "DongBoHoSoMC"}'):
        request = urllib.request.Request(sim.url + "/integration", data=raw, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
                body = json.loads(answer.read())
        except urllib.error.HTTPError as error:
            body = json.loads(error.read())
        assert body["error_code"] != p.OK


def _control(sim: NationalPortalSimulator, body: dict[str, Any]) -> None:
    request = urllib.request.Request(  # noqa: S310
        sim.url + "/_control", data=json.dumps(body).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        assert json.loads(answer.read())["ok"] is True
