"""Report charts are drawn once per set of figures (issue 14): a page view does not run matplotlib."""

from reporting import charts

TREND = [{"month": "2026-10", "concerns": 4, "missing_episodes": 2, "cases_opened": 1}]


def test_it_draws_a_chart_once_for_the_same_figures_and_again_when_they_change(monkeypatch):
    drawn = []
    real = charts._draw_trend
    monkeypatch.setattr(charts, "_draw_trend", lambda trend: drawn.append(trend) or real(trend))

    first = charts.trend_chart(TREND)
    assert first.startswith("data:image/png;base64,")
    assert charts.trend_chart([dict(TREND[0])]) == first
    assert len(drawn) == 1

    changed = [{**TREND[0], "concerns": 5}]
    assert charts.trend_chart(changed) != first
    assert len(drawn) == 2


def test_it_keeps_a_withheld_figure_apart_from_a_zero(monkeypatch):
    drawn = []
    monkeypatch.setattr(charts, "_draw_risk", lambda start, end: drawn.append(start) or "png")
    charts.risk_chart({"high": None}, {"high": 3})
    charts.risk_chart({"high": 0}, {"high": 3})
    assert drawn == [{"high": None}, {"high": 0}]
