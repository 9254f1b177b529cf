"""Fuzz examples for driftlab.amm (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example

EXAMPLES: dict[str, Example] = {
    "driftlab.amm.reserve_price": Example(dict(base_reserve=1_000.0, quote_reserve=1_000.0, peg=150.0)),
    "driftlab.amm.quote_for_base": Example(
        dict(base_reserve=1_000.0, quote_reserve=1_000.0, base_amount=10.0, peg=150.0),
        accepts={"base_amount": ZERO_OR_NEGATIVE}),
    "driftlab.amm.base_for_quote": Example(
        dict(base_reserve=1_000.0, quote_reserve=1_000.0, quote_amount=1_500.0, peg=150.0),
        accepts={"quote_amount": ZERO_OR_NEGATIVE}),
    "driftlab.amm.execution_price": Example(
        dict(base_reserve=1_000.0, quote_reserve=1_000.0, base_amount=10.0, peg=150.0),
        accepts={"base_amount": ZERO_OR_NEGATIVE}),
    "driftlab.amm.price_impact": Example(dict(base_reserve=1_000.0, base_amount=10.0),
                                         accepts={"base_amount": ZERO_OR_NEGATIVE}),
    "driftlab.amm.post_trade_price": Example(
        dict(base_reserve=1_000.0, quote_reserve=1_000.0, base_amount=10.0, peg=150.0),
        accepts={"base_amount": ZERO_OR_NEGATIVE}),
    "driftlab.amm.terminal_price": Example(
        dict(base_reserve=1_000.0, quote_reserve=1_000.0, net_user_base=20.0, peg=150.0),
        accepts={"net_user_base": ZERO_OR_NEGATIVE}),
    "driftlab.amm.bid_ask_prices": Example(
        dict(price=150.0, long_spread=0.001, short_spread=0.002, reference_price_offset=0.0005),
        accepts={"long_spread": {"zero"}, "short_spread": {"zero"}, "reference_price_offset": ZERO_OR_NEGATIVE}),
    "driftlab.amm.optimal_peg": Example(dict(base_reserve=1_000.0, quote_reserve=1_000.0, target_price=150.0)),
    "driftlab.amm.repeg_cost": Example(
        dict(base_reserve=1_000.0, quote_reserve=1_000.0, net_user_base=20.0, peg=150.0, new_peg=151.0),
        accepts={"net_user_base": ZERO_OR_NEGATIVE}),
    "driftlab.amm.k_change_cost": Example(
        dict(base_reserve=1_000.0, quote_reserve=1_000.0, net_user_base=20.0, peg=150.0, sqrt_k_scale=1.1),
        accepts={"net_user_base": ZERO_OR_NEGATIVE}),
    "driftlab.amm.sqrt_k_for_price_impact": Example(
        dict(price=150.0, peg=150.0, base_amount=100.0, target_impact=0.001)),
    "driftlab.amm.spreads": Example(
        dict(base_spread=0.001, max_spread=0.01, oracle_reserve_gap=0.002, oracle_confidence=0.001,
             mark_std=0.003, oracle_std=0.002, long_intensity=0.6, short_intensity=0.4, inventory=0.3,
             effective_leverage=0.5, revenue_since_funding=-40.0, inventory_spread_adjustment=10.0),
        accepts={"base_spread": {"zero"}, "max_spread": {"zero"}, "oracle_reserve_gap": ZERO_OR_NEGATIVE,
                 "oracle_confidence": {"zero"}, "mark_std": {"zero"}, "oracle_std": {"zero"},
                 "long_intensity": {"zero"}, "short_intensity": {"zero"}, "inventory": ZERO_OR_NEGATIVE,
                 "effective_leverage": {"zero"}, "revenue_since_funding": ZERO_OR_NEGATIVE,
                 "inventory_spread_adjustment": ZERO_OR_NEGATIVE}),
}
