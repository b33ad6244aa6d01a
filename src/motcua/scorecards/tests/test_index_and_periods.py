"""The index from its configuration, periods and their bad input, the SVG
charts."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from motcua.scorecards import charts
from motcua.scorecards.index import NO_DATA, configuration, index_score, required_inputs
from motcua.scorecards.periods import PeriodError, parse_period


def test_configuration_has_the_five_groups_of_766() -> None:
    config = configuration()
    assert [g["points"] for g in config["groups"]] == [18, 20, 22, 22, 18]
    for g in config["groups"]:
        assert sum(i["points"] for i in g["indicators"]) == g["points"]
        for i in g["indicators"]:
            # Unknown official formulas are labelled as a reading.
            assert i["official"] or i["reading"].startswith("Cách tính tạm")


def test_missing_inputs_give_no_data_never_a_number() -> None:
    score = index_score({})
    assert score.total is None and score.converted is None and score.grade == NO_DATA
    inputs = dict.fromkeys(required_inputs(), 0)
    score = index_score(inputs)  # every denominator 0: no division error
    assert score.total is None


def test_scores_formulas_and_bands() -> None:
    inputs: dict[str, int | None] = dict.fromkeys(required_inputs())
    inputs.update(
        finished=8,
        finished_early=2,
        finished_on_time=4,
        withdrawn=1,
        stopped=0,
        in_progress=1,
        in_progress_within=1,
        received=10,
        received_online=6,
        digitised=7,
        reused=0,
        result_electronic=8,
    )
    score = index_score(inputs)
    progress = next(g for g in score.groups if g.key == "progress").indicators[0]
    assert (progress.numerator, progress.denominator) == (8, 10)
    assert progress.score == 16.0
    online = {i.key: i for g in score.groups for i in g.indicators}
    assert online["received_online"].score == 6.0  # 60% ≥ 50%
    assert online["digitised"].score == pytest.approx(7 * 0.8)  # 70% < 80%
    assert online["national_sync"].score is None  # national sync not built
    assert score.available == 20 + 22 + 6
    assert score.total is not None
    assert score.converted == pytest.approx(round(score.total * 100 / 48, 2))
    assert score.grade in {"Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"}
    assert "Giải quyết trước hạn" in progress.formula_text


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-03", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
        ("2026-02", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
        ("2026-Q4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        ("2024", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
    ],
)
def test_periods(text: str, start: datetime.date, end: datetime.date) -> None:
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)
    prev = p.previous()
    assert prev is not None and prev.end == start - datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"text": "9999"}, "period_out_of_range"),
        ({"text": "2026-13"}, "invalid_period"),
        ({"text": "abc"}, "invalid_period"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "period_ends_before_start"),
        ({"start": "2026-03-10", "end": ""}, "invalid_period"),
        ({"start": "31/02/2026", "end": "2026-03-01"}, "invalid_date"),
    ],
)
def test_bad_periods_are_clear_errors(args: dict[str, str], code: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(args.get("text", ""), start=args.get("start", ""), end=args.get("end", ""))
    assert info.value.code == code
    assert info.value.message


def test_custom_period_and_its_previous() -> None:
    p = parse_period(start="10/03/2026", end="2026-03-19")
    assert p.days == 10
    prev = p.previous()
    assert prev is not None and (prev.start, prev.end) == (
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 9),
    )


def test_charts_are_accessible_escaped_svg() -> None:
    svg = charts.bar_chart(
        title="Hồ sơ <tháng>",
        labels=["1/26", "2/26"],
        series=[charts.Series("Tiếp nhận", [3.0, None])],
    )
    root = ET.fromstring(  # noqa: S314 - our own output
        svg
    )
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    title, desc = root.find(f"{ns}title"), root.find(f"{ns}desc")
    assert title is not None and title.text == "Hồ sơ <tháng>"
    assert desc is not None and "chưa có dữ liệu" in (desc.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert len(root.findall(f"{ns}rect")) == 2  # one bar, one legend swatch
    line = charts.line_chart(
        title="Đúng hạn",
        labels=["a", "b", "c"],
        series=[charts.Series("Tỷ lệ", [10.0, None, 30.0])],
        max_value=100,
    )
    root = ET.fromstring(  # noqa: S314 - our own output
        line
    )
    assert len(root.findall(f"{ns}circle")) == 2
    assert root.findall(f"{ns}polyline") == []  # a gap breaks the line
    empty = ET.fromstring(  # noqa: S314 - our own output
        charts.bar_chart(title="Trống", labels=[], series=[])
    )
    assert empty.find(f"{ns}desc") is not None
