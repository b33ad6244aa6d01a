from __future__ import annotations

from motcua.dossiers.states import State, national_status, timeliness
from motcua.dossiers.tests.factories import local


def test_national_status_map() -> None:
    assert national_status(State.SUBMITTED, last_action="submit") == 1
    assert national_status(State.PROCESSING, last_action="accept") == 2
    assert national_status(State.PROCESSING, last_action="submit") == 2  # counter intake
    assert national_status(State.PROCESSING, last_action="forward") == 4
    assert national_status(State.REFUSED, last_action="refuse") == 3
    assert national_status(State.SUPPLEMENTING, last_action="ask_to_supplement") == 5
    assert national_status(State.COMPLETING, last_action="ask_to_complete") == 5
    assert national_status(State.AWAITING_PAYMENT, last_action="ask_to_pay") == 6
    assert national_status(State.WITHDRAWN, last_action="withdraw") == 7
    assert national_status(State.STOPPED, last_action="stop") == 8
    assert national_status(State.RESULT_READY, last_action="decide") == 9
    assert national_status(State.RETURNED, last_action="hand_over") == 10
    assert national_status(State.DRAFT, last_action="") is None


def test_timeliness_compares_local_dates() -> None:
    due = local(2026, 3, 5, 9)
    assert timeliness(finished_at=local(2026, 3, 4, 16), appointment_at=due) == "early"
    assert timeliness(finished_at=local(2026, 3, 5, 16), appointment_at=due) == "on_time"
    assert timeliness(finished_at=local(2026, 3, 6, 7), appointment_at=due) == "late"
    assert timeliness(finished_at=local(2026, 3, 6, 7), appointment_at=None) == "on_time"
