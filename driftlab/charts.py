"""Altair charts for the notebooks: rendering setup, and chart builders (DataFrame in, ``alt.Chart`` out).

Every notebook's first code cell calls :func:`setup_altair`, which makes Altair render with no network:
JupyterLab 4 cannot show Altair 6's default (CDN) or mimetype output offline, so the default here is the
``JupyterChart`` widget with the vega JavaScript bundled by vl-convert. altair is imported inside the
functions, so ``import driftlab`` stays fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

ALTAIR_MODES = ("widget", "svg", "html")
"""Accepted values of ``setup_altair(mode)`` and of the ``DRIFTLAB_ALTAIR`` environment variable."""


def setup_altair(mode: str | None = None) -> str:
    """Enable an Altair renderer that works offline and return the mode in effect.

    - ``"widget"`` (default): interactive ``JupyterChart`` (anywidget) with the vega JavaScript bundled by
      vl-convert; ``alt.JupyterChart.enable_offline()`` runs first, so explicit ``alt.JupyterChart(...)``
      objects made afterwards load nothing from the network either.
    - ``"svg"``: static SVG rendered in the kernel by vl-convert; deterministic (CI runs notebooks this way).
    - ``"html"``: Altair's default HTML output; it loads vega from a CDN, so it needs internet.

    ``mode=None`` reads the ``DRIFTLAB_ALTAIR`` environment variable, else uses ``"widget"``.
    ``alt.data_transformers`` is left at Altair's default (at most 5000 rows per chart).

    Raises ``ValueError`` for any other mode.
    """
    if mode is None:
        mode = os.environ.get("DRIFTLAB_ALTAIR") or "widget"
    if mode not in ALTAIR_MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, ALTAIR_MODES))}; got {mode!r}")

    import altair as alt

    if mode == "widget":
        alt.JupyterChart.enable_offline()  # before any alt.JupyterChart(...) is constructed
        alt.renderers.enable("jupyter", offline=True)
    elif mode == "svg":
        alt.renderers.enable("svg")
    else:
        alt.renderers.enable("html")
    return mode


def lines(df: pd.DataFrame, x: str, y: str, *, color: str | None = None, title: str = "",
          x_title: str | None = None, y_title: str | None = None, y_format: str | None = None,
          width: int = 520, height: int = 300) -> alt.Chart:
    """A line per ``color`` group of ``y`` against ``x``, with tooltips; the building block of the others."""
    import altair as alt

    y_axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title or x),
        "y": alt.Y(f"{y}:Q", title=y_title or y, axis=y_axis, scale=alt.Scale(zero=False)),
        "tooltip": [alt.Tooltip(c) for c in df.columns],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=color)
    return alt.Chart(df, title=title, width=width, height=height).mark_line().encode(**encoding)


def curve_chart(curve: pd.DataFrame, point: pd.DataFrame | None = None, *, title: str = "") -> alt.Chart:
    """The constant-product curve ``quote_reserve`` vs ``base_reserve`` (a line per ``curve`` label), with the
    current reserves as points."""
    import altair as alt

    chart = lines(curve, "base_reserve", "quote_reserve", color="curve", title=title,
                  x_title="base reserve", y_title="quote reserve")
    if point is None:
        return chart
    dots = alt.Chart(point).mark_point(size=90, filled=True).encode(
        x="base_reserve:Q", y="quote_reserve:Q", color=alt.Color("curve:N"),
        tooltip=[alt.Tooltip(c) for c in point.columns])
    return alt.layer(chart, dots)


def impact_chart(impact: pd.DataFrame, *, title: str = "Price impact vs trade size") -> alt.Chart:
    """``price_impact`` (as a percentage) against ``base_amount``, a line per ``curve`` label."""
    return lines(impact, "base_amount", "price_impact", color="curve", title=title,
                 x_title="base bought (+) / sold (−)", y_title="price impact", y_format="%")


def bid_ask_chart(quotes: pd.DataFrame, *, x: str = "inventory", title: str = "AMM bid and ask") -> alt.Chart:
    """``price`` of each ``quote`` (bid, reserve, ask) against ``x``."""
    return lines(quotes, x, "price", color="quote", title=title, y_title="price (USD)")
