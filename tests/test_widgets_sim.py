"""The crash explorer (driftlab.widgets.crash_metrics / crash_explorer) and the simulator's chart builders."""

from __future__ import annotations

import pytest

from driftlab import charts, widgets
from driftlab.sim import CrashScenario, sweep


def test_crash_metrics_runs_the_scenario() -> None:
    metrics = widgets.crash_metrics(crash_size_pct=30, max_leverage=9, imf_factor=0.0, insurance_fund=500,
                                    n_users=5, crash_minutes=5)
    assert {"oracle", "bid", "ask", "band_low", "insurance_fund", "pnl_pool", "liquidations_total"} <= set(metrics)
    assert metrics["oracle"].iloc[0] == pytest.approx(25.0)
    assert metrics["oracle"].min() == pytest.approx(25.0 * 0.7)
    assert metrics["insurance_fund"].iloc[0] == pytest.approx(500.0)


@pytest.mark.parametrize("kwargs, name", [({"max_leverage": 50}, "max_leverage"),
                                          ({"crash_size_pct": 150}, "crash_size"),
                                          ({"imf_factor": -1.0}, "imf_factor"),
                                          ({"insurance_fund": -5.0}, "insurance_fund")])
def test_crash_metrics_bad_input(kwargs, name) -> None:
    with pytest.raises(ValueError, match=name):
        widgets.crash_metrics(**{"n_users": 2, "crash_minutes": 1, **kwargs})


def test_crash_explorer_panel_reruns_on_a_slider() -> None:
    panel = widgets.crash_explorer(n_users=4)
    panel.compute = lambda **values: widgets.crash_metrics(**values, n_users=4, crash_minutes=2)
    panel.update()
    before = panel.result.copy()
    panel.controls["crash_size_pct"].value = 50
    assert panel.message.value == ""
    assert panel.result["oracle"].min() == pytest.approx(12.5)
    assert before["oracle"].min() == pytest.approx(17.5)
    panel.controls["max_leverage"].value = 2  # within range: recomputes without a message
    assert panel.message.value == ""


def test_chart_builders() -> None:
    metrics = widgets.crash_metrics(n_users=3, crash_minutes=2)
    chart = charts.scenario_chart(metrics, max_points=50)
    spec = chart.to_dict()
    assert len(spec["vconcat"]) == 3
    table = sweep({"crash_size": [0.1, 0.3], "insurance_fund": [0.0, 10.0]},
                  CrashScenario(n_users=3, calm=2, crash_duration=30, after=5), max_workers=2)
    heat = charts.solvency_chart(table, "insurance_fund", "crash_size").to_dict()
    assert len(heat["layer"]) == 2
