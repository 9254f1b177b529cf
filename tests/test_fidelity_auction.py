"""driftpy's auction-price precedence bug (fidelity-notes.md), reproduced beside the program's answer."""

from __future__ import annotations

import numpy as np
import pytest

import driftlab.exact as ex
from driftlab import fidelity

U = ex.PRICE_PRECISION


def test_driftpy_long_market_order_gives_210_160_110() -> None:
    # fidelity-notes.md: long market order, start 100, end 110, duration 10: driftpy 210, 160, 110 at slots 0, 5, 10;
    # the program 100, 105, 110
    table = fidelity.driftpy_auction_price_comparison(100.0, 110.0, 10, [0, 5, 10])
    assert list(table["driftpy 0.8.89"]) == [210.0, 160.0, 110.0]
    assert list(table["program"]) == [100.0, 105.0, 110.0]


def test_driftpy_agrees_only_at_the_end() -> None:
    for direction, (start, end) in (("long", (100, 110)), ("short", (110, 100))):
        table = fidelity.driftpy_auction_price_comparison(start, end, 10, direction=direction)
        same = np.isclose(table["driftpy 0.8.89"], table["program"])
        assert same[-1] and not same[:-1].any(), direction


@pytest.mark.parametrize("direction", ["long", "short"])
def test_oracle_offset_version_has_the_same_error(direction: str) -> None:
    oracle = 100 * U
    start, end = (-U, U) if direction == "long" else (U, -U)
    driftpy = fidelity.driftpy_get_auction_price_for_oracle_offset_auction(start, end, 10, 0, 5, oracle, direction)
    order = ex.Order(order_type=ex.OrderType.Oracle, slot=0, auction_start_price=start, auction_end_price=end,
                     auction_duration=10,
                     direction=ex.PositionDirection.Long if direction == "long" else ex.PositionDirection.Short)
    program = ex.calculate_auction_price(order, 5, 1, oracle, False)
    assert program == oracle  # halfway between -1 and +1
    assert driftpy != program
