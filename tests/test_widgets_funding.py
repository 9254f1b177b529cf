"""Funding and settlement panels: compute functions without a kernel, and the panels driven like a user would."""

from __future__ import annotations

import numpy as np
import pytest

from driftlab import funding, widgets


def test_funding_path_panels_and_rates() -> None:
    frame = widgets.funding_path(premium_bps=10, noise_bps=0, drift_pct=0, volatility_pct=0, hours=6)
    assert set(frame["panel"]) == {"prices", "rate", "funding"}
    rate = frame[(frame["panel"] == "rate") & (frame["series"] == "charged")]["value"]
    # a steady 10 bps premium plus the offset, per hour
    assert np.allclose(rate, (0.001 + 1 / 5000) / 24)
    long = frame[frame["series"] == "1 base long"]["value"].to_numpy()
    short = frame[frame["series"] == "1 base short"]["value"].to_numpy()
    assert np.allclose(long, -short) and long[-1] < 0  # longs pay a positive rate
    assert len(frame) <= 5000  # Altair's default row limit


def test_funding_path_clamp_follows_the_tier() -> None:
    rich = widgets.funding_path(premium_bps=400, noise_bps=0, drift_pct=0, volatility_pct=0, tier="A", hours=3)
    charged = rich[(rich["panel"] == "rate") & (rich["series"] == "charged")]["value"]
    assert np.allclose(charged, 1 / 33 / 24)
    loose = widgets.funding_path(premium_bps=400, noise_bps=0, drift_pct=0, volatility_pct=0, tier="Isolated",
                                 hours=3)
    assert np.allclose(loose[(loose["panel"] == "rate") & (loose["series"] == "charged")]["value"],
                       (0.04 + 1 / 5000) / 24)


def test_moving_a_slider_recomputes_the_funding_panel() -> None:
    panel = widgets.funding_explorer()
    before = panel.result.copy()
    panel.controls["premium_bps"].value = 100
    assert not panel.result.equals(before)
    assert panel.message.value == ""
    panel.controls["tier"].value = "C"
    assert panel.message.value == ""
    assert [c["mark"]["type"] for c in panel.chart.to_dict()["vconcat"]] == ["line"] * 3


def test_out_of_range_noise_shows_the_message_and_keeps_the_result() -> None:
    panel = widgets.funding_explorer()
    good = panel.result
    slider = panel.controls["noise_bps"]
    slider.max = 1_000
    slider.value = 800  # 8%: beyond premium_noise's [0, 0.05]
    assert "premium_noise" in panel.message.value and "[0, 0.05]" in panel.message.value
    assert panel.result is good
    slider.value = 20
    assert panel.message.value == ""


def test_settlement_curve_splits_what_waits() -> None:
    curve = widgets.settlement_curve(realized=200, pnl_pool=800, net_user_pnl=1_000, points=21, max_unrealized=2_000)
    wide = curve.pivot(index="unrealized_pnl", columns="series", values="amount")
    # pool 800 < net 1000: no excess, so only the realised 200 settles; the rest waits
    assert wide.loc[1_000.0, "settle now"] == 200 and wide.loc[1_000.0, "waiting"] == 800
    assert np.allclose(wide["settle now"] + wide["waiting"], wide.index)


def test_moving_a_pool_slider_recomputes_the_settlement_panel() -> None:
    panel = widgets.settlement_explorer()
    before = panel.result.copy()
    panel.controls["pnl_pool"].value = 3_000  # pool now above the users' net P&L: excess pays winners
    assert not panel.result.equals(before)
    after = panel.result.pivot(index="unrealized_pnl", columns="series", values="amount")
    assert after.loc[2_000.0, "settle now"] == pytest.approx(2_000.0)
    slider = panel.controls["pnl_pool"]
    slider.min = -100
    slider.value = -100
    assert "pnl_pool" in panel.message.value


def test_path_generator_feeds_the_funding_frame() -> None:
    path = funding.mark_oracle_path(3, seed=5)
    frame = funding.funding_over_path(path, tier="B")
    assert list(frame["hour"]) == [1.0, 2.0, 3.0]
