"""Backstop AMM Liquidity's closed forms, derived from the constant-product curve and the pro-rata split.

An LP with ``L`` shares of a curve of depth ``s = sqrt_k`` (``L`` included) takes ``L / s`` of every fill. With
``B * Q = s**2`` and the reserve price ``P = peg * Q / B``, the reserves at price ``P`` are ``B = s*sqrt(peg/P)``
and ``Q = s*sqrt(P/peg)``; what users move the curve through, the LP takes a share of. Each form is checked equal
to :mod:`driftlab.bal` in ``tests/test_symbolic_bal.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sympy as sp

__all__ = [
    "BalSymbols",
    "bal_symbols",
    "break_even_fee_rate",
    "inventory_loss",
    "lambdify",
    "lp_position",
    "lp_position_derivation",
    "lp_volume",
]


class BalSymbols(NamedTuple):
    """Positive real symbols: depth, the LP's shares, peg, start and current price, fee rate, slice, turnover."""

    s: sp.Symbol  # sqrt_k (LP shares included)
    L: sp.Symbol  # the LP's shares
    peg: sp.Symbol  # peg multiplier
    P0: sp.Symbol  # reserve price when the LP starts
    P: sp.Symbol  # reserve price now
    r: sp.Symbol  # fee rate the market keeps (fraction of notional)
    phi: sp.Symbol  # the LPs' slice of that fee (0.8)
    t: sp.Symbol  # turnover: total volume over the one-way volume


def bal_symbols() -> BalSymbols:
    """The BAL symbols, all positive."""
    import sympy as sp

    names = BalSymbols._fields
    return BalSymbols(*(sp.Symbol(name, positive=True) for name in names))


def lp_position_derivation() -> list[tuple[str, sp.Expr]]:
    """From the invariant to the LP's base and quote, as (label, expression) pairs."""
    import sympy as sp

    x = bal_symbols()
    base_reserve = sp.Symbol("B", positive=True)
    quote_at_price = x.P * base_reserve / x.peg  # from P = peg * Q / B
    (b_of_p,) = sp.solve(sp.Eq(base_reserve * quote_at_price, x.s**2), base_reserve)  # B * Q = s**2
    q_of_p = sp.simplify(quote_at_price.subs(base_reserve, b_of_p))
    fraction = x.L / x.s
    lp_base = sp.simplify(fraction * (b_of_p - b_of_p.subs(x.P, x.P0)))
    lp_quote = sp.simplify(fraction * x.peg * (q_of_p - q_of_p.subs(x.P, x.P0)))
    return [
        ("base reserve at price P", b_of_p),
        ("quote reserve at price P", q_of_p),
        ("LP base (its share of the reserve change)", lp_base),
        ("LP quote", lp_quote),
    ]


def lp_position() -> tuple[sp.Expr, sp.Expr]:
    """``(base, quote)`` of the LP after the price moved from ``P0`` to ``P``."""
    steps = dict(lp_position_derivation())
    return steps["LP base (its share of the reserve change)"], steps["LP quote"]


def inventory_loss() -> sp.Expr:
    """``-(base * P + quote)``: ``L * sqrt(peg) * (sqrt(P) - sqrt(P0))**2 / sqrt(P0)``."""
    import sympy as sp

    x = bal_symbols()
    base, quote = lp_position()
    return sp.factor(sp.simplify(-(base * x.P + quote)))


def lp_volume() -> sp.Expr:
    """The LP's share of the users' notional for a one-way move: ``|quote|``."""
    import sympy as sp

    _, quote = lp_position()
    return sp.Abs(quote)


def break_even_fee_rate() -> sp.Expr:
    """Solve ``phi * r * t * volume = loss`` for ``r``: ``|sqrt(P/P0) - 1| / (phi * t)``.

    sympy's solution keeps ``(sqrt(P) - sqrt(P0))**2 / |sqrt(P) - sqrt(P0)|``; it is checked equal to the tidy
    form returned (a ``ValueError`` if the two ever differ).
    """
    import sympy as sp

    x = bal_symbols()
    (rate,) = sp.solve(sp.Eq(x.phi * x.r * x.t * lp_volume(), inventory_loss()), x.r)
    tidy = sp.Abs(sp.sqrt(x.P / x.P0) - 1) / (x.phi * x.t)
    if sp.simplify(rate - tidy) != 0:
        raise ValueError(f"the solved rate {rate} differs from {tidy}")
    return tidy


def lambdify(expr: sp.Expr, *names: str) -> Callable[..., Any]:
    """A numpy function of the named BAL symbols, e.g. ``lambdify(inventory_loss(), "L", "peg", "P0", "P")``."""
    import sympy as sp

    x = bal_symbols()._asdict()
    unknown = [name for name in names if name not in x]
    if unknown:
        raise ValueError(f"names must be BAL symbols ({', '.join(x)}), got {unknown}")
    return sp.lambdify([x[name] for name in names], expr, modules="numpy")
