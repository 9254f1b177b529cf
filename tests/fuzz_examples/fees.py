"""Fuzz examples for driftlab.fees (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example

EXAMPLES: dict[str, Example] = {
    "driftlab.fees.fee_tier": Example(dict(volume_30d=15e6, staked=5_000.0),
                                      accepts={"volume_30d": {"zero"}, "staked": {"zero"}}),
    "driftlab.fees.filler_reward": Example(
        dict(taker_fee=10.0, slots_since_order=16.0, multiplier=2.0),
        accepts={"taker_fee": {"zero"}, "slots_since_order": {"zero"}}),
    "driftlab.fees.filler_multiplier": Example(dict(maker_price=99.9, oracle_price=100.0, maker_direction="long")),
    # fee_adjustment is the market's signed scaling in [-1, 1]
    "driftlab.fees.fill_fees": Example(
        dict(notional=10_000.0, taker_rate=0.001, maker_rebate_rate=0.0002, referred=True, slots_since_order=10.0,
             filler_multiplier=2.0, fee_adjustment=0.1),
        accepts={"notional": {"zero"}, "taker_rate": {"zero"}, "maker_rebate_rate": {"zero"},
                 "slots_since_order": {"zero"}, "fee_adjustment": ZERO_OR_NEGATIVE}),
}
