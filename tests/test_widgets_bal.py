"""The BAL and AMM-JIT panels: compute functions without a kernel, and the panels driven like a user would."""

from __future__ import annotations

import numpy as np
import pytest

import driftlab.exact as ex
from driftlab import bal, widgets


def _series(frame, panel: str, series: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    rows = frame[(frame["panel"] == panel) & (frame["series"] == series)]
    return rows["value"].to_numpy()


def test_lp_scenario_components_add_up() -> None:
    frame = widgets.lp_scenario(20, 5, 0.8, hours=60)
    total = _series(frame, "pnl", "LP total")
    parts = sum(_series(frame, "pnl", s) for s in ("fees", "funding", "inventory (vs holding)"))
    assert np.allclose(total, parts)
    assert np.all(_series(frame, "pnl", "hold collateral") == 0)
    assert np.all(_series(frame, "pnl", "inventory (vs holding)") <= 1e-9)  # never a gain against holding
    assert np.all(np.diff(_series(frame, "pnl", "fees")) >= 0)


def test_lp_scenario_inventory_is_the_closed_form() -> None:
    frame = widgets.lp_scenario(30, 0, 1.0, hours=40, price=50.0, sqrt_k=2_000.0)
    oracle = _series(frame, "price", "oracle")
    base, _ = bal.lp_position(oracle, 50.0, 0.3 * 2_000.0)  # after each hour the AMM is back on the oracle
    assert np.allclose(_series(frame, "inventory", "LP base"), base)
    assert np.allclose(_series(frame, "pnl", "inventory (vs holding)"), -bal.inventory_loss(oracle, 50.0, 600.0))


def test_lp_scenario_zero_fee_and_volatility() -> None:
    frame = widgets.lp_scenario(50, 0, 0, hours=30)
    assert np.allclose(_series(frame, "price", "oracle"), 100.0)
    assert np.all(_series(frame, "pnl", "fees") == 0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"share_pct": 0, "fee_bps": 5, "volatility_pct": 1}, "share_pct"),
    ({"share_pct": 10, "fee_bps": -1, "volatility_pct": 1}, "fee_rate"),
    ({"share_pct": 10, "fee_bps": 5, "volatility_pct": -1}, "volatility_pct"),
])
def test_lp_scenario_bad_input(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        widgets.lp_scenario(**kwargs)


def test_lp_panel_recomputes() -> None:
    panel = widgets.lp_explorer()
    before = panel.result.copy()
    panel.controls["fee_bps"].value = 20
    assert panel.message.value == ""
    assert not panel.result.equals(before)
    fees_before = _series(before, "pnl", "fees")[-1]
    assert _series(panel.result, "pnl", "fees")[-1] == pytest.approx(fees_before * 20 / 5)  # linear in the rate
    panel.controls["share_pct"].value = 40
    assert panel.chart.to_dict()["vconcat"][0]["mark"]["type"] == "line"


def _new(intensity: int, inventory: float):  # type: ignore[no-untyped-def]
    sizes = widgets.jit_sizes(intensity, inventory, 0)
    return sizes[sizes["series"] == "v2.161.0 AMM"].set_index("maker_size")["jit_size"]


def test_jit_sizes_follow_the_intensity() -> None:
    # users net long 0.5 of a 100-base curve at the max concentration: open bids 28.8, asks 41.9, a ratio of
    # 1.456 < 1.5, a "balanced" book: a quarter of the maker's size, times the intensity, capped by the inventory
    assert _new(100, 0.5).loc[1.0] == pytest.approx(0.25)
    assert _new(50, 0.5).loc[1.0] == pytest.approx(0.125)
    assert _new(100, 0.5).max() == pytest.approx(0.5)
    # net long 1.5: bids 27.8, asks 42.9, ratio 1.54: "imbalanced", the whole maker size, capped at half of it
    assert _new(100, 1.5).loc[2.0] == pytest.approx(1.0)
    assert _new(100, 1.5).max() == pytest.approx(1.5)  # and by the inventory
    assert (widgets.jit_sizes(0, 1.5, 0)["jit_size"] == 0).all()


def test_jit_sizes_show_the_lp_split_above_100() -> None:
    sizes = widgets.jit_sizes(150, 1.5, 0)
    assert "v2.136.0 with LPs (Shared)" in set(sizes["series"])
    assert "v2.136.0 with LPs (ProtocolOwned)" in set(widgets.jit_sizes(100, 1.5, 0)["series"])  # LPs need > 100
    # a large inventory: the AMM no longer lets LPs join (inventory above a tenth of its own smaller side)
    assert "v2.136.0 with LPs (ProtocolOwned)" in set(widgets.jit_sizes(150, 5, 0)["series"])


def test_jit_sizes_match_the_exact_layer() -> None:
    sizes = widgets.jit_sizes(100, -3, 7)
    at = sizes[(sizes["series"] == "v2.161.0 AMM") & (sizes["maker_size"] == 4.0)]["jit_size"].item()
    one = ex.AMM_RESERVE_PRECISION
    low, high = ex.calculate_bid_ask_bounds(ex.MAX_CONCENTRATION_COEFFICIENT, 100 * one)
    amm = ex.AMM(base_asset_reserve=103 * one, quote_asset_reserve=100 * one * 100 * one // (103 * one),
                 sqrt_k=100 * one, peg_multiplier=100 * ex.PEG_PRECISION, min_base_asset_reserve=low,
                 max_base_asset_reserve=high, base_asset_amount_with_amm=-3 * one, order_step_size=one // 1000,
                 amm_jit_intensity=100, long_spread=1_000, short_spread=1_000)
    oracle = 100 * ex.PRICE_PRECISION
    got = ex.calculate_amm_jit_liquidity(ex.PerpMarket(amm=amm), ex.PositionDirection.Long,
                                         oracle - 7 * oracle // 10_000, oracle, 4 * one, 4 * one, 4 * one, True)
    assert at == got / one
    # 7 bps through the oracle with a 10 bps opposite spread: the cap maker/2 = 2 shrinks to 2 * 3/10 = 0.6
    assert at == pytest.approx(0.6)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"amm_jit_intensity": 201, "inventory": 1, "price_offset_bps": 0}, "amm_jit_intensity"),
    ({"amm_jit_intensity": 100, "inventory": 30, "price_offset_bps": 0}, "inventory"),
    ({"amm_jit_intensity": 100, "inventory": 1, "price_offset_bps": 0, "lp_share_pct": 100}, "lp_share_pct"),
])
def test_jit_sizes_bad_input(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        widgets.jit_sizes(**kwargs)  # type: ignore[arg-type]


def test_jit_panel_recomputes() -> None:
    panel = widgets.jit_explorer()
    before = panel.result.copy()
    panel.controls["amm_jit_intensity"].value = 40
    assert panel.message.value == ""
    assert panel.result["jit_size"].sum() < before["jit_size"].sum()
    assert panel.chart.to_dict()["mark"]["type"] == "line"
