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


def curve_chart(curve: pd.DataFrame, point: pd.DataFrame | None = None, *, title: str = ""
                ) -> alt.Chart | alt.LayerChart | alt.FacetChart:
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


# --------------------------------------------------------------------------- orders, auctions and guard rails


def auction_chart(prices: pd.DataFrame, *,
                  title: str = "JIT auction price over slots") -> alt.Chart | alt.LayerChart:
    """``price`` against ``slot``: a stepped line per ``series`` for the rows whose ``kind`` is ``"auction"``, and
    a point per row whose ``kind`` is ``"maker fill"`` (a maker filling the taker at that slot)."""
    import altair as alt

    auction = prices[prices["kind"] == "auction"]
    fills = prices[prices["kind"] == "maker fill"]
    tooltip = [alt.Tooltip(c) for c in prices.columns]
    line = alt.Chart(auction, title=title, width=520, height=300).mark_line(interpolate="step-after").encode(
        x=alt.X("slot:Q", title="slots since the order"),
        y=alt.Y("price:Q", title="price (USD)", scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title="taker"), tooltip=tooltip)
    if fills.empty:
        return line
    dots = alt.Chart(fills).mark_point(size=120, filled=True, shape="diamond").encode(
        x=alt.X("slot:Q"), y=alt.Y("price:Q"), color=alt.Color("series:N"), tooltip=tooltip)
    return line + dots


def trigger_chart(path: pd.DataFrame, *,
                  title: str = "Oracle path, trigger and limit") -> alt.Chart | alt.LayerChart:
    """Rows with ``kind == "line"``: ``price`` against ``slot`` per ``series`` (oracle, trigger, limit); rows with
    ``kind == "event"``: points (triggered, filled)."""
    import altair as alt

    lines_ = path[path["kind"] == "line"]
    events = path[path["kind"] == "event"]
    tooltip = [alt.Tooltip(c) for c in path.columns]
    chart = alt.Chart(lines_, title=title, width=520, height=300).mark_line().encode(
        x=alt.X("slot:Q", title="slot"), y=alt.Y("price:Q", title="price (USD)", scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title="line"), tooltip=tooltip)
    if events.empty:
        return chart
    dots = alt.Chart(events).mark_point(size=160, filled=True, color="black").encode(
        x=alt.X("slot:Q"), y=alt.Y("price:Q"), shape=alt.Shape("series:N", title="event"), tooltip=tooltip)
    return (chart + dots).resolve_scale(color="independent", shape="independent")


def validity_chart(grid: pd.DataFrame, *, x: str = "delay", y: str = "confidence_pct",
                   title: str = "Oracle validity by delay and confidence") -> alt.Chart:
    """A heat map of ``validity`` (the program's oracle states, most severe first) over ``x`` and ``y``."""
    import altair as alt

    from .guards import VALIDITIES

    colors = ["#444444", "#b00020", "#e66101", "#fdb863", "#b2abd2", "#8fbcdb", "#1a9850"]
    return alt.Chart(grid, title=title, width=520, height=300).mark_rect().encode(
        x=alt.X(f"{x}:O", title="oracle delay (slots)", axis=alt.Axis(labelOverlap=True)),
        y=alt.Y(f"{y}:O", title="confidence (% of price)", sort="descending", axis=alt.Axis(labelOverlap=True)),
        color=alt.Color("validity:N", scale=alt.Scale(domain=list(VALIDITIES), range=colors), title="validity"),
        tooltip=[alt.Tooltip(c) for c in grid.columns])


def band_chart(band: pd.DataFrame, *, title: str = "Fill prices the price bands allow") -> alt.LayerChart:
    """Segments ``price``..``price_end`` per ``side`` coloured by ``status`` (allowed / breached), with the
    ``reference`` rows (oracle, 5-min TWAP) as dashed vertical rules named in the same legend."""
    import altair as alt

    references = [str(s) for s in band.loc[band["side"] == "reference", "status"]]
    scale = alt.Scale(domain=["allowed", "breached", *references],
                      range=["#1a9850", "#d73027", "#000000", "#7b3294", "#636363"][:2 + len(references)])
    base = alt.Chart(band, title=title, width=520, height=140)
    color = alt.Color("status:N", scale=scale, title="")
    rects = base.transform_filter(alt.datum.side != "reference").mark_rect().encode(
        x=alt.X("price:Q", title="fill price (USD)", scale=alt.Scale(zero=False)), x2=alt.X2("price_end"),
        y=alt.Y("side:N", title="taker"), color=color,
        tooltip=[alt.Tooltip(f) for f in ("side:N", "price:Q", "price_end:Q", "status:N")])
    rules = base.transform_filter(alt.datum.side == "reference").mark_rule(strokeDash=[4, 3], size=2).encode(
        x=alt.X("price:Q"), color=color, tooltip=[alt.Tooltip("status:N"), alt.Tooltip("price:Q")])
    return rects + rules


# --------------------------------------------------------------------------- maker incentive scoring


_BRACKET_COLORS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#b5de2b", "#fde725", "#f89540", "#cc4778"]


def _bracket_label(bracket: pd.Series) -> pd.Series:
    return bracket.map(lambda b: f"bracket {int(b)}" if b > 0 else "not scored")


def _bracket_scale(labels: list[str]) -> Any:
    """Bracket 1.. in viridis order (then two more colours), "not scored" in grey."""
    import altair as alt

    colors = [_BRACKET_COLORS[(int(s.split()[-1]) - 1) % len(_BRACKET_COLORS)] if s != "not scored" else "#bbbbbb"
              for s in labels]
    return alt.Scale(domain=labels, range=colors)


def book_chart(orders: pd.DataFrame, *,
               title: str = "The book: each maker's ladder, coloured by bracket") -> alt.LayerChart:
    """One row per maker: its orders at their ``price``, sized by ``size`` and coloured by ``bracket`` (0 = not
    scored), from :meth:`driftlab.maker.BookScores.orders`; the best bid and ask as dashed rules."""
    import altair as alt
    import pandas as pd

    data = orders.assign(bracket_label=_bracket_label(orders["bracket"]), usd=orders["size"] * orders["price"])
    labels = sorted(data["bracket_label"].unique(), key=lambda s: (s == "not scored", len(s), s))
    tooltip = [alt.Tooltip(_typed(data, c)) for c in ("maker", "side", "price", "size", "usd", "distance_bps",
                                                      "bracket", "score")
               if c in data.columns]
    points = alt.Chart(title=title).mark_point(filled=True, opacity=0.85).encode(
        x=alt.X("price:Q", title="price (USD)", scale=alt.Scale(zero=False, padding=16)),
        y=alt.Y(_typed(data, "maker"), title=None),
        size=alt.Size("usd:Q", title="order (USD)", scale=alt.Scale(range=[30, 600])),
        color=alt.Color("bracket_label:N", title="bracket", sort=labels, scale=_bracket_scale(labels)),
        shape=alt.Shape(_typed(data, "side"), title="side"),
        tooltip=tooltip)
    best = pd.DataFrame({"price": sorted(data.groupby("side")["best"].first().unique())})
    rules = alt.Chart().mark_rule(strokeDash=[4, 3], color="gray").encode(x=alt.X("price:Q"))
    return _assemble(alt.LayerChart(width=420, height=40 + 30 * data["maker"].nunique()), "layer", [rules, points],
                     [_inline(best), _inline(data)])


def maker_score_chart(scores: pd.DataFrame, *, title: str = "Each maker's score, by bracket") -> alt.Chart:
    """Stacked bars of ``score`` per ``maker`` split by ``bracket`` (rows: maker, bracket, score)."""
    import altair as alt

    data = scores.assign(bracket_label=_bracket_label(scores["bracket"]))
    labels = sorted(data["bracket_label"].unique(), key=lambda s: (s == "not scored", len(s), s))
    return alt.Chart(_inline(data), title=title, width=260, height=40 + 30 * data["maker"].nunique()).mark_bar(
    ).encode(
        y=alt.Y("maker:N", title=None),
        x=alt.X("sum(score):Q", title="score"),
        color=alt.Color("bracket_label:N", title="bracket", sort=labels, scale=_bracket_scale(labels)),
        tooltip=[alt.Tooltip("maker:N"), alt.Tooltip("bracket_label:N", title="bracket"),
                 alt.Tooltip("sum(score):Q", title="score", format=".2f")])


def book_score_chart(orders: pd.DataFrame) -> alt.HConcatChart:
    """:func:`book_chart` beside :func:`maker_score_chart` (the scores summed from the orders' ``score``)."""
    import altair as alt

    scored = orders[orders["bracket"] > 0].groupby(["maker", "bracket"], as_index=False)["score"].sum()
    return _assemble(alt.HConcatChart(resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="shared"))), "hconcat",
                     [book_chart(orders), maker_score_chart(scored)])


def grouped_bars(df: pd.DataFrame, x: str, y: str, color: str, *, title: str = "", y_title: str | None = None,
                 y_format: str | None = None, width: int = 520, height: int = 260) -> alt.Chart:
    """Bars of ``y`` per ``x``, side by side per ``color`` (e.g. each maker's score share under each rule)."""
    import altair as alt

    axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    return alt.Chart(df, title=title, width=width, height=height).mark_bar().encode(
        x=alt.X(f"{x}:N", title=x), xOffset=alt.XOffset(f"{color}:N"),
        y=alt.Y(f"{y}:Q", title=y_title or y, axis=axis), color=alt.Color(f"{color}:N", title=color),
        tooltip=[alt.Tooltip(c) for c in df.columns])


def payout_chart(table: pd.DataFrame, *, title: str = "Awards over the program: paid and forfeited") -> alt.Chart:
    """Stacked bars of each maker's ``award`` per program period, coloured paid / forfeited (rows of
    :func:`driftlab.maker.run_program`)."""
    import altair as alt
    import numpy as np

    data = table[table["award"] > 0].assign(
        status=lambda d: np.where(d["payout"] > 0, "paid", "forfeited"), period=lambda d: d["period"].astype(str))
    return alt.Chart(data, title=title, width=420, height=260).mark_bar().encode(
        x=alt.X("maker:N", title=None), y=alt.Y("sum(award):Q", title="award (USDC)"),
        color=alt.Color("status:N", scale=alt.Scale(domain=["paid", "forfeited"], range=["#1a9850", "#d73027"])),
        tooltip=[alt.Tooltip(c) for c in ("maker", "period", "tier", "award", "payout", "reason")])


# --------------------------------------------------------------------------- spot rates and interest


def rate_curve_chart(curves: pd.DataFrame, *, title: str = "Borrow and deposit rates vs utilization") -> alt.Chart:
    """Annual ``rate`` against ``utilization`` (both shown as percentages): colour by ``side`` (borrow /
    deposit), solid or dashed by ``model`` (the current multi-kink curve, the old two-slope one)."""
    import altair as alt

    return alt.Chart(curves, title=title, width=520, height=300).mark_line().encode(
        x=alt.X("utilization:Q", title="utilization", axis=alt.Axis(format="%")),
        y=alt.Y("rate:Q", title="annual rate (APR)", axis=alt.Axis(format="%")),
        color=alt.Color("side:N", title="rate"),
        strokeDash=alt.StrokeDash("model:N", title="model", legend=alt.Legend(orient="bottom", labelLimit=0,
                                                                             direction="vertical")),
        tooltip=[alt.Tooltip("utilization:Q", format=".2%"), alt.Tooltip("rate:Q", format=".3%"),
                 alt.Tooltip("side:N"), alt.Tooltip("model:N")])


def interest_index_chart(table: pd.DataFrame, *, y: str = "index",
                         title: str = "Cumulative interest indexes") -> alt.Chart:
    """``y`` (an interest index, or a balance's tokens) against ``day``, a line per ``series``."""
    return lines(table, "day", y, color="series", title=title, x_title="day", y_title=y)


# --------------------------------------------------------------------------- funding, TWAPs and P&L


def funding_path_chart(frame: pd.DataFrame) -> alt.VConcatChart:
    """Prices and TWAPs, the funding rate with its clamp, and cumulative funding, stacked over ``hour``.

    ``frame`` is long: ``hour``, ``value``, ``series`` and ``panel`` (``"prices"``, ``"rate"``, ``"funding"``),
    as :func:`driftlab.widgets.funding_path` returns it; each panel gets its own y axis.
    """
    import altair as alt

    titles = {"prices": ("Mark and oracle, and their TWAPs", "USD", None),
              "rate": ("Funding rate per hour: unclamped, charged, clamp", "rate per hour", ".3%"),
              "funding": ("Cumulative funding received by 1 base", "USD", None)}
    charts = [lines(frame[frame["panel"] == panel], "hour", "value", color="series", title=title, x_title="hour",
                    y_title=y_title, y_format=y_format, height=200)
              for panel, (title, y_title, y_format) in titles.items() if (frame["panel"] == panel).any()]
    return alt.vconcat(*charts).resolve_scale(color="independent")


def ledger_chart(ledger: pd.DataFrame, *, title: str = "A position's P&L, trade by trade") -> alt.Chart:
    """The three P&Ls and the realised total of :func:`driftlab.pnl.position_ledger`, one point per row."""
    import altair as alt

    names = {"price_pnl": "vs entry (UI)", "break_even_pnl": "vs break-even", "unrealized_pnl": "program uPnL",
             "cumulative_realized_pnl": "realised so far"}
    long = ledger.reset_index(drop=True).rename_axis("row").reset_index()
    long = long.melt(id_vars=["row", "trade"], value_vars=list(names), var_name="series", value_name="USD")
    long["series"] = long["series"].map(names)
    return lines(long, "row", "USD", color="series", title=title, x_title="trade (row)").mark_line(
        point=True).encode(tooltip=[alt.Tooltip("row:Q"), alt.Tooltip("trade:N"), alt.Tooltip("series:N"),
                                    alt.Tooltip("USD:Q", format=",.2f")])


def settlement_chart(curve: pd.DataFrame, *, title: str = "What settle_pnl pays a winner now") -> alt.Chart:
    """``amount`` against the winner's ``unrealized_pnl``, a line per ``series`` (claimable, settle now,
    waiting), as :func:`driftlab.widgets.settlement_curve` returns it."""
    return lines(curve, "unrealized_pnl", "amount", color="series", title=title, x_title="winner's unrealised P&L",
                 y_title="USD")


def lp_path_chart(frame: pd.DataFrame) -> alt.VConcatChart:
    """An LP over a trade path (:func:`driftlab.widgets.lp_scenario`): its P&L by component against holding the
    collateral, its inventory and margin requirement, and the AMM price against the oracle (one panel each)."""
    import altair as alt

    titles = {"pnl": ("LP P&L by component (history: BAL, v2.136.0)", "USD"),
              "inventory": ("LP inventory (base) and initial margin requirement (USD / price)", "base"),
              "price": ("AMM price and oracle", "USD")}
    charts = [lines(frame[frame["panel"] == panel], "hour", "value", color="series", title=title, x_title="hour",
                    y_title=y_title, height=190)
              for panel, (title, y_title) in titles.items() if (frame["panel"] == panel).any()]
    return alt.vconcat(*charts).resolve_scale(color="independent")


def jit_chart(sizes: pd.DataFrame, *, title: str = "AMM JIT fill against the maker's size") -> alt.Chart:
    """``jit_size`` against ``maker_size``, a line per ``series`` (:func:`driftlab.widgets.jit_sizes`)."""
    return lines(sizes, "maker_size", "jit_size", color="series", title=title, x_title="maker fill (base)",
                 y_title="AMM's JIT fill (base)")


# --------------------------------------------------------------------------- scenario simulator (driftlab.sim)


def _thin(df: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """Every k-th row so that at most ``max_rows`` remain (the last row kept)."""
    if len(df) <= max_rows:
        return df
    step = -(-len(df) // max_rows)
    return df.iloc[list(range(0, len(df) - 1, step)) + [len(df) - 1]]


def scenario_chart(metrics: pd.DataFrame, *, market: int = 0, max_points: int = 600) -> alt.VConcatChart:
    """A simulation's story in three panels sharing the time axis (minutes), from ``SimResult.metrics``:
    the oracle, the AMM's bid and ask and the fill price bands (oracle -/+ margin_ratio_initial); liquidations
    and bankruptcies (cumulative); the insurance fund, P&L pool, fee pool and socialised loss (USD).

    The panels share one table (a row per kept step, a column per series) and each folds its columns into
    ``series`` and ``value`` (``transform_fold``): the chart a long table per panel would draw, with a third of
    the data to serialise and send.
    """
    import altair as alt
    import pandas as pd

    df = _thin(metrics[metrics["market"] == market], max_points)
    panels: list[tuple[list[Any], str, str]] = [  # (columns, title, y title)
        (["oracle", "bid", "ask", "band_low", "band_high"], "Oracle, AMM bid/ask and the fill price bands", "USD"),
        (["liquidations_total", "bankruptcies_total"], "Liquidations and bankruptcies (cumulative)", "count"),
        (["insurance_fund", "pnl_pool", "fee_pool", "social_loss"], "Insurance fund, P&L pool, fee pool, "
         "socialised loss", "USD"),
    ]
    ts = df["ts"].to_numpy(dtype=float)
    table = pd.DataFrame({"minute": (ts - ts[0]) / 60.0 if len(ts) else ts,
                          **{c: df[c].to_numpy(dtype=float) for columns, _, _ in panels for c in columns}})
    tooltip = [alt.Tooltip("minute:Q"), alt.Tooltip("series:N"), alt.Tooltip("value:Q")]
    charts = [alt.Chart(title=title, width=520, height=170).transform_fold(columns, as_=["series", "value"])
              .mark_line().encode(x=alt.X("minute:Q", title="minute"),
                                  y=alt.Y("value:Q", title=y_title, axis=alt.Axis(), scale=alt.Scale(zero=False)),
                                  tooltip=tooltip, color=alt.Color("series:N", title="series"))
              for columns, title, y_title in panels]
    chart = _assemble(alt.VConcatChart(resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))),
                      "vconcat", charts)
    chart.data = _inline(table)  # on the concat: not copied with the panels, converted once
    return chart


def solvency_chart(
    table: pd.DataFrame, x: str, y: str, *, color: str = "insurance_fund_end",
    title: str = "Which parameter sets keep the insurance fund solvent",
) -> alt.LayerChart | alt.FacetChart:
    """A heat map of a sweep (``driftlab.sim.sweep``): ``color`` over the grid of ``x`` and ``y``, with the
    solvent cells (``insurance_fund_solvent``) marked by a check mark."""
    import altair as alt

    base = alt.Chart(table, title=title, width=360, height=240)
    heat = base.mark_rect().encode(
        x=alt.X(f"{x}:O", title=x), y=alt.Y(f"{y}:O", title=y, sort="descending"),
        color=alt.Color(f"{color}:Q", title=color, scale=alt.Scale(scheme="redyellowgreen")),
        tooltip=[alt.Tooltip(c) for c in table.columns if c not in ("seconds", "account_steps_per_second")])
    marks = base.mark_text(fontSize=14).encode(
        x=f"{x}:O", y=alt.Y(f"{y}:O", sort="descending"),
        text=alt.condition("datum.insurance_fund_solvent", alt.value("✓"), alt.value("✗")))
    return alt.layer(heat, marks)


# --------------------------------------------------------------------------- margin, health and liquidation


def margin_curve_chart(curves: pd.DataFrame, *, title: str = "Margin ratio and max leverage vs position notional"
                       ) -> alt.HConcatChart:
    """``margin_ratio`` (left) and ``max_leverage`` (right) against ``notional``, all on log scales, a line per
    ``margin`` (initial, maintenance, ...); from :func:`driftlab.widgets.margin_curves`."""
    import altair as alt

    x = alt.X("notional:Q", title="position notional (USD)", scale=alt.Scale(type="log"))
    tips = [alt.Tooltip(c) for c in curves.columns]
    color = alt.Color("margin:N", title="margin", legend=alt.Legend(orient="top"))  # on top: in view beside two
    base = alt.Chart(curves, width=330, height=260).mark_line()
    ratio = base.encode(x=x, y=alt.Y("margin_ratio:Q", title="margin ratio", scale=alt.Scale(type="log"),
                                     axis=alt.Axis(format="%")), color=color, tooltip=tips)
    leverage = base.encode(x=x, y=alt.Y("max_leverage:Q", title="max leverage (x)", scale=alt.Scale(type="log")),
                           color=color, tooltip=tips)
    return alt.hconcat(ratio, leverage, title=title)


def weight_curve_chart(curves: pd.DataFrame, *, title: str = "Spot weights vs deposit or borrow size"
                       ) -> alt.HConcatChart:
    """Asset weights (left) and liability weights (right, log scale) against ``size`` (log scale), a line per
    ``weight_kind``, dashed by ``formula``; from :func:`driftlab.widgets.weight_curves`."""
    import altair as alt

    x = alt.X("size:Q", title="size (tokens)", scale=alt.Scale(type="log"))
    tips = [alt.Tooltip(c) for c in curves.columns]
    kind = curves["weight_kind"].astype(str)
    assets = alt.Chart(curves[kind.str.startswith("asset")], title="asset weight", width=330,
                       height=260).mark_line().encode(
        x=x, y=alt.Y("weight:Q", title="weight", axis=alt.Axis(format="%")),
        color=alt.Color("weight_kind:N", title="weight"), strokeDash=alt.StrokeDash("formula:N", title="formula"),
        tooltip=tips)
    liabilities = alt.Chart(curves[kind.str.startswith("liability")], title="liability weight", width=330,
                            height=260).mark_line().encode(
        x=x, y=alt.Y("weight:Q", title="weight", scale=alt.Scale(type="log"), axis=alt.Axis(format="%")),
        color=alt.Color("weight_kind:N", title="weight"), tooltip=tips)
    return alt.hconcat(assets, liabilities, title=title)


_HEALTH_COLORS = {"total_collateral": "#1f77b4", "maintenance_requirement": "#ff7f0e", "oracle now": "#555555",
                  "liquidation (exact)": "#d62728", "liquidation (SDK)": "#2ca02c"}


def health_chart(curve: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Collateral and requirement (USD) against the oracle ``price``, with the current price and the exact and
    first-order liquidation prices as rules (``curve.attrs``); from :func:`driftlab.widgets.account_health`."""
    import altair as alt

    attrs = curve.attrs
    if title is None:
        title = (f"health {attrs.get('health', float('nan')):.0%} · free collateral "
                 f"${attrs.get('free_collateral', float('nan')):,.2f} · liquidation price "
                 f"${attrs.get('liquidation_price', float('nan')):,.4f}")
    long = curve.melt(id_vars=["price"], value_vars=["total_collateral", "maintenance_requirement"],
                      var_name="line", value_name="usd")
    marks = _frame([(name, attrs[key]) for key, name in (("price", "oracle now"),
                                                        ("liquidation_price", "liquidation (exact)"),
                                                        ("liquidation_price_first_order", "liquidation (SDK)"))
                    if key in attrs and attrs[key] == attrs[key]], ["line", "price"])
    scale = alt.Scale(domain=list(_HEALTH_COLORS), range=list(_HEALTH_COLORS.values()))
    lines_ = alt.Chart(long, title=title, width=520, height=300).mark_line().encode(
        x=alt.X("price:Q", title="oracle price (USD)"), y=alt.Y("usd:Q", title="USD"),
        color=alt.Color("line:N", title="", scale=scale), tooltip=[alt.Tooltip(c) for c in long.columns])
    rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], strokeWidth=2).encode(
        x="price:Q", color=alt.Color("line:N", title="", scale=scale),
        tooltip=["line:N", alt.Tooltip("price:Q", format=",.4f")])
    return alt.LayerChart(layer=[lines_, rules])


def liquidation_path_chart(path: pd.DataFrame, *, title: str = "Liquidating along a price path") -> alt.VConcatChart:
    """A :func:`driftlab.liquidation.liquidation_path`: the position after each row (points coloured by event),
    the health, and the fees to the liquidator and the insurance fund, the insurance payment and the socialised
    loss."""
    import altair as alt

    frame = path.reset_index(drop=True).reset_index(names="step")
    tips = [alt.Tooltip(_typed(frame, c)) for c in ("step", "t", "price", "event", "base", "health", "base_taken",
                                                    "liquidator_fee", "if_fee", "if_payment", "socialized_loss")
            if c in frame]
    x = alt.X("step:Q", title="row (a price, then its liquidations)", axis=alt.Axis(tickMinStep=1, format="d"))
    base = alt.Chart(title=title)
    position = _assemble(alt.LayerChart(width=520, height=180), "layer", [
        base.mark_line(color="#999").encode(x=x, y=alt.Y("base:Q", title="position (base)")),
        base.mark_point(filled=True, size=60).encode(x=x, y=alt.Y("base:Q"),
                                                     color=alt.Color(_typed(frame, "event"), title="event"),
                                                     tooltip=tips)])
    health = alt.Chart(width=520, height=110).mark_line(color="#555").encode(
        x=x, y=alt.Y("health:Q", title="health", axis=alt.Axis(format="%")), tooltip=tips)
    flows = [c for c in ("liquidator_fee", "if_fee", "if_payment", "fee_pool_payment", "socialized_loss") if c in frame]
    money = frame.melt(id_vars=["step"], value_vars=flows, var_name="flow", value_name="usd")
    money = money[money["usd"] != 0]
    bars = alt.Chart(width=520, height=150).mark_bar().encode(
        x=alt.X("step:Q", title="row", scale=alt.Scale(domain=[0, max(len(frame) - 1, 1)]),
                axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("usd:Q", title="USD"), color=alt.Color("flow:N", title="flow"),
        tooltip=[alt.Tooltip(_typed(money, c)) for c in money.columns])
    rows = _inline(frame)
    return _assemble(alt.VConcatChart(resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))),
                     "vconcat", [position, health, bars], [rows, rows, _inline(money)])


def _frame(rows: list[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    """A small DataFrame from rows (keeps pandas out of this module's import)."""
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _inline(df: pd.DataFrame) -> dict[str, Any] | pd.DataFrame:
    """``{"values": records}``: ``df``'s rows as Altair's default data transformer writes them into the spec
    (numpy numbers as Python numbers, NaN and infinities as ``None``, missing strings as ``None``), built directly.

    A chart given this instead of the DataFrame has the same spec (same records, same dataset name) but skips
    Altair's DataFrame sanitising and column type inference on every ``to_dict`` (so its channels name their
    types, see :func:`_typed`), which dominate a small interactive chart's update. A DataFrame with any other
    column dtype (dates, categoricals, nullable numbers, objects other than Python numbers and strings) is
    returned as it is, for Altair to convert.
    """
    import numpy as np

    columns = []
    for name in df.columns:
        series = df[name]
        kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else ""  # numpy dtypes only
        if kind == "f":
            values = series.to_numpy()
            listed = values.tolist()
            for i in np.flatnonzero(~np.isfinite(values)).tolist():
                listed[i] = None
        elif kind in ("i", "u", "b"):
            listed = series.to_numpy().tolist()
        elif str(series.dtype) in ("str", "string"):
            listed = series.to_numpy(dtype=object).tolist()
            if series.hasnans:
                listed = [None if missing else value for value, missing in zip(listed, series.isna(), strict=True)]
        elif kind == "O":  # Altair leaves object columns as they are: fine for Python numbers (snapshot ids), text
            listed = series.to_numpy().tolist()
            if not all(type(value) in (int, float, str) for value in listed):
                return df
        else:
            return df
        columns.append(listed)
    names = [str(name) for name in df.columns]
    return {"values": [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]}


def _typed(df: pd.DataFrame, column: str) -> str:
    """``"column:Q"`` for a numeric column, ``"column:N"`` for text or booleans: the type Altair infers from the
    DataFrame, for charts whose data is :func:`_inline`."""
    kind = df[column].dtype.kind
    return f"{column}:{'Q' if kind in 'iuf' else 'N'}"


def _assemble(chart: Any, key: str, parts: list[Any], data: list[Any] | None = None) -> Any:
    """``chart`` (an empty ``LayerChart``, ``VConcatChart`` or ``HConcatChart`` with its own properties) holding
    ``parts`` as its ``key`` list (``"layer"``, ``"vconcat"``, ``"hconcat"``), and ``data[i]`` (if given) as the
    data of ``parts[i]``.

    The same spec as ``alt.layer(*parts)`` / ``alt.vconcat(*parts)`` for parts that carry no params, no shared
    data and, for a layer, no width, height or view (set them on ``chart``), which is what those constructors
    would move or merge; skipping them skips their deep copies of every part (inline records included), the
    bulk of building a small chart. ``data`` is set last for the same reason: it is never copied.
    """
    chart[key] = list(parts)
    if data is not None:
        for part, values in zip(chart[key], data, strict=True):
            part.data = values
    return chart
