"""Backstop AMM Liquidity (BAL) in natural units: an LP's share of fills, fees and funding, its margin, break-even.

*History.* From 2022 to August 2025 users could add liquidity to a perp market's AMM: ``lp_shares`` raised
``sqrt_k`` one for one, the LP took the AMM's side of ``lp_shares / sqrt_k`` of every AMM fill, earned 80% of its
share of the fee the market kept, and had to margin the worst case of the AMM filling all the way to its reserve
bounds. The program last has it at protocol-v2 v2.136.0 (``driftlab.exact.lp`` / ``driftlab.exact.controller_lp``);
by v2.161.0 it is gone.

Notation: ``s = sqrt_k`` (base units, LP shares included), ``f = lp_shares / s`` the LP's fraction, ``peg`` the
peg multiplier (USD), ``P`` the AMM's reserve price. On the constant-product curve the base reserve at price ``P``
is ``B(P) = s * sqrt(peg / P)`` and the quote reserve ``s * sqrt(P / peg)``, so users who move the price from
``P0`` to ``P`` leave the LP with

    base  = f * (B(P) - B(P0))           = lp_shares * sqrt(peg) * (1/sqrt(P) - 1/sqrt(P0))
    quote = f * peg * (Q(P) - Q(P0))     = lp_shares * sqrt(peg) * (sqrt(P) - sqrt(P0))

and, marked at ``P``, a loss ``lp_shares * sqrt(peg) * (sqrt(P) - sqrt(P0))**2 / sqrt(P0)`` against holding its
collateral: the LP is short the curve's convexity. A one-way move pays ``f * fee_rate * fee_slice`` of a volume
``lp_shares * sqrt(peg) * |sqrt(P) - sqrt(P0)|``, hence the break-even fee rate ``|sqrt(P/P0) - 1| / fee_slice``.

Left out (the exact layer has them): the spread, the order step size and the settled/remainder split (the program
pays funding only on the settled base, not on the remainder below one step), integer rounding, repegs and k
changes by the protocol, and the AMM's JIT fills. Every function broadcasts; a path runs
along the last axis.

exact: :mod:`driftlab.exact.lp` and :mod:`driftlab.exact.controller_lp` (v2.136.0); :func:`replay_on_program` runs
a trade sequence through them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._validate import FloatArray

__all__ = [
    "LP_FEE_SLICE",
    "LpPath",
    "arbitrage_break_even_fee_rate",
    "arbitrage_flow",
    "break_even_fee_rate",
    "inventory_loss",
    "lp_fee_share",
    "lp_fill_share",
    "lp_fraction",
    "lp_funding_payment",
    "lp_margin_requirement",
    "lp_open_orders",
    "lp_path",
    "lp_position",
    "replay_on_program",
]

LP_FEE_SLICE = 0.8
"""The LPs' part of the fee the market keeps on their share of fills (``LP_FEE_SLICE_NUMERATOR / DENOMINATOR``)."""


def _shares(lp_shares: ArrayLike, sqrt_k: ArrayLike) -> tuple[FloatArray, FloatArray]:
    shares = v.non_negative("lp_shares", lp_shares)
    k = v.positive("sqrt_k", sqrt_k)
    shares, k = v.broadcast(lp_shares=shares, sqrt_k=k)
    if np.any(shares > k):
        raise ValueError("lp_shares must be <= sqrt_k (sqrt_k counts the LP shares), "
                         f"got lp_shares up to {float(np.max(shares)):g} for sqrt_k {float(np.min(k)):g}")
    return shares, k


def _scalar(name: str, value: FloatArray) -> float:
    if np.ndim(value) != 0:
        raise ValueError(f"{name} must be a single number, got an array of shape {np.shape(value)}")
    return float(value)


def lp_fraction(lp_shares: ArrayLike, sqrt_k: ArrayLike) -> FloatArray | float:
    """The LP's share of every AMM fill: ``f = lp_shares / sqrt_k``.

    exact: ``AMM::calculate_per_lp_delta`` (per share of ``sqrt_k``) times the shares,
    ``calculate_settled_lp_base_quote``.
    """
    shares, k = _shares(lp_shares, sqrt_k)
    return v.scalar_or_array(shares / k)


def lp_fill_share(base_filled: ArrayLike, quote_filled: ArrayLike, lp_shares: ArrayLike,
                  sqrt_k: ArrayLike) -> tuple[FloatArray | float, FloatArray | float]:
    """``(lp_base, lp_quote) = -f * (base_filled, quote_filled)``: the LP takes the other side of a user's fill.

    ``base_filled`` is the user's signed base (+ bought), ``quote_filled`` its signed quote (− paid), as in a
    ``PositionDelta``. exact: ``update_lp_market_position`` then ``settle_lp_position``.
    """
    base = v.as_float_array("base_filled", base_filled)
    quote = v.as_float_array("quote_filled", quote_filled)
    f = np.asarray(lp_fraction(lp_shares, sqrt_k))
    base, quote, f = v.broadcast(base_filled=base, quote_filled=quote, lp_fraction=f)
    return v.scalar_or_array(-f * base), v.scalar_or_array(-f * quote)


def lp_fee_share(fee_to_market: ArrayLike, lp_shares: ArrayLike, sqrt_k: ArrayLike,
                 fee_slice: ArrayLike = LP_FEE_SLICE) -> FloatArray | float:
    """The LP's fee: ``f * fee_slice * max(fee_to_market, 0)`` (a negative fee, a net rebate, pays the LPs nothing).

    The docs' example: a 10 bps fee with the AMM fully LP-owned pays the LPs 8 bps; half-owned, 4 bps.
    exact: ``AMM::calculate_per_lp_delta`` (``per_lp_fee``).
    """
    fee = v.as_float_array("fee_to_market", fee_to_market)
    f = np.asarray(lp_fraction(lp_shares, sqrt_k))
    slice_ = v.in_range("fee_slice", fee_slice, 0.0, 1.0)
    fee, f, slice_ = v.broadcast(fee_to_market=fee, lp_fraction=f, fee_slice=slice_)
    return v.scalar_or_array(f * slice_ * np.maximum(fee, 0.0))


def lp_funding_payment(lp_base: ArrayLike, funding_rate: ArrayLike) -> FloatArray | float:
    """Funding received by an LP's *settled* base: ``-lp_base * funding_rate`` (USD; longs pay a positive rate).

    ``funding_rate`` is in USD per base unit per period (the program's rate over 1e9). Inventory not yet settled
    earns nothing: the protocol takes its funding. exact: ``calculate_funding_payment``,
    ``calculate_funding_rate_long_short_v2_136``.
    """
    base = v.as_float_array("lp_base", lp_base)
    rate = v.as_float_array("funding_rate", funding_rate)
    base, rate = v.broadcast(lp_base=base, funding_rate=rate)
    return v.scalar_or_array(-base * rate)


def lp_open_orders(lp_shares: ArrayLike, sqrt_k: ArrayLike, base_reserve: ArrayLike, min_base_reserve: ArrayLike,
                   max_base_reserve: ArrayLike) -> tuple[FloatArray | float, FloatArray | float]:
    """The LP's worst-case fills for margin: ``(bids, asks) = f * (B - B_min, -(B_max - B))``.

    Users can still sell ``B - B_min`` base into the AMM (the LP would buy its share) and buy ``B_max - B``.
    exact: ``calculate_lp_open_bids_asks``.
    """
    f = np.asarray(lp_fraction(lp_shares, sqrt_k))
    b = v.non_negative("base_reserve", base_reserve)
    lo = v.non_negative("min_base_reserve", min_base_reserve)
    hi = v.non_negative("max_base_reserve", max_base_reserve)
    f, b, lo, hi = v.broadcast(lp_fraction=f, base_reserve=b, min_base_reserve=lo, max_base_reserve=hi)
    if np.any(lo > hi):
        raise ValueError("min_base_reserve must be <= max_base_reserve")
    return v.scalar_or_array(f * np.maximum(b - lo, 0.0)), v.scalar_or_array(-f * np.maximum(hi - b, 0.0))


def lp_margin_requirement(base: ArrayLike, lp_shares: ArrayLike, sqrt_k: ArrayLike, base_reserve: ArrayLike,
                          min_base_reserve: ArrayLike, max_base_reserve: ArrayLike, price: ArrayLike,
                          margin_ratio: ArrayLike, step_size: ArrayLike = 0.0) -> FloatArray | float:
    """Margin an LP holding ``base`` must keep: the worse of all LP bids or all LP asks filling, plus an add-on.

    ``max(|base + bids|, |base + asks|) * price * margin_ratio + max(1, step_size * price)`` (USD; ``margin_ratio``
    a fraction). The worst case reaches the AMM's reserve bounds, so an LP with a flat position still margins
    ``f * max(B - B_min, B_max - B)`` base. exact: ``calculate_perp_position_value_and_pnl_v2_136`` (its margin
    requirement; with no IMF factor), ``PerpPosition::margin_requirement_for_lp_shares``.
    """
    pos = v.as_float_array("base", base)
    bids, asks = lp_open_orders(lp_shares, sqrt_k, base_reserve, min_base_reserve, max_base_reserve)
    p = v.non_negative("price", price)
    ratio = v.in_range("margin_ratio", margin_ratio, 0.0, 1.0)
    step = v.non_negative("step_size", step_size)
    pos, bids, asks, p, ratio, step = v.broadcast(base=pos, bids=np.asarray(bids), asks=np.asarray(asks), price=p,
                                                  margin_ratio=ratio, step_size=step)
    worst = np.maximum(np.abs(pos + bids), np.abs(pos + asks))
    return v.scalar_or_array(worst * p * ratio + np.maximum(1.0, step * p))


def _prices(price: ArrayLike, start_price: ArrayLike, peg: ArrayLike | None) -> tuple[FloatArray, ...]:
    p = v.positive("price", price)
    p0 = v.positive("start_price", start_price)
    g = p0 if peg is None else v.positive("peg", peg)
    p, p0, g = v.broadcast(price=p, start_price=p0, peg=g)
    return p, p0, g


def lp_position(price: ArrayLike, start_price: ArrayLike, lp_shares: ArrayLike,
                peg: ArrayLike | None = None) -> tuple[FloatArray | float, FloatArray | float]:
    """``(base, quote)`` the LP holds after users moved the AMM price from ``start_price`` to ``price``.

    ``base = lp_shares * sqrt(peg) * (1/sqrt(P) - 1/sqrt(P0))``, ``quote = lp_shares * sqrt(peg) * (sqrt(P) -
    sqrt(P0))`` (before fees); it depends on the two prices only, not on the path. ``peg`` defaults to
    ``start_price`` (a curve balanced at the start). exact: ``settle_lp_position`` after the fills.
    """
    p, p0, g = _prices(price, start_price, peg)
    shares = v.non_negative("lp_shares", lp_shares)
    p, p0, g, shares = v.broadcast(price=p, start_price=p0, peg=g, lp_shares=shares)
    root_peg = np.sqrt(g)
    return (v.scalar_or_array(shares * root_peg * (1 / np.sqrt(p) - 1 / np.sqrt(p0))),
            v.scalar_or_array(shares * root_peg * (np.sqrt(p) - np.sqrt(p0))))


def inventory_loss(price: ArrayLike, start_price: ArrayLike, lp_shares: ArrayLike,
                   peg: ArrayLike | None = None) -> FloatArray | float:
    """The LP's inventory loss marked at ``price``: ``lp_shares * sqrt(peg) * (sqrt(P) - sqrt(P0))**2 / sqrt(P0)``.

    ``-(base * P + quote)`` of :func:`lp_position`; never negative, zero only if the price is back where it
    started (the LP is short the curve's convexity).
    """
    base, quote = lp_position(price, start_price, lp_shares, peg)
    p, _, _ = _prices(price, start_price, peg)
    return v.scalar_or_array(-(np.asarray(base) * p + np.asarray(quote)))


def break_even_fee_rate(price: ArrayLike, start_price: ArrayLike, fee_slice: ArrayLike = LP_FEE_SLICE,
                        turnover: ArrayLike = 1.0) -> FloatArray | float:
    """Fee rate (fraction of notional) at which the LP's fees pay for its inventory loss.

    ``|sqrt(P/P0) - 1| / (fee_slice * turnover)``: for a one-way move the LP's share of the volume is
    ``lp_shares * sqrt(peg) * |sqrt(P) - sqrt(P0)|`` and its loss that times ``|sqrt(P) - sqrt(P0)| / sqrt(P0)``.
    ``turnover >= 1`` is total volume over that one-way volume (mean-reverting flow trades more for the same
    move). Independent of the LP's size and of the peg. See :func:`driftlab.symbolic.bal.break_even_fee_rate`.
    """
    p = v.positive("price", price)
    p0 = v.positive("start_price", start_price)
    slice_ = v.in_range("fee_slice", fee_slice, 0.0, 1.0, low_open=True)
    t = v.as_float_array("turnover", turnover)
    if np.any(t < 1):
        raise ValueError(f"turnover must be >= 1 (total volume over the one-way volume), got {v._show(turnover)}")
    p, p0, slice_, t = v.broadcast(price=p, start_price=p0, fee_slice=slice_, turnover=t)
    return v.scalar_or_array(np.abs(np.sqrt(p / p0) - 1) / (slice_ * t))


def arbitrage_break_even_fee_rate(volatility: ArrayLike, fee_slice: ArrayLike = LP_FEE_SLICE) -> FloatArray | float:
    """Break-even fee rate when the only flow is arbitrage to a lognormal oracle: ``sqrt(pi/8) * sigma / fee_slice``.

    ``sigma`` is the oracle's volatility between two arbitrage trades (a fraction). Over ``T`` such intervals the
    expected loss is ``E[(sqrt(P_T) - sqrt(P0))**2] / sqrt(P0) ~ sqrt(P0) * sigma**2 * T / 4`` (per share and
    ``sqrt(peg)``) and the expected volume ``T * E|sqrt(P_t) - sqrt(P_t-1)| ~ T * sqrt(P0) * sigma / 2 *
    sqrt(2/pi)``; their ratio does not depend on ``T``. A small-``sigma`` approximation (checked by simulation in
    ``tests/test_bal.py``): with only informed flow the fee must be of the order of the volatility itself.
    """
    sigma = v.non_negative("volatility", volatility)
    slice_ = v.in_range("fee_slice", fee_slice, 0.0, 1.0, low_open=True)
    sigma, slice_ = v.broadcast(volatility=sigma, fee_slice=slice_)
    return v.scalar_or_array(np.sqrt(np.pi / 8) * sigma / slice_)


class LpPath(NamedTuple):
    """An LP over a sequence of AMM fills; every field has the trades' shape (cumulative along the last axis)."""

    price: FloatArray  # AMM reserve price after each trade
    base: FloatArray  # LP's base position (settled every trade)
    quote: FloatArray  # LP's quote from fills, fees excluded
    volume: FloatArray  # users' cumulative notional traded with the AMM (USD)
    fees: FloatArray  # LP's cumulative fee income
    funding: FloatArray  # LP's cumulative funding received
    pnl: FloatArray  # base * mark + quote + fees + funding
    inventory_pnl: FloatArray  # base * mark + quote (the loss against holding the collateral, when negative)


def lp_path(trades: ArrayLike, lp_shares: ArrayLike, sqrt_k: ArrayLike, start_price: ArrayLike, *,
            peg: ArrayLike | None = None, fee_rate: ArrayLike = 0.0, fee_slice: ArrayLike = LP_FEE_SLICE,
            funding_rate: ArrayLike = 0.0, mark_price: ArrayLike | None = None) -> LpPath:
    """The LP's position, fees, funding and P&L along a sequence of user trades against the AMM.

    ``trades`` (..., T) are the users' signed base amounts (+ buy) in order, against a curve of depth ``sqrt_k``
    (LP shares included) balanced at ``peg`` (default ``start_price``) that starts at ``start_price``. After ``t``
    trades the users are net ``n_t = cumsum(trades)``, the base reserve ``B_t = B_0 - n_t`` and the price
    ``P_t = peg * s**2 / B_t**2``. The LP holds ``-f * n_t`` base and ``f * peg * s**2 * (1/B_t - 1/B_0)`` quote;
    it earns ``f * fee_slice * fee_rate * |quote of each trade|`` and, settling after every trade, funding
    ``-base_{t-1} * funding_rate_t`` (USD per base per trade, longs pay). P&L is marked at ``mark_price`` (default
    the AMM price). Scalar parameters broadcast against the leading axes of ``trades``.
    exact: :func:`replay_on_program`.
    """
    d = v.as_float_array("trades", trades)
    if d.ndim == 0:
        d = d.reshape(1)
    shares, k = _shares(lp_shares, sqrt_k)
    p0 = v.positive("start_price", start_price)
    g = p0 if peg is None else v.positive("peg", peg)
    rate = v.non_negative("fee_rate", fee_rate)
    slice_ = v.in_range("fee_slice", fee_slice, 0.0, 1.0)
    funding = v.as_float_array("funding_rate", funding_rate)
    params = v.broadcast(lp_shares=shares, sqrt_k=k, start_price=p0, peg=g, fee_rate=rate, fee_slice=slice_)
    shares_e, k_e, p0_e, g_e, rate_e, slice_e = (np.expand_dims(x, -1) for x in params)
    try:
        np.broadcast_shapes(d.shape, funding.shape, shares_e.shape)
    except ValueError:
        raise ValueError(f"funding_rate {funding.shape} and the parameters {params[0].shape} must broadcast with "
                         f"trades {d.shape} (parameters against its leading axes)") from None
    f = shares_e / k_e
    b0 = k_e * np.sqrt(g_e / p0_e)
    net = np.cumsum(d, axis=-1)
    b = b0 - net
    if np.any(b <= 0):
        raise ValueError("trades must leave a positive base reserve: users cannot buy the whole curve "
                         f"(the largest cumulative buy is {float(np.max(net)):g})")
    price = g_e * k_e**2 / b**2
    cum_quote_paid = g_e * k_e**2 * (1 / b - 1 / b0)  # users' cumulative quote paid (+) on the curve
    step_quote = np.diff(cum_quote_paid, axis=-1, prepend=0.0)
    volume = np.cumsum(np.abs(step_quote), axis=-1)
    base = -f * net
    quote = f * cum_quote_paid
    fees = np.cumsum(f * slice_e * rate_e * np.abs(step_quote), axis=-1)
    base_before = np.concatenate([np.zeros_like(base[..., :1]), base[..., :-1]], axis=-1)
    funding_paid = np.cumsum(-base_before * funding, axis=-1)
    mark = price if mark_price is None else v.positive("mark_price", mark_price)
    inventory_pnl = base * mark + quote
    arrays = np.broadcast_arrays(price, base, quote, volume, fees, funding_paid, inventory_pnl)
    price, base, quote, volume, fees, funding_paid, inventory_pnl = arrays
    return LpPath(price=price, base=base, quote=quote, volume=volume, fees=fees, funding=funding_paid,
                  pnl=inventory_pnl + fees + funding_paid, inventory_pnl=inventory_pnl)


def arbitrage_flow(oracle_prices: ArrayLike, noise_trades: ArrayLike, sqrt_k: ArrayLike,
                   peg: ArrayLike) -> FloatArray:
    """Trades of a market where noise traders move the AMM and arbitrageurs bring it back to the oracle.

    Period ``t``: a noise trade ``noise_trades[t]`` from the AMM at ``oracle_prices[t-1]`` (the first period
    starts at ``oracle_prices[0]``), then the arbitrage trade that puts the reserve price on ``oracle_prices[t]``:
    ``B(O_{t-1}) - noise_t - B(O_t)`` with ``B(P) = sqrt_k * sqrt(peg / P)``. Returns the interleaved trades
    ``[noise_1, arb_1, noise_2, arb_2, ...]`` (shape (..., 2T)) for :func:`lp_path`.
    """
    o = v.positive("oracle_prices", oracle_prices)
    noise = v.as_float_array("noise_trades", noise_trades)
    k = v.positive("sqrt_k", sqrt_k)
    g = v.positive("peg", peg)
    o, noise = v.broadcast(oracle_prices=o, noise_trades=noise)
    k, g = v.broadcast(sqrt_k=k, peg=g)
    try:
        np.broadcast_shapes(o.shape, k.shape + (1,))
    except ValueError:
        raise ValueError(f"sqrt_k and peg {k.shape} must broadcast with the leading axes of oracle_prices and "
                         f"noise_trades {o.shape}") from None
    k_e, g_e = np.expand_dims(k, -1), np.expand_dims(g, -1)
    before = np.concatenate([o[..., :1], o[..., :-1]], axis=-1)
    b_before = k_e * np.sqrt(g_e / before)
    if np.any(noise >= b_before):
        raise ValueError("noise_trades must be below the base reserve (a buy cannot take the whole curve)")
    arb = b_before - noise - k_e * np.sqrt(g_e / o)
    out = np.stack(np.broadcast_arrays(noise, arb), axis=-1)
    return out.reshape(*out.shape[:-2], -1)


def replay_on_program(trades: ArrayLike, *, sqrt_k: float, lp_shares: float, price: float, fee_rate: float = 0.0,
                      funding_rate: ArrayLike = 0.0, step_size: float = 0.001, settle_every: int = 1) -> Any:
    """Run a 1-D trade sequence through the program's integer accounting (v2.136.0's LP split); a DataFrame.

    A market balanced at ``price`` with ``sqrt_k - lp_shares`` protocol depth; one LP mints ``lp_shares``
    (``mint_lp_shares``). Each trade (rounded to ``step_size``) is a user's AMM fill (v2.161.0's
    ``update_position_with_base_asset_amount``, no spread), split with the LPs as v2.136.0's
    ``fulfill_perp_order_with_amm`` does (``update_lp_market_position`` with the fee ``fee_rate * quote`` kept by
    the market, then the terminal reserves and bounds); each period's ``funding_rate`` (USD per base) is split by
    ``calculate_funding_rate_long_short_v2_136`` and paid on settlement; the LP settles funding then its position
    every ``settle_every`` trades (``settle_funding_payment_then_lp``). Columns, in USD and base units: ``price``,
    ``lp_base`` (settled), ``lp_remainder``, ``lp_quote`` (fees and funding included), ``lp_fees``,
    ``lp_funding``, ``users_net``, ``amm_base`` (the protocol's own: ``-base_asset_amount_with_amm``),
    ``unsettled_lp_base`` (``-base_asset_amount_with_unsettled_lp``).
    """
    import pandas as pd

    from . import exact as ex

    d = v.as_float_array("trades", trades)
    if d.ndim != 1:
        raise ValueError(f"trades must be one-dimensional, got shape {d.shape}")
    sqrt_k = _scalar("sqrt_k", v.positive("sqrt_k", sqrt_k))
    lp_shares = _scalar("lp_shares", v.positive("lp_shares", lp_shares))
    if not lp_shares < sqrt_k:
        raise ValueError(f"lp_shares must be below sqrt_k, got {lp_shares:g} for sqrt_k {sqrt_k:g}")
    price = _scalar("price", v.positive("price", price))
    fee_rate = _scalar("fee_rate", v.non_negative("fee_rate", fee_rate))
    step_size = _scalar("step_size", v.positive("step_size", step_size))
    if isinstance(settle_every, bool) or not isinstance(settle_every, (int, np.integer)) or settle_every < 1:
        raise ValueError(f"settle_every must be a whole number >= 1, got {settle_every!r}")
    funding_rates = v.as_float_array("funding_rate", funding_rate)
    try:
        rates = np.broadcast_to(funding_rates, d.shape)
    except ValueError:
        raise ValueError(f"funding_rate {funding_rates.shape} must broadcast with trades {d.shape}") from None
    one, usd = ex.AMM_RESERVE_PRECISION, ex.QUOTE_PRECISION
    step = int(round(step_size * one))
    protocol_k = int(round((sqrt_k - lp_shares) * one))
    shares = int(round(lp_shares * one)) // step * step
    peg = int(round(price * ex.PEG_PRECISION))
    low, high = ex.calculate_bid_ask_bounds(ex.MAX_CONCENTRATION_COEFFICIENT, protocol_k)
    market = ex.PerpMarket(
        amm=ex.AMM(base_asset_reserve=protocol_k, quote_asset_reserve=protocol_k, sqrt_k=protocol_k,
                   terminal_quote_asset_reserve=protocol_k, peg_multiplier=peg,
                   concentration_coef=ex.MAX_CONCENTRATION_COEFFICIENT, min_base_asset_reserve=low,
                   max_base_asset_reserve=high, order_step_size=step, order_tick_size=1, min_order_size=step,
                   ask_base_asset_reserve=protocol_k, ask_quote_asset_reserve=protocol_k,
                   bid_base_asset_reserve=protocol_k, bid_quote_asset_reserve=protocol_k,
                   max_spread=10_000, total_fee_minus_distributions=10**15, total_exchange_fee=0,
                   historical_oracle_data=ex.HistoricalOracleData(last_oracle_price=peg)),
        margin_ratio_initial=1000, margin_ratio_maintenance=500, status=ex.MarketStatus.Active)
    lp_user, taker = ex.User(), ex.User()
    lp_index = ex.add_new_position(lp_user.perp_positions, 0)
    taker_index = ex.add_new_position(taker.perp_positions, 0)
    ex.mint_lp_shares(lp_user.perp_positions[lp_index], market, shares)
    lp = lp_user.perp_positions[lp_index]
    amm = market.amm
    rows = []
    fees = funding = 0
    for t, (size, rate) in enumerate(zip(d, rates, strict=True)):
        rate_int = int(round(float(rate) * 1e9))
        if rate_int:
            long_rate, short_rate, _ = ex.calculate_funding_rate_long_short_v2_136(market, rate_int)
            amm.cumulative_funding_rate_long += long_rate
            amm.cumulative_funding_rate_short += short_rate
        base = int(round(abs(float(size)) * one)) // step * step
        if base:
            direction = ex.PositionDirection.Long if size > 0 else ex.PositionDirection.Short
            ex.settle_funding_payment(taker, "taker", market, t)
            quote, _, _ = ex.update_position_with_base_asset_amount(base, direction, market, taker, taker_index, None)
            delta = ex.get_position_delta_for_fill(base, quote, direction)
            fee = int(quote * fee_rate)
            ex.update_lp_market_position(market, delta, fee, ex.AMMLiquiditySplit.Shared)
            if fee > 0:
                per_lp_fee = amm.calculate_per_lp_delta(delta, fee, ex.AMMLiquiditySplit.Shared,
                                                        amm.get_per_lp_base_unit())[2]
                fees += per_lp_fee * lp.lp_shares // amm.get_per_lp_base_unit()
            terminal_quote, terminal_base = ex.calculate_terminal_reserves(amm)
            amm.terminal_quote_asset_reserve = terminal_quote
            amm.min_base_asset_reserve, amm.max_base_asset_reserve = ex.calculate_bid_ask_bounds(
                amm.concentration_coef, terminal_base)
        if (t + 1) % settle_every == 0 or t == len(d) - 1:
            quote_before = lp.quote_asset_amount
            base_before = lp.base_asset_amount
            ex.settle_funding_payment(lp_user, "lp", market, t)
            if base_before:
                funding += lp.quote_asset_amount - quote_before
            ex.settle_lp(lp_user, "lp", market, t)
        rows.append({
            "price": amm.reserve_price() / ex.PRICE_PRECISION,
            "lp_base": lp.base_asset_amount / one,
            "lp_remainder": lp.remainder_base_asset_amount / one,
            "lp_quote": lp.quote_asset_amount / usd,
            "lp_fees": fees / usd,
            "lp_funding": funding / usd,
            "users_net": taker.perp_positions[taker_index].base_asset_amount / one,
            "amm_base": -amm.base_asset_amount_with_amm / one,
            "unsettled_lp_base": -amm.base_asset_amount_with_unsettled_lp / one,
        })
    return pd.DataFrame(rows)
