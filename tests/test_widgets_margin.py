"""Margin and liquidation panels: the compute functions without a kernel, and the panels driven like a user would."""

from __future__ import annotations

import numpy as np
import pytest
import vl_convert as vlc

from driftlab import liquidation, margin, widgets


def test_margin_curves_are_the_human_layer() -> None:
    curves = widgets.margin_curves(10, 5, 0.0005, price=100.0)
    initial = curves[curves["margin"] == "initial"]
    assert np.allclose(initial["margin_ratio"], margin.margin_ratio(initial["notional"] / 100.0, 0.1, 0.0005))
    assert np.allclose(initial["max_leverage"] * initial["margin_ratio"], 1.0)
    assert set(curves["margin"]) == {"initial", "maintenance"}
    with_hlm = widgets.margin_curves(10, 5, 0.0005, hlm_initial_pct=1)
    assert "initial (HLM)" in set(with_hlm["margin"])


def test_weight_curves_include_the_linearised_calculator() -> None:
    curves = widgets.weight_curves(80, 90, 120, 110, 0.003)
    program = curves[(curves["weight_kind"] == "asset (initial)") & (curves["formula"] == "program")]
    linear = curves[curves["formula"] == "streamlit, linearised"]
    assert np.allclose(program["weight"], margin.asset_weight(program["size"], 0.8, 0.003))
    assert (linear["weight"].to_numpy() <= program["weight"].to_numpy() + 1e-12).all()


def test_account_health_numbers() -> None:
    frame = widgets.account_health(500, 0, 200, 25, 25)
    assert frame.attrs["health"] == pytest.approx(0.5)
    assert frame.attrs["liquidation_price"] == pytest.approx(4500 / 190)
    assert abs(frame.attrs["gap"]) < 1e-9
    assert frame["excess"].is_monotonic_increasing  # a long: the excess rises with the price


def test_moving_a_slider_recomputes_the_panels() -> None:
    panel = widgets.margin_explorer()
    before = panel.result.copy()
    panel.controls["imf_factor"].value = 0.005
    assert not panel.result.equals(before) and panel.message.value == ""
    vlc.vegalite_to_svg(panel.chart.to_dict())  # the chart compiles and renders

    account = widgets.account_explorer()
    price = account.result.attrs["liquidation_price"]
    account.controls["usdc"].value = 1000
    assert account.result.attrs["liquidation_price"] < price  # more collateral, further away
    vlc.vegalite_to_svg(account.chart.to_dict())

    path = widgets.liquidation_explorer()
    before = path.result
    path.controls["drop_pct"].value = 40
    assert not path.result.equals(before) and (path.result["event"] == "liquidation").any()
    vlc.vegalite_to_svg(path.chart.to_dict())

    weights = widgets.weight_explorer()
    weights.controls["imf_factor"].value = 0.0
    assert np.allclose(weights.result.query("formula == 'program' and weight_kind == 'asset (initial)'")["weight"], 0.8)


@pytest.mark.parametrize("make, control, value, words", [
    (widgets.margin_explorer, "maintenance_pct", 20, "maintenance_pct must be <= initial_pct"),
    (widgets.margin_explorer, "hlm_initial_pct", 10, None),
    (widgets.weight_explorer, "maintenance_asset_pct", 100, None),
])
def test_bad_values_show_a_message_and_keep_the_last_result(make, control: str, value: float,  # type: ignore[no-untyped-def]
                                                            words: str | None) -> None:
    panel = make()
    good = panel.result
    panel.controls[control].value = value
    if words is None:
        assert panel.message.value == ""
    else:
        assert words in panel.message.value.replace("&lt;", "<")
        assert panel.result is good


def test_account_message_names_the_parameter() -> None:
    with pytest.raises(ValueError, match="drop_pct"):
        widgets.liquidation_scenario(0)
    panel = widgets.account_explorer()
    panel.controls["sol_price"].min = 0.0
    panel.controls["sol_price"].value = 0.0
    assert "price" in panel.message.value


def test_liquidation_scenario_is_the_path() -> None:
    table = widgets.liquidation_scenario(20, steps=10)
    account = widgets.demo_account(500, 0, 200, 25, 25)
    expected = liquidation.liquidation_path(account, "SOL-PERP", 25.0 * (1 - np.linspace(0, 0.2, 11)),
                                            insurance_fund=1000.0, open_interest=10_000.0)
    assert table.equals(expected)
