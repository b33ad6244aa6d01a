"""The amount due, computed from the pinned configured procedure
(``ConfiguredProcedureVersion.fees``: ``[{name, amount_vnd, note, local,
channel?}]``), the dossier's channel and declaration, the unit's exemptions
and reductions (:class:`FeeRule`) and the online discount
(:class:`FeePolicy`). Pure: no writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.payments.models import FeePolicy, FeeRule, FeeRuleKind


@dataclass(frozen=True)
class FeeLine:
    name: str
    base_vnd: int
    amount_vnd: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "base_vnd": self.base_vnd,
            "amount_vnd": self.amount_vnd,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class FeeQuote:
    lines: tuple[FeeLine, ...]

    @property
    def total_vnd(self) -> int:
        return sum(line.amount_vnd for line in self.lines)

    def lines_json(self) -> list[dict[str, Any]]:
        return [line.as_json() for line in self.lines]


@dataclass(frozen=True)
class Rule:
    label: str
    kind: str
    percent: int
    field: str
    value: str
    fee_name: str = ""


def _cut(amount: int, percent: int) -> int:
    """``amount`` less ``percent`` %, rounded down to whole đồng."""
    return amount - (amount * percent) // 100


def fee_quote_compute(
    *,
    fees: Sequence[Mapping[str, Any]],
    channel: str,
    form_data: Mapping[str, Any],
    rules: Iterable[Rule] = (),
    online_discount_percent: int = 0,
) -> FeeQuote:
    """The lines due: a fee for another channel is left out; a fee with no
    amount (not set by the province) is left out too (it cannot be charged
    online); the first matching exemption wins, reductions add up to at most
    100 %; the online discount applies last, to online submissions only."""
    rule_list = list(rules)
    lines: list[FeeLine] = []
    for fee in fees:
        amount = fee.get("amount_vnd")
        fee_channel = str(fee.get("channel") or "")
        if not isinstance(amount, int) or amount <= 0:
            continue
        if fee_channel and fee_channel != channel:
            continue
        name = str(fee.get("name", ""))
        notes: list[str] = []
        matching = [
            r
            for r in rule_list
            if (not r.fee_name or r.fee_name == name) and str(form_data.get(r.field, "")) == r.value
        ]
        exempt = next((r for r in matching if r.kind == FeeRuleKind.EXEMPT), None)
        due = amount
        if exempt is not None:
            due = 0
            notes.append(_("Miễn: %(label)s") % {"label": exempt.label})
        else:
            percent = min(100, sum(r.percent for r in matching if r.kind == FeeRuleKind.REDUCE))
            if percent:
                due = _cut(due, percent)
                notes.append(
                    _("Giảm %(p)s%%: %(labels)s")
                    % {
                        "p": percent,
                        "labels": "; ".join(r.label for r in matching),
                    }
                )
            if channel == "online" and online_discount_percent and due:
                due = _cut(due, online_discount_percent)
                notes.append(_("Giảm %(p)s%% khi nộp trực tuyến") % {"p": online_discount_percent})
        lines.append(FeeLine(name=name, base_vnd=amount, amount_vnd=due, notes=tuple(notes)))
    return FeeQuote(lines=tuple(lines))


def rules_for(*, configured_id: int) -> tuple[list[Rule], int, str]:
    """The unit's rules, online discount and due point for a configured
    procedure (defaults: none, 0 %, at submission)."""
    rules = [
        Rule(
            label=r.label,
            kind=r.kind,
            percent=r.percent,
            field=r.field,
            value=r.value,
            fee_name=r.fee_name,
        )
        for r in FeeRule.objects.filter(configured_id=configured_id)
    ]
    policy = FeePolicy.objects.filter(configured_id=configured_id).first()
    if policy is None:
        return rules, 0, "submission"
    return rules, policy.online_discount_percent, policy.due_at


def fee_quote_for(
    *,
    configured_id: int,
    fees: Sequence[Mapping[str, Any]],
    channel: str,
    form_data: Mapping[str, Any],
) -> FeeQuote:
    rules, discount, _due = rules_for(configured_id=configured_id)
    return fee_quote_compute(
        fees=fees,
        channel=channel,
        form_data=form_data,
        rules=rules,
        online_discount_percent=discount,
    )
