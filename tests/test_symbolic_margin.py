"""The margin closed forms (driftlab.symbolic.margin), lambdified, equal the human layer on sample points."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import driftlab.liquidation as lq
import driftlab.margin as mg
from driftlab.symbolic import margin as sym

RNG = np.random.default_rng(3)
N = 60
SIZE = 10 ** RNG.uniform(-2, 8, N)
IMF = RNG.uniform(0, 0.01, N)
LW = RNG.uniform(1.0, 2.0, N)
AW = RNG.uniform(0.05, 1.0, N)
MR = RNG.uniform(0.01, 0.3, N)


def test_liability_weight_matches_human_layer() -> None:
    f = sym.margin_lambdify(sym.liability_weight(), "s", "w", "imf")
    assert np.allclose(f(SIZE, LW, IMF), mg.liability_weight(SIZE, LW, IMF))
    assert np.allclose(f(SIZE, MR, IMF), mg.margin_ratio(SIZE, MR, IMF))


def test_asset_weight_matches_human_layer() -> None:
    f = sym.margin_lambdify(sym.asset_weight(), "s", "w", "imf")
    assert np.allclose(f(SIZE, AW, IMF), mg.asset_weight(SIZE, AW, IMF))


def test_program_units_reduce_to_the_natural_forms() -> None:
    # substituting W = 1e4 w, IMF = 1e6 imf and 10 S + 1 = 1e10 s (s absorbs the program's +1) gives the natural form
    assert sp.simplify(sym.program_units_to_natural(sym.liability_weight_program_units())
                       - sym.liability_weight()) == 0
    assert sp.simplify(sym.program_units_to_natural(sym.asset_weight_program_units()) - sym.asset_weight()) == 0
    # and numerically: the program-unit form at (1e4 w, 1e9 s, 1e6 imf) is 1e4 times the human layer, up to the +1
    f = sym.margin_lambdify(sym.liability_weight_program_units(), "S", "W", "IMF")
    assert np.allclose(f(SIZE * 1e9, LW * 1e4, IMF * 1e6) / 1e4, mg.liability_weight(SIZE, LW, IMF), rtol=1e-9)
    g = sym.margin_lambdify(sym.asset_weight_program_units(), "S", "W", "IMF")
    assert np.allclose(g(SIZE * 1e9, AW * 1e4, IMF * 1e6) / 1e4, mg.asset_weight(SIZE, AW, IMF), rtol=1e-6)


def test_docs_formula_is_a_different_function() -> None:
    docs = sym.margin_lambdify(sym.asset_weight_docs(), "s", "w", "imf")
    assert docs(2000.0, 0.8, 0.003) > 10  # not a weight (drift-docs-digest.md (H) row 4)
    assert sp.simplify(sym.asset_weight_docs() - sym.asset_weight()) != 0


def test_binding_sizes_match_human_layer() -> None:
    imf = IMF + 1e-4
    f = sym.margin_lambdify(sym.premium_binding_size(), "w", "imf")
    assert np.allclose(f(LW, imf), mg.premium_binding_size(LW, imf))
    g = sym.margin_lambdify(sym.discount_binding_size(), "w", "imf")
    assert np.allclose(g(AW, imf), mg.discount_binding_size(AW, imf))


def test_solved_imf_factor_matches_human_layer() -> None:
    notional = 10 ** RNG.uniform(3, 8, N)
    price = RNG.uniform(1, 1e5, N)
    target = MR * RNG.uniform(1.01, 3.0, N)
    f = sym.margin_lambdify(sym.solve_imf_factor(), "target", "N", "P", "w")
    assert np.allclose(f(target, notional, price, MR), mg.imf_factor_for_margin_ratio(target, notional, price, MR))


@pytest.mark.parametrize("side", ["long", "short"])
def test_liquidation_price_matches_the_account_model(side: str) -> None:
    x = sym.margin_symbols()
    labels = [label for label, _ in sym.liquidation_price_derivation(side)]
    assert labels == ["total collateral", "maintenance requirement", "liquidation price"]
    # the SDK's first-order form equals the exact one while the P&L weight is 1 (the excess is linear in P)
    assert sp.simplify(sym.liquidation_price_first_order(side) - sym.liquidation_price(side)) == 0
    f = sym.margin_lambdify(sym.liquidation_price(side), "C", "b", "E", "mr")
    sign = 1.0 if side == "long" else -1.0
    for share, base, entry, mr in zip(RNG.uniform(0.01, 0.4, 8), RNG.uniform(1, 100, 8), RNG.uniform(10, 100, 8),
                                      RNG.uniform(0.01, 0.1, 8), strict=True):
        collateral = (mr + share) * base * entry  # levered, and above maintenance at the entry
        account = mg.Account(spot=(mg.SpotHolding("USDC", collateral, oracle=mg.QUOTE),),
                             perps=(mg.PerpHolding("P", sign * base, entry, entry, min(2 * mr, 1.0), mr),))
        assert lq.liquidation_price(account, "P") == pytest.approx(f(collateral, base, entry, mr), rel=1e-9)
    assert x.P not in sym.liquidation_price(side).free_symbols


def test_gap_in_profit_matches_the_account_model() -> None:
    f_exact = sym.margin_lambdify(sym.liquidation_price_in_profit(), "C", "b", "E", "mr", "u")
    f_gap = sym.margin_lambdify(sym.first_order_gap_in_profit(), "C", "b", "E", "mr", "u", "P0")
    x = sym.margin_symbols()
    assert sym.first_order_gap_in_profit().subs(x.u, 1) == 0
    # long 10 from $100 at $150 with $50 of USDC, P&L weighed 60%: the excess 50 + 0.6*10*(P - 100) - 0.05*10*P
    # is zero at P = 550/5.5 = 100, the kink: take $40 so it is above the entry (P = 560/5.5 = 101.8)
    account = mg.Account(spot=(mg.SpotHolding("USDC", 40.0, oracle=mg.QUOTE),),
                         perps=(mg.PerpHolding("P", 10.0, 100.0, 150.0, 0.1, 0.05,
                                               unrealized_pnl_maintenance_asset_weight=0.6),))
    exact = f_exact(40.0, 10.0, 100.0, 0.05, 0.6)
    assert exact > 100.0
    assert lq.liquidation_price(account, "P") == pytest.approx(exact, rel=1e-9)
    assert lq.liquidation_price_gap(account, "P") == pytest.approx(f_gap(40.0, 10.0, 100.0, 0.05, 0.6, 150.0),
                                                                   rel=1e-9)


def test_lambdify_names_unknown_symbols() -> None:
    with pytest.raises(ValueError, match="names must be margin symbols"):
        sym.margin_lambdify(sym.liability_weight(), "size")
    with pytest.raises(ValueError, match="side"):
        sym.liquidation_price("flat")
