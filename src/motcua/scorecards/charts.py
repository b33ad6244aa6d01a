"""A tiny server-rendered SVG chart renderer (bars and a line), so that the
dashboards need no JavaScript charting library (decision 0040).

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``
(aria-labelledby both), scales with its container (``viewBox``, width 100%,
readable at 375 px), and is always shown with its data table by the
template. Labels and values are escaped; a value of ``None`` (no data) draws
nothing and is said so in the description."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 600, 260
_PAD_LEFT, _PAD_RIGHT, _PAD_TOP, _PAD_BOTTOM = 48, 12, 16, 44
#: Colours with at least 4.5:1 contrast on white (WCAG 1.4.11 needs 3:1).
COLOURS = ("#1f5fa8", "#b03a2e", "#1e7b45", "#7a4fa3")
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _fmt(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return float(step)
    magnitude = 10 ** (len(str(int(value))) - 1)
    return float(-(-value // magnitude) * magnitude)


def _frame(title: str, desc: str, body: list[str], uid: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece below is escaped
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _axes(labels: Sequence[str], top: float, unit: str) -> list[str]:
    plot_h = HEIGHT - _PAD_TOP - _PAD_BOTTOM
    out = [
        f'<line x1="{_PAD_LEFT}" y1="{HEIGHT - _PAD_BOTTOM}" x2="{WIDTH - _PAD_RIGHT}" '
        f'y2="{HEIGHT - _PAD_BOTTOM}" stroke="#444" stroke-width="1"/>'
    ]
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - _PAD_BOTTOM - plot_h * i / 4
        out.append(
            f'<line x1="{_PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - _PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{_PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#333">{escape(_fmt(value))}{escape(unit)}</text>'
        )
    n = max(1, len(labels))
    slot = (WIDTH - _PAD_LEFT - _PAD_RIGHT) / n
    for i, label in enumerate(labels):
        x = _PAD_LEFT + slot * (i + 0.5)
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - _PAD_BOTTOM + 18}" text-anchor="middle" '
            f'font-size="12" fill="#333">{escape(label)}</text>'
        )
    return out


def _legend(series: Sequence[Series]) -> list[str]:
    out = []
    for i, s in enumerate(series):
        x = _PAD_LEFT + i * 150
        colour = COLOURS[i % len(COLOURS)]
        out.append(
            f'<rect x="{x}" y="{HEIGHT - 16}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{HEIGHT - 6}" font-size="12" fill="#333">'
            f"{escape(s.name)}</text>"
        )
    return out


def _describe(labels: Sequence[str], series: Sequence[Series], unit: str) -> str:
    parts = []
    for s in series:
        values = ", ".join(
            f"{label}: {'chưa có dữ liệu' if v is None else _fmt(v) + unit}"
            for label, v in zip(labels, s.values, strict=False)
        )
        parts.append(f"{s.name} — {values}")
    return "; ".join(parts) if parts else "Chưa có dữ liệu"


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    max_value: float | None = None,
) -> SafeString:
    """Grouped vertical bars, one group per label."""
    uid = f"chart{next(_ids)}"
    values = [v for s in series for v in s.values if v is not None]
    top = max_value if max_value is not None else _nice_max(max(values, default=0))
    plot_h = HEIGHT - _PAD_TOP - _PAD_BOTTOM
    n = max(1, len(labels))
    slot = (WIDTH - _PAD_LEFT - _PAD_RIGHT) / n
    width = slot * 0.8 / max(1, len(series))
    body = _axes(labels, top, unit)
    for si, s in enumerate(series):
        colour = COLOURS[si % len(COLOURS)]
        for i, v in enumerate(s.values[: len(labels)]):
            if v is None:
                continue
            h = plot_h * max(0.0, min(v, top)) / top
            x = _PAD_LEFT + slot * i + slot * 0.1 + width * si
            y = HEIGHT - _PAD_BOTTOM - h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
    body += _legend(series)
    return _frame(title, _describe(labels, series, unit), body, uid)


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    max_value: float | None = None,
) -> SafeString:
    """One polyline per series with a dot per known value (a gap where a
    value is ``None``)."""
    uid = f"chart{next(_ids)}"
    values = [v for s in series for v in s.values if v is not None]
    top = max_value if max_value is not None else _nice_max(max(values, default=0))
    plot_h = HEIGHT - _PAD_TOP - _PAD_BOTTOM
    n = max(1, len(labels))
    slot = (WIDTH - _PAD_LEFT - _PAD_RIGHT) / n
    body = _axes(labels, top, unit)
    for si, s in enumerate(series):
        colour = COLOURS[si % len(COLOURS)]
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(s.values[: len(labels)]):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            x = _PAD_LEFT + slot * (i + 0.5)
            y = HEIGHT - _PAD_BOTTOM - plot_h * max(0.0, min(v, top)) / top
            run.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                body.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"/>'
                )
    body += _legend(series)
    return _frame(title, _describe(labels, series, unit), body, uid)
