"""Fuzz examples for driftlab.bal (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

import numpy as np

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example

EXAMPLES: dict[str, Example] = {
    "driftlab.bal.lp_fraction": Example(dict(lp_shares=20.0, sqrt_k=100.0), accepts={"lp_shares": {"zero"}}),
    "driftlab.bal.lp_fill_share": Example(
        dict(base_filled=5.0, quote_filled=-500.0, lp_shares=20.0, sqrt_k=100.0),
        accepts={"base_filled": ZERO_OR_NEGATIVE, "quote_filled": ZERO_OR_NEGATIVE, "lp_shares": {"zero"}}),
    "driftlab.bal.lp_fee_share": Example(
        dict(fee_to_market=10.0, lp_shares=50.0, sqrt_k=100.0, fee_slice=0.8),
        accepts={"fee_to_market": ZERO_OR_NEGATIVE, "lp_shares": {"zero"}, "fee_slice": {"zero"}}),
    "driftlab.bal.lp_funding_payment": Example(dict(lp_base=-1.0, funding_rate=0.01),
                                               accepts={"lp_base": ZERO_OR_NEGATIVE,
                                                        "funding_rate": ZERO_OR_NEGATIVE}),
    "driftlab.bal.lp_open_orders": Example(
        dict(lp_shares=10.0, sqrt_k=100.0, base_reserve=25.0, min_base_reserve=0.0, max_base_reserve=100.0),
        accepts={"lp_shares": {"zero"}, "base_reserve": {"zero"}, "min_base_reserve": {"zero"},
                 "max_base_reserve": {"zero"}}),
    "driftlab.bal.lp_margin_requirement": Example(
        dict(base=5.0, lp_shares=10.0, sqrt_k=100.0, base_reserve=25.0, min_base_reserve=0.0,
             max_base_reserve=100.0, price=20.0, margin_ratio=0.1, step_size=0.1),
        accepts={"base": ZERO_OR_NEGATIVE, "lp_shares": {"zero"}, "base_reserve": {"zero"},
                 "min_base_reserve": {"zero"}, "max_base_reserve": {"zero"}, "price": {"zero"},
                 "margin_ratio": {"zero"}, "step_size": {"zero"}}),
    "driftlab.bal.lp_position": Example(dict(price=121.0, start_price=100.0, lp_shares=1.0, peg=100.0),
                                        accepts={"lp_shares": {"zero"}, "peg": {"None"}}),  # None: peg = start
    "driftlab.bal.inventory_loss": Example(dict(price=121.0, start_price=100.0, lp_shares=1.0, peg=100.0),
                                           accepts={"lp_shares": {"zero"}, "peg": {"None"}}),  # None: peg = start
    "driftlab.bal.break_even_fee_rate": Example(dict(price=121.0, start_price=100.0, fee_slice=0.8, turnover=2.0)),
    "driftlab.bal.arbitrage_break_even_fee_rate": Example(dict(volatility=0.01, fee_slice=0.8),
                                                          accepts={"volatility": {"zero"}}),
    "driftlab.bal.lp_path": Example(
        dict(trades=np.array([1.0, -2.0, 3.0]), lp_shares=20.0, sqrt_k=100.0, start_price=10.0, fee_rate=0.001,
             fee_slice=0.8, funding_rate=0.01),
        accepts={"trades": ZERO_OR_NEGATIVE, "lp_shares": {"zero"}, "fee_rate": {"zero"}, "fee_slice": {"zero"},
                 "funding_rate": ZERO_OR_NEGATIVE}),
    "driftlab.bal.arbitrage_flow": Example(
        dict(oracle_prices=np.array([100.0, 104.0, 97.0]), noise_trades=np.array([2.0, -3.0, 1.0]), sqrt_k=1_000.0,
             peg=100.0),
        accepts={"noise_trades": ZERO_OR_NEGATIVE}),
    "driftlab.bal.replay_on_program": Example(
        dict(trades=np.array([1.0, -2.0]), sqrt_k=100.0, lp_shares=20.0, price=100.0, fee_rate=0.001,
             funding_rate=0.01, step_size=0.01, settle_every=1),
        accepts={"trades": ZERO_OR_NEGATIVE, "fee_rate": {"zero"}, "funding_rate": ZERO_OR_NEGATIVE},
        scalar={"sqrt_k", "lp_shares", "price", "fee_rate", "step_size", "settle_every"}),
}
