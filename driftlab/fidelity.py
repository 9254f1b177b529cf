"""Faithful reproductions of places where widely used Drift clients compute the math differently from the program.

These are **reproductions of client bugs, for teaching**: each function copies one client function's arithmetic
(integer or float, rounding, comparison semantics) in Python, names the client, its version and the function, and
is tested to differ from the program (``driftlab.exact``) on a documented example. Use the program's answer; see
notebooks 03, 04 and 06, and ``../shared/reference/fidelity-notes.md`` in the project's notes.

Integers are in the program's precisions (prices 1e6, weights 1e4, imf 1e6, token amounts in token decimals).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "bn_div",
    "driftpy_calculate_size_discount_asset_weight",
    "driftpy_calculate_size_premium_liability_weight",
    "driftpy_auction_price_comparison",
    "driftpy_get_auction_price_for_fixed_auction",
    "driftpy_get_auction_price_for_oracle_offset_auction",
    "js_object_greater",
    "sdk_calculate_asset_transfer_for_liability_transfer",
    "sdk_calculate_size_discount_asset_weight",
    "sdk_calculate_unrealized_asset_weight",
]

SPOT_IMF_PRECISION = 1_000_000
SPOT_WEIGHT_PRECISION = 10_000
PRICE_PRECISION = 1_000_000
QUOTE_PRECISION = 1_000_000


# --------------------------------------------------------------------------- JavaScript / bn.js semantics


def bn_div(a: int, b: int) -> int:
    """bn.js ``a.div(b)``: integer division truncating toward zero (as Rust; unlike Python's ``//``)."""
    quotient = abs(a) // abs(b)
    return quotient if (a >= 0) == (b >= 0) else -quotient


def js_object_greater(a: int, b: int) -> bool:
    """JavaScript ``a > b`` for two bn.js ``BN`` objects.

    ``>`` converts each object to a primitive: ``BN`` has no ``valueOf`` of its own, so ``toString()`` is used,
    which gives the decimal digits. Two strings compare lexicographically by UTF-16 code unit, so
    ``new BN(95) > new BN(100)`` is ``true`` (``"95" > "100"``). Python compares ``str`` the same way here.
    """
    return str(a) > str(b)


# --------------------------------------------------------------------------- @drift-labs/sdk


def sdk_calculate_asset_transfer_for_liability_transfer(
    asset_amount: int,
    asset_liquidation_multiplier: int,
    asset_decimals: int,
    asset_price: int,
    liability_amount: int,
    liability_liquidation_multiplier: int,
    liability_decimals: int,
    liability_price: int,
) -> int:
    """@drift-labs/sdk 2.161.0, ``sdk/src/math/liquidation.ts::calculateAssetTransferForLiabilityTransfer``.

    Same formula as the program's ``calculate_asset_transfer_for_liability_transfer``, but the test for which
    way to take the difference, ``if (assetTransfer > assetAmount)``, compares two ``BN`` objects with ``>``:
    JavaScript compares their decimal strings (:func:`js_object_greater`). When the strings order the numbers
    wrongly (different digit counts, e.g. 95 vs 100 tokens), the "difference" is negative, its value is below
    $1, and the SDK snaps the transfer to the whole asset amount where the program keeps the computed transfer.
    """
    if asset_decimals > liability_decimals:
        numerator_scale, denominator_scale = 10 ** (asset_decimals - liability_decimals), 1
    else:
        numerator_scale, denominator_scale = 1, 10 ** (liability_decimals - asset_decimals)
    asset_transfer = bn_div(bn_div(liability_amount * numerator_scale * liability_price * asset_liquidation_multiplier,
                                   asset_price * liability_liquidation_multiplier), denominator_scale)
    asset_transfer = max(asset_transfer, 1)
    if asset_decimals > 6:
        value_numerator_scale, value_denominator_scale = 10 ** (asset_decimals - 6), 1
    else:
        value_numerator_scale, value_denominator_scale = 1, 10 ** (6 - asset_decimals)
    if js_object_greater(asset_transfer, asset_amount):  # the bug: a string comparison
        asset_delta = asset_transfer - asset_amount
    else:
        asset_delta = asset_amount - asset_transfer
    asset_value_delta = bn_div(bn_div(asset_delta * asset_price, PRICE_PRECISION) * value_numerator_scale,
                               value_denominator_scale)
    if asset_value_delta < QUOTE_PRECISION:
        asset_transfer = asset_amount
    return asset_transfer


def sdk_calculate_size_discount_asset_weight(size: int, imf_factor: int, asset_weight: int) -> int:
    """@drift-labs/sdk 2.161.0, ``sdk/src/math/margin.ts::calculateSizeDiscountAssetWeight``.

    The same integer arithmetic as the program (``squareRootBN`` is a floor square root): shown here because the
    SDK's unrealized-P&L weight calls it with a size in the wrong precision.
    """
    if imf_factor == 0:
        return asset_weight
    size_sqrt = math.isqrt(abs(size) * 10 + 1)
    imf_numerator = SPOT_IMF_PRECISION + bn_div(SPOT_IMF_PRECISION, 10)
    discounted = bn_div(imf_numerator * SPOT_WEIGHT_PRECISION,
                        SPOT_IMF_PRECISION + bn_div(size_sqrt * imf_factor, 100_000))
    return min(asset_weight, discounted)


def sdk_calculate_unrealized_asset_weight(unrealized_pnl: int, unrealized_pnl_imf_factor: int,
                                          unrealized_pnl_initial_asset_weight: int) -> int:
    """@drift-labs/sdk 2.161.0, ``sdk/src/math/market.ts::calculateUnrealizedAssetWeight``, Initial margin,
    no P&L imbalance; called from ``user.ts`` with a positive P&L in QUOTE_PRECISION (1e6).

    It passes that P&L straight to :func:`sdk_calculate_size_discount_asset_weight`, whose size is in 1e9; the
    program (``PerpMarket::get_unrealized_asset_weight``) first multiplies by ``AMM_TO_QUOTE_PRECISION_RATIO``
    (1000). The square root is ``sqrt(1000)`` ~ 31.6 times too small, so the SDK under-discounts a large gain.
    """
    return sdk_calculate_size_discount_asset_weight(unrealized_pnl, unrealized_pnl_imf_factor,
                                                    unrealized_pnl_initial_asset_weight)


# --------------------------------------------------------------------------- driftpy


def driftpy_calculate_size_discount_asset_weight(size: float, imf_factor: int, asset_weight: int) -> int:
    """driftpy 0.8.89, ``src/driftpy/math/margin.py::calculate_size_discount_asset_weight``.

    ``size_sqrt = ceil(sqrt(10*size)) + 1`` and a rounded-up float division, where the program uses
    ``isqrt(10*size + 1)`` and integer (floor) division: the weight usually comes out one unit (1e-4) high,
    e.g. 8358 for the program's 8357 (program test ``spot_market_asset_weight``) and 9699 for 9698 (the docs'
    2000-SOL example).
    """
    if imf_factor == 0:
        return asset_weight
    size_sqrt = math.ceil((abs(size) * 10) ** 0.5) + 1
    imf_num = SPOT_IMF_PRECISION + (SPOT_IMF_PRECISION / 10)
    size_discount_asset_weight = math.ceil(
        imf_num * SPOT_WEIGHT_PRECISION / (SPOT_IMF_PRECISION + size_sqrt * imf_factor / 100_000))
    return min(asset_weight, size_discount_asset_weight)


def driftpy_calculate_size_premium_liability_weight(size: float, imf_factor: int, liability_weight: int,
                                                    precision: int) -> float:
    """driftpy 0.8.89, ``src/driftpy/math/margin.py::calculate_size_premium_liability_weight``.

    The right values, but ``size ** 0.5`` makes the premium a float (``1153.0`` rather than ``1153``), and a float
    root of a large size can differ from the program's integer root.
    """
    if imf_factor == 0:
        return liability_weight
    size = abs(size) * 10 + 1
    size_sqrt = size**0.5
    liability_weight_numerator = liability_weight - (liability_weight // 5)
    denom = (100_000 * SPOT_IMF_PRECISION) // precision
    assert denom > 0
    size_premium_liability_weight = liability_weight_numerator + ((size_sqrt * imf_factor) // denom)
    return max(liability_weight, size_premium_liability_weight)


# --------------------------------------------------------------------------- driftpy: auction price precedence


def driftpy_get_auction_price_for_fixed_auction(auction_start_price: int, auction_end_price: int,
                                                auction_duration: int, order_slot: int, slot: int,
                                                direction: str) -> int:
    """driftpy 0.8.89, ``src/driftpy/math/auction.py::get_auction_price_for_fixed_auction``.

    Operator precedence: driftpy writes ``end - start * n // d`` (``*`` and ``//`` bind tighter than ``-``) where
    the program computes ``(end - start) * n / d``, then adds that "delta" to the start. For a long the price is
    ``start + end - start * n // d``: start 100, end 110, 10 slots gives 210, 160, 110 at slots 0, 5, 10 where the
    program gives 100, 105, 110. It agrees only at the end of the auction. No tick standardisation either.
    """
    slots_elapsed = slot - order_slot
    delta_denominator = auction_duration
    delta_numerator = min(slots_elapsed, delta_denominator)
    if delta_denominator == 0:
        return auction_end_price
    if direction == "long":
        price_delta = auction_end_price - auction_start_price * delta_numerator // delta_denominator
        return auction_start_price + price_delta
    price_delta = auction_start_price - auction_end_price * delta_numerator // delta_denominator
    return auction_start_price - price_delta


def driftpy_get_auction_price_for_oracle_offset_auction(auction_start_price: int, auction_end_price: int,
                                                        auction_duration: int, order_slot: int, slot: int,
                                                        oracle_price: int, direction: str) -> int:
    """driftpy 0.8.89, ``src/driftpy/math/auction.py::get_auction_price_for_oracle_offset_auction``: the same
    precedence error on the offsets, then ``oracle + offset`` (no floor at the tick, no standardisation)."""
    offset = driftpy_get_auction_price_for_fixed_auction(auction_start_price, auction_end_price, auction_duration,
                                                         order_slot, slot, direction)
    return oracle_price + offset


def driftpy_auction_price_comparison(start_price: float, end_price: float, duration: int,
                                     slots: list[int] | None = None, direction: str = "long") -> pd.DataFrame:
    """A table of a fixed-price auction's price by slot: driftpy 0.8.89 beside the program
    (``driftlab.exact.calculate_auction_price``, tick 1e-6). Prices in USD, the order placed at slot 0."""
    import pandas as pd

    from . import exact as ex

    side = ex.PositionDirection.Long if direction == "long" else ex.PositionDirection.Short
    start, end = round(start_price * ex.PRICE_PRECISION), round(end_price * ex.PRICE_PRECISION)
    order = ex.Order(order_type=ex.OrderType.Market, direction=side, slot=0, auction_start_price=start,
                     auction_end_price=end, auction_duration=duration)
    rows = []
    for slot in (slots if slots is not None else list(range(duration + 1))):
        rows.append({"slot": slot,
                     "driftpy 0.8.89": driftpy_get_auction_price_for_fixed_auction(start, end, duration, 0, slot,
                                                                                   direction) / ex.PRICE_PRECISION,
                     "program": ex.calculate_auction_price(order, slot, 1, None, False) / ex.PRICE_PRECISION})
    return pd.DataFrame(rows)
