"""The AMM's closed forms, derived from the constant-product invariant, the peg and the terminal reserves.

Each is checked equal to :mod:`driftlab.amm` in ``tests/test_symbolic.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sympy as sp

__all__ = [
    "AmmSymbols",
    "amm_symbols",
    "k_change_cost",
    "lambdify",
    "price_impact",
    "price_impact_derivation",
    "quote_for_base",
    "repeg_cost",
    "reserve_price",
    "solve_sqrt_k_for_impact",
    "terminal_price",
]


class AmmSymbols(NamedTuple):
    """Positive real symbols of the AMM: reserves, peg, a signed trade ``d``, net user base ``n``..."""

    B: sp.Symbol  # base asset reserve
    Q: sp.Symbol  # quote asset reserve
    peg: sp.Symbol  # peg multiplier
    new_peg: sp.Symbol  # peg after a repeg
    d: sp.Symbol  # signed base bought by the user (negative = sold)
    n: sp.Symbol  # users' net base position against the AMM
    s: sp.Symbol  # sqrt_k scale factor
    i: sp.Symbol  # target price impact (fraction)
    P: sp.Symbol  # reserve price


def amm_symbols() -> AmmSymbols:
    """The AMM's symbols (reserves, peg, scale and impact positive; ``d`` and ``n`` real)."""
    import sympy as sp

    pos = {"positive": True}
    return AmmSymbols(
        B=sp.Symbol("B", **pos), Q=sp.Symbol("Q", **pos), peg=sp.Symbol("peg", **pos),
        new_peg=sp.Symbol("peg_new", **pos), d=sp.Symbol("d", real=True), n=sp.Symbol("n", real=True),
        s=sp.Symbol("s", **pos), i=sp.Symbol("i", **pos), P=sp.Symbol("P", **pos),
    )


def reserve_price() -> sp.Expr:
    """``P = Q * peg / B``."""
    x = amm_symbols()
    return x.Q * x.peg / x.B


def quote_for_base() -> sp.Expr:
    """Quote paid for ``d`` base: the quote reserve moves from ``Q`` to ``k / (B - d)``, times the peg."""
    import sympy as sp

    x = amm_symbols()
    k = x.B * x.Q
    return sp.factor(sp.simplify(x.peg * (k / (x.B - x.d) - x.Q)))


def price_impact_derivation() -> list[tuple[str, sp.Expr]]:
    """The steps from ``k = B*Q`` to the price impact ``d / (B - d)``, as (label, expression) pairs."""
    import sympy as sp

    x = amm_symbols()
    k = x.B * x.Q
    new_quote = k / (x.B - x.d)
    cost = x.peg * (new_quote - x.Q)
    execution = sp.simplify(cost / x.d)
    impact = sp.simplify(execution / reserve_price() - 1)
    return [
        ("invariant k", k),
        ("quote reserve after buying d", new_quote),
        ("quote paid", sp.factor(sp.simplify(cost))),
        ("execution price", execution),
        ("price impact", impact),
    ]


def price_impact() -> sp.Expr:
    """Execution price over reserve price minus one: ``d / (B - d)``."""
    return price_impact_derivation()[-1][1]


def terminal_price() -> sp.Expr:
    """Reserve price after the net user position ``n`` is swapped back: ``k * peg / (B + n)**2``."""
    import sympy as sp

    x = amm_symbols()
    k = x.B * x.Q
    base_t = x.B + x.n
    return sp.simplify((k / base_t) * x.peg / base_t)


def repeg_cost() -> sp.Expr:
    """``(Q - Q_terminal) * (new_peg - peg)`` with ``Q_terminal = k / (B + n)``."""
    import sympy as sp

    x = amm_symbols()
    quote_terminal = x.B * x.Q / (x.B + x.n)
    return sp.factor(sp.simplify((x.Q - quote_terminal) * (x.new_peg - x.peg)))


def k_change_cost() -> sp.Expr:
    """The users' gain from scaling both reserves by ``s``: ``V(s) - V(1)`` with ``V(s) = peg*s*Q*n/(s*B + n)``."""
    import sympy as sp

    x = amm_symbols()

    def close_value(scale: sp.Expr) -> sp.Expr:
        base, quote = scale * x.B, scale * x.Q
        return x.peg * (quote - base * quote / (base + x.n))

    return sp.factor(sp.simplify(close_value(x.s) - close_value(sp.Integer(1))))


def solve_sqrt_k_for_impact() -> sp.Expr:
    """``sqrt_k`` for which buying ``d`` moves the price by ``i``, at reserve price ``P``.

    Solves ``d / (B - d) = i`` for ``B``; then ``Q = P*B/peg`` and ``sqrt_k = sqrt(B*Q)``.
    """
    import sympy as sp

    x = amm_symbols()
    (base,) = sp.solve(sp.Eq(price_impact(), x.i), x.B)
    quote = x.P * base / x.peg
    return sp.simplify(sp.sqrt(base * quote))


def lambdify(expr: sp.Expr, *names: str) -> Callable[..., Any]:
    """A numpy function of the named AMM symbols, e.g. ``lambdify(price_impact(), "B", "d")``."""
    import sympy as sp

    x = amm_symbols()._asdict()
    unknown = [name for name in names if name not in x]
    if unknown:
        raise ValueError(f"names must be AMM symbols ({', '.join(x)}), got {unknown}")
    return sp.lambdify([x[name] for name in names], expr, modules="numpy")
