"""Order, auction and guard-rail panels: compute functions without a kernel, panels driven like a user would."""

from __future__ import annotations

import numpy as np
import pytest

from driftlab import widgets


def test_auction_path_prices_and_maker_fills() -> None:
    path = widgets.auction_path(start_offset_bps=0, end_offset_bps=50, duration=10, maker_slot=5)
    long = path[(path["series"] == "long taker") & (path["kind"] == "auction")].set_index("slot")["price"]
    short = path[(path["series"] == "short taker") & (path["kind"] == "auction")].set_index("slot")["price"]
    assert long[0] == 100.0 and long[10] == 100.5 and long[5] == 100.25
    assert short[0] == 100.0 and short[10] == 99.5 and short[5] == 99.75
    fills = path[path["kind"] == "maker fill"].set_index("series")["price"]
    assert fills["long taker"] == 100.25 and fills["short taker"] == 99.75


def test_auction_panel_moves_with_the_duration_and_shows_messages() -> None:
    panel = widgets.auction_explorer()
    before = panel.result.copy()
    panel.controls["duration"].value = 40
    assert not panel.result.equals(before) and panel.message.value == ""
    good = panel.result
    panel.controls["start_offset_bps"].value = 100  # start beyond the end: the program's InvalidOrderAuction
    assert "InvalidOrderAuction" in panel.message.value and panel.result is good
    panel.controls["start_offset_bps"].value = 0
    assert panel.message.value == ""
    panel.controls["maker_slot"].value = 60  # past the chart's slots for a 40-slot auction
    assert "maker_slot" in panel.message.value


def test_trigger_path_events() -> None:
    path = widgets.trigger_path(position="long", kind="stop_market", direction="short", trigger_price=97.0,
                                limit_price=96.0, trend_bps=-5.0, swing_pct=0.0)
    events = path[path["kind"] == "event"].set_index("series")
    oracle = path[path["series"] == "oracle"]["price"].to_numpy()
    first_below = int(np.argmax(oracle < 97.0))
    assert events.loc["triggered", "slot"] == first_below == events.loc["filled", "slot"]
    assert "trigger (below)" in set(path["series"])


def test_trigger_panel_shows_the_seed_rule() -> None:
    panel = widgets.trigger_explorer()
    assert panel.message.value == "" and panel.result is not None
    # the default: a take-profit sell on a long, trigger above 101, limit 101.5: triggers, rests, then fills
    events = panel.result[panel.result["kind"] == "event"].set_index("series")
    assert events.loc["triggered", "slot"] < events.loc["filled", "slot"] and events.loc["filled", "price"] == 101.5
    panel.controls["kind"].value = "stop_limit"
    panel.controls["trigger_price"].value = 97.0
    panel.controls["limit_price"].value = 96.0
    assert panel.message.value == "" and "trigger (below)" in set(panel.result["series"])
    good = panel.result
    # a stop-limit sell with its limit above the trigger: the docs' trigger/limit table refuses it
    panel.controls["limit_price"].value = 99.0
    assert "must be below trigger" in panel.message.value and "seed 004" in panel.message.value
    assert panel.result is good
    panel.controls["limit_price"].value = 96.0
    assert panel.message.value == ""
    # a reduce-only-free market-if-touched buy on a long position is fine; the trigger condition follows the table
    panel.controls["direction"].value = "long"
    panel.controls["kind"].value = "take_profit_market"
    assert "trigger (above)" in set(panel.result["series"])


def test_validity_grid_and_panel() -> None:
    grid = widgets.validity_grid(price_to_twap=1.0, confidence_limit_pct=2.0, stale_for_amm_slots=10)
    at = grid.set_index(["delay", "confidence_pct"])["validity"]
    assert at[(0, 0.0)] == "Valid" and at[(20, 0.0)] == "StaleForAMM" and at[(125, 0.0)] == "StaleForMargin"
    assert at[(0, 3.0)] == "TooUncertain"
    panel = widgets.validity_explorer()
    panel.controls["price_to_twap"].value = 6.0
    assert set(panel.result["validity"]) == {"TooVolatile"}
    panel.controls["price_to_twap"].value = 5.9
    assert "TooVolatile" not in set(panel.result["validity"])
    panel.controls["contract_tier"].value = "Speculative"
    assert "TooUncertain" not in set(panel.result["validity"])  # 10 x 2% = 20% > 5% shown


def test_band_segments_and_panel() -> None:
    band = widgets.band_segments(twap_gap_pct=0.0, margin_ratio_initial_pct=5.0, twap_divergence_pct=50.0)
    long = band[band["side"] == "long"]
    assert list(long["status"]) == ["allowed", "breached"]  # one run each: below 105 allowed, above breached
    assert long["price_end"].iloc[0] == pytest.approx(105.0, abs=0.2) and long["price"].iloc[0] < 85
    short = band[band["side"] == "short"]
    assert list(short["status"]) == ["breached", "allowed"]
    assert short["price"].iloc[1] == pytest.approx(95.0, abs=0.2)
    panel = widgets.band_explorer()
    before = panel.result.copy()
    panel.controls["margin_ratio_initial_pct"].value = 10.0
    assert not panel.result.equals(before)
    panel.controls["twap_gap_pct"].value = -30.0
    panel.controls["twap_gap_pct"].max = 200.0
    panel.controls["twap_gap_pct"].value = 150.0
    assert "twap_gap_pct" in panel.message.value
