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
        """Recompute and redraw; a ``ValueError`` or ``TypeError`` (the human layer's bad-input errors) becomes the
        message and leaves the last result in place."""
        try:
            result = self.compute(**self.values())
        except (ValueError, TypeError) as error:
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


# --------------------------------------------------------------------------- JIT auctions, triggers and guard rails


def _int_slider(description: str, value: int, low: int, high: int) -> widgets.IntSlider:
    return widgets.IntSlider(value=value, min=low, max=high, step=1, description=description,
                             continuous_update=False, style={"description_width": "initial"})


def _dropdown(description: str, options: list[str], value: str) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, description=description,
                            style={"description_width": "initial"})


def _auction_number(name: str, value: Any, low: float, high: float, *, whole: bool = False,
                    open_ends: bool = False) -> float:
    """One value of the auction panel: finite and in ``[low, high]`` (``(low, high)`` with ``open_ends``), whole
    slots with ``whole``; a ``ValueError`` naming ``name`` (and the range) otherwise, which the panel shows."""
    from . import _validate as v

    array = v.in_range(name, value, low, high, low_open=open_ends, high_open=open_ends)
    if np.ndim(array) != 0:
        raise ValueError(f"{name} must be a single number, got an array of shape {np.shape(array)}")
    if whole and array != np.floor(array):
        raise ValueError(f"{name} must be a whole number of slots, got {value!r}")
    return float(array)


def auction_path(start_offset_bps: float, end_offset_bps: float, duration: int, maker_slot: int,
                 oracle_price: float = 100.0, tick_size: float = 0.01, extra_slots: int = 5) -> pd.DataFrame:
    """The program's auction price per slot for a long and a short taker, and a maker filling each at ``maker_slot``.

    Offsets are in bps from ``oracle_price`` toward the taker's worse side: a long runs from
    ``oracle * (1 + start/1e4)`` up to ``oracle * (1 + end/1e4)``, a short from ``oracle * (1 - start/1e4)`` down
    to ``oracle * (1 - end/1e4)``; so ``start <= end`` is required (the program's ``InvalidOrderAuction``).
    Prices from :func:`driftlab.auction.auction_price` (tick-snapped, bids down, asks up).

    A ``ValueError`` naming the argument (which the panel shows) for a non-finite offset or one at or beyond
    +-10000 bps (a price <= 0 for one side), a duration outside the program's ``[0, 255]`` slots, and a maker slot
    outside the chart's ``[0, duration + extra_slots]``. Values past the sliders but inside these are meaningful
    and drawn (a 3% start discount, a 120-slot auction).
    """
    from . import auction

    start_offset_bps = _auction_number("start_offset_bps", start_offset_bps, -1e4, 1e4, open_ends=True)
    end_offset_bps = _auction_number("end_offset_bps", end_offset_bps, -1e4, 1e4, open_ends=True)
    duration = int(_auction_number("duration", duration, 0, auction.MAX_AUCTION_DURATION, whole=True))
    if start_offset_bps > end_offset_bps:
        raise ValueError(f"start offset ({start_offset_bps:g} bps) must be <= end offset ({end_offset_bps:g} bps): "
                         "the auction moves against the taker, from start to end (InvalidOrderAuction)")
    slots = np.arange(duration + extra_slots + 1)
    maker_slot = int(_auction_number("maker_slot", maker_slot, 0, slots[-1], whole=True))
    frames = []
    for side, sign in (("long", 1), ("short", -1)):
        start = oracle_price * (1 + sign * start_offset_bps / 1e4)
        end = oracle_price * (1 + sign * end_offset_bps / 1e4)
        prices = auction.auction_price(slots, start, end, duration, direction=side, tick_size=tick_size)
        frames.append(pd.DataFrame({"slot": slots, "price": prices, "series": f"{side} taker", "kind": "auction"}))
        frames.append(pd.DataFrame({"slot": [maker_slot], "price": [np.asarray(prices)[maker_slot]],
                                    "series": f"{side} taker", "kind": "maker fill"}))
    return pd.concat(frames, ignore_index=True)


def auction_explorer() -> Panel:
    """Sliders for the auction's start and end offsets, its duration and a maker's arrival slot."""
    controls: dict[str, widgets.ValueWidget] = {
        "start_offset_bps": _slider("start (bps from oracle)", -10, -100, 100, 1),
        "end_offset_bps": _slider("end (bps from oracle)", 50, -100, 200, 1),
        "duration": _int_slider("duration (slots)", 20, 0, 60),
        "maker_slot": _int_slider("maker arrives (slot)", 8, 0, 65),
    }
    return Panel(auction_path, controls, charts.auction_chart)


def trigger_path(position: str, kind: str, direction: str, trigger_price: float, limit_price: float,
                 trend_bps: float, swing_pct: float, slots: int = 120) -> pd.DataFrame:
    """An oracle path (``100 * (1 + trend * slot) + swing * sin``), the order's trigger and limit, and when it
    triggers and fills (:func:`driftlab.orders.path_outcome`). The order is built with
    :func:`driftlab.orders.build_order` for the position (long / short / flat), so the docs' tables decide the
    trigger condition and a rejected configuration raises its rule."""
    from . import orders

    slot = np.arange(slots)
    oracle = 100.0 * (1 + trend_bps / 1e4 * slot) + swing_pct * np.sin(2 * np.pi * slot / 60)
    if np.any(oracle <= 0):
        raise ValueError("the oracle path goes below 0: reduce the trend or the swing")
    pos = {"long": 1.0, "short": -1.0, "flat": 0.0}[position]
    is_limit = kind.endswith("_limit")
    spec = orders.build_order(kind, direction, 1.0, trigger_price=trigger_price,
                              price=limit_price if is_limit else None, position=pos)
    outcome = orders.path_outcome(spec, oracle)
    ends = [0, slots - 1]  # flat levels need only their two ends
    frames = [pd.DataFrame({"slot": slot, "price": oracle, "series": "oracle", "kind": "line"}),
              pd.DataFrame({"slot": ends, "price": trigger_price, "series": f"trigger ({spec.trigger_condition})",
                            "kind": "line"})]
    if is_limit:
        frames.append(pd.DataFrame({"slot": ends, "price": limit_price, "series": "limit", "kind": "line"}))
    events = []
    if outcome.trigger_slot >= 0:
        events.append({"slot": outcome.trigger_slot, "price": oracle[outcome.trigger_slot], "series": "triggered",
                       "kind": "event"})
    if outcome.fill_slot >= 0:
        events.append({"slot": outcome.fill_slot, "price": outcome.fill_price, "series": "filled", "kind": "event"})
    if events:
        frames.append(pd.DataFrame(events))
    return pd.concat(frames, ignore_index=True)


def trigger_explorer() -> Panel:
    """Position, order kind and side, trigger and limit prices, and the oracle path's trend and swing."""
    controls: dict[str, widgets.ValueWidget] = {
        "position": _dropdown("position", ["long", "short", "flat"], "long"),
        "kind": _dropdown("order", ["stop_market", "stop_limit", "take_profit_market", "take_profit_limit"],
                          "take_profit_limit"),
        "direction": _dropdown("side", ["short", "long"], "short"),
        "trigger_price": _slider("trigger", 101.0, 80.0, 120.0, 0.5),
        "limit_price": _slider("limit", 101.5, 80.0, 120.0, 0.5),
        "trend_bps": _slider("trend (bps/slot)", -5.0, -20.0, 20.0, 0.5),
        "swing_pct": _slider("swing (USD)", 3.0, 0.0, 10.0, 0.5),
    }
    return Panel(trigger_path, controls, charts.trigger_chart)


def validity_grid(price_to_twap: float, confidence_limit_pct: float, stale_for_amm_slots: float,
                  contract_tier: str = "A", max_delay: int = 150, max_confidence_pct: float = 5.0) -> pd.DataFrame:
    """The program's oracle state (:func:`driftlab.guards.oracle_validity`) over delay x confidence, for a price at
    ``price_to_twap`` times its TWAP (the volatility test), a confidence limit and an AMM staleness limit."""
    from . import guards

    delay = np.arange(0, max_delay + 1, 5)
    confidence = np.round(np.linspace(0.0, max_confidence_pct, 26), 3)
    d, c = np.meshgrid(delay, confidence)
    price = 100.0 * price_to_twap
    states = guards.oracle_validity(price, c / 100 * price, d, 100.0, contract_tier=contract_tier,
                                    slots_before_stale_for_amm=stale_for_amm_slots,
                                    confidence_interval_max_size=confidence_limit_pct / 100)
    return pd.DataFrame({"delay": d.ravel(), "confidence_pct": c.ravel(), "validity": np.ravel(states)})


def validity_explorer() -> Panel:
    """Sliders for volatility (price / TWAP), the confidence limit, the AMM staleness limit, and the tier."""
    controls: dict[str, widgets.ValueWidget] = {
        "price_to_twap": _slider("price / TWAP", 1.0, 0.1, 8.0, 0.1),
        "confidence_limit_pct": _slider("confidence limit (%)", 2.0, 0.1, 10.0, 0.1),
        "stale_for_amm_slots": _slider("stale for AMM after (slots)", 10, 0, 100, 1),
        "contract_tier": _dropdown("contract tier", ["A", "B", "C", "Speculative", "HighlySpeculative"], "A"),
    }
    return Panel(validity_grid, controls, charts.validity_chart)


def band_segments(twap_gap_pct: float, margin_ratio_initial_pct: float, twap_divergence_pct: float,
                  oracle_price: float = 100.0, points: int = 401) -> pd.DataFrame:
    """Which fill prices pass the price bands for a long and a short taker
    (:func:`driftlab.guards.fill_within_price_bands`), with the 5-minute TWAP ``twap_gap_pct`` below the oracle."""
    from . import guards

    twap = oracle_price * (1 - twap_gap_pct / 100)
    if twap <= 0:
        raise ValueError(f"twap_gap_pct must be below 100 (the TWAP must stay positive), got {twap_gap_pct:g}")
    half_width = max(0.2, 1.2 * max(margin_ratio_initial_pct, abs(twap_gap_pct)) / 100)
    fills = np.linspace(oracle_price * (1 - half_width), oracle_price * (1 + half_width), points)
    fills = fills[fills > 0]
    frames = []
    for side in ("long", "short"):
        allowed = np.asarray(guards.fill_within_price_bands(
            fills, oracle_price, twap, margin_ratio_initial=margin_ratio_initial_pct / 100,
            twap_divergence=twap_divergence_pct / 100, direction=side))
        # one segment per run of equal status, from the first price of the run to the first price of the next
        starts = np.flatnonzero(np.r_[True, allowed[1:] != allowed[:-1]])
        ends = np.r_[starts[1:], len(fills) - 1]
        frames.append(pd.DataFrame({"price": fills[starts], "price_end": fills[ends], "side": side,
                                    "status": np.where(allowed[starts], "allowed", "breached")}))
    frames.append(pd.DataFrame({"price": [oracle_price, twap], "price_end": [oracle_price, twap],
                                "side": "reference", "status": ["oracle", "5-min TWAP"]}))
    return pd.concat(frames, ignore_index=True)


def band_explorer() -> Panel:
    """Sliders for the oracle-TWAP gap, the initial margin ratio and the TWAP divergence limit."""
    controls: dict[str, widgets.ValueWidget] = {
        "twap_gap_pct": _slider("oracle above TWAP (%)", 4.0, -30.0, 30.0, 0.5),
        "margin_ratio_initial_pct": _slider("margin_ratio_initial (%)", 5.0, 0.5, 50.0, 0.5),
        "twap_divergence_pct": _slider("TWAP divergence limit (%)", 50.0, 1.0, 100.0, 1.0),
    }
    return Panel(band_segments, controls, charts.band_chart)



# --------------------------------------------------------------------------- maker incentive scoring

MAKER_NAMES = ("maker A", "maker B", "maker C")


def _maker_number(name: str, value: Any, check: Callable[[str, Any], Any]) -> float:
    """One slider value of the maker panel, checked by a ``_validate`` checker (finite, in its range)."""
    array = check(name, value)
    if np.ndim(array) != 0:
        raise ValueError(f"{name} must be a single number, got an array of shape {np.shape(array)}")
    return float(array)


def maker_book(rule: str = "march-2023", step_bps: float = 2.0, mid: float = 100.0, **ladders: float) -> pd.DataFrame:
    """Three makers' ladders around ``mid``, scored: :meth:`driftlab.maker.BookScores.orders` of the book.

    ``ladders`` holds, for ``x`` in ``a, b, c``: ``x_levels`` (orders per side), ``x_size_usd`` (USD per order)
    and ``x_distance_bps`` (first order's distance from the mid; each further one ``step_bps`` out). A maker
    with 0 levels or size quotes nothing. A negative, non-finite or non-numeric value (or a fractional number of
    levels) is a ``ValueError`` naming its keyword, which the panel shows; larger values than the sliders offer
    are meaningful and scored.
    """
    from . import _validate as v
    from . import maker

    known = {f"{key}_{part}" for key in "abc" for part in ("levels", "size_usd", "distance_bps")}
    unknown = sorted(set(ladders) - known)
    if unknown:
        raise TypeError(f"maker_book got unknown ladder keywords {unknown}; use {sorted(known)}")
    step_bps = _maker_number("step_bps", step_bps, v.non_negative)
    mid = _maker_number("mid", mid, v.positive)
    frames = []
    for key, name in zip("abc", MAKER_NAMES, strict=True):
        levels = _maker_number(f"{key}_levels", ladders.get(f"{key}_levels", 0), v.non_negative)
        if levels != int(levels):
            raise ValueError(f"{key}_levels must be a whole number of orders >= 0, got {levels:g}")
        levels = int(levels)
        size_usd = _maker_number(f"{key}_size_usd", ladders.get(f"{key}_size_usd", 0.0), v.non_negative)
        distance = _maker_number(f"{key}_distance_bps", ladders.get(f"{key}_distance_bps", 0.0), v.non_negative)
        if levels > 0 and size_usd > 0:
            frames.append(maker.ladder(name, mid, distance, levels, size_usd / mid, step_bps=step_bps))
    if not frames:
        raise ValueError("levels: every maker has 0 levels or size; give one maker at least one order")
    return maker.score_book(pd.concat(frames, ignore_index=True), rule).orders()


def maker_explorer(rule: str = "march-2023") -> Panel:
    """Each maker's ladder (levels, USD per order, distance of the first order from the mid) and the rule: the
    book coloured by bracket and each maker's score by bracket, recomputed on every change."""
    from . import maker

    start = {"a": (2, 6_000, 0.5), "b": (3, 4_000, 1.5), "c": (2, 12_000, 6.0)}
    controls: dict[str, widgets.ValueWidget] = {"rule": _dropdown("rule", list(maker.PRESETS), rule),
                                                "step_bps": _slider("step between orders (bps)", 2, 0.5, 10, 0.5)}
    for key, (levels, size, distance) in start.items():
        label = key.upper()
        controls[f"{key}_levels"] = _int_slider(f"{label}: levels", levels, 0, 6)
        controls[f"{key}_size_usd"] = _slider(f"{label}: USD per order", size, 0, 30_000, 500)
        controls[f"{key}_distance_bps"] = _slider(f"{label}: distance (bps)", distance, 0, 30, 0.5)
    return Panel(maker_book, controls, charts.book_score_chart)


# --------------------------------------------------------------------------- spot borrow and deposit rates

CURRENT_CURVE = "multi-kink (the program since May 2025)"
TWO_SLOPE_CURVE = "two-slope (the docs before May 2025)"


def rate_curves(optimal_utilization_pct: float, optimal_rate_pct: float, max_rate_pct: float,
                min_rate_pct: float = 0.0, insurance_factor_pct: float = 0.0, points: int = 401) -> pd.DataFrame:
    """Borrow and deposit rates against utilization for the current multi-kink curve and the old two-slope one.

    Inputs in percent (``min_rate_pct`` in the program's 0.5% steps is any multiple of 0.5). Columns
    ``utilization``, ``rate`` (fractions), ``side`` (borrow / deposit), ``model``. Utilization runs over
    ``points`` steps plus the optimum and every kink, so the corners are drawn exactly. An optimal utilization
    above 85% is a ``ValueError``: the program's curve fails there (see :func:`driftlab.spot.borrow_rate`).
    """
    from . import spot

    uo, ro, rm = optimal_utilization_pct / 100, optimal_rate_pct / 100, max_rate_pct / 100
    rmin, f = min_rate_pct / 100, insurance_factor_pct / 100
    u = np.union1d(np.linspace(0.0, 1.0, points), [end for end, _ in spot.KINKS] + [min(max(uo, 0.0), 1.0)])
    borrow, deposit = spot.rates(u, uo, ro, rm, rmin, f)
    old_borrow = spot.borrow_rate_two_slope(u, uo, ro, rm, rmin)
    old_deposit = spot.deposit_rate(u, old_borrow, f)
    frames = [pd.DataFrame({"utilization": u, "rate": rate, "side": side, "model": model})
              for rate, side, model in ((borrow, "borrow", CURRENT_CURVE), (deposit, "deposit", CURRENT_CURVE),
                                        (old_borrow, "borrow", TWO_SLOPE_CURVE),
                                        (old_deposit, "deposit", TWO_SLOPE_CURVE))]
    return pd.concat(frames, ignore_index=True)


def borrow_rate_explorer() -> Panel:
    """Sliders for optimal utilization, optimal / max / min rate and the insurance factor, driving the borrow and
    deposit curves of the current model beside the old two-slope one."""
    controls = {
        "optimal_utilization_pct": _slider("optimal utilization (%)", 80, 0, 100, 1),
        "optimal_rate_pct": _slider("optimal rate (%)", 5, 0, 100, 0.5),
        "max_rate_pct": _slider("max rate (%)", 100, 0, 500, 5),
        "min_rate_pct": _slider("min rate (%)", 0, 0, 10, 0.5),
        "insurance_factor_pct": _slider("insurance factor (%)", 10, 0, 100, 1),
    }
    return Panel(rate_curves, controls, charts.rate_curve_chart)


# --------------------------------------------------------------------------- funding, TWAPs and P&L settlement


def funding_path(premium_bps: float, noise_bps: float, drift_pct: float, volatility_pct: float, tier: str = "A",
                 hours: int = 48, seed: int = 0, every: int = 10) -> pd.DataFrame:
    """A seeded mark/oracle path through TWAPs and hourly funding, long: ``hour``, ``value``, ``series``, ``panel``.

    The path is :func:`driftlab.funding.mark_oracle_path` (premium and its noise in bps, the oracle's drift and
    volatility in percent per day); funding from :func:`driftlab.funding.funding_over_path` for ``tier``. Prices
    are thinned to every ``every``-th minute for the chart.
    """
    from . import funding

    path = funding.mark_oracle_path(hours, oracle_drift=drift_pct / 100, oracle_volatility=volatility_pct / 100,
                                    premium=premium_bps / 1e4, premium_noise=noise_bps / 1e4, seed=seed)
    rates = funding.funding_over_path(path, tier=tier)
    times = path["time"].to_numpy()
    thin = slice(None, None, every)
    prices = {"mark": path["mark"].to_numpy(), "oracle": path["oracle"].to_numpy(),
              "mark TWAP": funding.twap(path["mark"].to_numpy(), times, 3600),
              "oracle TWAP": funding.twap(path["oracle"].to_numpy(), times, 3600, oracle=True)}
    hour = path["hour"].to_numpy()[thin]
    frames = [pd.DataFrame({"hour": hour, "value": values[thin], "series": name, "panel": "prices"})
              for name, values in prices.items()]
    bound = rates["bound"] / rates["oracle_twap"] / 24
    for name, values in (("unclamped", rates["unclamped"]), ("charged", rates["clamped"]), ("clamp +", bound),
                         ("clamp −", -bound)):
        frames.append(pd.DataFrame({"hour": rates["hour"], "value": values, "series": name, "panel": "rate"}))
    for name, column in (("1 base long", "long_funding"), ("1 base short", "short_funding")):
        frames.append(pd.DataFrame({"hour": rates["hour"], "value": rates[column], "series": name,
                                    "panel": "funding"}))
    return pd.concat(frames, ignore_index=True)


def funding_explorer(tier: str = "A") -> Panel:
    """Sliders for the mark's premium and its noise, the oracle's drift and volatility, and the contract tier,
    driving the TWAPs, the clamped funding rate and the cumulative funding of a long and a short."""
    controls: dict[str, widgets.ValueWidget] = {
        "premium_bps": _slider("mark premium (bps)", 5, -500, 500, 1),
        "noise_bps": _slider("premium noise (bps)", 20, 0, 500, 1),
        "drift_pct": _slider("oracle drift (%/day)", 0, -20, 20, 0.5),
        "volatility_pct": _slider("oracle volatility (%/√day)", 3, 0, 30, 0.5),
        "tier": _dropdown("contract tier", ["A", "B", "C", "Speculative", "HighlySpeculative", "Isolated"], tier),
    }
    return Panel(funding_path, controls, charts.funding_path_chart)


def settlement_curve(realized: float, pnl_pool: float, net_user_pnl: float, fee_pool: float = 0.0,
                     max_unrealized: float = 2_000.0, points: int = 201) -> pd.DataFrame:
    """What :func:`driftlab.pnl.settleable_pnl` pays a winner with unrealised P&L from 0 to ``max_unrealized``.

    Columns ``unrealized_pnl``, ``amount``, ``series`` (claimable, settle now, waiting) and ``reason``.
    """
    from . import pnl

    upnl = np.linspace(0.0, max_unrealized, points)
    s = pnl.settleable_pnl(upnl, realized, pnl_pool, net_user_pnl, fee_pool=fee_pool)
    return pd.concat([pd.DataFrame({"unrealized_pnl": upnl, "amount": values, "series": name, "reason": s.reason})
                      for name, values in (("claimable", s.claimable), ("settle now", s.settle_now),
                                           ("waiting", s.waiting))], ignore_index=True)


def settlement_explorer() -> Panel:
    """Sliders for the winner's realised P&L, the P&L and fee pools and all users' net P&L."""
    controls: dict[str, widgets.ValueWidget] = {
        "realized": _slider("realised, unsettled (USD)", 200, -500, 2_000, 10),
        "pnl_pool": _slider("P&L pool (USD)", 800, 0, 5_000, 10),
        "net_user_pnl": _slider("all users' net P&L (USD)", 1_000, -2_000, 5_000, 10),
        "fee_pool": _slider("fee pool (USD)", 0, 0, 5_000, 10),
    }
    return Panel(settlement_curve, controls, charts.settlement_chart)


# --------------------------------------------------------------------------- BAL (history) and the AMM's JIT fills


def lp_scenario(share_pct: float, fee_bps: float, volatility_pct: float, hours: int = 240, seed: int = 4,
                price: float = 100.0, sqrt_k: float = 10_000.0, noise_pct: float = 0.2,
                margin_ratio: float = 0.1) -> pd.DataFrame:
    """An LP owning ``share_pct`` of the curve in a seeded market; long: ``hour``, ``value``, ``series``, ``panel``.

    Each hour the oracle moves (lognormal, ``volatility_pct`` per hour), noise traders trade a normal amount with a
    standard deviation of ``noise_pct`` of ``sqrt_k`` and arbitrageurs bring the AMM back to the oracle
    (:func:`driftlab.bal.arbitrage_flow`); funding each hour is the AMM's average premium over the oracle / 24.
    The LP keeps ``fee_bps`` of the notional times the 80% slice (:func:`driftlab.bal.lp_path`) and margins its
    worst case to the AMM's bounds (:func:`driftlab.bal.lp_margin_requirement`). Holding the collateral is the
    zero line.
    """
    from . import bal

    if not 0 < share_pct < 100:
        raise ValueError(f"share_pct must be in (0, 100), got {share_pct:g}")
    if volatility_pct < 0:
        raise ValueError(f"volatility_pct must be >= 0, got {volatility_pct:g}")
    volatility = volatility_pct / 100
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal(hours)
    oracle = price * np.exp(np.cumsum(volatility * shocks - volatility**2 / 2))
    oracle = np.concatenate([[price], oracle])
    noise = rng.standard_normal(hours + 1) * noise_pct / 100 * sqrt_k
    trades = bal.arbitrage_flow(oracle, noise, sqrt_k, price)
    shares = share_pct / 100 * sqrt_k
    first = bal.lp_path(trades, shares, sqrt_k, price)
    after_noise = first.price[0::2]
    funding = np.zeros_like(trades)
    funding[1::2] = ((after_noise + oracle) / 2 - oracle) / 24  # paid at the end of each hour
    path = bal.lp_path(trades, shares, sqrt_k, price, fee_rate=fee_bps / 1e4, funding_rate=funding)
    end = slice(1, None, 2)
    hour = np.arange(hours + 1)
    base_reserve = sqrt_k * np.sqrt(price / path.price[end])
    # the program's bounds: the terminal base reserve (the AMM's *own* position, (1 - f) of the users' net, swapped
    # back) divided and multiplied by the concentration coefficient (MAX_CONCENTRATION_COEFFICIENT, sqrt 2)
    fraction = shares / sqrt_k
    users_net = -path.base[end] / fraction
    terminal = base_reserve + (1 - fraction) * users_net
    coef = 2**0.5
    requirement = bal.lp_margin_requirement(path.base[end], shares, sqrt_k, base_reserve, terminal / coef,
                                            terminal * coef, oracle, margin_ratio)
    pnl = {"fees": path.fees[end], "funding": path.funding[end], "inventory (vs holding)": path.inventory_pnl[end],
           "LP total": path.pnl[end], "hold collateral": np.zeros(hours + 1)}
    frames = [pd.DataFrame({"hour": hour, "value": values, "series": name, "panel": "pnl"})
              for name, values in pnl.items()]
    frames.append(pd.DataFrame({"hour": hour, "value": path.base[end], "series": "LP base", "panel": "inventory"}))
    frames.append(pd.DataFrame({"hour": hour, "value": requirement / oracle, "series": "margin / price",
                                "panel": "inventory"}))
    frames.append(pd.DataFrame({"hour": hour, "value": oracle, "series": "oracle", "panel": "price"}))
    frames.append(pd.DataFrame({"hour": hour, "value": after_noise, "series": "AMM after noise", "panel": "price"}))
    return pd.concat(frames, ignore_index=True)


def lp_explorer() -> Panel:
    """Sliders for the LP's share of the curve, the fee rate the market keeps and the oracle's volatility."""
    controls: dict[str, widgets.ValueWidget] = {
        "share_pct": _slider("LP share of sqrt_k (%)", 20, 1, 95, 1),
        "fee_bps": _slider("fee kept (bps)", 5, 0, 30, 0.5),
        "volatility_pct": _slider("oracle volatility (%/hour)", 0.8, 0, 5, 0.1),
    }
    return Panel(lp_scenario, controls, charts.lp_path_chart)


def jit_sizes(amm_jit_intensity: int, inventory: float, price_offset_bps: float, lp_share_pct: float = 10.0,
              max_maker: float = 4.0, points: int = 41) -> pd.DataFrame:
    """The AMM's JIT fill for maker fills of 0 to ``max_maker`` base, by the exact layer; long: ``maker_size``,
    ``jit_size``, ``series``.

    A SOL-like market ($100, ``sqrt_k`` 100, bounds at the max concentration) whose users are net ``inventory`` base
    against the AMM; the taker is on the side that reduces the AMM's inventory and the maker fills at
    ``price_offset_bps`` from the oracle. Series: v2.161.0's ``calculate_amm_jit_liquidity``; v2.136.0's
    ``calculate_amm_jit_liquidity_v2_136`` with LPs owning ``lp_share_pct`` of the curve (and wanting to reduce
    their own inventory), labelled with the split the program picks.
    """
    from . import exact as ex

    for name, value in (("amm_jit_intensity", amm_jit_intensity), ("inventory", inventory),
                        ("price_offset_bps", price_offset_bps), ("lp_share_pct", lp_share_pct)):
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value}")
    intensity = int(amm_jit_intensity)
    if not 0 <= intensity <= 200:
        raise ValueError(f"amm_jit_intensity must be in [0, 200], got {amm_jit_intensity}")
    if not 0 <= lp_share_pct < 100:
        raise ValueError(f"lp_share_pct must be in [0, 100), got {lp_share_pct:g}")
    one = ex.AMM_RESERVE_PRECISION
    sqrt_k = 100 * one
    with_amm = int(round(inventory * one))
    if abs(with_amm) >= sqrt_k // 4:
        raise ValueError(f"inventory must be within ±25 base for this 100-base curve, got {inventory:g}")
    low, high = ex.calculate_bid_ask_bounds(ex.MAX_CONCENTRATION_COEFFICIENT, sqrt_k)
    bar, qar = sqrt_k - with_amm, sqrt_k * sqrt_k // (sqrt_k - with_amm)
    user_lp_shares = sqrt_k * int(lp_share_pct * 100) // 10_000
    amm = ex.AMM(base_asset_reserve=bar, quote_asset_reserve=qar, sqrt_k=sqrt_k, peg_multiplier=100 * ex.PEG_PRECISION,
                 min_base_asset_reserve=low, max_base_asset_reserve=high, base_asset_amount_with_amm=with_amm,
                 order_step_size=one // 1000, amm_jit_intensity=intensity, long_spread=1_000, short_spread=1_000,
                 user_lp_shares=user_lp_shares, base_asset_amount_per_lp=-with_amm * 9 // 10,
                 target_base_asset_amount_per_lp=0)
    market = ex.PerpMarket(amm=amm)
    taker = ex.PositionDirection.Short if with_amm > 0 else ex.PositionDirection.Long
    oracle = 100 * ex.PRICE_PRECISION
    sign = -1 if taker == ex.PositionDirection.Long else 1  # a maker filling the taker at a worse price
    maker_price = oracle + sign * int(oracle * price_offset_bps / 1e4)
    sizes = np.linspace(0.0, max_maker, points)
    rows = []
    for size in sizes:
        base = int(round(size * one))
        new = ex.calculate_amm_jit_liquidity(market, taker, maker_price, oracle, base, base, base, True)
        old, split = ex.calculate_amm_jit_liquidity_v2_136(market, taker, maker_price, oracle, base, base, base, True,
                                                           None)
        rows.append({"maker_size": size, "jit_size": new / one, "series": "v2.161.0 AMM"})
        rows.append({"maker_size": size, "jit_size": old / one, "series": f"v2.136.0 with LPs ({split.name})"})
    return pd.DataFrame(rows)


def jit_explorer() -> Panel:
    """Sliders for ``amm_jit_intensity`` (0-200; above 100 LPs joined at v2.136.0), the AMM's inventory and the
    maker's price offset from the oracle, driving the AMM's JIT fill size."""
    controls: dict[str, widgets.ValueWidget] = {
        "amm_jit_intensity": _int_slider("amm_jit_intensity", 100, 0, 200),
        "inventory": _slider("users net vs AMM (base)", 1.5, -20, 20, 0.5),
        "price_offset_bps": _slider("maker price through oracle (bps)", 0, 0, 50, 1),
    }
    return Panel(jit_sizes, controls, charts.jit_chart)


# --------------------------------------------------------------------------- scenario simulator (driftlab.sim)


def crash_metrics(crash_size_pct: float = 30.0, max_leverage: float = 9.0, imf_factor: float = 0.0005,
                  insurance_fund: float = 2_000.0, n_users: int = 40, crash_minutes: int = 60,
                  seed: int = 0) -> pd.DataFrame:
    """Run the leveraged-crowd crash (:class:`driftlab.sim.CrashScenario` on SOL-PERP) and return its metrics.

    The crowd's leverage is uniform between 2x and ``max_leverage``; the oracle falls ``crash_size_pct`` over
    ``crash_minutes``. Bad values are ``ValueError`` naming the parameter (from the scenario and the market).
    """
    from dataclasses import replace

    from .params import SOL_PERP
    from .sim import CrashScenario, run_crash

    if not 2.0 <= max_leverage <= 10.0:
        raise ValueError(f"max_leverage must be in [2, 10], got {max_leverage!r}")
    scenario = CrashScenario(market=replace(SOL_PERP, imf_factor=imf_factor), n_users=int(n_users),
                             leverage=(2.0, float(max_leverage)), crash_size=crash_size_pct / 100.0,
                             crash_duration=int(crash_minutes) * 60, calm=60, after=300,
                             insurance_fund=float(insurance_fund), amm_fee_pool=2_000.0, seed=int(seed))
    return run_crash(scenario).metrics


CRASH_CACHE_SIZE = 32
"""Runs a :func:`crash_explorer` keeps (a few hundred kB of metrics each, a few MB at 60 minutes): a slider
setting visited again is redrawn without rerunning the simulation."""


def crash_explorer(n_users: int = 20, crash_minutes: int = 10) -> Panel:
    """Sliders for the crash size, the crowd's maximum leverage, the IMF factor and the insurance fund, driving
    :func:`driftlab.charts.scenario_chart`.

    Each new setting reruns the simulation (:func:`crash_metrics`, every step through the exact layer), and the
    message line says so while it runs. The panel keeps the last :data:`CRASH_CACHE_SIZE` runs, so a setting
    visited again (a slider dragged back, a value compared with the one before) is redrawn at once. The default
    scenario is small so that a new setting answers in about 0.2 s on a 2-core machine: 20 users and a
    10-minute crash (960 one-second steps with the minute of calm before and the five minutes after); a bigger
    crowd or a slower crash takes longer per new setting, e.g. ``crash_explorer(n_users=40, crash_minutes=60)``
    about a second and ``crash_explorer(n_users=200, crash_minutes=60)`` a few seconds.
    """
    import functools

    controls = {
        "crash_size_pct": _slider("crash size (%)", 30, 5, 60, 5),
        "max_leverage": _slider("max leverage (x)", 9, 2, 10, 0.5),
        "imf_factor": widgets.FloatSlider(value=0.0005, min=0.0, max=0.01, step=0.0005, readout_format=".4f",
                                          description="imf_factor", continuous_update=False,
                                          style={"description_width": "initial"}),
        "insurance_fund": _slider("insurance fund (USD)", 2_000, 0, 20_000, 500),
    }
    shown: list[Panel] = []  # the panel, once built: its message line reports a run in progress

    @functools.lru_cache(maxsize=CRASH_CACHE_SIZE)
    def simulate(**values: Any) -> pd.DataFrame:
        if shown:
            shown[0].message.value = (f'<span style="color:#555">simulating {int(n_users)} users through a '
                                      f'{int(crash_minutes)}-minute crash…</span>')
        return crash_metrics(**values, n_users=n_users, crash_minutes=crash_minutes)

    def compute(**values: Any) -> pd.DataFrame:
        return simulate(**values).copy()  # a copy: the cached run stays as it was whatever is done to the result

    panel = Panel(compute, controls, charts.scenario_chart)
    shown.append(panel)
    return panel


# --------------------------------------------------------------------------- margin, health and liquidation


def _fraction_slider(description: str, value: float, low: float, high: float, step: float,
                     fmt: str = ".4f") -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, readout_format=fmt,
                               description=description, continuous_update=False,
                               style={"description_width": "initial"})


def margin_curves(initial_pct: float, maintenance_pct: float, imf_factor: float, price: float = 100.0,
                  hlm_initial_pct: float = 0.0, points: int = 121) -> pd.DataFrame:
    """Margin ratio and max leverage against notional ($100 to $1B, log-spaced) at ``price``, for the initial and
    maintenance ratios (percent) with the IMF premium (:func:`driftlab.margin.margin_ratio`); with
    ``hlm_initial_pct > 0`` also the high-leverage-mode initial ratio. Long format, a row per point and margin."""
    from . import _validate, margin

    if maintenance_pct > initial_pct:
        raise ValueError(f"maintenance_pct must be <= initial_pct, got {maintenance_pct:g} > {initial_pct:g}")
    notional = np.logspace(2, 9, points)
    size = notional / _validate.positive("price", price)
    rows = {"initial": margin.margin_ratio(size, initial_pct / 100, imf_factor),
            "maintenance": margin.margin_ratio(size, maintenance_pct / 100, imf_factor)}
    if hlm_initial_pct > 0:
        if hlm_initial_pct > initial_pct:
            raise ValueError(f"hlm_initial_pct must be <= initial_pct, got {hlm_initial_pct:g} > {initial_pct:g}")
        rows["initial (HLM)"] = margin.margin_ratio(size, initial_pct / 100, imf_factor,
                                                    high_leverage_ratio=hlm_initial_pct / 100)
    frames = [pd.DataFrame({"notional": notional, "size": size, "margin": name, "margin_ratio": ratio,
                            "max_leverage": 1 / np.asarray(ratio)}) for name, ratio in rows.items()]
    return pd.concat(frames, ignore_index=True)


def margin_explorer(price: float = 100.0) -> Panel:
    """Sliders for the initial and maintenance margin ratios, the IMF factor and the HLM initial ratio, driving
    :func:`driftlab.charts.margin_curve_chart` (margin ratio and max leverage vs notional, both margins)."""
    controls = {
        "initial_pct": _slider("initial margin (%)", 10, 1, 50, 0.5),
        "maintenance_pct": _slider("maintenance margin (%)", 5, 0.5, 50, 0.5),
        "imf_factor": _fraction_slider("imf_factor", 0.0005, 0.0, 0.01, 0.0001),
        "hlm_initial_pct": _slider("HLM initial (%, 0 = off)", 0, 0, 10, 0.5),
    }

    def compute(initial_pct: float, maintenance_pct: float, imf_factor: float, hlm_initial_pct: float) -> pd.DataFrame:
        return margin_curves(initial_pct, maintenance_pct, imf_factor, price=price, hlm_initial_pct=hlm_initial_pct)

    return Panel(compute, controls, charts.margin_curve_chart)


def weight_curves(initial_asset_pct: float, maintenance_asset_pct: float, initial_liability_pct: float,
                  maintenance_liability_pct: float, imf_factor: float, points: int = 121) -> pd.DataFrame:
    """Spot asset and liability weights (initial, maintenance) against size (1 to 1e8 tokens, log-spaced), the
    program's formulas (:func:`driftlab.margin.asset_weight`, :func:`~driftlab.margin.liability_weight`), plus the
    linearised asset weight ``min(w, 1.1 - imf*sqrt(size))`` of the drift-v2-streamlit IMF calculator (dashed)."""
    from . import margin

    size = np.logspace(0, 8, points)
    curves = {
        ("asset (initial)", "program"): margin.asset_weight(size, initial_asset_pct / 100, imf_factor),
        ("asset (maintenance)", "program"): margin.asset_weight(size, maintenance_asset_pct / 100, imf_factor),
        ("liability (initial)", "program"): margin.liability_weight(size, initial_liability_pct / 100, imf_factor),
        ("liability (maintenance)", "program"): margin.liability_weight(size, maintenance_liability_pct / 100,
                                                                        imf_factor),
        ("asset (initial)", "streamlit, linearised"): np.clip(
            np.minimum(initial_asset_pct / 100, 1.1 - imf_factor * np.sqrt(size)), 0.0, None),
    }
    frames = [pd.DataFrame({"size": size, "weight_kind": kind, "formula": formula, "weight": weight})
              for (kind, formula), weight in curves.items()]
    return pd.concat(frames, ignore_index=True)


def weight_explorer() -> Panel:
    """Sliders for a spot market's four weights and its IMF factor, driving
    :func:`driftlab.charts.weight_curve_chart`."""
    controls = {
        "initial_asset_pct": _slider("initial asset weight (%)", 80, 0, 100, 1),
        "maintenance_asset_pct": _slider("maintenance asset weight (%)", 90, 0, 100, 1),
        "initial_liability_pct": _slider("initial liability weight (%)", 120, 100, 300, 1),
        "maintenance_liability_pct": _slider("maintenance liability weight (%)", 110, 100, 300, 1),
        "imf_factor": _fraction_slider("imf_factor", 0.003, 0.0, 0.05, 0.0005),
    }
    return Panel(weight_curves, controls, charts.weight_curve_chart)


def demo_account(usdc: float, sol_deposit: float, sol_perp_base: float, entry_price: float, sol_price: float,
                 btc_perp_base: float = 0.0, btc_price: float = 19_400.0) -> Any:
    """An :class:`driftlab.margin.Account` from the presets (``driftlab.params``): USDC and SOL spot, SOL-PERP
    (on the SOL oracle, entered at ``entry_price``) and BTC-PERP (entered at ``btc_price``). A negative
    ``usdc`` or ``sol_deposit`` is a borrow."""
    from . import margin
    from .params import BTC_PERP, SOL_PERP, SOL_SPOT, USDC_SPOT

    spot = [margin.SpotHolding.from_params(USDC_SPOT, usdc)]
    if sol_deposit != 0:
        spot.append(margin.SpotHolding.from_params(SOL_SPOT, sol_deposit, sol_price))
    perps = [margin.PerpHolding.from_params(SOL_PERP, sol_perp_base, entry_price, sol_price, oracle="SOL")]
    if btc_perp_base != 0:
        perps.append(margin.PerpHolding.from_params(BTC_PERP, btc_perp_base, btc_price, btc_price))
    return margin.Account(spot=tuple(spot), perps=tuple(perps))


def account_health(usdc: float, sol_deposit: float, sol_perp_base: float, entry_price: float, sol_price: float,
                   btc_perp_base: float = 0.0, points: int = 161) -> pd.DataFrame:
    """The :func:`demo_account`'s maintenance collateral, requirement, excess and health against the SOL price
    (half to one and a half times ``sol_price``). ``attrs`` holds the numbers now: health, free collateral,
    leverage, and the exact and first-order (SDK) liquidation prices of SOL-PERP and their gap."""
    from . import liquidation

    account = demo_account(usdc, sol_deposit, sol_perp_base, entry_price, sol_price, btc_perp_base)
    prices = np.linspace(0.5 * sol_price, 1.5 * sol_price, points)
    state = account.evaluate({"SOL": prices})
    frame = pd.DataFrame({"price": prices, "total_collateral": state.total_collateral_maintenance,
                          "maintenance_requirement": state.maintenance_requirement,
                          "excess": state.maintenance_excess, "health": state.health})
    now = account.evaluate()
    # 40 halvings leave a bracket of 1e-12 of the price, then the exact linear step: all a chart can show
    exact = float(liquidation.liquidation_price(account, "SOL-PERP", iterations=40))
    first = float(liquidation.liquidation_price_first_order(account, "SOL-PERP"))
    frame.attrs = {"price": float(sol_price), "health": float(now.health),
                   "free_collateral": float(now.free_collateral),
                   "total_collateral": float(now.total_collateral_maintenance),
                   "maintenance_requirement": float(now.maintenance_requirement), "leverage": float(now.leverage),
                   "liquidation_price": exact, "liquidation_price_first_order": first, "gap": exact - first}
    return frame


def account_explorer() -> Panel:
    """An account builder: USDC, a SOL deposit (or borrow), a SOL-PERP position with its entry, the SOL price and
    a BTC-PERP position, driving :func:`driftlab.charts.health_chart` (health, free collateral and the liquidation
    price in the title; collateral and requirement against the SOL price)."""
    controls = {
        "usdc": _slider("USDC", 500, -2_000, 10_000, 50),
        "sol_deposit": _slider("SOL deposit (− borrow)", 0, -100, 100, 1),
        "sol_perp_base": _slider("SOL-PERP (base)", 200, -1_000, 1_000, 10),
        "entry_price": _slider("SOL-PERP entry", 25, 1, 100, 0.25),
        "sol_price": _slider("SOL price", 25, 1, 100, 0.25),
        "btc_perp_base": _slider("BTC-PERP (base)", 0, -1, 1, 0.01),
    }
    return Panel(account_health, controls, charts.health_chart)


def liquidation_scenario(drop_pct: float, steps: int = 12, max_pct: float = 100.0, insurance_fund: float = 1_000.0,
                         usdc: float = 500.0, base: float = 200.0) -> pd.DataFrame:
    """The docs' account (``usdc`` against ``base`` SOL-PERP bought at $25, 5% maintenance, 1% liquidator and
    IF fees) walked down ``drop_pct`` percent in ``steps`` equal moves; each liquidation may take ``max_pct``
    percent of what covers the shortage. :func:`driftlab.liquidation.liquidation_path`'s table."""
    from . import liquidation

    if not 0 < drop_pct < 100:
        raise ValueError(f"drop_pct must be in (0, 100), got {drop_pct!r}")
    if int(steps) < 1:
        raise ValueError(f"steps must be >= 1, got {steps!r}")
    account = demo_account(usdc, 0.0, base, 25.0, 25.0)
    prices = 25.0 * (1 - np.linspace(0.0, drop_pct / 100, int(steps) + 1))
    return liquidation.liquidation_path(account, "SOL-PERP", prices, max_pct=max_pct / 100,
                                        insurance_fund=insurance_fund, open_interest=10_000.0)


def liquidation_explorer() -> Panel:
    """Sliders for the size of the fall, how many steps it takes, the pacing share and the insurance fund,
    driving :func:`driftlab.charts.liquidation_path_chart`."""
    controls = {
        "drop_pct": _slider("SOL falls (%)", 20, 1, 60, 1),
        "steps": _int_slider("in steps", 10, 1, 40),
        "max_pct": _slider("max share per liquidation (%)", 100, 5, 100, 5),
        "insurance_fund": _slider("insurance fund (USD)", 1_000, 0, 5_000, 100),
    }
    return Panel(liquidation_scenario, controls, charts.liquidation_path_chart)
