"""Each BAL closed form in driftlab.symbolic.bal, lambdified, equals the human layer (driftlab.bal)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from driftlab import bal
from driftlab.symbolic import bal as sym

RNG = np.random.default_rng(10)
N = 200
L = RNG.uniform(0.1, 500.0, N)
PEG = RNG.uniform(1.0, 200.0, N)
P0 = RNG.uniform(1.0, 200.0, N)
P = P0 * RNG.uniform(0.3, 3.0, N)
PHI = RNG.uniform(0.1, 1.0, N)
TURNOVER = RNG.uniform(1.0, 20.0, N)


def test_reserves_at_a_price_are_on_the_curve() -> None:
    steps = dict(sym.lp_position_derivation())
    x = sym.bal_symbols()
    b, q = steps["base reserve at price P"], steps["quote reserve at price P"]
    assert sp.simplify(b * q - x.s**2) == 0
    assert sp.simplify(x.peg * q / b - x.P) == 0


def test_lp_position_matches_human_layer() -> None:
    base, quote = sym.lp_position()
    f_base = sym.lambdify(base, "L", "peg", "P0", "P")
    f_quote = sym.lambdify(quote, "L", "peg", "P0", "P")
    human_base, human_quote = bal.lp_position(P, P0, L, PEG)
    assert np.allclose(f_base(L, PEG, P0, P), human_base, rtol=1e-12, atol=1e-12)
    assert np.allclose(f_quote(L, PEG, P0, P), human_quote, rtol=1e-12, atol=1e-9)


def test_inventory_loss_matches_human_layer() -> None:
    f = sym.lambdify(sym.inventory_loss(), "L", "peg", "P0", "P")
    assert np.allclose(f(L, PEG, P0, P), bal.inventory_loss(P, P0, L, PEG), rtol=1e-9, atol=1e-9)
    x = sym.bal_symbols()
    assert sp.simplify(sym.inventory_loss().subs(x.P, x.P0)) == 0  # no move, no loss


def test_break_even_fee_rate_matches_human_layer() -> None:
    f = sym.lambdify(sym.break_even_fee_rate(), "P0", "P", "phi", "t")
    assert np.allclose(f(P0, P, PHI, TURNOVER), bal.break_even_fee_rate(P, P0, PHI, TURNOVER), rtol=1e-12)


def test_break_even_rate_makes_fees_equal_the_loss() -> None:
    x = sym.bal_symbols()
    fees = x.phi * sym.break_even_fee_rate() * x.t * sym.lp_volume()
    value = {x.L: 3, x.peg: 7, x.P0: 5, x.P: 11, x.phi: sp.Rational(4, 5), x.t: 2}
    assert sp.simplify((fees - sym.inventory_loss()).subs(value)) == 0


def test_lambdify_rejects_unknown_names() -> None:
    import pytest

    with pytest.raises(ValueError, match="BAL symbols"):
        sym.lambdify(sym.inventory_loss(), "nope")
