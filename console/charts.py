"""Charts as server-rendered SVG (no JavaScript), with the same numbers as a table and a CSV.

Two kinds: `hbar` (horizontal bars per label, one bar per series: readable with Chinese labels
on a phone) and `line` (one line per series over days). Every label goes through `escape`.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

COLOURS = ("#b4530f", "#2f6f9f", "#1f7a3d", "#7a4fa0", "#b42318", "#8a6d1d", "#5b6776")
WIDTH = 420  # about a phone's width, so 13px text stays readable there
LABEL_W = 130
ROW_H = 20
LINE_H = 220
LEGEND_ROW = 18


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    kind: Literal["hbar", "line"]
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    label_header: str = "项目"
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.labels or not any(v for s in self.series for v in s.values)

    def header(self) -> list[str]:
        return [self.label_header, *(s.name for s in self.series)]

    def rows(self) -> list[list[str]]:
        return [
            [label, *(_number(s.values[i]) for s in self.series)]
            for i, label in enumerate(self.labels)
        ]

    def csv(self) -> str:
        """UTF-8 CSV with a byte order mark, so Excel on a Chinese Windows reads it right."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.header())
        writer.writerows(self.rows())
        return "\ufeff" + out.getvalue()

    def svg(self) -> Markup:
        return _hbar(self) if self.kind == "hbar" else _line(self)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _clip(label: str, limit: int = 8) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _legend(chart: Chart) -> tuple[list[str], int]:
    """The series' colours above the plot, wrapped into rows; returns the parts and height."""
    if len(chart.series) < 2:
        return [], 6
    parts, x, y = [], 4, 14
    for i, s in enumerate(chart.series):
        width = 24 + 13 * len(s.name)
        if x > 4 and x + width > WIDTH:
            x, y = 4, y + LEGEND_ROW
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y}" font-size="12">{escape(s.name)}</text>')
        x += width
    return parts, y + 10


def _open(chart: Chart, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-{chart.key}-title" font-family="sans-serif">'
        f'<title id="chart-{chart.key}-title">{escape(chart.title)}</title>'
    )


def _empty(chart: Chart) -> Markup:
    note = '<text x="8" y="34" font-size="14" fill="#5b6776">这段时间没有数据</text>'
    return Markup(_open(chart, 60) + note + "</svg>")  # noqa: S704 - title escaped


def _hbar(chart: Chart) -> Markup:
    if chart.empty:
        return _empty(chart)
    n_series = len(chart.series)
    group_h = ROW_H * n_series + 8
    legend, top = _legend(chart)
    height = top + group_h * len(chart.labels) + 4
    peak = max(v for s in chart.series for v in s.values) or 1
    room = WIDTH - LABEL_W - 40
    parts = [_open(chart, height), *legend]
    for i, label in enumerate(chart.labels):
        y0 = top + i * group_h
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y0 + group_h / 2 + 1:.0f}" font-size="13" '
            f'text-anchor="end" dominant-baseline="middle">{escape(_clip(label))}</text>'
        )
        for j, s in enumerate(chart.series):
            value = s.values[i]
            width = max(1.0, room * value / peak) if value else 0.0
            y = y0 + j * ROW_H + 2
            colour = COLOURS[j % len(COLOURS)]
            parts.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{width:.1f}" height="{ROW_H - 4}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{LABEL_W + width + 4:.1f}" y="{y + ROW_H / 2:.0f}" font-size="12" '
                f'dominant-baseline="middle">{escape(_number(value))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - labels escaped, the rest numbers


def _line(chart: Chart) -> Markup:
    if chart.empty:
        return _empty(chart)
    legend, top = _legend(chart)
    left, right, bottom = 36, 10, 30
    plot_w, plot_h = WIDTH - left - right, LINE_H - top - bottom
    highest = max(v for s in chart.series for v in s.values)
    peak = max(4, math.ceil(highest / 4) * 4)  # four whole-number steps on the axis
    count = len(chart.labels)
    step = plot_w / max(1, count - 1)
    parts = [_open(chart, LINE_H), *legend]
    for k in range(5):  # gridlines and the y axis
        value = peak * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d6dde5"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{escape(_number(value))}</text>"
        )
    every = max(1, count // 5)
    for i, label in enumerate(chart.labels):
        if i % every == 0 or i == count - 1:
            x = left + i * step
            anchor = "end" if i == count - 1 else "middle"
            parts.append(
                f'<text x="{x:.1f}" y="{LINE_H - 10}" font-size="11" text-anchor="{anchor}">'
                f"{escape(label[-5:])}</text>"
            )
    for j, s in enumerate(chart.series):
        points = " ".join(
            f"{left + i * step:.1f},{top + plot_h - plot_h * v / peak:.1f}"
            for i, v in enumerate(s.values)
        )
        colour = COLOURS[j % len(COLOURS)]
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - labels escaped, the rest numbers
