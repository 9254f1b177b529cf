"""The JIT auction in closed form: the price as a function of the slot (a linear Dutch auction, both sides), its
slope, the taker's price improvement when a maker fills at slot ``s``, and the slot at which a maker's quote is
reached.

Each is checked equal to :mod:`driftlab.auction` in ``tests/test_symbolic_auction.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sympy as sp

__all__ = [
    "AuctionSymbols",
    "auction_price",
    "auction_price_derivation",
    "auction_slope",
    "auction_symbols",
    "lambdify",
    "price_improvement",
    "slot_for_price",
]


class AuctionSymbols(NamedTuple):
    """Symbols of an auction (slots non-negative, duration and prices positive, oracle offsets real)."""

    s: sp.Symbol  # slots since the order's slot
    D: sp.Symbol  # auction duration (slots)
    a: sp.Symbol  # auction start price (or offset)
    b: sp.Symbol  # auction end price (or offset)
    P: sp.Symbol  # a maker's quote
    o: sp.Symbol  # oracle price (oracle-offset auctions)


def auction_symbols() -> AuctionSymbols:
    """The auction's symbols: ``s`` non-negative, ``D`` positive, prices real (offsets may be negative)."""
    import sympy as sp

    return AuctionSymbols(s=sp.Symbol("s", nonnegative=True), D=sp.Symbol("D", positive=True),
                          a=sp.Symbol("a", real=True), b=sp.Symbol("b", real=True), P=sp.Symbol("P", real=True),
                          o=sp.Symbol("o", positive=True))


def auction_price_derivation() -> list[tuple[str, sp.Expr]]:
    """From "the price moves from start to end at a constant rate over D slots, then stays" to the price."""
    import sympy as sp

    x = auction_symbols()
    slope = (x.b - x.a) / x.D
    during = x.a + slope * x.s
    price = sp.Piecewise((during, x.s <= x.D), (x.b, True))
    return [
        ("rate per slot", slope),
        ("price during the auction", sp.expand(during)),
        ("at the end (s = D)", sp.simplify(during.subs(x.s, x.D))),
        ("auction price", price),
    ]


def auction_price() -> sp.Expr:
    """``a + (b - a) * s / D`` for ``s <= D``, then ``b``: the same line for longs (``a <= b``, rising) and shorts
    (``a >= b``, falling). For an oracle-offset auction ``a`` and ``b`` are offsets and the price is ``o`` plus it.
    """
    return auction_price_derivation()[-1][1]


def auction_slope() -> sp.Expr:
    """``dp/ds = (b - a) / D`` during the auction: positive for a long, negative for a short."""
    import sympy as sp

    x = auction_symbols()
    return sp.simplify(sp.diff(auction_price_derivation()[1][1], x.s))


def price_improvement(direction: str = "long") -> sp.Expr:
    """The taker's gain over the end price when a maker fills at slot ``s``: long ``b - p(s)``, short ``p(s) - b``,
    i.e. ``|b - a| * (1 - min(s, D)/D)``."""
    import sympy as sp

    x = auction_symbols()
    side = {"long": 1, "short": -1}.get(direction)
    if side is None:
        raise ValueError(f"direction must be 'long' or 'short', got {direction!r}")
    return sp.piecewise_fold(side * (x.b - auction_price()))


def slot_for_price() -> sp.Expr:
    """The slot at which the auction reaches a maker's quote ``P``: solve ``a + (b - a) s / D = P`` for ``s``.

    A maker asking ``P`` can fill a long once ``s >= D (P - a)/(b - a)``; bidding ``P`` a short, the same slot."""
    import sympy as sp

    x = auction_symbols()
    (slot,) = sp.solve(sp.Eq(auction_price_derivation()[1][1], x.P), x.s)
    return sp.simplify(slot)


def lambdify(expr: sp.Expr, *names: str) -> Callable[..., Any]:
    """A numpy function of the named auction symbols, e.g. ``lambdify(auction_price(), "s", "D", "a", "b")``."""
    import sympy as sp

    x = auction_symbols()._asdict()
    unknown = [name for name in names if name not in x]
    if unknown:
        raise ValueError(f"names must be auction symbols ({', '.join(x)}), got {unknown}")
    return sp.lambdify([x[name] for name in names], expr, modules="numpy")
