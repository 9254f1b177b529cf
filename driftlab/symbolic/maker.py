"""The maker score in one bracket, and where a maker's next unit of size earns most, derived in sympy.

For one side of one bracket, a maker quoting ``l`` (base units) next to others' ``o``, with weight ``w``, the
minimum-depth floor ``f`` (``$5,000 / price``) and the scale ``c`` (100), scores

    S(l) = c · w · l / max(l + o, f)

(every preset's per-side term when the book is symmetric and ``Q`` is the bracket's own; see
:func:`driftlab.maker.bracket_score`). Below the floor ``S`` is linear; above it, concave with a falling marginal
score, so a fixed inventory is best spread so that every used bracket's marginal score is equal ("water
filling", :func:`driftlab.maker.optimal_allocation`). Each form is checked against the human layer in
``tests/test_symbolic_maker.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sympy as sp

__all__ = [
    "MakerSymbols",
    "bracket_score",
    "bracket_score_above_floor",
    "budget_split",
    "concavity",
    "entry_threshold",
    "lambdify",
    "maker_symbols",
    "marginal_score",
    "optimal_size",
    "score_cap",
]


class MakerSymbols(NamedTuple):
    """Positive real symbols: sizes in base units, the weight, floor, scale, shadow price and budget."""

    l: sp.Symbol  # noqa: E741 - the maker's size in the bracket (the docs' l)
    o: sp.Symbol  # the other makers' size in the bracket
    w: sp.Symbol  # the bracket's weight (depth multiplier)
    f: sp.Symbol  # the floor: min depth in base units ($5,000 / price)
    c: sp.Symbol  # the scale (100)
    lam: sp.Symbol  # the shadow price of one more unit of inventory (lambda)
    X: sp.Symbol  # the inventory budget per side
    w1: sp.Symbol
    w2: sp.Symbol
    o1: sp.Symbol
    o2: sp.Symbol


def maker_symbols() -> MakerSymbols:
    """The symbols, all positive (``l`` non-negative)."""
    import sympy as sp

    pos = {"positive": True}
    return MakerSymbols(
        l=sp.Symbol("l", nonnegative=True), o=sp.Symbol("o", **pos), w=sp.Symbol("w", **pos),
        f=sp.Symbol("f", **pos), c=sp.Symbol("c", **pos), lam=sp.Symbol("lambda", **pos), X=sp.Symbol("X", **pos),
        w1=sp.Symbol("w_1", **pos), w2=sp.Symbol("w_2", **pos), o1=sp.Symbol("o_1", **pos),
        o2=sp.Symbol("o_2", **pos),
    )


def bracket_score() -> sp.Expr:
    """``c·w·l / max(l + o, f)`` as a piecewise expression: linear below the floor, ``c·w·l/(l + o)`` above."""
    import sympy as sp

    x = maker_symbols()
    q = sp.Max(x.l + x.o, x.f)
    score = x.c * x.w * x.l / q
    return sp.piecewise_fold(score.rewrite(sp.Piecewise))


def bracket_score_above_floor() -> sp.Expr:
    """The maker's share of the bracket, weighted: ``c·w·l/(l + o)`` (when ``l + o >= f``)."""
    x = maker_symbols()
    return x.c * x.w * x.l / (x.l + x.o)


def marginal_score() -> sp.Expr:
    """``dS/dl`` above the floor: ``c·w·o/(l + o)²`` (below the floor it is the constant ``c·w/f``)."""
    import sympy as sp

    x = maker_symbols()
    return sp.factor(sp.diff(bracket_score_above_floor(), x.l))


def concavity() -> sp.Expr:
    """``d²S/dl²`` above the floor: ``−2·c·w·o/(l + o)³ < 0``, so every extra unit earns less than the last."""
    import sympy as sp

    x = maker_symbols()
    return sp.factor(sp.diff(bracket_score_above_floor(), x.l, 2))


def score_cap() -> sp.Expr:
    """``lim S`` as ``l → ∞``: ``c·w``; a bracket can never pay more than its weight times the scale."""
    import sympy as sp

    x = maker_symbols()
    return sp.limit(bracket_score_above_floor(), x.l, sp.oo)


def optimal_size() -> sp.Expr:
    """The size at which the bracket's marginal score falls to ``λ``: ``√(c·w·o/λ) − o``.

    With a fixed budget spread over brackets, every bracket in use ends at the same ``λ`` (else moving a unit
    from the lower to the higher marginal score would raise the total), and one is used only while its marginal
    score at zero, ``c·w/o``, beats ``λ``.
    """
    import sympy as sp

    x = maker_symbols()
    solutions = sp.solve(sp.Eq(marginal_score(), x.lam), x.l)
    (positive,) = [s for s in solutions if s.subs({x.c: 1, x.w: 4, x.o: 1, x.lam: 1}) > 0]
    return sp.simplify(positive)


def entry_threshold() -> sp.Expr:
    """How much a maker puts in bracket 1 before bracket 2 is worth entering: the ``l`` where bracket 1's marginal
    score ``c·w₁·o₁/(l + o₁)²`` falls to bracket 2's at zero, ``c·w₂/o₂``: ``√(w₁·o₁·o₂/w₂) − o₁``."""
    import sympy as sp

    x = maker_symbols()
    marginal_1 = marginal_score().subs({x.w: x.w1, x.o: x.o1})
    solutions = sp.solve(sp.Eq(marginal_1, x.c * x.w2 / x.o2), x.l)
    (positive,) = [s for s in solutions if s.subs({x.c: 1, x.w1: 4, x.w2: 1, x.o1: 1, x.o2: 1}) > 0]
    return sp.simplify(positive)


def budget_split() -> tuple[sp.Expr, sp.Expr]:
    """The budget ``X`` split over two brackets (both used, both above the floor): equal marginal scores and
    ``x₁ + x₂ = X`` give ``x_i = √(w_i·o_i)·(X + o₁ + o₂)/(√(w₁·o₁) + √(w₂·o₂)) − o_i``."""
    import sympy as sp

    x = maker_symbols()
    root_1, root_2 = optimal_size().subs({x.w: x.w1, x.o: x.o1}), optimal_size().subs({x.w: x.w2, x.o: x.o2})
    (lam,) = sp.solve(sp.Eq(root_1 + root_2, x.X), x.lam)
    return sp.simplify(root_1.subs(x.lam, lam)), sp.simplify(root_2.subs(x.lam, lam))


def lambdify(expr: sp.Expr, *names: str) -> Callable[..., Any]:
    """A numpy function of the named symbols (``l, o, w, f, c, lam, X, w1, w2, o1, o2``)."""
    import sympy as sp

    x = maker_symbols()._asdict()
    unknown = [name for name in names if name not in x]
    if unknown:
        raise ValueError(f"names must be maker symbols ({', '.join(x)}), got {unknown}")
    return sp.lambdify([x[name] for name in names], expr, modules="numpy")
