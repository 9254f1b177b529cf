"""Funding and P&L settlement in closed form: the rate with its offset and clamp, the TWAP as an exponentially
weighted average, the capped funding split, and the settleable P&L.

Each is checked equal to :mod:`driftlab.funding` / :mod:`driftlab.pnl` in ``tests/test_symbolic_funding.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sympy as sp

__all__ = [
    "FundingSymbols",
    "capped_receiving_rate",
    "clamp_per_period",
    "funding_rate",
    "funding_rate_piecewise",
    "funding_rate_usd",
    "funding_symbols",
    "lambdify",
    "offset_apr",
    "settleable_pnl",
    "twap_after_steps",
    "twap_half_life",
    "twap_update",
    "unclamped_funding_rate",
]

OFFSET_DENOMINATOR = 5000  # FUNDING_RATE_OFFSET_DENOMINATOR


class FundingSymbols(NamedTuple):
    """Symbols of funding, TWAPs and settlement (prices, sizes and periods positive; P&L real)."""

    M: sp.Symbol  # mark TWAP
    O: sp.Symbol  # oracle TWAP  # noqa: E741
    d: sp.Symbol  # clamp divisor (33, 20 or 10)
    n: sp.Symbol  # funding periods per day (24)
    T: sp.Symbol  # last TWAP
    p: sp.Symbol  # new price observation
    s: sp.Symbol  # seconds since the last observation
    P: sp.Symbol  # TWAP period (s)
    k: sp.Symbol  # number of equal steps
    r: sp.Symbol  # funding rate, USD per base per period (positive: longs pay)
    L: sp.Symbol  # long open interest (base)
    S: sp.Symbol  # short open interest (base)
    F: sp.Symbol  # fee pool (USD)
    c: sp.Symbol  # cap fraction of the fee pool (1/3)
    U: sp.Symbol  # a position's unrealised P&L (USD)
    R: sp.Symbol  # its realised, unsettled P&L: quote - quote_entry (USD)
    B: sp.Symbol  # the P&L pool's balance (USD)
    N: sp.Symbol  # all users' net P&L (USD)


def funding_symbols() -> FundingSymbols:
    """The symbols; prices, periods, sizes and pools positive, P&L and the rate real, ``k`` a positive integer."""
    import sympy as sp

    pos = {"positive": True}
    real = {"real": True}
    return FundingSymbols(
        M=sp.Symbol("M", **pos), O=sp.Symbol("O", **pos), d=sp.Symbol("d", **pos), n=sp.Symbol("n", **pos),
        T=sp.Symbol("T", **pos), p=sp.Symbol("p", **pos), s=sp.Symbol("s", **pos), P=sp.Symbol("P", **pos),
        k=sp.Symbol("k", integer=True, positive=True), r=sp.Symbol("r", **pos), L=sp.Symbol("L", **pos),
        S=sp.Symbol("S", **pos), F=sp.Symbol("F", **pos), c=sp.Symbol("c", **pos), U=sp.Symbol("U", **real),
        R=sp.Symbol("R", **real), B=sp.Symbol("B", **pos), N=sp.Symbol("N", **real),
    )


def _daily_spread() -> sp.Expr:
    import sympy as sp

    x = funding_symbols()
    return x.M - x.O + sp.Abs(x.O) / OFFSET_DENOMINATOR


def funding_rate_usd() -> sp.Expr:
    """``min(max(M - O + |O|/5000, -O/d), O/d) / n``: USD per base per period, as the program stores it."""
    import sympy as sp

    x = funding_symbols()
    bound = x.O / x.d
    return sp.Min(sp.Max(_daily_spread(), -bound), bound) / x.n


def funding_rate() -> sp.Expr:
    """The rate as a fraction of the oracle TWAP per period: :func:`funding_rate_usd` over ``O``."""
    x = funding_symbols()
    return funding_rate_usd() / x.O


def unclamped_funding_rate() -> sp.Expr:
    """``(M - O + O/5000) / (O n) = (M/O - 1)/n + 1/(5000 n)``: the docs' form plus the offset."""
    import sympy as sp

    x = funding_symbols()
    return sp.expand(_daily_spread() / (x.O * x.n))


def funding_rate_piecewise() -> sp.Piecewise:
    """The fractional rate's three regimes: pinned at ``-1/(d n)``, linear, pinned at ``+1/(d n)``.

    The clamp is on ``M - O + O/5000``, so in mark/oracle terms the linear regime is
    ``1 - 1/d - 1/5000 <= M/O <= 1 + 1/d - 1/5000``: the offset shifts the whole window down.
    """
    import sympy as sp

    x = funding_symbols()
    ratio_low = 1 - 1 / x.d - sp.Rational(1, OFFSET_DENOMINATOR)
    ratio_high = 1 + 1 / x.d - sp.Rational(1, OFFSET_DENOMINATOR)
    return sp.Piecewise((-1 / (x.d * x.n), x.M / x.O < ratio_low), (1 / (x.d * x.n), x.M / x.O > ratio_high),
                        (unclamped_funding_rate(), True))


def clamp_per_period() -> sp.Expr:
    """The largest fractional rate per period, ``1/(d n)``: 1/33/24 = 0.12626% an hour for tiers A and B."""
    x = funding_symbols()
    return 1 / (x.d * x.n)


def offset_apr() -> sp.Expr:
    """The offset's annual rate: ``(O/5000)/O`` a day, times 365.25 days: 1461/20000 = 7.305%."""
    import sympy as sp

    x = funding_symbols()
    per_period = (sp.Abs(x.O) / OFFSET_DENOMINATOR) / (x.O * x.n)
    return sp.nsimplify(sp.simplify(per_period * x.n * sp.Rational(36525, 100)))


def twap_update() -> sp.Piecewise:
    """``(p s + T max(1, P - s)) / (s + max(1, P - s))``: ``T + (s/P)(p - T)`` within a period."""
    import sympy as sp

    x = funding_symbols()
    within = sp.simplify((x.p * x.s + x.T * (x.P - x.s)) / x.P)
    beyond = (x.p * x.s + x.T) / (x.s + 1)
    return sp.Piecewise((within, x.s <= x.P - 1), (beyond, True))


def twap_after_steps() -> sp.Expr:
    """The TWAP after ``k`` equal steps of ``s < P`` seconds at a constant price ``p``, from ``T``.

    Solved from the recurrence ``x(k+1) = (1 - s/P) x(k) + (s/P) p``, ``x(0) = T`` with ``rsolve``:
    ``p + (T - p) (1 - s/P)**k``: the gap to the price decays geometrically, the exponentially weighted form.
    """
    import sympy as sp

    x = funding_symbols()
    f = sp.Function("x")
    weight = x.s / x.P
    solution = sp.rsolve(f(x.k + 1) - (1 - weight) * f(x.k) - weight * x.p, f(x.k), {f(0): x.T})
    # rsolve returns it over P**k (which overflows numerically); state it in the geometric form, checked equal
    geometric = x.p + (x.T - x.p) * (1 - weight) ** x.k
    if sp.simplify(solution - geometric) != 0:  # pragma: no cover - a sympy regression
        raise ArithmeticError(f"rsolve gave {solution}, not the geometric form")
    return geometric


def twap_half_life() -> sp.Expr:
    """Seconds until half of a price gap is absorbed, with observations every ``s`` seconds:
    ``s * log(1/2) / log(1 - s/P)``, which tends to ``P ln 2`` as ``s -> 0``."""
    import sympy as sp

    x = funding_symbols()
    steps = sp.log(sp.Rational(1, 2)) / sp.log(1 - x.s / x.P)
    return x.s * steps


def capped_receiving_rate() -> sp.Expr:
    """The receiving side's rate when the AMM's subsidy is capped (rate ``r > 0``: longs ``L`` pay, shorts
    ``S`` receive): what the longs pay plus ``c F``, shared over the shorts, ``(r L + c F) / S``."""
    x = funding_symbols()
    return (x.r * x.L + x.c * x.F) / x.S


def settleable_pnl() -> sp.Piecewise:
    """What ``settle_pnl`` pays a position with unrealised P&L ``U`` now (fee pool ``F`` buffered at 1/5):

    ``min(U, max(R, 0) + excess, B)`` for a gain, with ``excess = B + F/5 - max(N, 0)`` when ``N < B + F/5``
    (else 0); a loss ``U`` settles whole.
    """
    import sympy as sp

    x = funding_symbols()
    available = x.B + x.F / 5
    excess = sp.Piecewise((available - sp.Max(x.N, 0), x.N < available), (0, True))
    return sp.Piecewise((sp.Min(x.U, sp.Max(x.R, 0) + excess, x.B), x.U > 0), (x.U, True))


def lambdify(expr: sp.Expr, *names: str) -> Callable[..., Any]:
    """A numpy function of the named funding symbols, e.g. ``lambdify(funding_rate(), "M", "O", "d", "n")``."""
    import sympy as sp

    x = funding_symbols()._asdict()
    unknown = [name for name in names if name not in x]
    if unknown:
        raise ValueError(f"names must be funding symbols ({', '.join(x)}), got {unknown}")
    return sp.lambdify([x[name] for name in names], expr, modules="numpy")
