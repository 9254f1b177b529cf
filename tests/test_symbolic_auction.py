"""The auction and price-band closed forms (driftlab.symbolic.auction, .guards), lambdified, equal the human layer."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import driftlab.auction as auction
import driftlab.guards as guards
from driftlab.symbolic import auction as sym_auction
from driftlab.symbolic import guards as sym_guards

RNG = np.random.default_rng(11)
N = 60
START = RNG.uniform(1.0, 1_000.0, N)
GAP = RNG.uniform(0.0, 20.0, N)
DURATION = RNG.integers(1, 256, N).astype(float)
SLOT = np.floor(RNG.uniform(0, 1.3, N) * DURATION)


def test_derivation_ends_at_the_end_price() -> None:
    x = sym_auction.auction_symbols()
    steps = dict(sym_auction.auction_price_derivation())
    assert sp.simplify(steps["at the end (s = D)"] - x.b) == 0
    assert sp.simplify(sym_auction.auction_slope() - (x.b - x.a) / x.D) == 0


@pytest.mark.parametrize("direction", ["long", "short"])
def test_auction_price_matches_the_human_line(direction: str) -> None:
    f = sym_auction.lambdify(sym_auction.auction_price(), "s", "D", "a", "b")
    start, end = (START, START + GAP) if direction == "long" else (START + GAP, START)
    assert np.allclose(f(SLOT, DURATION, start, end), auction.linear_auction_price(SLOT, start, end, DURATION))
    # and the program's price (tick 1e-6) is within two units of the line: start and end are put on the 1e-6 grid
    # (half a unit each, at most one unit along the line) and the interpolation truncates (< 1 unit)
    program = auction.auction_price(SLOT, start, end, DURATION, direction=direction)
    assert np.all(np.abs(program - f(SLOT, DURATION, start, end)) <= 2e-6 + 1e-12 * start)


@pytest.mark.parametrize("direction", ["long", "short"])
def test_price_improvement_matches_the_human_layer(direction: str) -> None:
    f = sym_auction.lambdify(sym_auction.price_improvement(direction), "s", "D", "a", "b")
    start, end = (START, START + GAP) if direction == "long" else (START + GAP, START)
    human = auction.price_improvement(SLOT, start, end, DURATION, direction=direction)
    assert np.allclose(f(SLOT, DURATION, start, end), human)
    assert np.all(human >= -1e-12)


def test_slot_for_price_is_where_the_line_reaches_the_quote() -> None:
    f = sym_auction.lambdify(sym_auction.slot_for_price(), "P", "D", "a", "b")
    quote = START + GAP * RNG.uniform(0.05, 0.95, N)
    slot = f(quote, DURATION, START, START + GAP)
    assert np.allclose(auction.linear_auction_price(np.ceil(slot), START, START + GAP, DURATION) >= quote - 1e-9,
                       True)
    assert np.all(auction.linear_auction_price(np.maximum(np.ceil(slot) - 1, 0), START, START + GAP, DURATION)
                  <= quote + 1e-9)


def test_fill_band_matches_the_human_layer() -> None:
    oracle = RNG.uniform(10, 1_000, N)
    twap = oracle * RNG.uniform(0.8, 1.2, N)
    m = RNG.uniform(0.01, 0.2, N)
    d = RNG.uniform(0.01, 0.6, N)
    low_expr, high_expr = sym_guards.fill_band()
    low = sym_guards.lambdify(low_expr, "o", "t", "m", "d")(oracle, twap, m, d)
    high = sym_guards.lambdify(high_expr, "o", "t", "m", "d")(oracle, twap, m, d)
    human_low, human_high = guards.fill_price_band(oracle, twap, m, d)
    assert np.allclose(low, human_low) and np.allclose(high, human_high)
    # inside the band every fill passes, just outside it fails (no direction exemption)
    ok = high > low * (1 + 1e-6)
    mid = (low + high) / 2
    assert np.all(guards.fill_within_price_bands(mid[ok], oracle[ok], twap[ok], margin_ratio_initial=m[ok],
                                                 twap_divergence=d[ok]))
    assert not np.any(guards.fill_within_price_bands(high * (1 + 1e-9), oracle, twap, margin_ratio_initial=m,
                                                     twap_divergence=d))


@pytest.mark.parametrize("direction", ["long", "short"])
def test_maker_band_matches_the_human_layer(direction: str) -> None:
    oracle = RNG.uniform(10, 1_000, N)
    m = RNG.uniform(0.01, 0.5, N)
    limit = sym_guards.lambdify(sym_guards.maker_band(direction), "o", "m")(oracle, m)
    assert np.allclose(limit, guards.maker_band_limit(oracle, direction, m))
    inside = limit * (1 - 1e-9) if direction == "long" else limit * (1 + 1e-9)
    assert not np.any(guards.maker_breaches_oracle_band(inside, oracle, direction, m))
    assert np.all(guards.maker_breaches_oracle_band(limit * (1 + 1e-9) if direction == "long"
                                                    else limit * (1 - 1e-9), oracle, direction, m))


def test_bad_names_and_directions() -> None:
    with pytest.raises(ValueError, match="names"):
        sym_auction.lambdify(sym_auction.auction_price(), "q")
    with pytest.raises(ValueError, match="names"):
        sym_guards.lambdify(sym_guards.maker_band(), "q")
    with pytest.raises(ValueError, match="direction"):
        sym_auction.price_improvement("up")
    with pytest.raises(ValueError, match="direction"):
        sym_guards.maker_band("up")
