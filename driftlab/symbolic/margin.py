"""Margin closed forms, derived in sympy: IMF weights, where the premium binds, liquidation prices, IMF design.

Natural units as in :mod:`driftlab.margin` (fractions, base units, USD); the ``*_program_units`` forms are the
program's integer formulas read as real arithmetic (``W`` weight in 1e4, ``S`` size in 1e9, ``IMF`` in 1e6), and
:func:`program_units_to_natural` turns one into the other. Each form is checked against the human layer in
``tests/test_symbolic_margin.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sympy as sp

__all__ = [
    "MarginSymbols",
    "asset_weight",
    "asset_weight_docs",
    "asset_weight_program_units",
    "discount_binding_size",
    "first_order_gap_in_profit",
    "liability_weight",
    "liability_weight_program_units",
    "liquidation_price",
    "liquidation_price_derivation",
    "liquidation_price_first_order",
    "liquidation_price_in_profit",
    "margin_lambdify",
    "margin_symbols",
    "premium_binding_size",
    "program_units_to_natural",
    "solve_imf_factor",
]


class MarginSymbols(NamedTuple):
    """Symbols of the margin forms (all positive reals)."""

    w: sp.Symbol  # weight or margin ratio (fraction)
    imf: sp.Symbol  # imf factor (fraction)
    s: sp.Symbol  # size (base units or tokens)
    W: sp.Symbol  # weight in SPOT_WEIGHT_PRECISION (1e4)
    S: sp.Symbol  # size in AMM_RESERVE_PRECISION (1e9)
    IMF: sp.Symbol  # imf factor in SPOT_IMF_PRECISION (1e6)
    mr: sp.Symbol  # maintenance margin ratio at the position's size
    b: sp.Symbol  # |base| of the perp position
    E: sp.Symbol  # entry price
    P: sp.Symbol  # oracle price
    P0: sp.Symbol  # current oracle price
    C: sp.Symbol  # the account's other collateral (USD, net of other requirements)
    u: sp.Symbol  # maintenance weight of positive unrealized P&L
    N: sp.Symbol  # notional (USD)
    target: sp.Symbol  # target margin ratio


def margin_symbols() -> MarginSymbols:
    """The margin forms' symbols."""
    import sympy as sp

    names = MarginSymbols._fields
    return MarginSymbols(*(sp.Symbol(name, positive=True) for name in names))


def liability_weight() -> sp.Expr:
    """``max(w, 0.8*w + imf*sqrt(s))``: the size premium (also the perp margin ratio)."""
    import sympy as sp

    x = margin_symbols()
    return sp.Max(x.w, sp.Rational(4, 5) * x.w + x.imf * sp.sqrt(x.s))


def liability_weight_program_units() -> sp.Expr:
    """The program's ``max(W, W - W/5 + isqrt(10*S + 1) * IMF / 1e7)``, read as real arithmetic.

    ``1e7 = 1e5 * SPOT_IMF_PRECISION / SPOT_WEIGHT_PRECISION``.
    """
    import sympy as sp

    x = margin_symbols()
    return sp.Max(x.W, x.W - x.W / 5 + sp.sqrt(10 * x.S + 1) * x.IMF / 10**7)


def asset_weight() -> sp.Expr:
    """``min(w, 1.1 / (1 + imf*sqrt(s)))``: the size discount."""
    import sympy as sp

    x = margin_symbols()
    return sp.Min(x.w, sp.Rational(11, 10) / (1 + x.imf * sp.sqrt(x.s)))


def asset_weight_program_units() -> sp.Expr:
    """The program's ``min(W, 1.1e6 * 1e4 / (1e6 + isqrt(10*S + 1) * IMF / 1e5))``, read as real arithmetic."""
    import sympy as sp

    x = margin_symbols()
    return sp.Min(x.W, sp.Integer(11 * 10**9) / (10**6 + sp.sqrt(10 * x.S + 1) * x.IMF / 10**5))


def asset_weight_docs() -> sp.Expr:
    """The docs' risk-parameters page: ``1.1 / (weight * sqrt(size) * imf_factor)`` (not what the program does)."""
    import sympy as sp

    x = margin_symbols()
    return sp.Rational(11, 10) / (x.w * sp.sqrt(x.s) * x.imf)


def program_units_to_natural(expr: sp.Expr) -> sp.Expr:
    """Program units to fractions: ``W = 1e4*w``, ``IMF = 1e6*imf``, ``S = (1e10*s - 1)/10`` and divide by 1e4.

    The size map absorbs the program's ``+1`` under the root (``10*S + 1 = 1e10*s``: ``s`` is the size plus one
    unit of 1e-10 base), so ``liability_weight_program_units()`` becomes exactly :func:`liability_weight` and
    ``asset_weight_program_units()`` exactly :func:`asset_weight`.
    """
    import sympy as sp

    x = margin_symbols()
    natural = expr.subs({x.W: 10**4 * x.w, x.S: (10**10 * x.s - 1) / 10, x.IMF: 10**6 * x.imf})
    if isinstance(natural, (sp.Max, sp.Min)):
        return natural.func(*(sp.simplify(arg / 10**4) for arg in natural.args))
    return sp.simplify(natural / 10**4)


def premium_binding_size() -> sp.Expr:
    """Size where the premium starts to bind: solve ``0.8*w + imf*sqrt(s) = w`` for ``s``: ``w**2/(25*imf**2)``."""
    import sympy as sp

    x = margin_symbols()
    (solution,) = sp.solve(sp.Eq(sp.Rational(4, 5) * x.w + x.imf * sp.sqrt(x.s), x.w), x.s)
    return sp.simplify(solution)


def discount_binding_size() -> sp.Expr:
    """Size where the discount starts to bind: solve ``1.1 / (1 + imf*sqrt(s)) = w`` for ``s``."""
    import sympy as sp

    x = margin_symbols()
    (solution,) = sp.solve(sp.Eq(sp.Rational(11, 10) / (1 + x.imf * sp.sqrt(x.s)), x.w), x.s)
    return sp.simplify(solution)


def solve_imf_factor() -> sp.Expr:
    """The imf factor giving margin ratio ``target`` at notional ``N`` and price ``P`` for a base ratio ``w``:
    solve ``0.8*w + imf*sqrt(N/P) = target``."""
    import sympy as sp

    x = margin_symbols()
    (solution,) = sp.solve(sp.Eq(sp.Rational(4, 5) * x.w + x.imf * sp.sqrt(x.N / x.P), x.target), x.imf)
    return sp.simplify(solution)


def _side(side: str) -> int:
    if side not in ("long", "short"):
        raise ValueError(f"side must be 'long' or 'short', got {side!r}")
    return 1 if side == "long" else -1


def liquidation_price_derivation(side: str = "long") -> list[tuple[str, sp.Expr]]:
    """From ``collateral = requirement`` to the liquidation price of one perp position, as (label, expr) pairs.

    The account holds other collateral ``C`` (net of their requirements) and ``±b`` base entered at ``E``; below
    the entry a long's P&L ``b*(P - E)`` counts in full, and the requirement is ``mr * b * P``.
    """
    import sympy as sp

    x = margin_symbols()
    sign = _side(side)
    collateral = x.C + sign * x.b * (x.P - x.E)
    requirement = x.mr * x.b * x.P
    (price,) = sp.solve(sp.Eq(collateral, requirement), x.P)
    return [
        ("total collateral", collateral),
        ("maintenance requirement", requirement),
        ("liquidation price", sp.simplify(price)),
    ]


def liquidation_price(side: str = "long") -> sp.Expr:
    """``(b*E - C) / (b*(1 - mr))`` for a long, ``(b*E + C) / (b*(1 + mr))`` for a short."""
    return liquidation_price_derivation(side)[-1][1]


def liquidation_price_first_order(side: str = "long") -> sp.Expr:
    """The SDK's ``P0 - free_collateral / delta`` with ``delta = (1 - mr)*b`` (long) or ``(-1 - mr)*b`` (short).

    ``free_collateral`` is the excess at ``P0``. While the P&L weight is 1 this simplifies to
    :func:`liquidation_price` (the excess is linear in the price): the test checks the difference is 0.
    """
    import sympy as sp

    x = margin_symbols()
    sign = _side(side)
    free = x.C + sign * x.b * (x.P0 - x.E) - x.mr * x.b * x.P0
    delta = (sign - x.mr) * x.b
    return sp.simplify(x.P0 - free / delta)


def liquidation_price_in_profit() -> sp.Expr:
    """A long whose liquidation price is above its entry, with positive P&L weighed ``u``:
    solve ``C + u*b*(P - E) = mr*b*P``: ``(u*b*E - C) / (b*(u - mr))``."""
    import sympy as sp

    x = margin_symbols()
    (price,) = sp.solve(sp.Eq(x.C + x.u * x.b * (x.P - x.E), x.mr * x.b * x.P), x.P)
    return sp.simplify(price)


def first_order_gap_in_profit() -> sp.Expr:
    """Exact minus SDK liquidation price for that long (both above the entry): the SDK's slope ``(1 - mr)*b``
    ignores the P&L weight ``u``. Zero when ``u = 1``."""
    import sympy as sp

    x = margin_symbols()
    free = x.C + x.u * x.b * (x.P0 - x.E) - x.mr * x.b * x.P0
    first = x.P0 - free / ((1 - x.mr) * x.b)
    return sp.factor(sp.simplify(liquidation_price_in_profit() - first))


def margin_lambdify(expr: sp.Expr, *names: str) -> Callable[..., Any]:
    """A numpy function of the named margin symbols, e.g. ``margin_lambdify(liability_weight(), "s", "w", "imf")``."""
    import sympy as sp

    x = margin_symbols()._asdict()
    unknown = [name for name in names if name not in x]
    if unknown:
        raise ValueError(f"names must be margin symbols ({', '.join(x)}), got {unknown}")
    return sp.lambdify([x[name] for name in names], expr, modules="numpy")
