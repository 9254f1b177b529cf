"""Maker-scoring panel and charts: the compute function without a kernel, the panel driven like a user would,
and the chart specs render headless."""

from __future__ import annotations

import pandas as pd
import pytest
import vl_convert as vlc

import driftlab.maker as mk
from driftlab import charts, widgets

LADDERS = {"a_levels": 1, "a_size_usd": 5_000, "a_distance_bps": 0.5,
           "b_levels": 2, "b_size_usd": 5_000, "b_distance_bps": 2.0,
           "c_levels": 0, "c_size_usd": 5_000, "c_distance_bps": 1.0}


def test_maker_book_scores_the_ladders() -> None:
    """A: one $5,000 order each side 0.5 bp from the mid (the best bid and ask); B: 2 orders 2 and 4 bps from
    the mid, so 1.5 and 3.5 bps behind the best: brackets 2 and 3 of march-2023. Mark 100, floor 50 base."""
    orders = widgets.maker_book("march-2023", step_bps=2.0, **LADDERS)
    brackets = orders.groupby("maker")["bracket"].apply(sorted).to_dict()
    assert brackets == {"maker A": [1, 1], "maker B": [2, 2, 3, 3]}
    totals = orders.groupby("maker")["score"].sum()
    assert totals["maker A"] == pytest.approx(200.0)  # 100 * 2 * 50/50
    assert totals["maker B"] == pytest.approx(100 * (0.75 + 0.5))


def test_moving_a_slider_updates_the_scores_and_bad_input_shows_a_message() -> None:
    panel = widgets.maker_explorer()
    before = panel.result.groupby("maker")["score"].sum()
    panel.controls["a_distance_bps"].value = 25.0  # A backs away: B's orders become the best
    after = panel.result.groupby("maker")["score"].sum()
    assert after["maker A"] < before["maker A"] and panel.message.value == ""
    panel.controls["rule"].value = "scorer-2024"
    assert panel.result is not None and "level_price" in panel.result.columns
    panel.controls["a_levels"].value = 0
    panel.controls["b_levels"].value = 0
    good = panel.result  # only C left
    panel.controls["c_levels"].value = 0
    assert "levels" in panel.message.value and panel.result is good
    panel.controls["b_levels"].value = 2
    assert panel.message.value == ""


def test_maker_charts_spec_and_render() -> None:
    orders = widgets.maker_book("august-2023", **LADDERS)
    spec = charts.book_score_chart(orders).to_dict()
    assert len(spec["hconcat"]) == 2
    assert "<svg" in vlc.vegalite_to_svg(spec)
    table = mk.compare_rules(mk.make_book(orders[list(mk.BOOK_COLUMNS)]))
    long = table.reset_index().melt(id_vars="maker", var_name="rule", value_name="score")
    bars = charts.grouped_bars(long, "maker", "score", "rule").to_dict()
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["xOffset"]["field"] == "rule"
    assert "<svg" in vlc.vegalite_to_svg(bars)


def test_payout_chart_colours_paid_and_forfeited() -> None:
    table = pd.DataFrame({"maker": ["A", "B"], "period": ["w1", "w1"], "tier": ["Tier 1", "Tier 2"],
                          "award": [2_000.0, 600.0], "payout": [0.0, 600.0], "reason": ["forfeited: up-time", "paid"]})
    spec = charts.payout_chart(table).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["paid", "forfeited"]
    assert "<svg" in vlc.vegalite_to_svg(spec)
