"""The panel's SVG charts: every gridline is labelled with the value it stands at."""

from __future__ import annotations

import itertools
import re

from bot.panel import charts


def _ticks(svg: str) -> dict[float, int]:
    """Gridline label → its y position."""
    found = re.findall(r'<text class="tick" x="[\d.]+" y="([\d.]+)" text-anchor="end">(\d+)<', svg)
    return {float(y) - 4: int(value) for y, value in found}


def test_a_bar_of_four_reaches_the_gridline_labelled_four() -> None:
    svg = str(charts.stacked_bars("t", ["a", "b"], [[1, 4], [0, 0]]))
    ticks = _ticks(svg)
    assert sorted(ticks.values()) == [0, 1, 2, 3, 4, 5]
    bar = r'<rect class="bar series-0" x="[\d.]+" y="([\d.]+)"'
    tops = [float(y) for y in re.findall(bar, svg)]
    four = next(y for y, value in ticks.items() if value == 4)
    assert abs(min(tops) - four) < 0.2


def test_axis_labels_are_whole_and_evenly_spaced_for_any_top() -> None:
    for peak in (1, 2, 3, 7, 12, 45, 180, 999):
        ticks = _ticks(str(charts.line_chart("t", ["a", "b", "c"], [[0, peak, 1]])))
        values = [ticks[y] for y in sorted(ticks, reverse=True)]  # bottom to top
        steps = {b - a for a, b in itertools.pairwise(values)}
        assert values[0] == 0 and values[-1] >= peak and len(steps) == 1, (peak, values)
