"""Small inline-SVG charts for report.html: stacked horizontal bars and vertical histograms.

No scripts, no fonts, no external references: every chart is a self-contained <svg> element with a
<title> on each mark (the browser shows it as a tooltip), so the report works offline and in any viewer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

LABEL_W = 230
BAR_H = 18
GAP = 6
FONT = 11


@dataclass(frozen=True)
class Segment:
    value: float
    color: str
    title: str


@dataclass(frozen=True)
class Row:
    label: str
    segments: Sequence[Segment]
    note: str = ""


def fmt(n: float) -> str:
    """1234 -> 1.2k, 2_500_000 -> 2.5M (chart labels only; tables show exact numbers)."""
    for limit, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= limit:
            return f"{n / limit:.1f}{suffix}"
    return f"{n:.0f}" if float(n).is_integer() else f"{n:.3g}"


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    extra = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def text_width(text: str) -> float:
    """Width of `text` at FONT px in a sans-serif face, a little generous (no font metrics offline)."""
    return len(text) * FONT * 0.62


def hbars(plot: str, rows: Sequence[Row], *, width: int = 720, scale: float | None = None) -> str:
    """Stacked horizontal bars, one row per label; `scale` is the value of a full-width bar (default: max).

    Labels are clipped to the label column and the bars leave room for the widest note, so no text is cut
    at the edge of the chart."""
    if not rows:
        return empty(plot, "nothing to plot")
    full = scale or max((sum(s.value for s in r.segments) for r in rows), default=0) or 1
    notes = [row.note or fmt(sum(s.value for s in row.segments)) for row in rows]
    bar_w = width - LABEL_W - max(text_width(n) for n in notes) - 12
    height = len(rows) * (BAR_H + GAP) + GAP
    label_chars = int((LABEL_W - 10) / (FONT * 0.62))
    parts = [_open(plot, width, height)]
    for i, row in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        label = _clip(row.label, label_chars)
        parts.append(_text(LABEL_W - 6, y + BAR_H - 5, label, anchor="end") if label == row.label else
                     _titled(LABEL_W - 6, y + BAR_H - 5, label, row.label))  # fmt: skip
        x = float(LABEL_W)
        for seg in row.segments:
            w = bar_w * seg.value / full
            if w <= 0:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="{BAR_H}" fill="{seg.color}">'
                f"<title>{escape(seg.title)}</title></rect>"
            )
            x += w
        parts.append(_text(x + 4, y + BAR_H - 5, notes[i], cls="num"))
    parts.append("</svg>")
    return "".join(parts)


def vbars(plot: str, bars: Sequence[tuple[str, float, str]], *, width: int = 340, height: int = 150, color: str) -> str:
    """A histogram: one bar per (label, value, tooltip), labels under the bars.

    When the labels are wider than a bar they are turned 45 degrees (and the chart grows to hold them);
    a value is printed over its bar only when it fits the bar's width."""
    if not bars or not any(v for _, v, _ in bars):
        return empty(plot, "no data")
    top = max(v for _, v, _ in bars)
    step = (width - 10) / len(bars)
    widest = max(text_width(label) for label, _, _ in bars)
    turned = widest > step - 2
    plot_h = height - 34
    base = 14 + plot_h + 12  # the labels' baseline
    total_h = base + (widest * 0.72 + 4 if turned else 8)  # a turned label reaches down by width x sin 45
    parts = [_open(plot, width, math.ceil(total_h))]
    for i, (label, value, title) in enumerate(bars):
        h = plot_h * value / top if top else 0
        x = 5 + i * step
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{14 + plot_h - h:.1f}" width="{max(step - 4, 1):.1f}" height="{h:.1f}" '
            f'fill="{color}"><title>{escape(title)}</title></rect>'
        )
        if value and text_width(fmt(value)) <= step:
            parts.append(_text(x + step / 2, 12 + plot_h - h, fmt(value), anchor="middle", cls="num"))
        if turned:
            cx = x + step / 2 + 3
            parts.append(
                f'<text x="{cx:.1f}" y="{base:.1f}" text-anchor="end" class="axis" '
                f'transform="rotate(-45 {cx:.1f} {base:.1f})">{escape(label)}</text>'
            )
        else:
            parts.append(_text(x + step / 2, base, label, anchor="middle", cls="axis"))
    parts.append("</svg>")
    return "".join(parts)


def _titled(x: float, y: float, text: str, full: str) -> str:
    """A clipped label that shows its full text as a tooltip."""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="end">{escape(text)}<title>{escape(full)}</title></text>'


def legend(items: Sequence[tuple[str, str]]) -> str:
    """Colour keys as HTML (wraps naturally, unlike SVG text)."""
    return '<p class="legend">' + "".join(
        f'<span><i style="background:{color}"></i>{escape(label)}</span>' for label, color in items
    ) + "</p>"  # fmt: skip


def empty(plot: str, message: str) -> str:
    return f"{_open(plot, 340, 30)}{_text(6, 19, message, cls='axis')}</svg>"


def _open(plot: str, width: int, height: int) -> str:
    return (
        f'<svg class="plot" data-plot="{escape(plot)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(plot)}">'
    )


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
