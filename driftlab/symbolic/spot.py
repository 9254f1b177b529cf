"""Spot lending's closed forms: the multi-kink borrow curve, the deposit rate, compounding, parameter design.

Each is checked equal to :mod:`driftlab.spot` in ``tests/test_symbolic_spot.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sympy as sp

__all__ = [
    "SpotSymbols",
    "apy_continuous",
    "apy_per_update",
    "borrow_rate_curve",
    "borrow_rate_two_slope",
    "compounding_gap",
    "deposit_rate_curve",
    "index_growth",
    "lambdify",
    "solve_max_borrow_rate",
    "solve_optimal_borrow_rate",
    "spot_symbols",
]

# INTEREST_RATE_SEGMENT_AND_WEIGHTS as exact rationals: (segment end, weight per mille)
_SEGMENTS = ((850, 50), (900, 100), (950, 150), (990, 200), (995, 250), (1000, 250))


class SpotSymbols(NamedTuple):
    """Symbols of the spot curve (all positive or non-negative reals)."""

    U: sp.Symbol  # utilization
    U_opt: sp.Symbol  # optimal utilization
    R_opt: sp.Symbol  # optimal borrow rate
    R_max: sp.Symbol  # max borrow rate
    R_min: sp.Symbol  # min borrow rate
    f: sp.Symbol  # insurance fund's total_factor
    T: sp.Symbol  # target deposit rate
    r: sp.Symbol  # an annual rate (APR)
    n: sp.Symbol  # compounding periods per year
    t: sp.Symbol  # elapsed time (s)
    dt: sp.Symbol  # seconds between interest updates


def spot_symbols() -> SpotSymbols:
    """The spot symbols; ``U_opt``, ``n``, ``dt`` positive, the rest non-negative."""
    import sympy as sp

    nn = {"nonnegative": True, "real": True}
    pos = {"positive": True}
    return SpotSymbols(
        U=sp.Symbol("U", **nn), U_opt=sp.Symbol("U^*", **pos), R_opt=sp.Symbol("R_opt", **nn),
        R_max=sp.Symbol("R_max", **nn), R_min=sp.Symbol("R_min", **nn), f=sp.Symbol("f", **nn),
        T=sp.Symbol("T", **nn), r=sp.Symbol("r", **nn), n=sp.Symbol("n", **pos), t=sp.Symbol("t", **nn),
        dt=sp.Symbol("Delta_t", **pos))


ONE_YEAR = 31_536_000


def _optimal(optimal_utilization: Any) -> sp.Expr:
    """``U_opt`` as a symbol, or a number (as an exact rational) checked to be in (0, 0.85]."""
    import sympy as sp

    x = spot_symbols()
    if optimal_utilization is None:
        return x.U_opt
    value = sp.nsimplify(optimal_utilization, rational=True)
    if not 0 < value <= sp.Rational(85, 100):
        raise ValueError("optimal_utilization must be in (0, 0.85] for the closed form: above the first kink "
                         f"(0.85) the program's curve fails above optimal (MathError), got {optimal_utilization}")
    return value


def borrow_rate_curve(optimal_utilization: Any = None, *, with_min: bool = True) -> sp.Expr:
    """The current borrow curve ``R(U)`` as a ``Piecewise``: linear to ``U*``, then the six kinks.

    Segment ``i`` runs from ``start_i`` (``U*`` for the first, else the previous end) to ``end_i`` and adds
    ``(R_max - R_opt) * w_i`` pro rata, after the full shares of the segments before it. Assumes
    ``U* <= 0.85`` (pass a number to check it); undefined (nan) above 1. ``with_min`` wraps it in
    ``Max(R_min, ...)``.
    """
    import sympy as sp

    x = spot_symbols()
    u_opt = _optimal(optimal_utilization)
    extra = x.R_max - x.R_opt
    pieces: list[tuple[sp.Expr, Any]] = [(x.R_opt * x.U / u_opt, x.U <= u_opt)]
    start: sp.Expr = u_opt
    done = sp.Integer(0)
    for end_milli, weight in _SEGMENTS:
        end = sp.Rational(end_milli, 1000)
        share = sp.Rational(weight, 1000)
        if not (start.is_number and start == end):  # a zero-width first segment (U* = 0.85) only adds its share
            pieces.append((x.R_opt + extra * (done + share * (x.U - start) / (end - start)), x.U <= end))
        done += share
        start = end
    curve = sp.Piecewise(*pieces, evaluate=False)  # keep the last two (equal-slope) segments apart
    return sp.Max(x.R_min, curve) if with_min else curve


def borrow_rate_two_slope(optimal_utilization: Any = None) -> sp.Expr:
    """The pre-May-2025 curve: ``R_opt U/U*`` below optimal, ``R_opt + (R_max - R_opt)(U - U*)/(1 - U*)`` above,
    at least ``R_min``."""
    import sympy as sp

    x = spot_symbols()
    u_opt = x.U_opt if optimal_utilization is None else sp.nsimplify(optimal_utilization, rational=True)
    curve = sp.Piecewise((x.R_opt * x.U / u_opt, x.U <= u_opt),
                         (x.R_opt + (x.R_max - x.R_opt) * (x.U - u_opt) / (1 - u_opt), x.U <= 1))
    return sp.Max(x.R_min, curve)


def deposit_rate_curve(optimal_utilization: Any = None, *, with_min: bool = True) -> sp.Expr:
    """Depositors' rate: ``R(U) * U * (1 - f)``, the borrowers' interest spread over deposits less the
    insurance take ``f``."""
    x = spot_symbols()
    return borrow_rate_curve(optimal_utilization, with_min=with_min) * x.U * (1 - x.f)


def apy_per_update() -> sp.Expr:
    """APY of an APR ``r`` compounded ``n`` times a year: ``(1 + r/n)**n - 1``."""
    x = spot_symbols()
    return (1 + x.r / x.n) ** x.n - 1


def apy_continuous() -> sp.Expr:
    """The limit of :func:`apy_per_update` as ``n -> oo``, computed: ``exp(r) - 1``."""
    import sympy as sp

    x = spot_symbols()
    return sp.limit(apy_per_update(), x.n, sp.oo)


def compounding_gap(order: int = 2) -> sp.Expr:
    """Continuous minus per-update APY as a series in ``1/n``: leading term ``r**2 exp(r) / (2 n)``."""
    import sympy as sp

    x = spot_symbols()
    eps = sp.Symbol("epsilon", positive=True)
    gap = sp.exp(x.r) - sp.exp(sp.log(1 + x.r * eps) / eps)
    series = sp.series(gap, eps, 0, order).removeO()
    return sp.simplify(series.subs(eps, 1 / x.n))


def index_growth(*, continuous: bool = False) -> sp.Expr:
    """Index growth over ``t`` seconds at rate ``r``: ``(1 + r dt/Y)**(t/dt)``, or ``exp(r t / Y)``."""
    import sympy as sp

    x = spot_symbols()
    year = sp.Integer(ONE_YEAR)
    if continuous:
        return sp.exp(x.r * x.t / year)
    return (1 + x.r * x.dt / year) ** (x.t / x.dt)


def _at(utilization: Any, optimal_utilization: Any) -> tuple[sp.Expr, sp.Expr]:
    """The deposit rate (no min rate) with ``U`` and ``U*`` substituted: a single branch, linear in the rates."""
    import sympy as sp

    x = spot_symbols()
    u = sp.nsimplify(utilization, rational=True)
    if not 0 < u <= 1:
        raise ValueError(f"utilization must be in (0, 1], got {utilization}")
    u_opt = _optimal(optimal_utilization)
    rate = sp.piecewise_fold(borrow_rate_curve(u_opt, with_min=False).subs(x.U, u))
    return sp.simplify(rate * u * (1 - x.f)), u_opt


def solve_optimal_borrow_rate(utilization: Any, optimal_utilization: Any) -> sp.Expr:
    """``R_opt`` for which depositors earn ``T`` at the given (numeric) utilization and ``U*``.

    Solves ``R(U) U (1 - f) = T`` on the branch holding ``U``: ``T U*/(U**2 (1 - f))`` at or below optimal,
    ``(T/(U(1-f)) - R_max W)/(1 - W)`` above it (``W`` the kink shares covered). An expression in ``T``, ``f``
    and ``R_max``; ignores the min rate.
    """
    import sympy as sp

    x = spot_symbols()
    deposit, _ = _at(utilization, optimal_utilization)
    (solution,) = sp.solve(sp.Eq(deposit, x.T), x.R_opt)
    return sp.simplify(solution)


def solve_max_borrow_rate(utilization: Any, optimal_utilization: Any) -> sp.Expr:
    """``R_max`` for which depositors earn ``T`` at a utilization above ``U*`` (below it ``R_max`` plays no part).

    An expression in ``T``, ``f`` and ``R_opt``; ignores the min rate.
    """
    import sympy as sp

    x = spot_symbols()
    deposit, u_opt = _at(utilization, optimal_utilization)
    if sp.nsimplify(utilization, rational=True) <= u_opt:
        raise ValueError("utilization must be above optimal_utilization: below it the rate does not depend on "
                         "max_borrow_rate")
    (solution,) = sp.solve(sp.Eq(deposit, x.T), x.R_max)
    return sp.simplify(solution)


def lambdify(expr: sp.Expr, *names: str) -> Callable[..., Any]:
    """A numpy function of the named spot symbols, e.g. ``lambdify(borrow_rate_curve(), "U", "U_opt", ...)``."""
    import sympy as sp

    x = spot_symbols()._asdict()
    unknown = [name for name in names if name not in x]
    if unknown:
        raise ValueError(f"names must be spot symbols ({', '.join(x)}), got {unknown}")
    return sp.lambdify([x[name] for name in names], expr, modules="numpy")
