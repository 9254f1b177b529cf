"""Each sympy closed form, lambdified, equals the human layer on sample points."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import driftlab.amm as amm
import driftlab.symbolic as sym

RNG = np.random.default_rng(7)
B = RNG.uniform(50, 500, 40)
Q = RNG.uniform(50, 500, 40)
PEG = RNG.uniform(0.5, 50_000, 40)
D = RNG.uniform(-0.4, 0.4, 40) * B
S = RNG.uniform(0.9, 1.1, 40)


def test_price_impact_derivation_ends_in_d_over_b_minus_d() -> None:
    x = sym.amm_symbols()
    assert sp.simplify(sym.price_impact() - x.d / (x.B - x.d)) == 0
    labels = [label for label, _ in sym.price_impact_derivation()]
    assert labels[0] == "invariant k" and labels[-1] == "price impact"


def test_price_impact_matches_human_layer() -> None:
    f = sym.lambdify(sym.price_impact(), "B", "d")
    assert np.allclose(f(B, D), amm.price_impact(B, D))


def test_quote_for_base_matches_human_layer() -> None:
    f = sym.lambdify(sym.quote_for_base(), "B", "Q", "peg", "d")
    assert np.allclose(f(B, Q, PEG, D), amm.quote_for_base(B, Q, D, PEG))


def test_reserve_and_terminal_price_match_human_layer() -> None:
    assert np.allclose(sym.lambdify(sym.reserve_price(), "B", "Q", "peg")(B, Q, PEG), amm.reserve_price(B, Q, PEG))
    f = sym.lambdify(sym.terminal_price(), "B", "Q", "peg", "n")
    assert np.allclose(f(B, Q, PEG, D), amm.terminal_price(B, Q, D, PEG))


def test_repeg_cost_matches_human_layer() -> None:
    new_peg = PEG * 1.01
    f = sym.lambdify(sym.repeg_cost(), "B", "Q", "n", "peg", "new_peg")
    assert np.allclose(f(B, Q, D, PEG, new_peg), amm.repeg_cost(B, Q, D, PEG, new_peg))


def test_k_change_cost_matches_human_layer_and_is_even_in_n() -> None:
    x = sym.amm_symbols()
    f = sym.lambdify(sym.k_change_cost(), "B", "Q", "n", "peg", "s")
    assert np.allclose(f(B, Q, D, PEG, S), amm.k_change_cost(B, Q, D, PEG, S))
    # the numerator carries n**2: the cost's sign is the sign of (s - 1), whatever the users' side
    numerator, _ = sp.fraction(sym.k_change_cost())
    assert sp.Poly(numerator, x.n).degree() == 2


def test_solved_sqrt_k_matches_human_layer() -> None:
    f = sym.lambdify(sym.solve_sqrt_k_for_impact(), "P", "peg", "d", "i")
    impact = RNG.uniform(1e-4, 0.05, 40)
    price = RNG.uniform(1, 1000, 40)
    size = np.abs(D) + 1
    assert np.allclose(f(price, PEG, size, impact), amm.sqrt_k_for_price_impact(price, PEG, size, impact))


def test_lambdify_rejects_unknown_symbol_names() -> None:
    with pytest.raises(ValueError, match="names"):
        sym.lambdify(sym.price_impact(), "not_a_symbol")
