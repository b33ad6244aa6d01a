"""Which counters one dossier event moves: a pure function of the dossier's
events in order (no database), so that the live hook and the rebuild from the
event log count exactly alike.

The rules (domain.md §2, docs/developers/scorecards.md):

- ``received`` and ``received_<channel>`` on ``submit``; ``digitised`` when
  the submission carries documents, ``reused`` when one came from the
  citizen's document store;
- ``finished`` and one of ``finished_early`` / ``finished_on_time`` /
  ``finished_late`` when the dossier first reaches *result ready*: the local
  date of that moment against the appointment in force, i.e. the first
  appointment moved by supplementation/payment pauses but **not** by an
  apology (a rescheduling for lateness does not make a late dossier on time);
  no appointment counts as on time; ``fully_online`` when it was filed online
  and its result is delivered online; ``result_electronic`` when the result
  was attached as a file;
- ``returned`` (handed over), ``refused``, ``withdrawn``, ``stopped``;
- ``supplement_requests``, ``complete_requests``, ``apologies``,
  ``sent_back``, ``late_receptions``;
- per step: ``step_on_time`` / ``step_late`` when a step run (main line or
  consultation branch) ends, by its moment against the step's due moment.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from motcua.dossiers.states import EventLike, State, parse_moment, timeliness

#: Every counter the summaries keep (the rebuild and the docs list these).
METRICS: tuple[str, ...] = (
    "received",
    "received_online",
    "received_counter",
    "received_post",
    "digitised",
    "reused",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "fully_online",
    "result_electronic",
    "returned",
    "refused",
    "withdrawn",
    "stopped",
    "supplement_requests",
    "complete_requests",
    "apologies",
    "sent_back",
    "late_receptions",
    "step_on_time",
    "step_late",
)

_FINISHED = frozenset({State.RESULT_READY, State.RETURNED})
_CLOSED = frozenset(
    {State.RESULT_READY, State.REFUSED, State.STOPPED, State.WITHDRAWN, State.RETURNED}
)
_SIMPLE_ACTIONS = {
    "ask_to_supplement": "supplement_requests",
    "ask_to_complete": "complete_requests",
    "apologise": "apologies",
    "send_back": "sent_back",
}
_END_STATES = {
    State.REFUSED: "refused",
    State.WITHDRAWN: "withdrawn",
    State.STOPPED: "stopped",
    State.RETURNED: "returned",
}


def _step_metric(ended: datetime.datetime, due: datetime.datetime | None) -> str:
    return "step_late" if due is not None and ended > due else "step_on_time"


def dossier_metrics(events: Sequence[EventLike], *, result_delivery: str) -> list[list[str]]:
    """For each event of one dossier (in ``seq`` order), the counters it
    moves by one."""
    out: list[list[str]] = []
    judged: datetime.datetime | None = None  # the appointment judged against
    channel = ""
    finished = False
    open_step: tuple[str, datetime.datetime | None] | None = None
    branches: dict[str, datetime.datetime | None] = {}
    for event in events:
        payload: dict[str, Any] = event.payload if isinstance(event.payload, dict) else {}
        moved: list[str] = []
        if event.action == "submit":
            channel = str(payload.get("channel") or "")
            moved += ["received", f"received_{channel}"] if channel else ["received"]
            documents = payload.get("documents") or []
            if documents:
                moved.append("digitised")
                if any(isinstance(d, dict) and d.get("reused") for d in documents):
                    moved.append("reused")
        if event.action in _SIMPLE_ACTIONS:
            moved.append(_SIMPLE_ACTIONS[event.action])
        if event.action == "accept" and payload.get("reception_late"):
            moved.append("late_receptions")
        if "appointment_at" in payload and not payload.get("lateness"):
            judged = parse_moment(payload["appointment_at"])

        # Consultation branches.
        if event.action == "consult" and "branch" in payload:
            branches[str(payload["branch"])] = parse_moment(payload.get("branch_due_at"))
        if event.action == "answer" and "branch" in payload:
            key = str(payload["branch"])
            if key in branches:
                moved.append(_step_metric(event.at, branches.pop(key)))
        if event.to_state in _CLOSED:
            for due in branches.values():
                moved.append(_step_metric(event.at, due))
            branches.clear()
        # The main line's step.
        if open_step is not None and (
            event.to_step != event.from_step or event.to_state in _CLOSED
        ):
            moved.append(_step_metric(event.at, open_step[1]))
            open_step = None
        if open_step is not None and "step_due_at" in payload:
            open_step = (open_step[0], parse_moment(payload["step_due_at"]))
        if open_step is None and event.to_step and event.to_state == State.PROCESSING:
            open_step = (event.to_step, parse_moment(payload.get("step_due_at")))

        if event.to_state in _FINISHED and not finished:
            finished = True
            kind = timeliness(finished_at=event.at, appointment_at=judged)
            moved += ["finished", f"finished_{kind}"]
            if channel == "online" and result_delivery == "online":
                moved.append("fully_online")
            if payload.get("documents"):
                moved.append("result_electronic")
        if event.to_state in _END_STATES and event.from_state != event.to_state:
            moved.append(_END_STATES[State(event.to_state)])
        out.append(moved)
    return out
