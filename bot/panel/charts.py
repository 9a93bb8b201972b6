"""Charts as server-rendered SVG: no script, nothing fetched, readable without colour
(each chart has a title, and the page puts its figures in a table beside it).

Pure functions from numbers to markup; every label is escaped. Colours come from CSS
classes (`series-0` … in panel.css), so the Content-Security-Policy needs no inline style.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 220
PAD_LEFT = 44
PAD_BOTTOM = 26
PAD_TOP = 10
PAD_RIGHT = 10


def _nice_max(value: int) -> int:
    """The top of the axis: 1, 2 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _frame(title: str, body: str, width: int = WIDTH, height: int = HEIGHT) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _intervals(top: int) -> int:
    """How many gridline intervals the axis has: whole numbers at every line (0, 1, 2, 3, 4,
    5 for a top of 5, not 0, 1, 2, 3, 5)."""
    return next(n for n in (5, 4, 2, 1) if top % n == 0)


def _axis(top: int, plot_h: int) -> str:
    parts = []
    intervals = _intervals(top)
    for i in range(intervals + 1):
        value = top * i // intervals
        y = PAD_TOP + plot_h - plot_h * i / intervals
        parts.append(
            f'<line class="grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{PAD_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{value}</text>'
        )
    return "".join(parts)


def _x_labels(labels: Sequence[str], xs: Sequence[float], every: int) -> str:
    y = HEIGHT - 8
    last = len(labels) - 1
    return "".join(
        f'<text class="tick" x="{x:.1f}" y="{y}" '
        f'text-anchor="{"end" if i == last and i else "middle"}">{escape(label)}</text>'
        for i, (label, x) in enumerate(zip(labels, xs, strict=True))
        if (i % every == 0 and last - i >= every // 2) or i == last
    )


def line_chart(title: str, labels: Sequence[str], series: Sequence[Sequence[int]]) -> Markup:
    """One line per series (`series-<i>` classes) over the same x labels."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    top = _nice_max(max((max(s) for s in series if s), default=0))
    count = max(len(labels), 2)
    xs = [PAD_LEFT + plot_w * i / (count - 1) for i in range(len(labels))]
    body = [_axis(top, plot_h)]
    for n, values in enumerate(series):
        points = " ".join(
            f"{x:.1f},{PAD_TOP + plot_h - plot_h * v / top:.1f}"
            for x, v in zip(xs, values, strict=False)
        )
        body.append(f'<polyline class="line series-{n}" fill="none" points="{points}"/>')
    body.append(_x_labels(labels, xs, max(1, len(labels) // 6)))
    return _frame(title, "".join(body))


def stacked_bars(title: str, labels: Sequence[str], series: Sequence[Sequence[int]]) -> Markup:
    """One bar per label, its parts stacked in series order (`series-<i>` classes)."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    totals = [sum(s[i] for s in series) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    slot = plot_w / max(len(labels), 1)
    bar = max(slot * 0.7, 1.0)
    body = [_axis(top, plot_h)]
    xs = []
    for i in range(len(labels)):
        x = PAD_LEFT + slot * i + (slot - bar) / 2
        xs.append(x + bar / 2)
        base = float(PAD_TOP + plot_h)
        for n, values in enumerate(series):
            if not values[i]:
                continue
            h = plot_h * values[i] / top
            base -= h
            body.append(
                f'<rect class="bar series-{n}" x="{x:.1f}" y="{base:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"><title>{escape(labels[i])}: '
                f"{values[i]}</title></rect>"
            )
    body.append(_x_labels(labels, xs, max(1, len(labels) // 6)))
    return _frame(title, "".join(body))


def horizontal_bars(title: str, items: Sequence[tuple[str, int]]) -> Markup:
    """One labelled bar per item, its figure at its end (`series-<i>` by position)."""
    row = 28
    label_w = 200
    height = row * max(len(items), 1) + 8
    top = _nice_max(max((v for _, v in items), default=0))
    room = WIDTH - label_w - 70
    body = []
    for i, (label, value) in enumerate(items):
        y = 4 + row * i
        w = room * value / top
        body.append(
            f'<text class="label" x="{label_w - 8}" y="{y + 18}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect class="bar series-{i}" x="{label_w}" y="{y + 4}" width="{w:.1f}" '
            f'height="{row - 10}"/>'
            f'<text class="figure" x="{label_w + w + 6:.1f}" y="{y + 18}">{value}</text>'
        )
    return _frame(title, "".join(body), WIDTH, height)
