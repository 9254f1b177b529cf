"""Each spot closed form in driftlab.symbolic.spot, lambdified, equals the human layer (driftlab.spot)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import driftlab.spot as spot
from driftlab.symbolic import spot as sym

RNG = np.random.default_rng(11)
N = 60
U_OPT = RNG.uniform(0.2, 0.85, N)
R_OPT = RNG.uniform(0.0, 0.3, N)
R_MAX = R_OPT + RNG.uniform(0.0, 3.0, N)
R_MIN = np.minimum(RNG.integers(0, 10, N) * spot.MIN_BORROW_RATE_STEP, R_OPT)
F = RNG.uniform(0, 0.5, N)
# utilizations on every piece: below optimal, in each kink segment, and on the breakpoints themselves
U_GRID = np.concatenate([np.linspace(0, 1, 201), [0.85, 0.9, 0.95, 0.99, 0.995, 1.0]])


def test_piecewise_has_the_linear_part_and_six_segments() -> None:
    curve = sym.borrow_rate_curve(with_min=False)
    assert isinstance(curve, sp.Piecewise) and len(curve.args) == 7
    x = sym.spot_symbols()
    # continuous at each breakpoint (U* < 0.85) and R_max at 100%
    for i in range(len(curve.args) - 1):
        left, cond = curve.args[i]
        right, _ = curve.args[i + 1]
        at = cond.rhs
        assert sp.simplify(left.subs(x.U, at) - right.subs(x.U, at)) == 0
    assert sp.simplify(curve.args[-1][0].subs(x.U, 1) - x.R_max) == 0


def test_borrow_curve_matches_human_layer() -> None:
    f = sym.lambdify(sym.borrow_rate_curve(), "U", "U_opt", "R_opt", "R_max", "R_min")
    for i in range(N):
        expected = spot.borrow_rate(U_GRID, U_OPT[i], R_OPT[i], R_MAX[i], R_MIN[i])
        assert np.allclose(f(U_GRID, U_OPT[i], R_OPT[i], R_MAX[i], R_MIN[i]), expected, rtol=1e-12, atol=1e-12)


def test_curve_at_the_first_kink_matches_human_layer() -> None:
    # U* = 0.85: the first segment is empty and the rate jumps just above optimal
    f = sym.lambdify(sym.borrow_rate_curve(0.85), "U", "R_opt", "R_max", "R_min")
    assert np.allclose(f(U_GRID, 0.1, 1.0, 0.0), spot.borrow_rate(U_GRID, 0.85, 0.1, 1.0), atol=1e-12)
    with pytest.raises(ValueError, match="optimal_utilization"):
        sym.borrow_rate_curve(0.9)


def test_two_slope_matches_human_layer() -> None:
    f = sym.lambdify(sym.borrow_rate_two_slope(), "U", "U_opt", "R_opt", "R_max", "R_min")
    for i in range(N):
        expected = spot.borrow_rate_two_slope(U_GRID, U_OPT[i], R_OPT[i], R_MAX[i], R_MIN[i])
        assert np.allclose(f(U_GRID, U_OPT[i], R_OPT[i], R_MAX[i], R_MIN[i]), expected, atol=1e-12)


def test_deposit_curve_matches_human_layer() -> None:
    f = sym.lambdify(sym.deposit_rate_curve(), "U", "U_opt", "R_opt", "R_max", "R_min", "f")
    for i in range(N):
        br, dr = spot.rates(U_GRID, U_OPT[i], R_OPT[i], R_MAX[i], R_MIN[i], F[i])
        assert np.allclose(f(U_GRID, U_OPT[i], R_OPT[i], R_MAX[i], R_MIN[i], F[i]), dr, atol=1e-12)


def test_compounding_forms_match_human_layer() -> None:
    x = sym.spot_symbols()
    assert sp.simplify(sym.apy_continuous() - (sp.exp(x.r) - 1)) == 0
    r = np.linspace(0, 3, 31)
    per_update = sym.lambdify(sym.apy_per_update(), "r", "n")
    for n in (1.0, 12.0, 365.0, 8760.0):
        assert np.allclose(per_update(r, n), spot.apr_to_apy(r, n), rtol=1e-10)
    assert np.allclose(sym.lambdify(sym.apy_continuous(), "r")(r), spot.apr_to_apy(r))
    # the gap's leading term r**2 e**r / (2n) predicts the human layer's difference for many updates
    gap = sym.lambdify(sym.compounding_gap(), "r", "n")
    assert sp.simplify(sym.compounding_gap() - x.r**2 * sp.exp(x.r) / (2 * x.n)) == 0
    # the next term of the series, -r**3 (3r + 8) e**r / (24 n**2), bounds the leading term's error (twice it,
    # for the terms after; the series in 1/n converges fast for n >> r)
    next_term = sym.lambdify(sym.compounding_gap(3) - sym.compounding_gap(), "r", "n")
    for n in (8760.0, 105_120.0):
        actual = spot.apr_to_apy(r, None) - spot.apr_to_apy(r, n)
        assert np.all(np.abs(actual - gap(r, n)) <= 2 * np.abs(next_term(r, n)) + 1e-15)


def test_index_growth_matches_human_layer() -> None:
    rate, t, dt = np.array([0.01, 0.2, 1.5]), 86_400.0 * 90, 3600.0
    f = sym.lambdify(sym.index_growth(), "r", "t", "dt")
    g = sym.lambdify(sym.index_growth(continuous=True), "r", "t")
    assert np.allclose(f(rate, t, dt), spot.index_growth(rate, t, dt), rtol=1e-12)
    assert np.allclose(g(rate, t), spot.index_growth(rate, t), rtol=1e-12)


@pytest.mark.parametrize(("u", "u_opt"), [(0.5, 0.8), (0.8, 0.8), (0.83, 0.8), (0.87, 0.7), (0.93, 0.8),
                                          (0.97, 0.6), (0.992, 0.8), (0.998, 0.5), (0.9, 0.85)])
def test_solved_optimal_borrow_rate_matches_human_layer(u: float, u_opt: float) -> None:
    solution = sym.solve_optimal_borrow_rate(u, u_opt)
    f = sym.lambdify(solution, "T", "R_max", "f")
    r_max, fee = 3.0, 0.1
    # a target the curve can reach: the deposit rate for some R_opt in [0, R_max]
    target = spot.rates(u, u_opt, 0.12, r_max, insurance_factor=fee)[1]
    human = spot.optimal_borrow_rate_for_deposit_rate(target, u, u_opt, r_max, fee)
    assert f(target, r_max, fee) == pytest.approx(human) == pytest.approx(0.12)


@pytest.mark.parametrize(("u", "u_opt"), [(0.83, 0.8), (0.93, 0.8), (0.992, 0.8), (0.9, 0.85)])
def test_solved_max_borrow_rate_gives_the_target(u: float, u_opt: float) -> None:
    f = sym.lambdify(sym.solve_max_borrow_rate(u, u_opt), "T", "R_opt", "f")
    r_max = f(0.3, 0.05, 0.1)
    assert spot.rates(u, u_opt, 0.05, r_max, insurance_factor=0.1)[1] == pytest.approx(0.3)
    with pytest.raises(ValueError, match="above optimal_utilization"):
        sym.solve_max_borrow_rate(0.5, 0.8)


def test_lambdify_names_must_be_symbols() -> None:
    with pytest.raises(ValueError, match="spot symbols"):
        sym.lambdify(sym.apy_per_update(), "x")
