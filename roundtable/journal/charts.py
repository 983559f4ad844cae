"""Server-rendered SVG charts for the insights page: geometry only (no queries, no markup).

Each builder answers a dict the template `journal/_chart_bars.html` or `_chart_hbars.html`
draws: coordinates in the viewBox's units (WIDTH x HEIGHT; the SVG scales to its box), bars
carrying a series index (CSS gives each series a colour *and* a fill pattern, so colour is
never the only cue), and text labels. Every chart also has its data as a real table in the
template (a <details>), for screen readers and for reading exact figures.
"""

from __future__ import annotations

from collections.abc import Sequence

WIDTH = 360
HEIGHT = 200
LEFT = 30
BOTTOM = 22
TOP = 10
SERIES = 6  # colours/patterns; more series reuse them (the legend and the table name each)


def _nice_max(x: float) -> float:
    if x <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if x <= step:
            return float(step)
    return float(x)


def _fmt(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.1f}"


def bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    stacked: bool,
    lines: Sequence[tuple[str, float]] = (),
    every: int = 1,
) -> dict[str, object]:
    """Vertical bars: one slot per category (x), one bar per series (side by side, or stacked).
    `lines`: horizontal reference lines (a target), each (label, value). `every`: label one
    category in `every` on the x axis (all of them are in the table)."""
    n = max(len(categories), 1)
    plot_w = WIDTH - LEFT - 4
    plot_h = HEIGHT - TOP - BOTTOM
    if stacked:
        top = max((sum(v or 0 for v in col) for col in zip(*(s[1] for s in series), strict=True)), default=0)
    else:
        top = max((v or 0 for _, vals in series for v in vals), default=0)
    top = max([top, *(v for _, v in lines)])
    ymax = _nice_max(top)
    slot = plot_w / n
    gap = slot * 0.2
    k = max(len(series), 1)
    rects = []
    for i in range(n):
        x0 = LEFT + i * slot + gap / 2
        base = 0.0
        for s, (_, vals) in enumerate(series):
            v = vals[i] or 0
            if v <= 0:
                continue
            h = plot_h * v / ymax
            if stacked:
                y = TOP + plot_h - plot_h * (base + v) / ymax
                rects.append({"x": round(x0, 1), "y": round(y, 1), "w": round(slot - gap, 1), "h": round(h, 1),
                              "series": s % SERIES})  # fmt: skip
                base += v
            else:
                w = (slot - gap) / k
                rects.append({"x": round(x0 + s * w, 1), "y": round(TOP + plot_h - h, 1), "w": round(w, 1),
                              "h": round(h, 1), "series": s % SERIES})  # fmt: skip
    xlabels = [
        {"x": round(LEFT + (i + 0.5) * slot, 1), "text": c}
        for i, c in enumerate(categories)
        if (len(categories) - 1 - i) % every == 0
    ]
    ticks = [{"y": round(TOP + plot_h - plot_h * f, 1), "text": _fmt(ymax * f)} for f in (0, 0.5, 1)]
    refs = [
        {"y": round(TOP + plot_h - plot_h * v / ymax, 1), "label": label, "value": _fmt(v), "series": j % SERIES}
        for j, (label, v) in enumerate(lines)
        if v > 0
    ]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - 4, "base_y": TOP + plot_h,
        "label_y": HEIGHT - 6, "rects": rects, "xlabels": xlabels, "ticks": ticks, "lines": refs,
    }  # fmt: skip


def hbars(rows: Sequence[tuple[str, int]]) -> dict[str, object]:
    """Horizontal bars, one per row (label, count), the label above each bar and the count at
    its end."""
    row_h = 40  # room for a label read at 12 px on a phone (journal.css)
    top = max((n for _, n in rows), default=0) or 1
    usable = WIDTH - 40
    out = []
    for i, (label, n) in enumerate(rows):
        y = i * row_h
        w = round(usable * n / top, 1)
        out.append({"label": label, "n": n, "label_y": y + 15, "y": y + 20, "w": max(w, 1.0) if n else 0,
                    "end_x": round(w + 4, 1), "text_y": y + 32, "series": i % SERIES})  # fmt: skip
    return {"width": WIDTH, "height": max(len(rows) * row_h, row_h), "rows": out}
