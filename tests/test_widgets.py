"""Widget panels: compute functions without a kernel, and the panel driven like a user would."""

from __future__ import annotations

import numpy as np
import pytest

from driftlab import widgets


def test_spread_quotes_centre_is_half_the_base_spread() -> None:
    quotes = widgets.spread_quotes(base_spread_bps=20, max_spread_bps=100, oracle_gap_bps=0, volatility_bps=0)
    at_zero = quotes[np.isclose(quotes["inventory"], 0.0)].set_index("quote")["price"]
    assert at_zero["ask"] == pytest.approx(100 * 1.001) and at_zero["bid"] == pytest.approx(100 * 0.999)
    assert at_zero["reserve"] == 100


def test_spread_quotes_never_exceed_the_max_target_spread() -> None:
    quotes = widgets.spread_quotes(base_spread_bps=50, max_spread_bps=80, oracle_gap_bps=0, volatility_bps=0)
    wide = quotes.pivot(index="inventory", columns="quote", values="price")
    assert ((wide["ask"] - wide["bid"]) / 100 <= 0.008 + 1e-12).all()


def test_moving_a_slider_recomputes_the_panel() -> None:
    panel = widgets.spread_explorer()
    before = panel.result.copy()
    panel.controls["volatility_bps"].value = 200
    assert not panel.result.equals(before)
    assert panel.message.value == ""
    assert panel.chart.to_dict()["mark"]["type"] == "line"


def test_out_of_range_input_shows_the_message_and_keeps_the_last_result() -> None:
    panel = widgets.spread_explorer()
    good = panel.result
    slider = panel.controls["max_spread_bps"]
    slider.max = 20_000
    slider.value = 20_000  # 200%: outside max_spread's [0, 1]
    assert "max_spread" in panel.message.value and "[0, 1]" in panel.message.value
    assert panel.result is good
    slider.value = 100  # back in range: the message clears
    assert panel.message.value == ""
