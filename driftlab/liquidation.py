"""Liquidation in natural units: liquidation prices, how much a liquidation takes, its fees, and bankruptcy.

Units as in :mod:`driftlab.margin`: USD, base units / tokens, fractions (a 1% liquidator fee is ``0.01``; a
liquidation multiplier is ``1 + fee`` or ``1 - fee``). Every function of numbers broadcasts.

- **Liquidation price** of an :class:`~driftlab.margin.Account` holding, other oracles held fixed:
  :func:`liquidation_price` searches the account model (vectorised bisection, finished by an exact linear step:
  the maintenance excess is piecewise linear in one price), :func:`liquidation_price_first_order` is the TS SDK's
  ``oracle - free_collateral / delta`` (``User.liquidationPrice``), and :func:`liquidation_price_gap` their
  difference.
- **A liquidation step**, sized and charged with the program's formulas (``math/liquidation.rs``,
  ``controller/liquidation.rs::liquidate_perp`` / ``liquidate_spot``): :func:`perp_liquidation_step`,
  :func:`spot_liquidation_step`, and :func:`liquidate_perp` / :func:`liquidate_spot` applying one to an account.
- **Bankruptcy**: :func:`perp_bankruptcy` and :func:`spot_bankruptcy` (insurance fund first, then socialised loss),
  and :func:`liquidation_path` walking an account down a price path step by step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._validate import FloatArray
from .margin import Account, PerpHolding, SpotHolding

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_LIQUIDATION_MARGIN_BUFFER",
    "LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS",
    "PerpBankruptcy",
    "PerpLiquidationStep",
    "SpotBankruptcy",
    "SpotLiquidationStep",
    "asset_for_liability",
    "base_to_cover_shortage",
    "liability_implied_by_asset",
    "liability_to_cover_shortage",
    "liquidate_perp",
    "liquidate_spot",
    "liquidation_fee",
    "liquidation_multipliers",
    "liquidation_path",
    "liquidation_price",
    "liquidation_price_first_order",
    "liquidation_price_gap",
    "max_liquidation_fee",
    "max_pct_to_liquidate",
    "perp_bankruptcy",
    "perp_if_fee",
    "perp_liquidation_step",
    "spot_bankruptcy",
    "spot_if_fee",
    "spot_liquidation_step",
]

DEFAULT_LIQUIDATION_MARGIN_BUFFER = 0.02
"""The program's default ``liquidation_margin_buffer_ratio`` (200 / 1e4)."""

LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS = 1_500
"""Slots after the user's last activity during which the liquidator fee stays at its base."""

LIQUIDATION_FEE_INCREASE_PER_SLOT = 1e-6
"""Liquidator fee added per elapsed slot after the grace period (0.01 bp)."""

SMALL_PERP_NOTIONAL = 50.0
"""USD: a perp position worth at most this, or a shortage under it, may be liquidated in full at once."""

SMALL_SPOT_LIABILITY = 10.0
"""USD: a borrow worth at most this may be liquidated in full at once."""


# --------------------------------------------------------------------------- fees and pacing


def _non_negative_or_inf(name: str, value: ArrayLike) -> FloatArray:
    """``value >= 0``, where ``inf`` (no limit) is allowed."""
    if isinstance(value, (str, bytes)) or value is None:
        raise ValueError(f"{name} must be a number >= 0 (inf for no limit), got {value!r}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number >= 0 (inf for no limit), got {value!r}") from None
    if array.size == 0 or np.any(np.isnan(array)) or np.any(array < 0):
        raise ValueError(f"{name} must be >= 0 (inf for no limit), got {value!r}")
    return array


def liquidation_multipliers(asset_fee: ArrayLike, liability_fee: ArrayLike) -> tuple[Any, Any]:
    """``(1 + asset_fee, 1 - liability_fee)``: the spot liquidation's asset premium and liability discount.

    exact: ``calculate_liquidation_multiplier`` (Premium for the asset market's fee, Discount for the liability's).
    """
    a = v.in_range("asset_fee", asset_fee, 0.0, 1.0)
    b = v.in_range("liability_fee", liability_fee, 0.0, 1.0)
    a, b = v.broadcast(asset_fee=a, liability_fee=b)
    return v.scalar_or_array(1 + a), v.scalar_or_array(1 - b)


def liquidation_fee(base_fee: ArrayLike, max_fee: ArrayLike, slots_since_active: ArrayLike) -> FloatArray | float:
    """Liquidator fee: ``base_fee`` within 1500 slots of the user's last activity, then
    ``min(base_fee + slots * 1e-6, max_fee)`` (every elapsed slot counts). exact: ``get_liquidation_fee``."""
    base = v.in_range("base_fee", base_fee, 0.0, 1.0)
    cap = v.in_range("max_fee", max_fee, 0.0, 1.0)
    slots = v.non_negative("slots_since_active", slots_since_active)
    base, cap, slots = v.broadcast(base_fee=base, max_fee=cap, slots_since_active=slots)
    grown = np.minimum(base + slots * LIQUIDATION_FEE_INCREASE_PER_SLOT, cap)
    return v.scalar_or_array(np.where(slots < LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS, base, grown))


def max_liquidation_fee(liquidator_fee: ArrayLike, maintenance_ratio: ArrayLike) -> FloatArray | float:
    """``min(3 * liquidator_fee, maintenance_ratio)``. exact: ``PerpMarket::get_max_liquidation_fee``."""
    f = v.in_range("liquidator_fee", liquidator_fee, 0.0, 1.0)
    m = v.in_range("maintenance_ratio", maintenance_ratio, 0.0, 1.0)
    f, m = v.broadcast(liquidator_fee=f, maintenance_ratio=m)
    return v.scalar_or_array(np.minimum(3 * f, m))


def max_pct_to_liquidate(shortage: ArrayLike, slots_since_active: ArrayLike, initial_pct: ArrayLike,
                         duration: ArrayLike, freed: ArrayLike = 0.0) -> FloatArray | float:
    """Share of the shortage a liquidator may free now (a fraction).

    1 for a shortage under $50 or ``duration == 0``. Otherwise ``pct = min(slots/duration + initial_pct, 1)`` of
    the original shortage (``shortage + freed``), less what was already ``freed``, as a share of ``shortage``.
    exact: ``calculate_max_pct_to_liquidate``.
    """
    s = v.non_negative("shortage", shortage)
    slots = v.non_negative("slots_since_active", slots_since_active)
    initial = v.in_range("initial_pct", initial_pct, 0.0, 1.0)
    d = v.non_negative("duration", duration)
    f = v.non_negative("freed", freed)
    s, slots, initial, d, f = v.broadcast(shortage=s, slots_since_active=slots, initial_pct=initial, duration=d,
                                          freed=f)
    pct = np.minimum(np.where(d > 0, slots / np.where(d > 0, d, 1.0), 1.0) + initial, 1.0)
    freeable = np.maximum((s + f) * pct - f, 0.0)
    share = freeable / np.where(s > 0, s, 1.0)
    return v.scalar_or_array(np.where(s < SMALL_PERP_NOTIONAL, 1.0, share))


# --------------------------------------------------------------------------- perp sizing


def base_to_cover_shortage(shortage: ArrayLike, price: ArrayLike, margin_ratio: ArrayLike,
                           liquidator_fee: ArrayLike, if_fee: ArrayLike = 0.0,
                           quote_price: ArrayLike = 1.0) -> FloatArray | float:
    """Base to close so the margin it frees, net of both fees, covers ``shortage`` USD.

    ``shortage / (P * Pq * (mr - lf) - P * if_fee)``, with ``mr`` the maintenance ratio plus the liquidation
    buffer; ``inf`` when ``mr <= lf`` (closing frees nothing). An ``if_fee`` that eats the rest of the room is a
    ``ValueError`` (the program's subtraction underflows).
    exact: ``calculate_base_asset_amount_to_cover_margin_shortage``.
    """
    s = v.non_negative("shortage", shortage)
    p = v.positive("price", price)
    mr = v.non_negative("margin_ratio", margin_ratio)
    lf = v.in_range("liquidator_fee", liquidator_fee, 0.0, 1.0)
    iff = v.in_range("if_fee", if_fee, 0.0, 1.0)
    pq = v.positive("quote_price", quote_price)
    s, p, mr, lf, iff, pq = v.broadcast(shortage=s, price=p, margin_ratio=mr, liquidator_fee=lf, if_fee=iff,
                                        quote_price=pq)
    room = mr > lf
    per_base = p * pq * (mr - lf) - p * iff
    if np.any(room & (per_base <= 0)):
        raise ValueError("if_fee must be below quote_price * (margin_ratio - liquidator_fee), "
                         f"got if_fee up to {float(np.max(iff)):g}")
    return v.scalar_or_array(np.where(room, s / np.where(room, per_base, 1.0), np.inf))


def perp_if_fee(shortage: ArrayLike, base: ArrayLike, price: ArrayLike, margin_ratio: ArrayLike,
                liquidator_fee: ArrayLike, max_if_fee: ArrayLike, quote_price: ArrayLike = 1.0) -> FloatArray | float:
    """Insurance-fund fee rate on a perp liquidation: what the margin ratio leaves after the fee and the shortage.

    ``min(max_if_fee, 0.95 * max(0, mr - lf - shortage / (|base| * P * Pq)))``; 0 when ``mr <= lf`` or the base
    is 0. ``shortage`` here is the market's share of the account's shortage. exact: ``calculate_perp_if_fee``.
    """
    s = v.non_negative("shortage", shortage)
    b = np.abs(v.as_float_array("base", base))
    p = v.positive("price", price)
    mr = v.non_negative("margin_ratio", margin_ratio)
    lf = v.in_range("liquidator_fee", liquidator_fee, 0.0, 1.0)
    cap = v.in_range("max_if_fee", max_if_fee, 0.0, 1.0)
    pq = v.positive("quote_price", quote_price)
    s, b, p, mr, lf, cap, pq = v.broadcast(shortage=s, base=b, price=p, margin_ratio=mr, liquidator_fee=lf,
                                           max_if_fee=cap, quote_price=pq)
    ok = (b > 0) & (mr > lf)
    shortage_pct = s / np.where(ok, b * p * pq, 1.0)
    implied = 0.95 * np.maximum(mr - lf - shortage_pct, 0.0)
    return v.scalar_or_array(np.where(ok, np.minimum(cap, implied), 0.0))


class PerpLiquidationStep(NamedTuple):
    """One ``liquidate_perp``: base sizes in base units, values in USD, fee rates as fractions."""

    base_to_cover: Any  # base that would cover the whole shortage
    base_taken: Any  # base the liquidator takes in this step
    notional: Any  # base_taken * price
    liquidator_fee_rate: Any
    if_fee_rate: Any
    liquidator_fee: Any  # USD paid by the user to the liquidator
    if_fee: Any  # USD paid by the user to the insurance fund
    transfer_price: Any  # the liquidator's price: oracle * (1 - fee) for a long, (1 + fee) for a short


def perp_liquidation_step(base: ArrayLike, price: ArrayLike, shortage: ArrayLike, margin_ratio: ArrayLike,
                          liquidator_fee: ArrayLike, max_if_fee: ArrayLike, *, buffer: ArrayLike = 0.0,
                          tracked_shortage: ArrayLike | None = None, quote_price: ArrayLike = 1.0,
                          max_pct: ArrayLike = 1.0, liquidator_max_base: ArrayLike = np.inf,
                          step_size: ArrayLike = 0.0) -> PerpLiquidationStep:
    """How much a perp liquidation takes and what it charges, as ``controller/liquidation.rs::liquidate_perp``.

    ``base`` the user's signed position, ``shortage`` the account's buffered maintenance shortage (USD),
    ``margin_ratio`` the position's size-adjusted maintenance ratio (the ``buffer`` is added to it),
    ``tracked_shortage`` this market's share of the shortage (defaults to all of it), ``max_pct`` the pacing
    share (:func:`max_pct_to_liquidate`). The step takes ``min(|base|, liquidator_max_base,
    max(base_to_cover * max_pct, all if the position is worth <= $50))``, rounded up to ``step_size``; the user
    pays ``notional * liquidator_fee`` to the liquidator and ``notional * if_fee`` to the insurance fund.
    """
    b = v.as_float_array("base", base)
    p = v.positive("price", price)
    s = v.non_negative("shortage", shortage)
    buf = v.in_range("buffer", buffer, 0.0, 1.0)
    mr0 = v.non_negative("margin_ratio", margin_ratio)
    lf = v.in_range("liquidator_fee", liquidator_fee, 0.0, 1.0)
    cap = v.in_range("max_if_fee", max_if_fee, 0.0, 1.0)
    tracked = s if tracked_shortage is None else v.non_negative("tracked_shortage", tracked_shortage)
    pq = v.positive("quote_price", quote_price)
    pct = v.in_range("max_pct", max_pct, 0.0, 1.0)
    limit = _non_negative_or_inf("liquidator_max_base", liquidator_max_base)
    step = v.non_negative("step_size", step_size)
    b, p, s, buf, mr0, lf, cap, tracked, pq, pct, limit, step = v.broadcast(
        base=b, price=p, shortage=s, buffer=buf, margin_ratio=mr0, liquidator_fee=lf, max_if_fee=cap,
        tracked_shortage=tracked, quote_price=pq, max_pct=pct, liquidator_max_base=limit, step_size=step)
    mr = mr0 + buf
    iff = np.asarray(perp_if_fee(tracked, b, p, mr, lf, cap, pq))
    cover = np.asarray(base_to_cover_shortage(s, p, mr, lf, iff, pq))
    size = np.abs(b)

    def ceil_step(x: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore"):
            stepped = np.ceil(x / np.where(step > 0, step, 1.0) - 1e-9) * step
        return np.where((step > 0) & np.isfinite(x), stepped, x)

    cover = ceil_step(cover)
    allowed = cover * pct
    minimum = np.where(size * p > SMALL_PERP_NOTIONAL, 0.0, size)
    taken = ceil_step(np.minimum(np.minimum(size, limit), np.maximum(allowed, minimum)))
    taken = np.minimum(taken, size)
    notional = taken * p
    transfer = np.where(b >= 0, p * (1 - lf), p * (1 + lf))
    out = v.broadcast(cover=cover, taken=taken, notional=notional, lf=np.broadcast_to(lf, np.shape(notional)),
                      iff=iff, lf_usd=notional * lf, if_usd=notional * iff, transfer=transfer)
    return PerpLiquidationStep(*(v.scalar_or_array(x) for x in out))


# --------------------------------------------------------------------------- spot sizing


def liability_to_cover_shortage(shortage: ArrayLike, liability_price: ArrayLike, liability_weight: ArrayLike,
                                asset_weight: ArrayLike, asset_multiplier: ArrayLike,
                                liability_multiplier: ArrayLike, if_fee: ArrayLike = 0.0) -> FloatArray | float:
    """Liability tokens to transfer so the shortage is covered.

    ``shortage / (Pl * (lw - aw * alm / llm - if_fee * lw))``, with ``lw`` the maintenance liability weight plus
    the buffer; ``inf`` when ``aw * alm / llm >= lw`` (swapping the asset for the liability frees nothing).
    exact: ``calculate_liability_transfer_to_cover_margin_shortage`` (which also floors the result at 1 unit).
    """
    s = v.non_negative("shortage", shortage)
    pl = v.positive("liability_price", liability_price)
    lw = v.positive("liability_weight", liability_weight)
    aw = v.non_negative("asset_weight", asset_weight)
    alm = v.positive("asset_multiplier", asset_multiplier)
    llm = v.positive("liability_multiplier", liability_multiplier)
    iff = v.in_range("if_fee", if_fee, 0.0, 1.0)
    s, pl, lw, aw, alm, llm, iff = v.broadcast(shortage=s, liability_price=pl, liability_weight=lw, asset_weight=aw,
                                               asset_multiplier=alm, liability_multiplier=llm, if_fee=iff)
    awc = aw * alm / llm
    room = (aw < lw) & (awc < lw)
    per_token = pl * (lw - awc - iff * lw)
    if np.any(room & (per_token <= 0)):
        raise ValueError("if_fee must be below 1 - asset_weight*asset_multiplier/(liability_multiplier*"
                         f"liability_weight), got if_fee up to {float(np.max(iff)):g}")
    return v.scalar_or_array(np.where(room, s / np.where(room, per_token, 1.0), np.inf))


def spot_if_fee(shortage: ArrayLike, liability_amount: ArrayLike, liability_price: ArrayLike,
                liability_weight: ArrayLike, asset_weight: ArrayLike, asset_multiplier: ArrayLike,
                liability_multiplier: ArrayLike, max_if_fee: ArrayLike) -> FloatArray | float:
    """Insurance-fund fee rate on a spot liquidation (a share of the liability transferred).

    ``min(max_if_fee, max(0, lw - aw*alm/llm - shortage / (amount * Pl)) / lw)``; 0 when ``aw >= lw`` or the
    amount is 0. Unlike the perp fee there is no 0.95 factor. exact: ``calculate_spot_if_fee``.
    """
    s = v.non_negative("shortage", shortage)
    amount = np.abs(v.as_float_array("liability_amount", liability_amount))
    pl = v.positive("liability_price", liability_price)
    lw = v.positive("liability_weight", liability_weight)
    aw = v.non_negative("asset_weight", asset_weight)
    alm = v.positive("asset_multiplier", asset_multiplier)
    llm = v.positive("liability_multiplier", liability_multiplier)
    cap = v.in_range("max_if_fee", max_if_fee, 0.0, 1.0)
    s, amount, pl, lw, aw, alm, llm, cap = v.broadcast(
        shortage=s, liability_amount=amount, liability_price=pl, liability_weight=lw, asset_weight=aw,
        asset_multiplier=alm, liability_multiplier=llm, max_if_fee=cap)
    ok = (aw < lw) & (amount > 0)
    shortage_pct = s / np.where(ok, amount * pl, 1.0)
    implied = np.maximum(np.maximum(lw - aw * alm / llm, 0.0) - shortage_pct, 0.0) / lw
    return v.scalar_or_array(np.where(ok, np.minimum(cap, implied), 0.0))


def asset_for_liability(liability_amount: ArrayLike, liability_price: ArrayLike, asset_price: ArrayLike,
                        asset_multiplier: ArrayLike, liability_multiplier: ArrayLike,
                        asset_amount: ArrayLike = np.inf) -> FloatArray | float:
    """Asset tokens the liquidator receives for ``liability_amount``: ``L * Pl * alm / (Pa * llm)``.

    When that is within $1 (at ``Pa``) of the user's whole ``asset_amount``, the whole amount is taken instead.
    exact: ``calculate_asset_transfer_for_liability_transfer`` (which floors to token units, at least 1).
    """
    amount = v.non_negative("liability_amount", liability_amount)
    pl = v.positive("liability_price", liability_price)
    pa = v.positive("asset_price", asset_price)
    alm = v.positive("asset_multiplier", asset_multiplier)
    llm = v.positive("liability_multiplier", liability_multiplier)
    held = _non_negative_or_inf("asset_amount", asset_amount)
    amount, pl, pa, alm, llm, held = v.broadcast(liability_amount=amount, liability_price=pl, asset_price=pa,
                                                 asset_multiplier=alm, liability_multiplier=llm, asset_amount=held)
    transfer = amount * pl * alm / (pa * llm)
    with np.errstate(invalid="ignore"):
        snap = np.isfinite(held) & (np.abs(transfer - held) * pa < 1.0)
    return v.scalar_or_array(np.where(snap, held, transfer))


def liability_implied_by_asset(asset_amount: ArrayLike, asset_price: ArrayLike, liability_price: ArrayLike,
                               asset_multiplier: ArrayLike, liability_multiplier: ArrayLike) -> FloatArray | float:
    """Liability tokens worth ``asset_amount`` at the liquidation prices: ``A * Pa * llm / (Pl * alm)``.

    exact: ``calculate_liability_transfer_implied_by_asset_amount`` (rounded up).
    """
    a = v.non_negative("asset_amount", asset_amount)
    pa = v.positive("asset_price", asset_price)
    pl = v.positive("liability_price", liability_price)
    alm = v.positive("asset_multiplier", asset_multiplier)
    llm = v.positive("liability_multiplier", liability_multiplier)
    a, pa, pl, alm, llm = v.broadcast(asset_amount=a, asset_price=pa, liability_price=pl, asset_multiplier=alm,
                                      liability_multiplier=llm)
    return v.scalar_or_array(a * pa * llm / (pl * alm))


class SpotLiquidationStep(NamedTuple):
    """One ``liquidate_spot``: token amounts in tokens, values in USD, fee rates as fractions."""

    liability_to_cover: Any  # liability tokens that would cover the whole shortage
    liability_transfer: Any  # liability tokens the liquidator repays
    asset_transfer: Any  # asset tokens the liquidator receives
    if_fee_rate: Any
    if_fee: Any  # liability tokens to the insurance fund (the user's borrow falls by transfer - if_fee)
    liquidator_gain: Any  # USD: asset received minus liability paid, at the oracle prices


def spot_liquidation_step(shortage: ArrayLike, asset_amount: ArrayLike, asset_price: ArrayLike,
                          asset_weight: ArrayLike, asset_liquidator_fee: ArrayLike, liability_amount: ArrayLike,
                          liability_price: ArrayLike, liability_weight: ArrayLike,
                          liability_liquidator_fee: ArrayLike, max_if_fee: ArrayLike, *, buffer: ArrayLike = 0.0,
                          tracked_shortage: ArrayLike | None = None, max_pct: ArrayLike = 1.0,
                          liquidator_max_liability: ArrayLike = np.inf) -> SpotLiquidationStep:
    """How much a spot liquidation swaps and charges, as ``controller/liquidation.rs::liquidate_spot``.

    ``asset_weight`` is the asset market's maintenance weight and ``liability_weight`` the liability market's
    (the program uses the markets' weights, not the size-adjusted ones; the ``buffer`` is added to the liability
    weight). Multipliers: ``1 + asset_liquidator_fee``, ``1 - liability_liquidator_fee``. The transfer is
    ``min(liability, liquidator max, max(cover * max_pct, all if the borrow is worth <= $10), what the asset
    can pay for)``.
    """
    amount = np.abs(v.as_float_array("liability_amount", liability_amount))
    held = v.non_negative("asset_amount", asset_amount)
    pa = v.positive("asset_price", asset_price)
    aw = v.non_negative("asset_weight", asset_weight)
    fa = v.in_range("asset_liquidator_fee", asset_liquidator_fee, 0.0, 1.0)
    pl = v.positive("liability_price", liability_price)
    lw0 = v.positive("liability_weight", liability_weight)
    fl = v.in_range("liability_liquidator_fee", liability_liquidator_fee, 0.0, 1.0)
    cap = v.in_range("max_if_fee", max_if_fee, 0.0, 1.0)
    buf = v.in_range("buffer", buffer, 0.0, 1.0)
    s = v.non_negative("shortage", shortage)
    tracked = s if tracked_shortage is None else v.non_negative("tracked_shortage", tracked_shortage)
    pct = v.in_range("max_pct", max_pct, 0.0, 1.0)
    limit = _non_negative_or_inf("liquidator_max_liability", liquidator_max_liability)
    amount, held, pa, aw, fa, pl, lw0, fl, cap, buf, s, tracked, pct, limit = v.broadcast(
        liability_amount=amount, asset_amount=held, asset_price=pa, asset_weight=aw, asset_liquidator_fee=fa,
        liability_price=pl, liability_weight=lw0, liability_liquidator_fee=fl, max_if_fee=cap, buffer=buf,
        shortage=s, tracked_shortage=tracked, max_pct=pct, liquidator_max_liability=limit)
    alm, llm = 1 + fa, 1 - fl
    lw = lw0 + buf
    iff = np.asarray(spot_if_fee(tracked, amount, pl, lw, aw, alm, llm, cap))
    cover = np.asarray(liability_to_cover_shortage(s, pl, lw, aw, alm, llm, iff))
    implied = np.asarray(liability_implied_by_asset(held, pa, pl, alm, llm))
    minimum = np.where(amount * pl > SMALL_SPOT_LIABILITY, 0.0, amount)
    transfer = np.minimum(np.minimum(np.minimum(limit, amount), np.maximum(cover * pct, minimum)), implied)
    asset = np.asarray(asset_for_liability(transfer, pl, pa, alm, llm, held))
    out = v.broadcast(cover=cover, transfer=transfer, asset=asset, iff=iff, if_tokens=transfer * iff,
                      gain=asset * pa - transfer * pl)
    return SpotLiquidationStep(*(v.scalar_or_array(x) for x in out))


# --------------------------------------------------------------------------- bankruptcy


class PerpBankruptcy(NamedTuple):
    """``resolve_perp_bankruptcy`` in USD: the insurance fund first, then the market's fee pool, then everyone."""

    if_payment: Any
    fee_pool_payment: Any
    socialized_loss: Any
    funding_delta_per_base: Any  # USD each open base unit (long or short) pays


def perp_bankruptcy(loss: ArrayLike, insurance_fund: ArrayLike, open_interest: ArrayLike, *,
                    max_insurance: ArrayLike = np.inf, fee_pool: ArrayLike = 0.0) -> PerpBankruptcy:
    """Resolve a perp bankruptcy of ``loss`` USD (a positive number) as the program does.

    The insurance fund pays ``min(loss, insurance_fund, max_insurance)`` (the market's remaining insurance claim;
    the program keeps one quote unit in the vault), the fee pool the rest up to its size, and what is left is
    spread over the ``open_interest`` (``|longs| + |shorts|``, base) through the cumulative funding rates:
    ``funding_delta_per_base = socialized / open_interest``. exact: ``resolve_perp_bankruptcy`` with
    ``calculate_funding_rate_deltas_to_resolve_bankruptcy``.
    """
    loss_ = v.non_negative("loss", loss)
    fund = v.non_negative("insurance_fund", insurance_fund)
    cap = _non_negative_or_inf("max_insurance", max_insurance)
    pool = v.non_negative("fee_pool", fee_pool)
    oi = v.non_negative("open_interest", open_interest)
    loss_, fund, cap, pool, oi = v.broadcast(loss=loss_, insurance_fund=fund, max_insurance=cap, fee_pool=pool,
                                             open_interest=oi)
    if_payment = np.minimum(np.minimum(loss_, fund), cap)
    pool_payment = np.minimum(loss_ - if_payment, pool)
    social = loss_ - if_payment - pool_payment
    if np.any((social > 0) & (oi == 0)):
        raise ValueError("open_interest must be > 0 to socialise a loss (the program's CantResolvePerpBankruptcy)")
    delta = social / np.where(oi > 0, oi, 1.0)
    return PerpBankruptcy(*(v.scalar_or_array(x) for x in (if_payment, pool_payment, social, delta)))


class SpotBankruptcy(NamedTuple):
    """``resolve_spot_bankruptcy``: the insurance fund pays the borrow, depositors absorb the rest."""

    if_payment: Any  # tokens
    socialized_loss: Any  # tokens
    deposit_haircut: Any  # fraction by which every deposit (the cumulative deposit interest) shrinks


def spot_bankruptcy(borrow: ArrayLike, insurance_fund: ArrayLike, total_deposits: ArrayLike) -> SpotBankruptcy:
    """Resolve a spot bankruptcy of ``borrow`` tokens: ``if_payment = min(borrow, insurance_fund)``, and the
    rest cuts the cumulative deposit interest by ``socialized / total_deposits`` (0 with no deposits).

    exact: ``resolve_spot_bankruptcy`` with ``calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy``.
    """
    b = v.non_negative("borrow", borrow)
    fund = v.non_negative("insurance_fund", insurance_fund)
    deposits = v.non_negative("total_deposits", total_deposits)
    b, fund, deposits = v.broadcast(borrow=b, insurance_fund=fund, total_deposits=deposits)
    if_payment = np.minimum(b, fund)
    social = b - if_payment
    haircut = np.where(deposits > 0, social / np.where(deposits > 0, deposits, 1.0), 0.0)
    return SpotBankruptcy(*(v.scalar_or_array(x) for x in (if_payment, social, haircut)))


# --------------------------------------------------------------------------- liquidation price


def _oracle_of(account: Account, market: str) -> str:
    return account.holding(market).oracle


def _at_price(account: Account, market: str, price: ArrayLike | None) -> Account:
    if price is None:
        return account
    return account.with_prices({_oracle_of(account, market): v.positive("price", price)})


def _perp(account: Account, market: str) -> PerpHolding:
    holding = account.holding(market)
    if not isinstance(holding, PerpHolding):
        raise ValueError(f"market must name a perp position, got spot holding {market!r}")
    return holding


def liquidation_price(account: Account, market: str, *, margin_type: str = "maintenance",
                      buffer: ArrayLike = 0.0, price: ArrayLike | None = None,
                      iterations: int = 64) -> FloatArray | float:
    """The oracle price of ``market``'s feed at which the account reaches its margin requirement, others fixed.

    ``market`` names a perp or spot holding; every holding on the same oracle moves with it. The price moves in
    the direction that hurts the account (down when the excess rises with the price, up otherwise). Vectorised
    bisection on :meth:`MarginState.excess` (``margin_type``, ``buffer``), then one linear step inside the last
    bracket, which is exact where the excess is linear in the price (always for maintenance, between the kinks
    where a position's P&L changes sign). The current price if the account already fails the requirement;
    ``nan`` when no price in that direction does (e.g. a fully collateralised position). ``price`` starts the
    search from another oracle price than the account's (scalar or array).
    """
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ValueError(f"iterations must be an integer >= 1, got {iterations!r}")
    checked = v.in_range("buffer", buffer, 0.0, 1.0)
    if price is not None:
        v.broadcast(buffer=checked, price=v.positive("price", price))
    account = _at_price(account, market, price)
    oracle = _oracle_of(account, market)

    def excess(price: FloatArray) -> FloatArray:
        return np.asarray(account.evaluate({oracle: price}).excess(margin_type, buffer), dtype=float)

    p0 = np.asarray(account.oracles()[oracle], dtype=float)
    f0 = excess(p0)
    p0 = np.broadcast_to(p0, np.broadcast_shapes(p0.shape, f0.shape)).astype(float)
    f0 = np.broadcast_to(f0, p0.shape)
    h = 1e-6 * p0
    slope = excess(p0 + h) - excess(p0 - h)
    falling = slope > 0  # the account is hurt by a fall in the price
    far = np.where(falling, p0 * 1e-12, p0 * 2.0)
    f_far = excess(far)
    for _ in range(60):  # widen the upward bracket until the requirement fails (up to 2**60 times the price)
        grow = ~falling & (f_far >= 0)
        if not np.any(grow):
            break
        far = np.where(grow, far * 2.0, far)
        f_far = excess(far)
    good, bad = p0.copy(), far.copy()
    f_good, f_bad = f0.copy(), f_far.copy()
    searchable = (f0 >= 0) & (f_far < 0) & (slope != 0)
    for _ in range(iterations):
        mid = 0.5 * (good + bad)
        f_mid = excess(mid)
        ok = f_mid >= 0
        good, f_good = np.where(ok, mid, good), np.where(ok, f_mid, f_good)
        bad, f_bad = np.where(ok, bad, mid), np.where(ok, f_bad, f_mid)
    denom = f_good - f_bad
    root = np.where(denom > 0, good + f_good * (bad - good) / np.where(denom > 0, denom, 1.0), good)
    return v.scalar_or_array(np.where(f0 < 0, p0, np.where(searchable, root, np.nan)))


def _price_delta(account: Account, oracle: str, margin_type: str) -> FloatArray:
    """The SDK's free-collateral change per $1 of the oracle (``calculateFreeCollateralDeltaFor{Perp,Spot}``)."""
    from .margin import asset_weight, liability_weight, scaled_initial_asset_weight

    delta: Any = np.zeros(())
    for p in account.perps:
        if p.oracle != oracle:
            continue
        base = v.as_float_array("base", p.base)
        mr = np.asarray(p.ratio(np.abs(base), margin_type, account.high_leverage_mode))
        delta = delta + np.where(base > 0, (1 - mr) * base, (-1 - mr) * np.abs(base))
    for h in account.spot:
        if h.oracle != oracle:
            continue
        amount = v.as_float_array("amount", h.amount)
        size = np.abs(amount)
        if margin_type == "initial":
            start = scaled_initial_asset_weight(h.initial_asset_weight, h.market_deposits * np.asarray(h.price),
                                                h.scale_initial_asset_weight_start)
            aw, lw = asset_weight(size, start, h.imf_factor), liability_weight(size, h.initial_liability_weight,
                                                                               h.imf_factor)
        else:
            aw = asset_weight(size, h.maintenance_asset_weight, h.imf_factor)
            lw = liability_weight(size, h.maintenance_liability_weight, h.imf_factor)
        delta = delta + np.where(amount > 0, np.asarray(aw) * amount, -np.asarray(lw) * size)
    return np.asarray(delta, dtype=float)


def liquidation_price_first_order(account: Account, market: str, *, margin_type: str = "maintenance",
                                  price: ArrayLike | None = None) -> FloatArray | float:
    """The TS SDK's liquidation price: ``oracle - max(0, collateral - requirement) / delta``.

    ``delta`` is the change of free collateral per $1 of the oracle: ``(1 - mr) * base`` for a long,
    ``(-1 - mr) * |base|`` for a short, ``aw * tokens`` for a deposit and ``-lw * tokens`` for a borrow on the
    same oracle (P&L weights are ignored). ``nan`` where ``delta == 0`` or the price would be negative (the SDK
    returns -1). ``price`` evaluates it at another oracle price than the account's.
    source: @drift-labs/sdk 2.161.0 ``User.liquidationPrice`` / ``User.spotLiquidationPrice``.
    """
    account = _at_price(account, market, price)
    oracle = _oracle_of(account, market)
    state = account.evaluate()
    free = np.maximum(np.asarray(state.excess(margin_type), dtype=float), 0.0)
    delta = _price_delta(account, oracle, margin_type)
    p0 = np.asarray(account.oracles()[oracle], dtype=float)
    free, delta, p0 = np.broadcast_arrays(free, delta, p0)
    price = p0 - free / np.where(delta != 0, delta, 1.0)
    return v.scalar_or_array(np.where((delta == 0) | (price < 0), np.nan, price))


def liquidation_price_gap(account: Account, market: str, *, margin_type: str = "maintenance",
                          price: ArrayLike | None = None) -> FloatArray | float:
    """``liquidation_price - liquidation_price_first_order``: what the SDK's linearisation misses (USD).

    Zero while the excess is linear between the oracle and the liquidation price; non-zero when a position's P&L
    changes sign on the way and its positive P&L weighs less than 1, or for the Initial check (the $100 cap and
    the size-discounted P&L weight), or when the account already fails the requirement.
    """
    exact = np.asarray(liquidation_price(account, market, margin_type=margin_type, price=price))
    first = np.asarray(liquidation_price_first_order(account, market, margin_type=margin_type, price=price))
    return v.scalar_or_array(exact - first)


# --------------------------------------------------------------------------- liquidating the account model


def _perp_fee(p: PerpHolding, high_leverage_mode: bool, slots_since_active: ArrayLike) -> FloatArray:
    base_fee = p.liquidator_fee
    if high_leverage_mode and p.has_high_leverage_ratios():
        base_fee = min(base_fee, 0.8 * p.high_leverage_margin_ratio_maintenance)
    cap = max_liquidation_fee(p.liquidator_fee, p.margin_ratio_maintenance)
    return np.asarray(liquidation_fee(base_fee, cap, slots_since_active))


def liquidate_perp(account: Account, market: str, *, buffer: float = DEFAULT_LIQUIDATION_MARGIN_BUFFER,
                   slots_since_active: ArrayLike = 0.0, max_pct: ArrayLike = 1.0,
                   liquidator_max_base: ArrayLike = np.inf) -> tuple[Account, PerpLiquidationStep]:
    """One perp liquidation of ``market`` on the account model: the new account and the step.

    Sized by :func:`perp_liquidation_step` from the account's buffered shortage; the liquidator takes the base at
    the oracle and the fees come out of the position's ``realized_pnl``. Nothing happens (a zero step) when the
    account meets its buffered maintenance requirement.
    """
    p = _perp(account, market)
    v.broadcast(buffer=v.in_range("buffer", buffer, 0.0, 1.0),
                slots_since_active=v.non_negative("slots_since_active", slots_since_active),
                max_pct=v.in_range("max_pct", max_pct, 0.0, 1.0),
                liquidator_max_base=_non_negative_or_inf("liquidator_max_base", liquidator_max_base))
    state = account.evaluate()
    shortage = np.asarray(state.margin_shortage(buffer))
    base = np.asarray(v.as_float_array("base", p.base))
    size = np.abs(base)
    price = np.asarray(p.price, dtype=float)
    mr = np.asarray(p.ratio(size, "maintenance", account.high_leverage_mode))
    tracked = shortage * np.asarray(size * price * mr) / np.where(
        np.asarray(state.maintenance_requirement) > 0, state.maintenance_requirement, 1.0)
    lf = _perp_fee(p, account.high_leverage_mode, slots_since_active)
    step = perp_liquidation_step(base, price, shortage, mr, lf, p.if_liquidation_fee, buffer=buffer,
                                 tracked_shortage=tracked, max_pct=max_pct, liquidator_max_base=liquidator_max_base)
    taken = np.where(shortage > 0, step.base_taken, 0.0)
    fees = np.where(shortage > 0, step.liquidator_fee + step.if_fee, 0.0)
    closed = np.sign(base) * taken
    realized = np.asarray(p.realized_pnl, dtype=float) + closed * (price - np.asarray(p.entry_price)) - fees
    new = account.replace_holding(market, base=v.scalar_or_array(np.asarray(base - closed, dtype=float)),
                                  realized_pnl=v.scalar_or_array(np.asarray(realized, dtype=float)))
    step = step._replace(base_taken=v.scalar_or_array(np.asarray(taken, dtype=float)),
                         notional=v.scalar_or_array(np.asarray(taken * price, dtype=float)),
                         liquidator_fee=v.scalar_or_array(np.asarray(np.where(shortage > 0, step.liquidator_fee,
                                                                              0.0), dtype=float)),
                         if_fee=v.scalar_or_array(np.asarray(np.where(shortage > 0, step.if_fee, 0.0), dtype=float)))
    return new, step


def liquidate_spot(account: Account, asset: str, liability: str, *,
                   buffer: float = DEFAULT_LIQUIDATION_MARGIN_BUFFER, max_pct: ArrayLike = 1.0,
                   liquidator_max_liability: ArrayLike = np.inf) -> tuple[Account, SpotLiquidationStep]:
    """One spot liquidation on the account model: the liquidator repays part of the ``liability`` borrow and
    takes ``asset`` tokens; the insurance fund's fee is kept out of the repayment. Returns the new account."""
    a, b = account.holding(asset), account.holding(liability)
    if not (isinstance(a, SpotHolding) and isinstance(b, SpotHolding)):
        raise ValueError(f"asset and liability must name spot holdings, got {asset!r} and {liability!r}")
    v.broadcast(buffer=v.in_range("buffer", buffer, 0.0, 1.0), max_pct=v.in_range("max_pct", max_pct, 0.0, 1.0),
                liquidator_max_liability=_non_negative_or_inf("liquidator_max_liability", liquidator_max_liability))
    a_amount = np.asarray(a.amount, dtype=float)
    b_amount = np.asarray(b.amount, dtype=float)
    if np.any(a_amount <= 0) or np.any(b_amount >= 0):
        raise ValueError(f"asset must be a deposit and liability a borrow, got amounts {a.amount!r} and {b.amount!r}")
    state = account.evaluate()
    shortage = np.asarray(state.margin_shortage(buffer))
    tracked = shortage * np.asarray(np.abs(b_amount) * np.asarray(b.price) * b.maintenance_liability_weight) / \
        np.where(np.asarray(state.maintenance_requirement) > 0, state.maintenance_requirement, 1.0)
    step = spot_liquidation_step(shortage, a_amount, a.price, a.maintenance_asset_weight, a.liquidator_fee, b_amount,
                                 b.price, b.maintenance_liability_weight, b.liquidator_fee, b.if_liquidation_fee,
                                 buffer=buffer, tracked_shortage=np.minimum(tracked, shortage), max_pct=max_pct,
                                 liquidator_max_liability=liquidator_max_liability)
    active = shortage > 0
    transfer = np.where(active, step.liability_transfer, 0.0)
    received = np.where(active, step.asset_transfer, 0.0)
    if_tokens = np.where(active, step.if_fee, 0.0)
    new = account.replace_holding(asset, amount=v.scalar_or_array(a_amount - received))
    new = new.replace_holding(liability, amount=v.scalar_or_array(b_amount + transfer - if_tokens))
    step = step._replace(liability_transfer=v.scalar_or_array(np.asarray(transfer, dtype=float)),
                         asset_transfer=v.scalar_or_array(np.asarray(received, dtype=float)),
                         if_fee=v.scalar_or_array(np.asarray(if_tokens, dtype=float)))
    return new, step


def liquidation_path(account: Account, market: str, prices: Sequence[float] | FloatArray, *,
                     buffer: float = DEFAULT_LIQUIDATION_MARGIN_BUFFER, max_pct: float = 1.0,
                     max_steps: int = 20, insurance_fund: float = 0.0, max_insurance: float = np.inf,
                     fee_pool: float = 0.0, open_interest: float = 0.0) -> pd.DataFrame:
    """Walk ``market``'s oracle along ``prices`` and liquidate the perp whenever the account falls short.

    At each price, up to ``max_steps`` liquidations of at most ``max_pct`` of the covering size run until the
    buffered requirement is met or the position is closed. When the position is closed with the account's equity
    negative, the loss beyond the quote (USD) deposit is a bankruptcy: the deposit is used up and
    :func:`perp_bankruptcy` splits the rest between the insurance fund, the fee pool and the other traders
    (``open_interest`` base, the position's own size added). One row per price and per step: the account's
    numbers after it, the base taken, the fees to the liquidator and to the insurance fund.
    """
    import pandas as pd

    from .margin import QUOTE

    path = v.positive("prices", prices)
    if path.ndim != 1:
        raise ValueError(f"prices must be one-dimensional, got shape {path.shape}")
    _perp(account, market)
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise ValueError(f"max_steps must be an integer >= 1, got {max_steps!r}")
    oracle = _oracle_of(account, market)
    checks = {"buffer": v.in_range("buffer", buffer, 0.0, 1.0), "max_pct": v.in_range("max_pct", max_pct, 0.0, 1.0),
              "insurance_fund": v.non_negative("insurance_fund", insurance_fund),
              "max_insurance": _non_negative_or_inf("max_insurance", max_insurance),
              "fee_pool": v.non_negative("fee_pool", fee_pool),
              "open_interest": v.non_negative("open_interest", open_interest)}
    for name, value in checks.items():
        if np.ndim(value) != 0:
            raise ValueError(f"{name} must be a single number for a path, got an array of shape {np.shape(value)}")
    for p in account.holdings():
        if np.ndim(p.price) or (isinstance(p, PerpHolding) and np.ndim(p.base)) or \
                (isinstance(p, SpotHolding) and np.ndim(p.amount)):
            raise ValueError(f"liquidation_path needs a scalar account, holding {p.name!r} has arrays")
    rows: list[dict[str, Any]] = []
    fund = float(insurance_fund)
    last: list[Any] = [None, None]  # the last account evaluated and its state: each is evaluated up to 3 times

    def evaluate(acct: Account) -> Any:
        if last[0] is not acct:
            last[:] = [acct, acct.evaluate()]
        return last[1]

    def record(t: int, price: float, event: str, acct: Account, **extra: Any) -> None:
        state = evaluate(acct)
        row = {"t": t, "price": price, "event": event, "base": float(np.asarray(_perp(acct, market).base)),
               "total_collateral": float(state.total_collateral_maintenance),
               "maintenance_requirement": float(state.maintenance_requirement),
               "health": float(state.health), "equity": float(state.equity), "base_taken": 0.0,
               "liquidator_fee": 0.0, "if_fee": 0.0, "if_payment": 0.0, "socialized_loss": 0.0,
               "insurance_fund": fund}
        row.update(extra)
        rows.append(row)

    current = account
    being_liquidated = False
    for t, price in enumerate(path):
        current = current.with_prices({oracle: float(price)})
        record(t, float(price), "price", current)
        for _ in range(max_steps):
            state = evaluate(current)
            if not being_liquidated:
                if float(state.maintenance_excess) >= 0:  # liquidation starts below maintenance
                    break
                being_liquidated = True
            elif float(state.margin_shortage(buffer)) <= 0:  # and ends once the buffered requirement is met
                being_liquidated = False
                break
            if float(np.asarray(_perp(current, market).base)) == 0:
                break
            current, step = liquidate_perp(current, market, buffer=buffer, max_pct=max_pct)
            fund += float(step.if_fee)
            record(t, float(price), "liquidation", current, base_taken=float(step.base_taken),
                   liquidator_fee=float(step.liquidator_fee), if_fee=float(step.if_fee))
            if float(step.base_taken) >= float(step.base_to_cover):  # the program exits liquidation here
                being_liquidated = False
                break
        perp = _perp(current, market)
        state = evaluate(current)
        if float(np.asarray(perp.base)) == 0 and float(state.equity) < 0:
            quote = next((h for h in current.spot if h.oracle == QUOTE), None)
            deposit = float(np.asarray(quote.amount)) if quote is not None else 0.0
            loss = -float(np.asarray(perp.realized_pnl)) - max(deposit, 0.0)
            size = float(np.abs(np.asarray(_perp(account, market).base)))
            resolved = perp_bankruptcy(max(loss, 0.0), fund, open_interest + size, max_insurance=max_insurance,
                                       fee_pool=fee_pool)
            fund -= float(resolved.if_payment)
            if quote is not None:
                current = current.replace_holding(quote.name, amount=0.0)
            current = current.replace_holding(market, realized_pnl=0.0)
            record(t, float(price), "bankruptcy", current, if_payment=float(resolved.if_payment),
                   socialized_loss=float(resolved.socialized_loss), fee_pool_payment=float(resolved.fee_pool_payment))
            break
    frame = pd.DataFrame(rows)
    if "fee_pool_payment" not in frame:
        frame["fee_pool_payment"] = 0.0
    frame["fee_pool_payment"] = frame["fee_pool_payment"].fillna(0.0)
    return frame
