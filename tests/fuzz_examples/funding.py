"""Fuzz examples for driftlab.funding (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example


def _path() -> pd.DataFrame:
    """Two hours of a seeded minute path: two funding updates for funding_over_path."""
    from driftlab.funding import mark_oracle_path

    return mark_oracle_path(2, premium=0.001, seed=1)


EXAMPLES: dict[str, Example] = {
    # tier is a name, not a number: nothing here to fuzz (test_registered_example_is_a_valid_call says so)
    "driftlab.funding.clamp_divisor": Example(dict(tier="B"), bad={"tier": ("Z", None, 7)}),
    "driftlab.funding.max_price_divergence": Example(dict(oracle_twap=100.0, tier="B")),
    "driftlab.funding.period_adjustment": Example(dict(funding_period=3_600.0)),
    "driftlab.funding.funding_rate": Example(dict(mark_twap=100.5, oracle_twap=100.0, tier="B",
                                                  funding_period=3_600.0)),
    "driftlab.funding.documented_funding_rate": Example(dict(mark_twap=100.5, oracle_twap=100.0, tier="B")),
    "driftlab.funding.capped_funding": Example(
        dict(rate_usd=-0.05, long_base=100.0, short_base=300.0, fee_pool=5.0, cap_fraction=1 / 3),
        accepts={"rate_usd": ZERO_OR_NEGATIVE,  # negative: shorts pay
                 "long_base": {"zero"}, "short_base": {"zero"}, "fee_pool": {"zero"},  # no open interest, empty pool
                 "cap_fraction": {"zero"}}),  # the protocol pays nothing toward an imbalance
    "driftlab.funding.cumulative_funding_payment": Example(
        dict(rates_usd=np.array([0.01, -0.02, 0.015]), base=2.0),
        accepts={"rates_usd": ZERO_OR_NEGATIVE, "base": ZERO_OR_NEGATIVE}),  # signed rates; a short or no position
    "driftlab.funding.twap_weight": Example(dict(since_last=60.0, period=3_600.0),
                                            accepts={"since_last": {"zero"}}),  # same second: weight 0
    # TWAPs average signed series too (the 24h funding-rate average), so the values take zero and negatives
    "driftlab.funding.twap_update": Example(
        dict(last_twap=100.0, price=101.0, since_last=60.0, period=3_600.0),
        accepts={"last_twap": ZERO_OR_NEGATIVE, "price": ZERO_OR_NEGATIVE, "since_last": {"zero"}}),
    "driftlab.funding.twap": Example(
        dict(prices=np.array([100.0, 101.0, 99.5]), times=np.array([60.0, 120.0, 180.0]), period=3_600.0,
             initial_twap=100.0, initial_time=0.0),
        accepts={"prices": ZERO_OR_NEGATIVE, "initial_twap": {"zero", "negative", "None"},  # None: the first price
                 "times": {"zero"},  # all at the start: no time passes, the TWAP stays put
                 "initial_time": {"zero", "negative", "None"}},  # a clock reading before the first time; None: it
        scalar={"period", "initial_time"}),
    "driftlab.funding.mark_oracle_path": Example(
        dict(hours=2, start_price=100.0, oracle_drift=0.1, oracle_volatility=0.03, premium=0.001, premium_noise=0.002,
             premium_half_life=600.0, step=60.0, seed=7),
        accepts={"oracle_drift": ZERO_OR_NEGATIVE, "oracle_volatility": {"zero"}, "premium": ZERO_OR_NEGATIVE,
                 "premium_noise": {"zero"}, "seed": {"zero"}},
        scalar={"hours", "start_price", "oracle_drift", "oracle_volatility", "premium", "premium_noise",
                "premium_half_life", "step", "seed"}),
    "driftlab.funding.funding_over_path": Example(dict(path=_path(), tier="B", funding_period=3_600.0),
                                                  scalar={"funding_period"}),
}
