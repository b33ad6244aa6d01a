"""The service index (Decision 766/QĐ-TTg) computed from a unit's inputs of
one period. Pure: weights, formulas and bands come from the configuration
file ``index_766.json`` (data, not code), the inputs from the selectors.

An indicator whose inputs are missing (``None``: the capability does not
exist yet) or whose denominator is 0 has **no data** and no score: it is
never given a made-up number. The total is the sum of the scored
indicators; the *converted* score (điểm quy đổi) scales it to 100 over the
points that had data, and the grade and the ranking use the converted score
(a reading, documented as such)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

NO_DATA = "Chưa có dữ liệu"


@lru_cache(maxsize=1)
def configuration() -> dict[str, Any]:
    text = resources.files("motcua.scorecards").joinpath("index_766.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True)
class IndicatorScore:
    key: str
    label: str
    points: float
    numerator: int | None
    denominator: int | None
    score: float | None  # None: no data
    formula: str
    formula_rule: str
    official: bool
    reading: str
    numerator_metrics: tuple[str, ...]
    denominator_metrics: tuple[str, ...]

    @property
    def formula_text(self) -> str:
        """The formula in words (what the pages show)."""
        num = " + ".join(LABELS.get(m, m) for m in self.numerator_metrics)
        den = " + ".join(LABELS.get(m, m) for m in self.denominator_metrics)
        return f"({num}) / ({den}); {self.formula_rule}"

    @property
    def has_data(self) -> bool:
        return self.score is not None

    @property
    def rate(self) -> float | None:
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator


@dataclass(frozen=True)
class GroupScore:
    key: str
    label: str
    points: float
    indicators: list[IndicatorScore]

    @property
    def score(self) -> float | None:
        scored = [i.score for i in self.indicators if i.score is not None]
        return round(sum(scored), 2) if scored else None

    @property
    def available(self) -> float:
        return sum(i.points for i in self.indicators if i.score is not None)


@dataclass(frozen=True)
class IndexScore:
    groups: list[GroupScore]
    bands: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> float | None:
        scored = [g.score for g in self.groups if g.score is not None]
        return round(sum(scored), 2) if scored else None

    @property
    def available(self) -> float:
        return sum(g.available for g in self.groups)

    @property
    def converted(self) -> float | None:
        if self.total is None or not self.available:
            return None
        return round(self.total * 100 / self.available, 2)

    @property
    def grade(self) -> str:
        value = self.converted
        if value is None:
            return NO_DATA
        for band in self.bands:
            if value >= float(band["min"]):
                return str(band["label"])
        return NO_DATA


def _sum(inputs: Mapping[str, int | None], names: list[str]) -> int | None:
    total = 0
    for name in names:
        value = inputs.get(name)
        if value is None:
            return None
        total += value
    return total


def _rule(spec: Mapping[str, Any]) -> str:
    points = _vn(float(spec["points"]))
    if spec["kind"] == "threshold":
        return (
            f"đạt từ {_vn(float(spec['threshold']) * 100)}% được {points} điểm, "
            f"dưới ngưỡng được {_vn(float(spec['points']) * float(spec['below']))} điểm"
        )
    return f"tỷ lệ nhân {points} điểm"


def _vn(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _formula(spec: Mapping[str, Any]) -> str:
    num = " + ".join(spec["numerator"])
    den = " + ".join(spec["denominator"])
    points = spec["points"]
    if spec["kind"] == "threshold":
        return (
            f"({num}) / ({den}) ≥ {spec['threshold']:.0%} → {points}; "
            f"dưới ngưỡng → {points} × {spec['below']}"
        )
    return f"({num}) / ({den}) × {points}"


def indicator_score(spec: Mapping[str, Any], inputs: Mapping[str, int | None]) -> IndicatorScore:
    numerator = _sum(inputs, list(spec["numerator"]))
    denominator = _sum(inputs, list(spec["denominator"]))
    points = float(spec["points"])
    score: float | None = None
    if numerator is not None and denominator:
        rate = min(1.0, max(0.0, numerator / denominator))
        if spec["kind"] == "threshold":
            score = points if rate >= float(spec["threshold"]) else points * float(spec["below"])
        else:
            score = points * rate
        score = round(score, 2)
    return IndicatorScore(
        key=str(spec["key"]),
        label=str(spec["label"]),
        points=points,
        numerator=numerator,
        denominator=denominator,
        score=score,
        formula=_formula(spec),
        formula_rule=_rule(spec),
        official=bool(spec.get("official")),
        reading=str(spec.get("reading") or ""),
        numerator_metrics=tuple(spec["numerator"]),
        denominator_metrics=tuple(spec["denominator"]),
    )


def index_score(
    inputs: Mapping[str, int | None], config: Mapping[str, Any] | None = None
) -> IndexScore:
    config = config or configuration()
    groups = [
        GroupScore(
            key=str(g["key"]),
            label=str(g["label"]),
            points=float(g["points"]),
            indicators=[indicator_score(spec, inputs) for spec in g["indicators"]],
        )
        for g in config["groups"]
    ]
    return IndexScore(groups=groups, bands=list(config["bands"]))


def required_inputs(config: Mapping[str, Any] | None = None) -> set[str]:
    config = config or configuration()
    names: set[str] = set()
    for g in config["groups"]:
        for spec in g["indicators"]:
            names |= set(spec["numerator"]) | set(spec["denominator"])
    return names


#: What each input is called on the pages and in the docs.
LABELS: dict[str, str] = {
    "received": "Hồ sơ tiếp nhận",
    "received_online": "Tiếp nhận trực tuyến",
    "received_counter": "Tiếp nhận trực tiếp",
    "received_post": "Tiếp nhận qua bưu chính",
    "digitised": "Hồ sơ được số hóa",
    "reused": "Hồ sơ tái sử dụng dữ liệu số hóa",
    "finished": "Hồ sơ đã giải quyết",
    "finished_early": "Giải quyết trước hạn",
    "finished_on_time": "Giải quyết đúng hạn",
    "finished_late": "Giải quyết quá hạn",
    "fully_online": "Hồ sơ trực tuyến toàn trình",
    "result_electronic": "Kết quả điện tử",
    "returned": "Đã trả kết quả",
    "refused": "Từ chối tiếp nhận",
    "withdrawn": "Công dân rút hồ sơ",
    "stopped": "Dừng xử lý",
    "supplement_requests": "Yêu cầu bổ sung",
    "complete_requests": "Yêu cầu hoàn thiện trước khi tiếp nhận",
    "apologies": "Thư xin lỗi, hẹn lại",
    "sent_back": "Chuyển trả bước trước",
    "late_receptions": "Tiếp nhận muộn",
    "step_on_time": "Bước xử lý đúng hạn",
    "step_late": "Bước xử lý quá hạn",
    "in_progress": "Đang giải quyết",
    "in_progress_within": "Đang giải quyết trong hạn",
    "in_progress_overdue": "Đang giải quyết quá hạn",
    "received_minus_late_receptions": "Hồ sơ tiếp nhận không muộn",
    "procedures_published": "Thủ tục phải công khai trong kỳ",
    "procedures_published_on_time": "Thủ tục công khai đúng hạn",
    "national_synced": "Hồ sơ đã đồng bộ lên Cổng quốc gia",
    "national_payable_procedures": "Thủ tục thanh toán được trên Cổng quốc gia",
    "procedures": "Thủ tục của đơn vị",
    "procedures_online": "Thủ tục có dịch vụ trực tuyến",
    "procedures_online_used": "Thủ tục trực tuyến có phát sinh hồ sơ",
    "fee_procedures": "Thủ tục có thu phí phát sinh hồ sơ",
    "fee_procedures_paid_online": "Thủ tục có thu phí được thanh toán trực tuyến",
    "fee_dossiers": "Hồ sơ có thu phí",
    "fee_dossiers_paid_online": "Hồ sơ thanh toán trực tuyến",
    "ratings": "Lượt đánh giá",
    "ratings_satisfied": "Lượt đánh giá hài lòng, rất hài lòng",
    "feedback": "Phản ánh, kiến nghị đến hạn",
    "feedback_on_time": "Phản ánh, kiến nghị trả lời đúng hạn",
    "feedback_satisfied": "Phản ánh, kiến nghị được đánh giá hài lòng",
}
