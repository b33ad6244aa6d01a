"""Importing history through the services: a small generated file imports,
twice imports nothing new, bad lines are reported by number and skipped."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.accounts.models import Applicant, Role, RoleAssignment, User
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services
from motcua.dossiers.hooks import registered_hooks
from motcua.dossiers.models import AppointmentChange, Dossier, DossierEvent, PauseInterval, StepRun
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import THREE_STEPS, make_procedure
from motcua.feedback.models import Rating
from motcua.history import importing
from motcua.history.format import LOCAL_TZ
from motcua.history.generator import dumps, generate, province_plan
from motcua.history.importer import LEGACY_PREFIX, import_file, import_texts
from motcua.history.models import ImportedDossier
from motcua.outbox.models import OutboxMessage
from motcua.scorecards.models import DailyCount
from motcua.testing import Personas
from motcua.webhooks.models import WebhookSubscription

NOW = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def procedure(personas: Personas) -> ConfiguredProcedure:
    return make_procedure(personas.place.agency_a, days=5)


def _lines(count: int, seed: int = 1) -> list[str]:
    units = province_plan("99")
    assert units, "the test province has a configured procedure"
    return [
        dumps(r)
        for r in generate(
            units,
            start=datetime.date(2026, 3, 2),
            until=datetime.datetime(2026, 6, 30, 17, 0, tzinfo=LOCAL_TZ),
            dossiers=count,
            seed=seed,
            prefix="T",
        )
    ]


def _line(procedure: ConfiguredProcedure, legacy_id: str = "CU-1", **over: Any) -> str:
    base: dict[str, Any] = {
        "legacy_id": legacy_id,
        "procedure": procedure.procedure.code,
        "agency": procedure.agency.public_id,
        "channel": "online",
        "applicant": {"kind": "citizen", "name": "Trần Văn Bốn", "personal_id": "086199001111"},
        "received_at": "2026-03-02T08:00:00+07:00",
        "events": [
            {"action": "accept", "at": "2026-03-02T09:00:00+07:00", "by": "Lê Thị Một"},
            {"action": "forward", "at": "2026-03-02T10:00:00+07:00", "by": "Lê Thị Một"},
            {
                "action": "ask_to_supplement",
                "at": "2026-03-03T10:00:00+07:00",
                "by": "Phan Văn Hai",
                "reason": "Thiếu bản sao",
            },
            {"action": "supplement", "at": "2026-03-05T10:00:00+07:00"},
            {
                "action": "apologise",
                "at": "2026-03-06T10:00:00+07:00",
                "by": "Phan Văn Hai",
                "new_appointment": "2026-03-20T16:00:00+07:00",
                "reason": "Cần xác minh",
            },
            {"action": "forward", "at": "2026-03-09T10:00:00+07:00", "by": "Phan Văn Hai"},
            {"action": "send_back", "at": "2026-03-09T15:00:00+07:00", "by": "Võ Thị Ba"},
            {"action": "forward", "at": "2026-03-10T10:00:00+07:00", "by": "Phan Văn Hai"},
            {"action": "decide", "at": "2026-03-10T15:00:00+07:00", "by": "Võ Thị Ba"},
            {"action": "hand_over", "at": "2026-03-11T09:00:00+07:00", "by": "Lê Thị Một"},
        ],
        "result_kind": "issued",
        "rating": {"at": "2026-03-12T09:00:00+07:00", "level": "very_satisfied"},
    }
    base.update(over)
    return json.dumps(base, ensure_ascii=False)


def test_one_dossier_through_the_services(procedure: ConfiguredProcedure) -> None:
    summary = import_texts([_line(procedure)], now=NOW)
    assert (summary.imported, summary.present, summary.rejected) == (1, 0, 0), summary.rejections
    dossier = Dossier.objects.get(imported_from__legacy_id="CU-1")
    assert dossier.state == State.RETURNED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 11 == summary.events
    submitted = DossierEvent.objects.get(dossier=dossier, seq=1)
    assert submitted.payload["documents_held_elsewhere"] is True  # papers stay in the old system
    assert [r.step_key for r in StepRun.objects.filter(dossier=dossier).order_by("id")] == [
        "reception",
        "specialist",
        "leader",
        "specialist",
        "leader",
    ]
    assert PauseInterval.objects.filter(dossier=dossier, ended_at__isnull=False).count() == 1
    changes = AppointmentChange.objects.filter(dossier=dossier)
    assert changes.filter(lateness=True).count() == 1  # the apology
    assert changes.filter(lateness=False).count() == 1  # moved by the pause
    assert Rating.objects.get(dossier=dossier).level == "very_satisfied"
    # Legacy officers: inactive accounts of the unit with the roles they acted in.
    legacy = User.objects.filter(username__startswith=LEGACY_PREFIX, full_name="Phan Văn Hai")
    assert legacy.get().is_active is False
    assert set(
        RoleAssignment.objects.filter(user__full_name="Phan Văn Hai").values_list("role", flat=True)
    ) == {Role.SPECIALIST}
    assert set(
        RoleAssignment.objects.filter(user__full_name="Lê Thị Một").values_list("role", flat=True)
    ) == {Role.ONE_STOP_OFFICER}


def test_a_generated_file_imports_once(procedure: ConfiguredProcedure, tmp_path: Path) -> None:
    lines = _lines(40)
    assert len(lines) == 40
    path = tmp_path / "year.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hooks_before = registered_hooks()
    first = import_file(path, now=NOW)
    assert first.rejected == 0, first.rejections
    assert first.imported == 40
    assert ImportedDossier.objects.count() == 40
    assert DossierEvent.objects.count() == first.events
    assert registered_hooks() == hooks_before  # the silenced hooks are back
    events = DossierEvent.objects.count()
    again = import_file(path, now=NOW)
    assert (again.imported, again.present, again.rejected) == (0, 40, 0)
    assert DossierEvent.objects.count() == events
    assert Dossier.objects.count() == 40


def test_the_outside_world_hears_nothing_of_an_import(
    personas: Personas,
    procedure: ConfiguredProcedure,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Another provincial system listens to the unit: a live event reaches it.
    WebhookSubscription.objects.create(
        agency=procedure.agency, name="Hệ thống thống kê", url="http://127.0.0.1:9/"
    )
    path = tmp_path / "quiet.jsonl"
    path.write_text(_line(procedure, "QUIET-1") + "\n", encoding="utf-8")
    with django_capture_on_commit_callbacks() as callbacks:
        result = import_file(path, now=NOW)
    assert result.imported == 1
    assert not importing.active()
    # No notification enqueued, no outbox row (national portal, webhooks) written...
    told = ("motcua.notifications.hooks", "motcua.notifications.feedback_receivers")
    assert [c for c in callbacks if c.__module__ in told] == []
    assert Rating.objects.count() == 1  # the old rating is imported, and tells no one
    assert OutboxMessage.objects.count() == 0
    # ...while the other hooks ran as live (the scorecards' summaries).
    assert DailyCount.objects.exists()
    # Outside the import the hooks are all there.
    assert {"notifications.notify", "outbox", "scorecards.count"} <= set(registered_hooks())
    # And they do speak for a live filing of the same procedure (else the
    # assertions above could not fail): outbox rows for the national portal,
    # the measurement system and the webhook, a notification enqueued.
    with django_capture_on_commit_callbacks() as live_callbacks:
        live = services.dossier_submit(
            actor=personas.citizen,
            procedure=procedure,
            applicant=Applicant.objects.get(user=personas.citizen),
        )
    assert [c for c in live_callbacks if c.__module__ == "motcua.notifications.hooks"] != []
    destinations = set(
        OutboxMessage.objects.filter(dossier=live).values_list("destination", flat=True)
    )
    assert destinations == {"national_portal", "measurement", "webhooks"}
    assert OutboxMessage.objects.exclude(dossier=live).count() == 0


def test_bad_lines_are_reported_by_number(procedure: ConfiguredProcedure, tmp_path: Path) -> None:
    good = _line(procedure, "OK-1")
    events = json.loads(good)["events"]
    decide_early = [events[0], {"action": "decide", "at": events[1]["at"], "by": "Võ Thị Ba"}]
    twice = [
        *events[:3],
        events[3],
        {**events[2], "at": "2026-03-06T09:00:00+07:00"},
    ]
    lines = [
        good,  # 1
        "{not json",  # 2
        _line(procedure, "BAD-3", received_at="2026-02-30T08:00:00+07:00"),  # 3
        _line(procedure, "BAD-4", received_at="9999-01-01T08:00:00+07:00"),  # 4
        _line(procedure, "BAD-5", received_at="2026-03-12T08:00:00+07:00"),  # 5 finish before
        _line(procedure, "BAD-6", agency="khong-co"),  # 6
        "",  # 7: blank, skipped
        _line(procedure, "BAD-8", events=decide_early),  # 8: the service refuses
        _line(procedure, "BAD-9", events=twice),  # 9: a second supplementation request
        _line(procedure, "BAD-10", received_at=None),  # 10: missing date
        _line(
            procedure,
            "OK-11",
            applicant={"kind": "citizen", "name": "Ngô Thị Năm", "personal_id": "086199002222"},
        ),  # 11
    ]
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken\n")
    out = io.StringIO()
    call_command("history_import", str(path), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    summary = import_file(path, now=NOW)
    assert summary.imported == 0 and summary.present == 2
    rejected = {number: code for number, code, _reason in summary.rejections}
    assert rejected == {
        2: "json_invalid",
        3: "date_invalid",
        4: "date_implausible",
        5: "moment_before_previous_event",
        6: "agency_unknown",
        8: "action_not_allowed",
        9: "supplement_already_requested",
        10: "date_missing",
        12: "unreadable",
    }
    assert "Dòng 3: bị từ chối (date_invalid)" in text
    assert "Dòng 9: bị từ chối (supplement_already_requested)" in text
    assert "Đã nhập 2 hồ sơ" in text and "9 dòng bị từ chối" in text
    assert set(ImportedDossier.objects.values_list("legacy_id", flat=True)) == {"OK-1", "OK-11"}
    # Nothing of a rejected record is kept.
    assert Dossier.objects.count() == 2


def test_unreadable_file_is_an_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("history_import", str(tmp_path / "missing.jsonl"), stdout=io.StringIO())


def test_counter_and_existing_accounts(personas: Personas, procedure: ConfiguredProcedure) -> None:
    line = _line(
        procedure,
        "QUAY-1",
        channel="counter",
        received_by={"username": personas.officer.username},
        events=[
            {
                "action": "forward",
                "at": "2026-03-02T10:00:00+07:00",
                "by": {"username": personas.officer.username},
            },
            {
                "action": "forward",
                "at": "2026-03-03T10:00:00+07:00",
                "by": {"username": personas.specialist.username},
            },
            {
                "action": "stop",
                "at": "2026-03-04T10:00:00+07:00",
                "by": {"username": personas.leader.username},
                "reason": "Không đủ điều kiện",
            },
        ],
        result_kind="stopped",
        rating=None,
    )
    wrong = _line(
        procedure,
        "QUAY-2",
        channel="counter",
        received_by={"username": personas.specialist.username},  # not a one-stop officer
        events=[],
        rating=None,
    )
    summary = import_texts([line, wrong], now=NOW)
    assert summary.imported == 1
    assert [(n, c) for n, c, _r in summary.rejections] == [(2, "not_one_stop_officer")]
    dossier = Dossier.objects.get(imported_from__legacy_id="QUAY-1")
    assert dossier.state == State.STOPPED
    assert dossier.channel == "counter"
    assert THREE_STEPS["start"] == "reception"
