"""Price bands in closed form: the fill-price band inequalities solved for the allowed fill range, and the maker
oracle band solved for the limit price at which a resting order is cancelled.

Each is checked equal to :mod:`driftlab.guards` in ``tests/test_symbolic_auction.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sympy as sp

__all__ = [
    "GuardSymbols",
    "fill_band",
    "fill_band_inequalities",
    "guard_symbols",
    "lambdify",
    "maker_band",
]


class GuardSymbols(NamedTuple):
    """Symbols of the price bands (prices and fractions positive)."""

    f: sp.Symbol  # fill price (or a maker's limit price)
    o: sp.Symbol  # oracle price
    t: sp.Symbol  # 5-minute oracle TWAP
    m: sp.Symbol  # margin_ratio_initial (fraction)
    d: sp.Symbol  # oracle_twap_5min_percent_divergence (fraction)


def guard_symbols() -> GuardSymbols:
    """The symbols, all positive."""
    import sympy as sp

    return GuardSymbols(*(sp.Symbol(name, positive=True) for name in ("f", "o", "t", "m", "d")))


def fill_band_inequalities() -> list[sp.Rel]:
    """The program's two band conditions on a fill price: ``|f - o| < m o`` and ``|f - t| < d t``."""
    import sympy as sp

    x = guard_symbols()
    return [sp.Abs(x.f - x.o) < x.m * x.o, sp.Abs(x.f - x.t) < x.d * x.t]


def fill_band() -> tuple[sp.Expr, sp.Expr]:
    """``(low, high)``: each inequality solved for ``f`` is an open interval around its centre, and the band is
    their intersection ``(max(o(1-m), t(1-d)), min(o(1+m), t(1+d)))``."""
    import sympy as sp

    x = guard_symbols()
    intervals = []
    for inequality in fill_band_inequalities():
        solved = sp.solve_univariate_inequality(inequality, x.f, relational=False)
        intervals.append((sp.factor(solved.inf), sp.factor(solved.sup)))
    (low_o, high_o), (low_t, high_t) = intervals
    return sp.Max(low_o, low_t), sp.Min(high_o, high_t)


def maker_band(direction: str = "long") -> sp.Expr:
    """The limit at which a maker order breaches the oracle band: solve ``(f - o)/o = m`` (bids) or
    ``(o - f)/o = m`` (asks) for ``f``: ``o (1 + m)`` or ``o (1 - m)``; at or beyond it the order is cancelled."""
    import sympy as sp

    x = guard_symbols()
    side = {"long": 1, "short": -1}.get(direction)
    if side is None:
        raise ValueError(f"direction must be 'long' or 'short', got {direction!r}")
    (limit,) = sp.solve(sp.Eq(side * (x.f - x.o) / x.o, x.m), x.f)
    return sp.factor(limit)


def lambdify(expr: sp.Expr, *names: str) -> Callable[..., Any]:
    """A numpy function of the named guard symbols, e.g. ``lambdify(fill_band()[1], "o", "t", "m", "d")``."""
    import sympy as sp

    x = guard_symbols()._asdict()
    unknown = [name for name in names if name not in x]
    if unknown:
        raise ValueError(f"names must be guard symbols ({', '.join(x)}), got {unknown}")
    return sp.lambdify([x[name] for name in names], expr, modules="numpy")
