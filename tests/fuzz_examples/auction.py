"""Fuzz examples for driftlab.auction (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example

EXAMPLES: dict[str, Example] = {
    # start/end of the unrounded line may be prices or signed oracle offsets; slot 0, order_slot 0 and duration 0
    # (no auction: the end price) are real values
    "driftlab.auction.linear_auction_price": Example(
        dict(slot=5, start_price=100.0, end_price=100.5, duration=10, order_slot=0),
        accepts={"slot": {"zero"}, "start_price": ZERO_OR_NEGATIVE, "end_price": ZERO_OR_NEGATIVE,
                 "duration": {"zero"}, "order_slot": {"zero"}}),
    # a fixed-price auction: prices > 0 (oracle_price None; the oracle-offset form takes signed offsets)
    "driftlab.auction.auction_price": Example(
        dict(slot=5, start_price=100.0, end_price=100.5, duration=10, direction="long", order_slot=0,
             tick_size=0.01),
        accepts={"slot": {"zero"}, "duration": {"zero"}, "order_slot": {"zero"}}),
    "driftlab.auction.auction_complete": Example(
        dict(slot=12, duration=10, order_slot=0),
        accepts={"slot": {"zero"}, "duration": {"zero"}, "order_slot": {"zero"}}),
    # a long's start may be anywhere below its end (an offset or a price); the end must stay above the start
    "driftlab.auction.price_improvement": Example(
        dict(slot=5, start_price=100.0, end_price=100.5, duration=10, direction="long", order_slot=0),
        accepts={"slot": {"zero"}, "start_price": ZERO_OR_NEGATIVE, "duration": {"zero"}, "order_slot": {"zero"}}),
    "driftlab.auction.default_auction_prices": Example(
        dict(oracle_price=100.0, direction="long", limit_price=101.0),
        accepts={"limit_price": {"None"}}),  # None: no limit, 0.5% around the oracle
    "driftlab.auction.auction_duration": Example(
        dict(price_gap=0.5, oracle_price=100.0, contract_tier="A", min_slots=5, max_slots=180),
        accepts={"price_gap": {"zero"}, "min_slots": {"zero"}}, scalar={"min_slots", "max_slots"}),
    "driftlab.auction.market_order_time_in_force": Example(dict(duration=20), accepts={"duration": {"zero"}}),
}
