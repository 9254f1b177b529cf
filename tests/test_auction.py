"""Human-layer auctions (driftlab.auction): hand values, the docs' example, properties, agreement with the exact
layer, broadcasting and bad input.

Agreement is exact (tolerance 0) for :func:`auction_price`: on the 1e-6 grid the program's price is
``floor(X)`` (long) or ``ceil(X)`` (short) of the real line ``X`` in price units, then snapped to a tick of ``t``
units; since ``floor(floor(X)/t) = floor(X/t)`` (and the same for ceil) for whole ``t``, snapping the truncated
value equals snapping the real one, and the human layer does the program's integer steps exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftlab.auction as auction
import driftlab.exact as ex

U = ex.PRICE_PRECISION  # 1e6 units per USD
LONG, SHORT = ex.PositionDirection.Long, ex.PositionDirection.Short
TICKS = st.sampled_from([1, 10, 100, 1_000, 10_000, 100_000])


def test_long_and_short_by_hand() -> None:
    slots = np.arange(12)
    assert np.array_equal(auction.auction_price(slots, 100, 110, 10, direction="long"), [*range(100, 111), 110])
    assert np.array_equal(auction.auction_price(slots, 110, 100, 10, direction="short"),
                          [*range(110, 99, -1), 100])
    # duration 0: the end price at once; the auction is complete from the first slot
    assert auction.auction_price(0, 100, 110, 0, direction="long") == 110.0
    assert auction.auction_complete(0, 0) is True
    assert auction.auction_complete(10, 10) is False and auction.auction_complete(11, 10) is True


def test_truncation_toward_the_start_and_tick_direction() -> None:
    # 100 -> 100.000003 over 2 slots: slot 1 is 100.0000015 in reals; a long truncates down, a short (3 -> 0) up
    assert auction.auction_price(1, 100.0, 100.000003, 2, direction="long") == 100.000001
    assert auction.auction_price(1, 100.000003, 100.0, 2, direction="short") == 100.000002
    # ticks of $0.01: a long's 100.004 rounds down to 100.00, a short's up to 100.01
    assert auction.auction_price(4, 100.0, 100.01, 10, direction="long", tick_size=0.01) == 100.0
    assert auction.auction_price(6, 100.01, 100.0, 10, direction="short", tick_size=0.01) == 100.01


def test_docs_jit_example_is_a_short() -> None:
    # drift-docs-digest §d worked example / §H row 16: "long, oracle $100, start $100.10, end $100.00, 10 slots:
    # at slot 3 price = $100.07". The numbers are a short's (start above end, falling); for a long the program
    # rejects start > end (InvalidOrderAuction), and so does the human layer.
    assert auction.auction_price(3, 100.10, 100.00, 10, direction="short") == pytest.approx(100.07, abs=1e-12)
    with pytest.raises(ValueError, match="InvalidOrderAuction"):
        auction.auction_price(3, 100.10, 100.00, 10, direction="long")
    # with start and end swapped the long's price at slot 3 is 100.03
    assert auction.auction_price(3, 100.00, 100.10, 10, direction="long") == pytest.approx(100.03, abs=1e-12)


def test_oracle_offset_auction_by_hand() -> None:
    # offsets -0.5 -> +0.5 over 4 slots on a $100 oracle; an oracle path moves the price too
    slots = np.arange(5)
    oracle = np.array([100.0, 100.0, 101.0, 101.0, 99.0])
    prices = auction.auction_price(slots, -0.5, 0.5, 4, direction="long", oracle_price=oracle)
    assert np.allclose(prices, [99.5, 99.75, 101.0, 101.25, 99.5])
    # the price never goes below one tick, and a prediction market caps it at $1
    assert auction.auction_price(0, -5.0, -4.0, 4, direction="long", oracle_price=1.0, tick_size=0.01) == 0.01
    assert auction.auction_price(4, 0.0, 0.5, 4, direction="long", oracle_price=0.8, prediction_market=True) == 1.0


def test_durations_by_hand_and_the_docs_numbers() -> None:
    # drift-docs-digest §d [CALC]: a 0.5% gap takes 50 slots (tier A/B) or 30 (C and below); 0.1% -> 10; 2% -> cap
    assert auction.auction_duration(0.5, 100.0, "A") == 50.0
    assert auction.auction_duration(0.5, 100.0, "C") == 30.0
    assert auction.auction_duration(0.1, 100.0, "B") == 10.0
    assert auction.auction_duration(2.0, 100.0, "A") == 180.0
    assert auction.auction_duration(0.0, 100.0) == 1.0  # the program's floor: 1 slot
    assert auction.auction_duration(0.0, 100.0, min_slots=5) == 5.0  # the UI helper's floor (§H row 18)
    assert auction.MIN_PERP_AUCTION_DURATION == 10
    # market order time in force: max(30 s, duration/2 + 10), §H row 17
    assert np.array_equal(auction.market_order_time_in_force(np.array([0, 10, 40, 60, 180])), [30, 30, 30, 40, 100])


def test_default_auction_prices_by_hand() -> None:
    assert auction.default_auction_prices(100.0, "long") == (100.0, pytest.approx(100.5))
    assert auction.default_auction_prices(100.0, "short") == (100.0, pytest.approx(99.5))
    start, end = auction.default_auction_prices(100.0, "long", np.array([99.0, 100.2, 101.0]))
    assert np.allclose(start, [99.0 * 0.995, 100.0, 100.0]) and np.allclose(end, [99.0, 100.2, 100.5])


def test_price_improvement_falls_to_zero() -> None:
    slots = np.arange(0, 11)
    gain = auction.price_improvement(slots, 100.0, 101.0, 10, direction="long")
    assert gain[0] == pytest.approx(1.0) and gain[-1] == 0.0 and np.all(np.diff(gain) < 0)
    assert auction.price_improvement(5, 101.0, 100.0, 10, direction="short") == pytest.approx(0.5)


def test_broadcasting() -> None:
    slots = np.arange(0, 30)
    durations = np.array([[0], [10], [20]])
    prices = auction.auction_price(slots, 100.0, 101.0, durations, direction="long", tick_size=0.01)
    assert prices.shape == (3, 30)
    assert np.all(prices[0] == 101.0) and prices[1, 5] == 100.5 and prices[2, 5] == 100.25
    assert isinstance(auction.auction_price(1, 100, 101, 2, direction="long"), float)
    assert auction.auction_complete(slots, 10).shape == (30,)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: auction.auction_price(-1, 100, 101, 10, direction="long"), "slot"),
        (lambda: auction.auction_price(0.5, 100, 101, 10, direction="long"), "slot"),
        (lambda: auction.auction_price(5, 100, 101, 10, direction="long", order_slot=6), "slot"),
        (lambda: auction.auction_price(5, 100, 101, 256, direction="long"), "duration"),
        (lambda: auction.auction_price(5, 0, 101, 10, direction="long"), "start_price"),
        (lambda: auction.auction_price(5, 100, np.nan, 10, direction="long"), "end_price"),
        (lambda: auction.auction_price(5, 100, 101, 10, direction="up"), "direction"),
        (lambda: auction.auction_price(5, 101, 100, 10, direction="long"), "start"),
        (lambda: auction.auction_price(5, 100, 101, 10, direction="short"), "start"),
        (lambda: auction.auction_price(5, 100, 101, 10, direction="long", tick_size=1.5e-6), "tick_size"),
        (lambda: auction.auction_price(5, -1, 1, 10, direction="long", oracle_price=0), "oracle_price"),
        (lambda: auction.auction_duration(-1, 100), "price_gap"),
        (lambda: auction.auction_duration(1, 100, "D"), "contract_tier"),
        (lambda: auction.default_auction_prices(0, "long"), "oracle_price"),
        (lambda: auction.market_order_time_in_force(300), "duration"),
    ],
)
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()


# --------------------------------------------------------------------------- agreement with the exact layer


@settings(max_examples=150, deadline=None)
@given(start=st.integers(1, 10**12), gap=st.integers(0, 10**9), duration=st.integers(0, 255),
       order_slot=st.integers(0, 10**6), tick=TICKS, long=st.booleans(), data=st.data())
def test_fixed_auction_equals_the_exact_layer(start: int, gap: int, duration: int, order_slot: int, tick: int,
                                              long: bool, data: st.DataObject) -> None:
    end = start + gap if long else max(start - gap, 1)
    slots = order_slot + np.array(data.draw(st.lists(st.integers(0, 300), min_size=1, max_size=8)))
    order = ex.Order(order_type=ex.OrderType.Market, direction=LONG if long else SHORT, slot=order_slot,
                     auction_start_price=start, auction_end_price=end, auction_duration=duration)
    program = [ex.calculate_auction_price(order, int(s), tick, None, False) for s in slots]
    human = auction.auction_price(slots, start / U, end / U, duration, direction="long" if long else "short",
                                  order_slot=order_slot, tick_size=tick / U)
    assert np.array_equal(np.rint(np.asarray(human) * U).astype(np.int64), program)


@settings(max_examples=150, deadline=None)
@given(start=st.integers(-10**8, 10**8), gap=st.integers(0, 10**8), duration=st.integers(0, 255),
       oracle=st.integers(1, 10**11), tick=TICKS, long=st.booleans(), prediction=st.booleans(),
       elapsed=st.integers(0, 300))
def test_oracle_offset_auction_equals_the_exact_layer(start: int, gap: int, duration: int, oracle: int, tick: int,
                                                      long: bool, prediction: bool, elapsed: int) -> None:
    end = start + gap if long else start - gap
    order = ex.Order(order_type=ex.OrderType.Oracle, direction=LONG if long else SHORT, slot=0,
                     auction_start_price=start, auction_end_price=end, auction_duration=duration)
    program = ex.calculate_auction_price(order, elapsed, tick, oracle, prediction)
    human = auction.auction_price(elapsed, start / U, end / U, duration, direction="long" if long else "short",
                                  tick_size=tick / U, oracle_price=oracle / U, prediction_market=prediction)
    assert round(human * U) == program


@settings(max_examples=100, deadline=None)
@given(order_slot=st.integers(0, 10**6), duration=st.integers(0, 255), elapsed=st.integers(0, 400))
def test_auction_complete_equals_the_exact_layer(order_slot: int, duration: int, elapsed: int) -> None:
    assert auction.auction_complete(order_slot + elapsed, duration, order_slot) == \
        ex.is_auction_complete(order_slot, duration, order_slot + elapsed)


@settings(max_examples=200, deadline=None)
@given(gap=st.integers(0, 10**10), price=st.integers(1, 10**12),
       tier=st.sampled_from(["A", "B", "C", "Speculative", "HighlySpeculative", "Isolated"]))
def test_auction_duration_within_one_slot_of_the_exact_layer(gap: int, price: int, tier: str) -> None:
    # the program floors gap/price to 1e-6 before the ceiling, so it is never longer and at most one slot shorter:
    # x*spp/1e4 - floor(x)*spp/1e4 < spp/1e4 <= 0.01 for x = gap*1e6/price
    program = ex.get_auction_duration(gap, price, ex.ContractTier[tier])
    human = auction.auction_duration(gap / U, price / U, tier)
    assert 0 <= human - program <= 1


@settings(max_examples=200, deadline=None)
@given(oracle=st.integers(1, 10**12), limit=st.one_of(st.none(), st.integers(1, 10**12)), long=st.booleans())
def test_default_auction_prices_within_one_unit_of_the_exact_layer(oracle: int, limit: int | None,
                                                                   long: bool) -> None:
    # the program's x/200 truncates: each price sits less than one unit (1e-6 USD) from x * (1 -+ 1/200)
    program = ex.calculate_auction_prices(ex.OraclePriceData(price=oracle), LONG if long else SHORT, limit or 0)
    human = auction.default_auction_prices(oracle / U, "long" if long else "short",
                                           None if limit is None else limit / U)
    for h, p in zip(human, program, strict=True):
        assert abs(h * U - p) < 1 + 1e-9 * p


# --------------------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None)
@given(start=st.integers(1, 10**12), gap=st.integers(0, 10**9), duration=st.integers(1, 255), tick=TICKS,
       long=st.booleans())
def test_auction_price_is_monotone_from_start_to_end_and_stays_between(start: int, gap: int, duration: int,
                                                                       tick: int, long: bool) -> None:
    side = "long" if long else "short"
    end = start + gap if long else max(start - gap, 1)
    slots = np.arange(duration + 3)
    prices = np.rint(np.asarray(auction.auction_price(slots, start / U, end / U, duration, direction=side,
                                                      tick_size=tick / U)) * U).astype(np.int64)
    steps = np.diff(prices)
    assert np.all(steps >= 0) if long else np.all(steps <= 0)
    # between the tick-standardised start and end (with tick 1: exactly between start and end)
    first = ex.standardize_price(start, tick, LONG if long else SHORT)
    last = ex.standardize_price(end, tick, LONG if long else SHORT)
    assert prices[0] == first and prices[-1] == last
    low, high = min(first, last), max(first, last)
    assert np.all((low <= prices) & (prices <= high))
    if tick == 1:
        assert np.all((min(start, end) <= prices) & (prices <= max(start, end)))
    # and every price is a multiple of the tick, rounded in the protocol's favour against the real line
    assert np.all(prices % tick == 0)
    line = np.asarray(auction.linear_auction_price(slots, start / U, end / U, duration)) * U
    assert np.all(prices <= line + 1e-3) if long else np.all(prices >= line - 1e-3)


@settings(max_examples=100, deadline=None)
@given(start=st.floats(1.0, 1e5), gap=st.floats(0.0, 100.0), duration=st.integers(1, 255))
def test_linear_price_is_within_a_tick_of_the_program_price(start: float, gap: float, duration: int) -> None:
    slots = np.arange(duration + 1)
    line = np.asarray(auction.linear_auction_price(slots, start, start + gap, duration))
    program = np.asarray(auction.auction_price(slots, start, start + gap, duration, direction="long",
                                               tick_size=0.01))
    # one tick from snapping plus one unit from putting start and end on the 1e-6 grid (and float error)
    assert np.all(np.abs(line - program) <= 0.01 + 1e-6 + 1e-9 * line)
