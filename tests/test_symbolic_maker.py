"""The maker-score closed forms (driftlab.symbolic.maker), lambdified, equal the human layer (driftlab.maker)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sympy as sp

import driftlab.maker as mk
from driftlab.symbolic import maker as sm

RNG = np.random.default_rng(11)
L = RNG.uniform(0, 300, 60)
OTHERS = RNG.uniform(1, 300, 60)
W = RNG.uniform(0.1, 8, 60)
F = RNG.uniform(1, 200, 60)


def test_bracket_score_is_piecewise_at_the_floor_and_matches_the_human_layer() -> None:
    expr = sm.bracket_score()
    assert isinstance(expr, sp.Piecewise)
    f = sm.lambdify(expr, "l", "o", "w", "f", "c")
    assert np.allclose(f(L, OTHERS, W, F, 100.0), mk.bracket_score(L, OTHERS, W, F))


def test_bracket_score_matches_the_engine_on_a_one_bracket_book() -> None:
    """The form is the march-2023 (R-A) and august-2023 per-side term for a symmetric book: check it against
    score_book on books with the maker and the others at the best bid and ask."""
    f = sm.lambdify(sm.bracket_score(), "l", "o", "w", "f", "c")
    for mine, others in ((10.0, 5.0), (40.0, 30.0), (200.0, 80.0)):
        rows = [(m, s, p, z) for m, z in (("me", mine), ("o", others)) for s, p in (("bid", 99.99), ("ask", 100.01))]
        book = pd.DataFrame(rows, columns=["maker", "side", "price", "size"]).assign(snapshot=0)
        floor = 5_000 / 100.0
        assert mk.score_book(book, "march-2023").totals()["me"] == pytest.approx(f(mine, others, 2.0, floor, 100.0))
        aug = mk.rule("august-2023").replace(sides="mean")  # per side, as the doc's example counts
        assert mk.score_book(book, aug).totals()["me"] == pytest.approx(f(mine, others, 4.0, floor, 100.0))


def test_marginal_score_and_concavity() -> None:
    x = sm.maker_symbols()
    assert sp.simplify(sm.marginal_score() - x.c * x.w * x.o / (x.l + x.o) ** 2) == 0
    assert sp.simplify(sm.concavity() + 2 * x.c * x.w * x.o / (x.l + x.o) ** 3) == 0
    # numerically: the derivative of the human layer above the floor
    h = 1e-6
    above = np.maximum(L, F)  # l + o >= f for these
    numeric = (mk.bracket_score(above + h, OTHERS, W, 0.0) - mk.bracket_score(above - h, OTHERS, W, 0.0)) / (2 * h)
    marginal = sm.lambdify(sm.marginal_score(), "l", "o", "w", "c")
    assert np.allclose(marginal(above, OTHERS, W, 100.0), numeric, rtol=1e-5)
    assert sm.score_cap() == x.c * x.w


def test_optimal_size_is_where_the_marginal_score_meets_lambda() -> None:
    x = sm.maker_symbols()
    assert sp.simplify(sm.optimal_size() - (sp.sqrt(x.c * x.w * x.o / x.lam) - x.o)) == 0
    size = sm.lambdify(sm.optimal_size(), "o", "w", "c", "lam")
    marginal = sm.lambdify(sm.marginal_score(), "l", "o", "w", "c")
    lam = RNG.uniform(1e-3, 0.5, 60)
    sizes = size(OTHERS, W, 100.0, lam)
    ok = sizes > 0
    assert np.allclose(marginal(sizes[ok], OTHERS[ok], W[ok], 100.0), lam[ok])


def test_optimal_size_agrees_with_the_water_filling_allocation() -> None:
    """optimal_allocation's brackets all end at one lambda: each used bracket's size is optimal_size(lambda)."""
    weights, others = np.array([2.0, 0.75, 0.5, 0.4, 0.3, 0.2]), np.array([80.0, 30.0, 50.0, 60.0, 40.0, 90.0])
    x = mk.optimal_allocation(150.0, others, weights)
    used = x > 0
    lam = float((weights * others / (x + others) ** 2)[used][0])
    size = sm.lambdify(sm.optimal_size(), "o", "w", "c", "lam")
    assert np.allclose(size(others[used], weights[used], 1.0, lam), x[used])


def test_entry_threshold_is_when_the_second_bracket_opens() -> None:
    threshold = sm.lambdify(sm.entry_threshold(), "w1", "w2", "o1", "o2")
    weights, others = np.array([2.0, 0.75]), np.array([40.0, 60.0])
    t = float(threshold(*weights, *others))
    assert t > 0
    assert mk.optimal_allocation(t * 0.99, others, weights)[1] == 0.0
    assert mk.optimal_allocation(t * 1.01, others, weights)[1] > 0.0


def test_budget_split_matches_the_allocation_for_two_brackets() -> None:
    x1, x2 = sm.budget_split()
    f1, f2 = sm.lambdify(x1, "X", "w1", "w2", "o1", "o2"), sm.lambdify(x2, "X", "w1", "w2", "o1", "o2")
    for budget, w, o in ((200.0, (2.0, 0.75), (40.0, 60.0)), (50.0, (4.0, 2.0), (10.0, 10.0))):
        split = mk.optimal_allocation(budget, np.array(o), np.array(w))
        assert np.all(split > 0)
        assert [f1(budget, *w, *o), f2(budget, *w, *o)] == pytest.approx(split.tolist())
    x = sm.maker_symbols()
    assert sp.simplify(x1 + x2 - x.X) == 0


def test_lambdify_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="names"):
        sm.lambdify(sm.bracket_score(), "size")
