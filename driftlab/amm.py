"""The virtual AMM in natural units: prices in USD, sizes in base units, spreads as fractions.

Every function broadcasts: each numeric argument may be a scalar or an array, and the result has the
broadcast shape (a float for all-scalar input). Notation: ``B`` base reserve, ``Q`` quote reserve (both in
base-like units, ``k = B*Q``), ``peg`` the peg multiplier, ``P = Q*peg/B`` the reserve price. A signed base
amount ``d`` is positive for a user buying (going long) and negative for a user selling.

The program's integer versions are in :mod:`driftlab.exact` (``calculate_price``, ``calculate_swap_output``,
``calculate_quote_asset_amount_swapped``, ``calculate_terminal_price_and_reserves``, ``calculate_repeg_cost``,
``adjust_k_cost``); these agree with them to within the program's rounding (see ``tests/test_amm.py``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._validate import FloatArray

__all__ = [
    "bid_ask_prices",
    "execution_price",
    "k_change_cost",
    "optimal_peg",
    "post_trade_price",
    "price_impact",
    "quote_for_base",
    "base_for_quote",
    "repeg_cost",
    "reserve_price",
    "spreads",
    "sqrt_k_for_price_impact",
    "terminal_price",
]


def _reserves(base_reserve: ArrayLike, quote_reserve: ArrayLike, peg: ArrayLike) -> tuple[FloatArray, ...]:
    return tuple(v.broadcast(base_reserve=v.positive("base_reserve", base_reserve),
                             quote_reserve=v.positive("quote_reserve", quote_reserve), peg=v.positive("peg", peg)))


def _trade_size(base_reserve: FloatArray, base_amount: ArrayLike) -> FloatArray:
    d = v.as_float_array("base_amount", base_amount)
    b, d = v.broadcast(base_reserve=base_reserve, base_amount=d)
    if np.any(d >= b):
        raise ValueError("base_amount must be below base_reserve (a buy cannot take the whole base reserve), "
                         f"got base_amount up to {float(np.max(d)):g} for base_reserve {float(np.min(b)):g}")
    return d


def reserve_price(base_reserve: ArrayLike, quote_reserve: ArrayLike, peg: ArrayLike = 1.0) -> FloatArray | float:
    """Reserve price ``P = Q * peg / B``. exact: ``calculate_price`` / ``AMM::reserve_price``."""
    b, q, p = _reserves(base_reserve, quote_reserve, peg)
    return v.scalar_or_array(q * p / b)


def quote_for_base(base_reserve: ArrayLike, quote_reserve: ArrayLike, base_amount: ArrayLike,
                   peg: ArrayLike = 1.0) -> FloatArray | float:
    """Quote paid (positive) or received (negative) for trading ``base_amount`` against the curve.

    ``cost = peg * Q * d / (B - d)``: the base reserve moves to ``B - d`` and the quote reserve to ``k / (B - d)``.
    exact: ``calculate_swap_output`` then ``calculate_quote_asset_amount_swapped``.
    """
    b, q, p = _reserves(base_reserve, quote_reserve, peg)
    d = _trade_size(b, base_amount)
    return v.scalar_or_array(p * q * d / (b - d))


def base_for_quote(base_reserve: ArrayLike, quote_reserve: ArrayLike, quote_amount: ArrayLike,
                   peg: ArrayLike = 1.0) -> FloatArray | float:
    """Base bought (positive) for spending ``quote_amount`` USD, or sold (negative) to receive ``-quote_amount``.

    ``d = B * q / (peg * Q + q)``: the inverse of :func:`quote_for_base`.
    """
    b, qr, p = _reserves(base_reserve, quote_reserve, peg)
    qa = v.as_float_array("quote_amount", quote_amount)
    b, qr, p, qa = v.broadcast(base_reserve=b, quote_reserve=qr, peg=p, quote_amount=qa)
    if np.any(qa <= -p * qr):
        raise ValueError("quote_amount must be above -peg*quote_reserve (a sale cannot empty the quote reserve)")
    return v.scalar_or_array(b * qa / (p * qr + qa))


def execution_price(base_reserve: ArrayLike, quote_reserve: ArrayLike, base_amount: ArrayLike,
                    peg: ArrayLike = 1.0) -> FloatArray | float:
    """Average fill price ``|cost| / |d| = peg * Q / (B - d)`` (the reserve price as ``d -> 0``)."""
    b, q, p = _reserves(base_reserve, quote_reserve, peg)
    d = _trade_size(b, base_amount)
    return v.scalar_or_array(p * q / (b - d))


def price_impact(base_reserve: ArrayLike, base_amount: ArrayLike) -> FloatArray | float:
    """Execution price over reserve price, minus one: ``d / (B - d)``.

    Independent of the quote reserve and the peg; positive for buys, negative for sells. See
    :func:`driftlab.symbolic.price_impact` for the derivation.
    """
    b = v.positive("base_reserve", base_reserve)
    d = _trade_size(b, base_amount)
    return v.scalar_or_array(d / (b - d))


def post_trade_price(base_reserve: ArrayLike, quote_reserve: ArrayLike, base_amount: ArrayLike,
                     peg: ArrayLike = 1.0) -> FloatArray | float:
    """Reserve price after the trade: ``k * peg / (B - d)**2``."""
    b, q, p = _reserves(base_reserve, quote_reserve, peg)
    d = _trade_size(b, base_amount)
    return v.scalar_or_array(b * q * p / (b - d) ** 2)


def terminal_price(base_reserve: ArrayLike, quote_reserve: ArrayLike, net_user_base: ArrayLike,
                   peg: ArrayLike = 1.0) -> FloatArray | float:
    """Price if every user closed at once: the net user position swapped back, ``k * peg / (B + n)**2``.

    exact: ``calculate_terminal_price_and_reserves``.
    """
    b, q, p = _reserves(base_reserve, quote_reserve, peg)
    n = v.as_float_array("net_user_base", net_user_base)
    b, n = v.broadcast(base_reserve=b, net_user_base=n)
    if np.any(b + n <= 0):
        raise ValueError("net_user_base must be above -base_reserve (users cannot be short the whole reserve)")
    return v.scalar_or_array(b * q * p / (b + n) ** 2)


def bid_ask_prices(price: ArrayLike, long_spread: ArrayLike, short_spread: ArrayLike,
                   reference_price_offset: ArrayLike = 0.0) -> tuple[FloatArray | float, FloatArray | float]:
    """``(bid, ask) = (P * (1 - short_spread + offset), P * (1 + long_spread + offset))``.

    Spreads and the offset are fractions of the reserve price. exact: ``AMM::bid_price`` / ``AMM::ask_price``.
    """
    p = v.positive("price", price)
    ls = v.in_range("long_spread", long_spread, 0.0, 1.0)
    ss = v.in_range("short_spread", short_spread, 0.0, 1.0)
    off = v.in_range("reference_price_offset", reference_price_offset, -1.0, 1.0)
    p, ls, ss, off = v.broadcast(price=p, long_spread=ls, short_spread=ss, reference_price_offset=off)
    return v.scalar_or_array(p * (1 - ss + off)), v.scalar_or_array(p * (1 + ls + off))


def optimal_peg(base_reserve: ArrayLike, quote_reserve: ArrayLike, target_price: ArrayLike) -> FloatArray | float:
    """The peg that puts the reserve price on ``target_price``: ``target * B / Q``.

    exact: ``calculate_peg_from_target_price``.
    """
    b = v.positive("base_reserve", base_reserve)
    q = v.positive("quote_reserve", quote_reserve)
    t = v.positive("target_price", target_price)
    b, q, t = v.broadcast(base_reserve=b, quote_reserve=q, target_price=t)
    return v.scalar_or_array(t * b / q)


def repeg_cost(base_reserve: ArrayLike, quote_reserve: ArrayLike, net_user_base: ArrayLike, peg: ArrayLike,
               new_peg: ArrayLike) -> FloatArray | float:
    """Cost to the protocol (USD, positive = it pays) of moving the peg: ``(Q - Q_t) * (new_peg - peg)``.

    ``Q_t = k / (B + n)`` is the terminal quote reserve, so ``Q - Q_t = Q * n / (B + n)``: repegging up costs
    the protocol when users are net long. exact: ``calculate_repeg_cost``.
    """
    b, q, p = _reserves(base_reserve, quote_reserve, peg)
    new = v.positive("new_peg", new_peg)
    n = v.as_float_array("net_user_base", net_user_base)
    b, n, new = v.broadcast(base_reserve=b, net_user_base=n, new_peg=new)
    if np.any(b + n <= 0):
        raise ValueError("net_user_base must be above -base_reserve (users cannot be short the whole reserve)")
    return v.scalar_or_array(q * n / (b + n) * (new - p))


def k_change_cost(base_reserve: ArrayLike, quote_reserve: ArrayLike, net_user_base: ArrayLike, peg: ArrayLike,
                  sqrt_k_scale: ArrayLike) -> FloatArray | float:
    """Cost to the protocol (USD, positive = it pays) of scaling ``sqrt_k`` by ``s`` at a fixed price.

    Both reserves scale by ``s``; the users' net position ``n`` is valued by swapping it back,
    ``V(s) = peg * s*Q * n / (s*B + n)``, and the cost is the users' gain ``V(s) - V(1)``. A deeper curve
    (s > 1) pays net longs and net shorts alike. exact: ``adjust_k_cost``.
    """
    b, q, p = _reserves(base_reserve, quote_reserve, peg)
    s = v.positive("sqrt_k_scale", sqrt_k_scale)
    n = v.as_float_array("net_user_base", net_user_base)
    b, s, n = v.broadcast(base_reserve=b, sqrt_k_scale=s, net_user_base=n)
    if np.any(b * np.minimum(s, 1.0) + n <= 0):
        raise ValueError("net_user_base must be above -base_reserve*min(1, sqrt_k_scale)")
    return v.scalar_or_array(p * q * n * (s / (s * b + n) - 1 / (b + n)))


def sqrt_k_for_price_impact(price: ArrayLike, peg: ArrayLike, base_amount: ArrayLike,
                            target_impact: ArrayLike) -> FloatArray | float:
    """The ``sqrt_k`` at which buying ``base_amount`` moves the execution price by ``target_impact``.

    From ``impact = d / (B - d)``: ``B = d * (1 + i) / i``, and with ``P = Q*peg/B``,
    ``sqrt_k = sqrt(B*Q) = B * sqrt(P / peg)``. See :func:`driftlab.symbolic.solve_sqrt_k_for_impact`.
    """
    pr = v.positive("price", price)
    p = v.positive("peg", peg)
    d = v.positive("base_amount", base_amount)
    i = v.positive("target_impact", target_impact)
    pr, p, d, i = v.broadcast(price=pr, peg=p, base_amount=d, target_impact=i)
    b = d * (1 + i) / i
    return v.scalar_or_array(b * np.sqrt(pr / p))


def _spread_units(fraction: FloatArray) -> FloatArray:
    """A fraction rounded down to whole BID_ASK_SPREAD_PRECISION units (1e-6), tolerating float noise."""
    return np.floor(fraction * 1e6 + 1e-6) / 1e6


def spreads(
    base_spread: ArrayLike,
    max_spread: ArrayLike,
    *,
    oracle_reserve_gap: ArrayLike = 0.0,
    oracle_confidence: ArrayLike = 0.0,
    mark_std: ArrayLike = 0.0,
    oracle_std: ArrayLike = 0.0,
    long_intensity: ArrayLike = 1.0,
    short_intensity: ArrayLike = 1.0,
    inventory: ArrayLike = 0.0,
    effective_leverage: ArrayLike = 0.0,
    fee_pool_positive: ArrayLike = True,
    revenue_since_funding: ArrayLike = 0.0,
    inventory_spread_adjustment: ArrayLike = 0.0,
) -> tuple[FloatArray | float, FloatArray | float]:
    """The AMM's ``(long_spread, short_spread)`` as fractions of the reserve price, step by step as the program.

    Inputs in natural units: ``base_spread`` and ``max_spread`` (fractions, the total bid-ask width);
    ``oracle_reserve_gap = (reserve - oracle) / reserve``; ``oracle_confidence``, ``mark_std`` and ``oracle_std``
    as fractions of the price; ``long_intensity`` / ``short_intensity`` each side's share of 24h volume;
    ``inventory`` the users' net position as a signed share of the AMM's smaller side liquidity (positive =
    users net long, so the AMM is short and widens its ask); ``effective_leverage`` the AMM's net exposure over its
    fee pool; ``revenue_since_funding`` in USD; ``inventory_spread_adjustment`` in percent (-100..100).

    1. volatility: ``vol = max(conf, (mark_std + oracle_std)/8)``; each side ``max(conf', vol * clip(intensity,
       0.01, 1))`` with ``conf' = conf`` above 25 bps else ``conf/20``; start from ``max(base/2, that)``.
    2. max target ``max(max_spread, |gap|, min(1, max(2*conf, mark_std, oracle_std)))``.
    3. oracle retreat: reserve below oracle widens the ask by ``|gap|``, above widens the bid.
    4. the exposed side times ``min(s, 1 + s*|inventory|)``, ``s = max(10, max_target / side)``;
    5. then times ``min(10, 1 + leverage)`` (both sides times 10 when the fee pool is not positive);
    6. revenue retreat after a loss over $25: ``min(max_target/10, base * loss/25)`` to the exposed side, half to
       the other; 7. the percent adjustment, floored at step 1's value; 8. capped so the sides sum to at most the
       max target (the larger side scaled, the other the remainder).

    exact: ``calculate_spread`` (integer, 1e6); they agree to within its rounding (``tests/test_amm.py``).
    """
    base = v.in_range("base_spread", base_spread, 0.0, 1.0)
    max_s = v.in_range("max_spread", max_spread, 0.0, 1.0)
    gap = v.in_range("oracle_reserve_gap", oracle_reserve_gap, -1.0, 1.0)
    conf = v.in_range("oracle_confidence", oracle_confidence, 0.0, 1.0)
    m_std = v.non_negative("mark_std", mark_std)
    o_std = v.non_negative("oracle_std", oracle_std)
    long_int = v.in_range("long_intensity", long_intensity, 0.0, 1.0)
    short_int = v.in_range("short_intensity", short_intensity, 0.0, 1.0)
    inv = v.in_range("inventory", inventory, -1.0, 1.0)
    lev = v.non_negative("effective_leverage", effective_leverage)
    fee_ok = np.asarray(fee_pool_positive, dtype=bool)
    revenue = v.as_float_array("revenue_since_funding", revenue_since_funding)
    adjust = v.in_range("inventory_spread_adjustment", inventory_spread_adjustment, -100.0, 100.0)
    (base, max_s, gap, conf, m_std, o_std, long_int, short_int, inv, lev, revenue, adjust) = v.broadcast(
        base_spread=base, max_spread=max_s, oracle_reserve_gap=gap, oracle_confidence=conf, mark_std=m_std,
        oracle_std=o_std, long_intensity=long_int, short_intensity=short_int, inventory=inv,
        effective_leverage=lev, revenue_since_funding=revenue, inventory_spread_adjustment=adjust)
    fee_ok = np.broadcast_to(fee_ok, base.shape)

    # the volatility terms are counted in the program's units (1e-6, rounded down): a side below one unit is
    # zero, which matters because the inventory scale below grows as max_target / side
    vol = _spread_units(np.maximum(conf, _spread_units((m_std + o_std) / 2) / 4))
    conf_component = np.where(conf > 0.0025, conf, _spread_units(conf / 20))
    long_vol = np.maximum(conf_component, _spread_units(vol * np.clip(long_int, 0.01, 1.0)))
    short_vol = np.maximum(conf_component, _spread_units(vol * np.clip(short_int, 0.01, 1.0)))
    half_base = _spread_units(base / 2)
    long_floor, short_floor = np.maximum(half_base, long_vol), np.maximum(half_base, short_vol)
    long, short = long_floor.copy(), short_floor.copy()

    max_target = np.maximum(max_s, np.maximum(np.abs(gap), np.minimum(np.maximum(2 * conf, np.maximum(m_std, o_std)),
                                                                       1.0)))
    long = np.where(gap < 0, np.maximum(long, np.abs(gap) + long_vol), long)
    short = np.where(gap > 0, np.maximum(short, np.abs(gap) + short_vol), short)

    exposed = np.where(inv > 0, long, short)
    scale_max = np.maximum(10.0, max_target / np.maximum(exposed, 1e-6))
    inventory_scale = np.minimum(scale_max, 1 + scale_max * np.minimum(np.abs(inv), 1.0))
    leverage_scale = np.minimum(10.0, 1 + lev)
    long = np.where(inv > 0, long * inventory_scale * np.where(fee_ok, leverage_scale, 1.0), long)
    short = np.where(inv < 0, short * inventory_scale * np.where(fee_ok, leverage_scale, 1.0), short)
    long = np.where(fee_ok, long, long * 10)
    short = np.where(fee_ok, short, short * 10)

    loss = -revenue
    retreat = np.where(loss > 25, np.where(loss <= 25_000, np.minimum(max_target / 10, base * loss / 25),
                                           max_target / 10), 0.0)
    long = long + np.where(inv > 0, retreat, retreat / 2)
    short = short + np.where(inv < 0, retreat, retreat / 2)

    long = np.where(adjust != 0, np.maximum(long_floor, long * (1 + adjust / 100)), long)
    short = np.where(adjust != 0, np.maximum(short_floor, short * (1 + adjust / 100)), short)

    total = long + short
    over = total > max_target
    long_larger = long > short
    capped_long = np.where(long_larger, long * max_target / np.maximum(total, 1e-300), 0.0)
    capped_short = np.where(long_larger, 0.0, short * max_target / np.maximum(total, 1e-300))
    capped_long = np.where(long_larger, capped_long, max_target - capped_short)
    capped_short = np.where(long_larger, max_target - capped_long, capped_short)
    long = np.where(over, capped_long, long)
    short = np.where(over, capped_short, short)
    return v.scalar_or_array(long), v.scalar_or_array(short)
