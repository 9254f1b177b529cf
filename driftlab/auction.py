"""The JIT auction in natural units: a taker order's price over slots, its default parameters and duration.

A perp taker order (market, oracle, and a limit order that crosses the book) opens with a Dutch auction of
``duration`` slots: its price moves linearly from ``start`` to ``end`` and makers may fill it at that price.
For a long the start is the low (good for the taker) end and the price rises; for a short it falls. After the
auction the order's limit price applies (see the ``driftlab.orders`` module).

Every function broadcasts: each numeric argument may be a scalar or an array (an array of slots gives the
price path), and the result has the broadcast shape (a float for all-scalar input). Prices are in USD,
slots and durations in whole slots (about 0.4 s each).

:func:`auction_price` is the program's price: it works on the program's price grid (1e-6 USD), truncates the
interpolation toward the start price and snaps to the tick in the program's direction (bids down, asks up), so
for prices on that grid it *equals* ``calculate_auction_price``. :func:`linear_auction_price` is the same line
without rounding, the form :mod:`driftlab.symbolic.auction` derives.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._choices import DIRECTIONS, bool_or_array, direction_sign
from ._choices import contract_tier as _contract_tier
from ._validate import FloatArray

__all__ = [
    "AUCTION_DERIVE_PRICE_FRACTION",
    "DEFAULT_MARKET_ORDER_TIME_IN_FORCE",
    "DEFAULT_SPOT_AUCTION_DURATION",
    "DIRECTIONS",
    "MAX_AUCTION_DURATION",
    "MAX_DERIVED_AUCTION_DURATION",
    "MIN_PERP_AUCTION_DURATION",
    "PRICE_UNIT",
    "SLOTS_PER_PERCENT",
    "auction_complete",
    "auction_duration",
    "auction_price",
    "default_auction_prices",
    "linear_auction_price",
    "market_order_time_in_force",
    "price_improvement",
]

PRICE_UNIT = 1e-6
"""The program's price unit: PRICE_PRECISION = 1e6 per USD."""
MIN_PERP_AUCTION_DURATION = 10
"""Slots; ``State.min_perp_auction_duration`` as ``initialize`` sets it (instructions/admin.rs). Market and oracle
orders get at least this (``get_auction_params``)."""
DEFAULT_SPOT_AUCTION_DURATION = 10
"""Slots; ``State.default_spot_auction_duration`` at initialisation."""
DEFAULT_MARKET_ORDER_TIME_IN_FORCE = 60
"""``State.default_market_order_time_in_force`` at initialisation (perp market orders use
:func:`market_order_time_in_force` instead)."""
AUCTION_DERIVE_PRICE_FRACTION = 1 / 200
"""0.5%: the default auction's width around the oracle (``AUCTION_DERIVE_PRICE_FRACTION = 200``)."""
MAX_DERIVED_AUCTION_DURATION = 180
"""Slots; the cap of a derived duration (``get_auction_duration``)."""
MAX_AUCTION_DURATION = 255
"""Slots; ``Order.auction_duration`` is a u8."""
SLOTS_PER_PERCENT = {"A": 100, "B": 100, "C": 60, "Speculative": 60, "HighlySpeculative": 60, "Isolated": 60}
"""Auction slots per 1% between start and end, by contract tier (``get_auction_duration``)."""

_MAX_PRICE = 1e9  # USD: keeps (end - start) * slots within int64 on the 1e-6 grid
_MAX_PREDICTION_MARKET_PRICE = 1_000_000  # price units: $1


def _whole(name: str, value: ArrayLike, low: float, high: float) -> FloatArray:
    array = v.in_range(name, value, low, high)
    if np.asarray(value).dtype.kind not in "iub" and np.any(array != np.floor(array)):
        raise ValueError(f"{name} must be whole slots, got {value!r}")
    return array


def _to_units(array: FloatArray) -> np.ndarray:
    return np.rint(array * 1e6).astype(np.int64)


def _tick_units(tick_size: ArrayLike) -> np.ndarray:
    tick = v.positive("tick_size", tick_size)
    units = tick * 1e6
    if np.any(np.abs(units - np.rint(units)) > 1e-6 * np.maximum(units, 1.0)) or np.any(np.rint(units) < 1):
        raise ValueError(f"tick_size must be a whole multiple of the price unit 1e-6 USD, got {tick_size!r}")
    return np.rint(units).astype(np.int64)


def _check_order(direction: str, start: FloatArray, end: FloatArray, what: str) -> None:
    if direction == "long" and np.any(start > end):
        raise ValueError(f"start_price must be <= end_price for a long (auction start {what} <= end {what}: the price "
                         "rises toward the end; the program rejects it with InvalidOrderAuction)")
    if direction == "short" and np.any(start < end):
        raise ValueError(f"start_price must be >= end_price for a short (auction start {what} >= end {what}: the "
                         "price falls toward the end; the program rejects it with InvalidOrderAuction)")


def _whole_scalar(name: str, value: object, low: int, high: int) -> int:
    """One whole number in ``[low, high]``; a ``ValueError`` naming ``name`` otherwise (arrays included)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a whole number in [{low}, {high}], got {value!r}")
    if not (np.isfinite(value) and float(value).is_integer() and low <= value <= high):
        raise ValueError(f"{name} must be a whole number in [{low}, {high}], got {value!r}")
    return int(value)


def _elapsed(slot: ArrayLike, order_slot: ArrayLike) -> tuple[FloatArray, FloatArray]:
    s = _whole("slot", slot, 0, 2.0**53)
    o = _whole("order_slot", order_slot, 0, 2.0**53)
    s, o = v.broadcast(slot=s, order_slot=o)
    if np.any(s < o):
        raise ValueError("slot must be >= order_slot (an auction has no price before its order is placed)")
    return s, s - o


def linear_auction_price(slot: ArrayLike, start_price: ArrayLike, end_price: ArrayLike, duration: ArrayLike,
                         order_slot: ArrayLike = 0) -> FloatArray | float:
    """The auction line without rounding: ``start + (end - start) * min(slot - order_slot, duration) / duration``.

    The same formula for longs and shorts (a short's start is above its end); ``duration == 0`` gives the end.
    ``start``/``end`` may be prices or oracle offsets. See :func:`driftlab.symbolic.auction.auction_price`.
    """
    _, elapsed = _elapsed(slot, order_slot)
    start = v.as_float_array("start_price", start_price)
    end = v.as_float_array("end_price", end_price)
    d = _whole("duration", duration, 0, MAX_AUCTION_DURATION)
    elapsed, start, end, d = v.broadcast(slot=elapsed, start_price=start, end_price=end, duration=d)
    fraction = np.where(d == 0, 1.0, np.minimum(elapsed, d) / np.where(d == 0, 1.0, d))
    return v.scalar_or_array(start + (end - start) * fraction)


def auction_price(slot: ArrayLike, start_price: ArrayLike, end_price: ArrayLike, duration: ArrayLike, *,
                  direction: str, order_slot: ArrayLike = 0, tick_size: ArrayLike = PRICE_UNIT,
                  oracle_price: ArrayLike | None = None, prediction_market: bool = False) -> FloatArray | float:
    """The program's auction price at ``slot`` (USD), for arrays of slots (and of any other argument).

    Fixed-price auction (``oracle_price=None``; market, trigger and plain limit orders): on the 1e-6 USD grid,
    long ``start + floor((end - start) * n / duration)``, short ``start - floor((start - end) * n / duration)``
    with ``n = min(slot - order_slot, duration)`` (so the price is truncated toward the start), then snapped to
    ``tick_size``: a long's price rounds **down**, a short's **up** (``standardize_price``). ``duration == 0``
    gives the end price.

    Oracle-offset auction (``oracle_price`` given; oracle orders and oracle-offset limit orders):
    ``start_price``/``end_price`` are **offsets** from the oracle (USD, signed), interpolated the same way, and
    the price is ``max(oracle + offset, tick_size)`` (capped at $1 in a prediction market), then snapped.

    Long needs ``start <= end``, short ``start >= end`` (``InvalidOrderAuction`` in the program).
    exact: ``calculate_auction_price`` (``calculate_auction_price_for_fixed_auction`` /
    ``..._for_oracle_offset_auction``); equal to it for prices on the 1e-6 grid.
    """
    side = direction_sign(direction)
    side_name = DIRECTIONS[0] if side > 0 else DIRECTIONS[1]
    _, elapsed = _elapsed(slot, order_slot)
    d = _whole("duration", duration, 0, MAX_AUCTION_DURATION)
    tick = _tick_units(tick_size)
    if oracle_price is None:
        start = v.in_range("start_price", start_price, 0.0, _MAX_PRICE, low_open=True)
        end = v.in_range("end_price", end_price, 0.0, _MAX_PRICE, low_open=True)
        oracle = np.zeros(())
        what = "price"
    else:
        start = v.in_range("start_price", start_price, -_MAX_PRICE, _MAX_PRICE)
        end = v.in_range("end_price", end_price, -_MAX_PRICE, _MAX_PRICE)
        oracle = v.in_range("oracle_price", oracle_price, 0.0, _MAX_PRICE, low_open=True)
        what = "offset"
    # shapes must broadcast (views, no copies); the arithmetic below broadcasts the small arrays itself
    shape = np.broadcast(*v.broadcast(slot=elapsed, start_price=start, end_price=end, duration=d,
                                      tick_size=tick.astype(np.float64), oracle_price=oracle)).shape
    _check_order(side_name, start, end, what)
    s, e, o = _to_units(start), _to_units(end), _to_units(oracle)
    di = d.astype(np.int64)
    n = np.minimum(elapsed.astype(np.int64), di)
    safe_d = np.where(di == 0, 1, di)
    if side > 0:
        price = s + ((e - s) * n) // safe_d
    else:
        price = s - ((s - e) * n) // safe_d
    if np.any(di == 0):
        price = np.where(di == 0, e, price)
    t = tick
    if oracle_price is not None:
        price = np.maximum(o + price, t)
        if prediction_market:
            price = np.minimum(price, _MAX_PREDICTION_MARKET_PRICE)
    price = np.broadcast_to(price, shape)
    remainder = price % t
    snapped = price - remainder if side > 0 else np.where(remainder == 0, price, price + t - remainder)
    return v.scalar_or_array(snapped / 1e6)


def auction_complete(slot: ArrayLike, duration: ArrayLike, order_slot: ArrayLike = 0) -> np.ndarray | bool:
    """Whether the auction is over: ``slot - order_slot > duration`` (always, for ``duration == 0``).

    exact: ``is_auction_complete``.
    """
    _, elapsed = _elapsed(slot, order_slot)
    d = _whole("duration", duration, 0, MAX_AUCTION_DURATION)
    elapsed, d = v.broadcast(slot=elapsed, duration=d)
    return bool_or_array((d == 0) | (elapsed > d))


def price_improvement(slot: ArrayLike, start_price: ArrayLike, end_price: ArrayLike, duration: ArrayLike, *,
                      direction: str, order_slot: ArrayLike = 0) -> FloatArray | float:
    """What a taker gains over the auction's end (worst) price when a maker fills at ``slot`` (USD per base).

    Long ``end - p(slot)``, short ``p(slot) - end``: ``|end - start| * (1 - min(n, duration)/duration)``, from
    the whole start-end gap at the first slot down to zero at the end. :func:`linear_auction_price`, no rounding.
    """
    side = direction_sign(direction)
    start = v.as_float_array("start_price", start_price)
    end = v.as_float_array("end_price", end_price)
    v.broadcast(start_price=start, end_price=end)
    _check_order("long" if side > 0 else "short", start, end, "price")
    price = np.asarray(linear_auction_price(slot, start, end, duration, order_slot))
    return v.scalar_or_array(side * (end - price))


def default_auction_prices(oracle_price: ArrayLike, direction: str,
                           limit_price: ArrayLike | None = None) -> tuple[FloatArray | float, FloatArray | float]:
    """``(start, end)`` the program gives a market order placed without auction prices: 0.5% around the oracle.

    No limit: ``(oracle, oracle * (1 +- 0.5%))``. Long with a limit below the oracle:
    ``(min(limit, oracle) * (1 - 0.5%), limit)``; at or above: ``(oracle, min(limit, oracle * 1.005))``. Shorts
    mirror. The program divides by 200 in integers (1e-6 USD), so it can sit up to 1e-6 USD lower.
    exact: ``calculate_auction_prices``.
    """
    side = direction_sign(direction)
    oracle = v.positive("oracle_price", oracle_price)
    f = AUCTION_DERIVE_PRICE_FRACTION
    if limit_price is None:
        return v.scalar_or_array(oracle), v.scalar_or_array(oracle * (1 + side * f))
    limit = v.positive("limit_price", limit_price)
    oracle, limit = v.broadcast(oracle_price=oracle, limit_price=limit)
    if side > 0:
        crossing = limit >= oracle
        start = np.where(crossing, oracle, np.minimum(limit * (1 - f), oracle * (1 - f)))
        end = np.where(crossing, np.minimum(limit, oracle * (1 + f)), limit)
    else:
        crossing = limit <= oracle
        start = np.where(crossing, oracle, np.maximum(limit * (1 + f), oracle * (1 + f)))
        end = np.where(crossing, np.maximum(limit, oracle * (1 - f)), limit)
    return v.scalar_or_array(start), v.scalar_or_array(end)


def auction_duration(price_gap: ArrayLike, oracle_price: ArrayLike, contract_tier: str = "A", *,
                     min_slots: int = 1, max_slots: int = MAX_DERIVED_AUCTION_DURATION) -> FloatArray | float:
    """Slots the program gives an auction that moves ``price_gap`` USD: ``ceil(gap/oracle * 100 * spp)``,
    clamped to ``[min_slots, max_slots]`` (the program: ``[1, 180]``).

    ``spp`` = :data:`SLOTS_PER_PERCENT` (100 slots per 1% for tiers A/B, 60 otherwise). The program floors the
    gap to 1e-6 of the price first, so it can be one slot shorter. ``min_slots=5`` gives the UI helper's clamp
    (drift-common ``getPerpAuctionDuration``). Market and oracle orders then get at least
    :data:`MIN_PERP_AUCTION_DURATION`. exact: ``get_auction_duration``.
    """
    tier = _contract_tier(contract_tier)
    gap = v.non_negative("price_gap", price_gap)
    oracle = v.positive("oracle_price", oracle_price)
    low = _whole_scalar("min_slots", min_slots, 0, MAX_AUCTION_DURATION)
    high = _whole_scalar("max_slots", max_slots, 0, MAX_AUCTION_DURATION)
    if low > high:
        raise ValueError(f"min_slots and max_slots must satisfy 0 <= min_slots <= max_slots <= 255, "
                         f"got {min_slots!r}, {max_slots!r}")
    gap, oracle = v.broadcast(price_gap=gap, oracle_price=oracle)
    slots = np.ceil(gap / oracle * 100 * SLOTS_PER_PERCENT[tier] - 1e-9)  # 1e-9: float noise on whole slots
    return v.scalar_or_array(np.clip(slots, min_slots, max_slots))


def market_order_time_in_force(duration: ArrayLike) -> FloatArray | float:
    """Seconds until a perp market/oracle order placed without ``max_ts`` expires: ``max(30, duration // 2 + 10)``.

    The program adds half the auction's *slots* to seconds. The docs say 30 s (risk page) or 60 slots (auction
    page). exact: ``controller/orders.rs::place_perp_order`` (the default ``max_ts``).
    """
    d = _whole("duration", duration, 0, MAX_AUCTION_DURATION)
    return v.scalar_or_array(np.maximum(30.0, np.floor(d / 2) + 10))
