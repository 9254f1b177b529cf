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
    "sqrt_k_for_price_impact",
    "terminal_price",
]


def _reserves(base_reserve: ArrayLike, quote_reserve: ArrayLike, peg: ArrayLike) -> tuple[FloatArray, ...]:
    return (v.positive("base_reserve", base_reserve), v.positive("quote_reserve", quote_reserve),
            v.positive("peg", peg))


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
    return v.scalar_or_array(p * (1 - ss + off)), v.scalar_or_array(p * (1 + ls + off))


def optimal_peg(base_reserve: ArrayLike, quote_reserve: ArrayLike, target_price: ArrayLike) -> FloatArray | float:
    """The peg that puts the reserve price on ``target_price``: ``target * B / Q``.

    exact: ``calculate_peg_from_target_price``.
    """
    b = v.positive("base_reserve", base_reserve)
    q = v.positive("quote_reserve", quote_reserve)
    t = v.positive("target_price", target_price)
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
    b, n = v.broadcast(base_reserve=b, net_user_base=n)
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
    b = d * (1 + i) / i
    return v.scalar_or_array(b * np.sqrt(pr / p))
