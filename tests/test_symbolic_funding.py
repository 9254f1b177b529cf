"""Each funding / settlement closed form, lambdified, equals the human layer on sample points."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import driftlab.funding as fu
import driftlab.pnl as pnl
import driftlab.symbolic as sym
from driftlab.symbolic import funding as sf

RNG = np.random.default_rng(11)
ORACLE = RNG.uniform(0.5, 60_000, 60)
MARK = ORACLE * RNG.uniform(0.8, 1.2, 60)  # inside and outside every clamp
DIVISORS = {"A": 33, "C": 20, "Isolated": 10}


def test_funding_symbolic_is_registered() -> None:
    assert sym.funding is sf


@pytest.mark.parametrize("tier", list(DIVISORS))
def test_funding_rate_matches_human_layer(tier: str) -> None:
    d = DIVISORS[tier]
    human = fu.funding_rate(MARK, ORACLE, tier=tier)
    assert np.allclose(sf.lambdify(sf.funding_rate_usd(), "M", "O", "d", "n")(MARK, ORACLE, d, 24), human.rate_usd)
    assert np.allclose(sf.lambdify(sf.funding_rate(), "M", "O", "d", "n")(MARK, ORACLE, d, 24), human.clamped)
    assert np.allclose(sf.lambdify(sf.funding_rate_piecewise(), "M", "O", "d", "n")(MARK, ORACLE, d, 24),
                       human.clamped)
    assert np.allclose(sf.lambdify(sf.unclamped_funding_rate(), "M", "O", "n")(MARK, ORACLE, 24), human.unclamped)
    assert sf.clamp_per_period().subs({sf.funding_symbols().d: d, sf.funding_symbols().n: 24}) == sp.Rational(
        1, 24 * d)


def test_offset_is_7_305_percent_a_year() -> None:
    assert sf.offset_apr() == sp.Rational(1461, 20_000)
    assert float(sf.offset_apr()) == pytest.approx(fu.funding_rate(100.0, 100.0, tier="A").apr)


def test_twap_update_matches_human_layer() -> None:
    last = RNG.uniform(50, 150, 60)
    price = RNG.uniform(50, 150, 60)
    since = RNG.uniform(1, 8_000, 60)  # within and beyond the period
    f = sf.lambdify(sf.twap_update(), "T", "p", "s", "P")
    assert np.allclose(f(last, price, since, 3600.0), fu.twap_update(last, price, since, 3600.0))


def test_twap_after_steps_is_the_exponential_form() -> None:
    x = sf.funding_symbols()
    assert sp.simplify(sf.twap_after_steps() - (x.p + (x.T - x.p) * (1 - x.s / x.P) ** x.k)) == 0
    f = sf.lambdify(sf.twap_after_steps(), "T", "p", "s", "P", "k")
    path = fu.twap(np.full(121, 110.0), np.arange(121) * 30.0, 3600, initial_twap=100.0, initial_time=0.0)
    assert np.allclose(f(100.0, 110.0, 30.0, 3600.0, np.arange(1, 121)), path[1:])
    # half-life: P ln 2 for frequent observations (41.6 minutes for the hourly TWAP)
    assert sp.limit(sf.twap_half_life(), x.s, 0) == x.P * sp.log(2)
    half = sf.lambdify(sf.twap_half_life(), "s", "P")(60.0, 3600.0)
    steps = int(np.ceil(half / 60))
    gap = fu.twap(np.full(steps + 1, 1.0), np.arange(steps + 1) * 60.0, 3600, initial_twap=0.0, initial_time=0.0)
    assert 1 - gap[steps] <= 0.5 < 1 - gap[steps - 1]


def test_capped_receiving_rate_matches_human_layer() -> None:
    rate = RNG.uniform(0.001, 1.0, 60)
    long = RNG.uniform(1, 100, 60)
    short = long + RNG.uniform(50, 500, 60)  # the AMM is long, shorts receive
    pool = RNG.uniform(0, 10, 60)
    human = fu.capped_funding(rate, long, short, pool)
    assert human.is_capped.all()
    f = sf.lambdify(sf.capped_receiving_rate(), "r", "L", "S", "F", "c")
    assert np.allclose(f(rate, long, short, pool, 1 / 3), human.short_rate)


def test_settleable_pnl_matches_human_layer() -> None:
    upnl = RNG.uniform(-500, 1_000, 200)
    realized = RNG.uniform(-200, 600, 200)
    pool = RNG.uniform(0, 1_000, 200)
    fees = RNG.uniform(0, 500, 200)
    net = RNG.uniform(-500, 1_500, 200)
    f = sf.lambdify(sf.settleable_pnl(), "U", "R", "B", "F", "N")
    human = pnl.settleable_pnl(upnl, realized, pool, net, fee_pool=fees)
    assert np.allclose(f(upnl, realized, pool, fees, net), human.settle_now)


def test_lambdify_rejects_unknown_symbol_names() -> None:
    with pytest.raises(ValueError, match="names"):
        sf.lambdify(sf.funding_rate(), "not_a_symbol")
