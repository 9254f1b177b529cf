"""The borrow-rate panel: its compute function without a kernel, and the panel driven like a user would."""

from __future__ import annotations

import numpy as np
import pytest

import driftlab.spot as spot
from driftlab import widgets


def test_rate_curves_hold_both_models_and_the_kinks() -> None:
    curves = widgets.rate_curves(80, 6, 100, 0, 10)
    assert set(curves["model"]) == {widgets.CURRENT_CURVE, widgets.TWO_SLOPE_CURVE}
    current = curves[(curves["model"] == widgets.CURRENT_CURVE) & (curves["side"] == "borrow")].set_index(
        "utilization")["rate"]
    # every kink is a sample, with the docs digest's [CALC] values (U* 80%, 6%, 100%)
    for u, rate in ((0.8, 0.06), (0.85, 0.107), (0.9, 0.201), (0.95, 0.342), (0.99, 0.53), (0.995, 0.765)):
        assert current.loc[u] == pytest.approx(rate)
    deposit = curves[(curves["model"] == widgets.CURRENT_CURVE) & (curves["side"] == "deposit")]
    assert np.allclose(deposit["rate"], current.to_numpy() * current.index.to_numpy() * 0.9)
    old = curves[(curves["model"] == widgets.TWO_SLOPE_CURVE) & (curves["side"] == "borrow")]["rate"].to_numpy()
    assert np.all(old >= current.to_numpy() - 1e-12)  # the old curve is never below the new one


def test_moving_a_slider_recomputes_the_panel() -> None:
    panel = widgets.borrow_rate_explorer()
    before = panel.result.copy()
    panel.controls["insurance_factor_pct"].value = 50
    assert not panel.result.equals(before)
    assert panel.message.value == ""
    deposit = panel.result[(panel.result["side"] == "deposit") & (panel.result["model"] == widgets.CURRENT_CURVE)]
    at_one = deposit[deposit["utilization"] == 1.0]["rate"].item()
    assert at_one == pytest.approx(1.0 * 0.5)  # max rate 100% at full utilization, half to the insurance fund
    assert panel.chart.to_dict()["mark"]["type"] == "line"


@pytest.mark.parametrize(("control", "value", "message"), [
    ("optimal_utilization_pct", 90, "first kink"),  # fidelity-notes: the program's curve fails above optimal
    ("optimal_utilization_pct", 0, "optimal_utilization must be in (0, 1]"),
    ("max_rate_pct", 1, "max_borrow_rate must be &gt;= optimal_borrow_rate"),
    ("min_rate_pct", 10, "optimal_borrow_rate must be &gt;= min_borrow_rate"),
])
def test_bad_settings_show_the_message_and_keep_the_last_result(control: str, value: float, message: str) -> None:
    panel = widgets.borrow_rate_explorer()
    good = panel.result
    panel.controls[control].value = value
    assert message in panel.message.value
    assert panel.result is good
    panel.controls[control].value = {"optimal_utilization_pct": 80, "max_rate_pct": 100, "min_rate_pct": 0}[control]
    assert panel.message.value == ""


def test_compute_function_agrees_with_the_human_layer() -> None:
    curves = widgets.rate_curves(70, 10, 500, 1, 0)
    borrow = curves[(curves["side"] == "borrow") & (curves["model"] == widgets.CURRENT_CURVE)]
    assert np.allclose(borrow["rate"], spot.borrow_rate(borrow["utilization"].to_numpy(), 0.7, 0.1, 5.0, 0.01))
