"""Funding and P&L chart builders: the spec says what the notebook claims, and it renders headless."""

from __future__ import annotations

import pandas as pd
import vl_convert as vlc

from driftlab import charts, pnl, widgets


def test_funding_path_chart_stacks_three_panels() -> None:
    frame = widgets.funding_path(premium_bps=5, noise_bps=10, drift_pct=0, volatility_pct=3, hours=4)
    spec = charts.funding_path_chart(frame).to_dict()
    assert len(spec["vconcat"]) == 3
    assert all(panel["encoding"]["x"]["field"] == "hour" for panel in spec["vconcat"])
    assert "<svg" in vlc.vegalite_to_svg(spec)


def test_ledger_chart_has_a_point_per_row_and_series() -> None:
    ledger = pnl.position_ledger(pd.DataFrame({"base": [1.0, -2.0, 1.0], "price": [100.0, 110.0, 90.0]}))
    spec = charts.ledger_chart(ledger).to_dict()
    (data,) = spec["datasets"].values()
    assert len(data) == 3 * 4
    assert spec["mark"]["point"] is True
    assert "<svg" in vlc.vegalite_to_svg(spec)


def test_settlement_chart_spec() -> None:
    curve = widgets.settlement_curve(100, 500, 800, points=11)
    spec = charts.settlement_chart(curve).to_dict()
    assert spec["encoding"]["x"]["field"] == "unrealized_pnl" and spec["encoding"]["y"]["field"] == "amount"
    assert "<svg" in vlc.vegalite_to_svg(spec)
