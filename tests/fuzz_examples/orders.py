"""Fuzz examples for driftlab.orders (see tests/fuzz_examples/__init__.py)."""

from __future__ import annotations

import numpy as np

from tests.fuzz_examples import ZERO_OR_NEGATIVE, Example
from tests.test_orders import _fill_scenario


def _market_long() -> object:
    """A 1-base market long for path_outcome's example: it fills at the oracle on slot 0."""
    from driftlab.orders import build_order

    return build_order("market", "long", 1.0)


_FILL = _fill_scenario()

EXAMPLES: dict[str, Example] = {
    # a limit long with an auction, against a short position (signed, any sign or flat); None leaves the step and
    # minimum-size checks out
    "driftlab.orders.build_order": Example(
        dict(kind="limit", direction="long", size=1.0, price=100.0, position=-2.0, auction_start_price=99.0,
             auction_end_price=100.0, auction_duration=10, step_size=0.1, min_order_size=0.1),
        accepts={"position": ZERO_OR_NEGATIVE, "step_size": {"None"}, "min_order_size": {"None", "zero"}},
        scalar={"size", "price", "position", "auction_start_price", "auction_end_price", "auction_duration",
                "step_size", "min_order_size"}),
    "driftlab.orders.trigger_condition_for": Example(dict(kind="stop", direction="short", position=2.0),
                                                     accepts={"position": ZERO_OR_NEGATIVE}),
    "driftlab.orders.trigger_table": Example(dict()),
    "driftlab.orders.trigger_limit_table": Example(dict()),
    "driftlab.orders.trigger_hit": Example(dict(oracle_price=95.0, trigger_price=96.0, condition="below")),
    # the last axis of oracle_path is time: n triggers against a path of m slots is n paths' worth, not a mismatch
    "driftlab.orders.first_trigger_slot": Example(
        dict(oracle_path=np.array([100.0, 98.0, 95.0, 97.0]), trigger_price=96.0, condition="below"),
        accepts={"oracle_path": {"mismatch"}, "trigger_price": {"mismatch"}}),
    "driftlab.orders.path_outcome": Example(dict(order=_market_long(), oracle_path=np.array([100.0, 98.0, 95.0]))),
    "driftlab.orders.standardize_price": Example(dict(price=100.123, tick_size=0.01, direction="long"),
                                                 accepts={"price": {"zero"}}),
    "driftlab.orders.standardize_size": Example(dict(size=1.234, step_size=0.1), accepts={"size": {"zero"}}),
    # a taker, resting makers and an AMM (exact-layer structs) from tests/test_orders.py's fill scenario
    "driftlab.orders.fills_by_slot": Example(
        dict(taker=_FILL[0], makers=_FILL[1], amm=_FILL[2], oracle_price=100.0, slots=np.array([0, 3, 11])),
        accepts={"slots": {"zero"}}, scalar={"oracle_price"}),
}
