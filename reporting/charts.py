"""Charts drawn on the server (matplotlib), so the PDF needs no JavaScript.

Drawing one takes matplotlib most of a second of CPU, and a report's page is opened far more often
than its figures change: each chart is kept in the cache under a hash of exactly what it plots, so
the same figures never draw twice and changed ones (a rebuild, a re-issue) never show a stale chart.
"""

import base64
import hashlib
import io
import json
import math

import matplotlib

matplotlib.use("Agg")  # no display on a server

from matplotlib import pyplot as plt
from matplotlib.ticker import MaxNLocator

from met import cache

COLOURS = {"concerns": "#1d70b8", "missing_episodes": "#d4351c", "cases_opened": "#00703c"}
LABELS = {"concerns": "Concerns", "missing_episodes": "Missing episodes", "cases_opened": "Cases opened"}


def _points(values) -> list[float]:
    # A figure withheld from the LSCB report comes as None: a gap in the line, no bar.
    return [math.nan if value is None else value for value in values]


def _data_uri(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


CACHE_SECONDS = 7 * 24 * 3600


def _cached(kind: str, plotted, draw) -> str:
    digest = hashlib.sha256(json.dumps([kind, plotted], sort_keys=True, default=str).encode()).hexdigest()
    key = f"met:chart:{digest}"
    found = cache.get(key)
    if found is None:
        found = draw()
        cache.set(key, found, CACHE_SECONDS)
    return found


def trend_chart(trend: list[dict]) -> str:
    return _cached("trend", trend, lambda: _draw_trend(trend))


def risk_chart(start: dict, end: dict) -> str:
    return _cached("risk", [start, end], lambda: _draw_risk(start, end))


def _draw_trend(trend: list[dict]) -> str:
    figure, axes = plt.subplots(figsize=(7, 2.8))
    months = [t["month"][2:] for t in trend]
    for key, colour in COLOURS.items():
        axes.plot(months, _points(t[key] for t in trend), marker="o", color=colour, label=LABELS[key], linewidth=2)
    axes.set_title("12-month trend")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(frameon=False, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="x", labelsize=7, rotation=45)
    return _data_uri(figure)


def _draw_risk(start: dict, end: dict) -> str:
    levels = ["none", "low", "medium", "high"]
    figure, axes = plt.subplots(figsize=(7, 2.4))
    positions = range(len(levels))
    axes.bar(
        [p - 0.2 for p in positions],
        _points(start.get(level, 0) for level in levels),
        width=0.4,
        color="#b1b4b6",
        label="Start",
    )
    axes.bar(
        [p + 0.2 for p in positions],
        _points(end.get(level, 0) for level in levels),
        width=0.4,
        color="#1d70b8",
        label="End",
    )
    axes.set_xticks(list(positions), [level.capitalize() for level in levels])
    axes.set_title("Open cases by risk level")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(frameon=False, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _data_uri(figure)
