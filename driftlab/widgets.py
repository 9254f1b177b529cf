"""ipywidgets panels for the notebooks: a pure compute function and a thin widget around it.

Each panel is a :class:`Panel`: sliders whose values are passed by name to a compute function returning a
DataFrame (kept in ``panel.result``), and a chart function drawing it. Bad input never raises out of a
callback: the ``ValueError`` message is shown in ``panel.message`` and the last good chart stays. The
compute functions are plain functions, tested without a kernel; the panels are tested by setting a
slider's value and reading ``panel.result``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import clear_output, display

from . import amm, charts


class Panel(widgets.VBox):
    """Controls, an error line and a chart, recomputed whenever a control changes."""

    def __init__(self, compute: Callable[..., pd.DataFrame], controls: dict[str, widgets.ValueWidget],
                 chart: Callable[[pd.DataFrame], Any]) -> None:
        self.compute = compute
        self.controls = controls
        self.chart_fn = chart
        self.message = widgets.HTML()
        self.output = widgets.Output()
        self.result: pd.DataFrame | None = None
        self.chart: Any = None
        super().__init__([widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
                          self.message, self.output])
        for control in controls.values():
            control.observe(self.update, names="value")
        self.update()

    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def update(self, _change: Any = None) -> None:
        """Recompute and redraw; a ``ValueError`` becomes the message and leaves the last result in place."""
        try:
            result = self.compute(**self.values())
        except ValueError as error:
            self.message.value = f'<span style="color:#b00020">⚠ {html.escape(str(error))}</span>'
            return
        self.message.value = ""
        self.result = result
        self.chart = self.chart_fn(result)
        with self.output:
            clear_output(wait=True)
            display(self.chart)


def _slider(description: str, value: float, low: float, high: float, step: float) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=False, style={"description_width": "initial"})


# --------------------------------------------------------------------------- AMM spreads


def spread_quotes(base_spread_bps: float, max_spread_bps: float, oracle_gap_bps: float, volatility_bps: float,
                  price: float = 100.0, points: int = 81) -> pd.DataFrame:
    """Bid, reserve and ask prices against the users' net inventory (share of the AMM's smaller side).

    Spreads come from :func:`driftlab.amm.spreads` with ``mark_std = oracle_std = volatility``; the
    inventory runs from -1 (users net short the whole side) to +1.
    """
    inventory = np.linspace(-1.0, 1.0, points)
    long_spread, short_spread = amm.spreads(
        base_spread_bps / 1e4, max_spread_bps / 1e4, oracle_reserve_gap=oracle_gap_bps / 1e4,
        mark_std=volatility_bps / 1e4, oracle_std=volatility_bps / 1e4, inventory=inventory)
    bid, ask = amm.bid_ask_prices(price, long_spread, short_spread)
    frames = [pd.DataFrame({"inventory": inventory, "quote": name, "price": np.broadcast_to(values, inventory.shape)})
              for name, values in (("bid", bid), ("reserve", price), ("ask", ask))]
    return pd.concat(frames, ignore_index=True)


def spread_explorer() -> Panel:
    """Sliders for base and max spread, the oracle-reserve gap and volatility, driving the bid/ask chart."""
    controls = {
        "base_spread_bps": _slider("base spread (bps)", 10, 0, 200, 1),
        "max_spread_bps": _slider("max spread (bps)", 100, 1, 1000, 1),
        "oracle_gap_bps": _slider("reserve − oracle (bps)", 0, -300, 300, 5),
        "volatility_bps": _slider("volatility (bps)", 0, 0, 500, 5),
    }
    return Panel(spread_quotes, controls, charts.bid_ask_chart)
