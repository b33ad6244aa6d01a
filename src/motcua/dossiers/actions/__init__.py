"""Every lifecycle action, one module per family (docs/developers/dossiers.md):
``reception`` (the one-stop check), ``processing`` (workflow moves and
consultation), ``pauses`` (supplement, payment, apology), ``endings`` (stop,
hand over, withdraw). :data:`ACTIONS` maps the API's action names to them.
"""

from __future__ import annotations

from collections.abc import Callable

from motcua.dossiers.actions.endings import dossier_hand_over, dossier_stop, dossier_withdraw
from motcua.dossiers.actions.pauses import (
    dossier_apologise,
    dossier_ask_to_pay,
    dossier_ask_to_supplement,
    dossier_pay,
    dossier_supplement,
)
from motcua.dossiers.actions.processing import (
    dossier_answer,
    dossier_consult,
    dossier_decide,
    dossier_forward,
    dossier_reassign,
    dossier_send_back,
)
from motcua.dossiers.actions.reception import (
    dossier_accept,
    dossier_ask_to_complete,
    dossier_complete,
    dossier_refuse,
)
from motcua.dossiers.models import Dossier

#: The actions the API exposes, by name.
ACTIONS: dict[str, Callable[..., Dossier]] = {
    "accept": dossier_accept,
    "ask_to_complete": dossier_ask_to_complete,
    "complete": dossier_complete,
    "refuse": dossier_refuse,
    "forward": dossier_forward,
    "send_back": dossier_send_back,
    "consult": dossier_consult,
    "answer": dossier_answer,
    "decide": dossier_decide,
    "ask_to_supplement": dossier_ask_to_supplement,
    "supplement": dossier_supplement,
    "ask_to_pay": dossier_ask_to_pay,
    "pay": dossier_pay,
    "apologise": dossier_apologise,
    "reassign": dossier_reassign,
    "stop": dossier_stop,
    "hand_over": dossier_hand_over,
    "withdraw": dossier_withdraw,
}

__all__ = [
    "ACTIONS",
    "dossier_accept",
    "dossier_answer",
    "dossier_apologise",
    "dossier_ask_to_complete",
    "dossier_ask_to_pay",
    "dossier_ask_to_supplement",
    "dossier_complete",
    "dossier_consult",
    "dossier_decide",
    "dossier_forward",
    "dossier_hand_over",
    "dossier_pay",
    "dossier_reassign",
    "dossier_refuse",
    "dossier_send_back",
    "dossier_stop",
    "dossier_supplement",
    "dossier_withdraw",
]
