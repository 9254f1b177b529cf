"""Trading fees in natural units: the fee tier for a volume and stake, a fill's fees, the filler (keeper) reward,
the referral split.

Rates are fractions of the fill's notional (``0.001`` = 10 bps), amounts USD. Every numeric argument broadcasts.
Two schedules ship: :data:`PROGRAM_FEES`, ``FeeStructure::perps_default`` (what the program initialises) and
:data:`DOCS_FEES_2026`, the docs' live schedule (trading-fees page, 2026). Live on-chain parameters are set by
admin and can differ from both (digest §g, §H row 19).

For a taker matched with a maker: the taker pays ``notional * taker_rate`` less the referee discount, the maker
earns ``notional * maker_rebate_rate``, the filler earns :func:`filler_reward` from the taker fee, the referrer a
share of it, and the market keeps the rest (``fee_to_market``). Against the AMM there is no maker rebate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._choices import choice, direction_sign
from ._validate import FloatArray

__all__ = [
    "DOCS_FEES_2026",
    "PROGRAM_FEES",
    "FeeRates",
    "FeeSchedule",
    "FillFees",
    "fee_tier",
    "fill_fees",
    "filler_multiplier",
    "filler_reward",
]


@dataclass(frozen=True)
class FeeSchedule:
    """A perp fee schedule: per-tier taker fee and maker rebate (bps), the 30-day volume that reaches each tier
    above the first, the stake discount ladder, and the split of the taker fee."""

    name: str
    taker_bps: tuple[float, ...]
    maker_rebate_bps: tuple[float, ...]
    volume_thresholds: tuple[float, ...]  # USD of 30-day (taker + maker) volume from which tiers 1.. apply
    stake_thresholds: tuple[float, ...]  # staked governance tokens from which each stake benefit applies
    stake_benefits: tuple[float, ...]  # taker discount = extra maker rebate, fraction; one more than thresholds
    referrer_share: float = 0.15  # of the taker fee
    referee_discount: float = 0.05  # of the taker fee
    filler_share: float = 0.10  # cap of the filler reward, of the taker fee
    filler_time_reward: float = 0.01  # USD, the time-based reward's base (time_based_reward_lower_bound)
    source: str = ""

    def __post_init__(self) -> None:
        tiers = len(self.taker_bps)
        if len(self.maker_rebate_bps) != tiers or len(self.volume_thresholds) != tiers - 1:
            raise ValueError("a schedule needs one taker fee and one maker rebate per tier and one volume threshold "
                             "per tier after the first")
        if len(self.stake_benefits) != len(self.stake_thresholds) + 1:
            raise ValueError("stake_benefits needs one entry more than stake_thresholds (the benefit below the first)")
        if list(self.volume_thresholds) != sorted(self.volume_thresholds):
            raise ValueError("volume_thresholds must be increasing")


PROGRAM_FEES = FeeSchedule(
    name="program FeeStructure::perps_default",
    taker_bps=(10.0, 9.0, 8.0, 7.0, 6.0, 5.0),
    maker_rebate_bps=(2.0,) * 6,
    volume_thresholds=(2e6, 10e6, 20e6, 80e6, 200e6),
    stake_thresholds=(999.0, 9_999.0, 49_999.0, 99_999.0, 249_995.0),
    stake_benefits=(0.0, 0.05, 0.10, 0.20, 0.30, 0.40),
    source="state/state.rs::FeeStructure::perps_default (numerators 100..50 over 1e5); math/fees.rs "
           "determine_perp_fee_tier thresholds (volume < 2M, 10M, 20M, 80M, 200M; stake < 1k-1 ... 250k-5 USDC)")
"""What the program initialises: taker 10/9/8/7/6/5 bps, maker rebate 2 bps, referrer 15%, referee 5%,
filler 10% with a $0.01 time-based base."""

DOCS_FEES_2026 = FeeSchedule(
    name="docs trading-fees page (2026)",
    taker_bps=(3.5, 3.0, 2.75, 2.5, 2.25, 2.0),
    maker_rebate_bps=(0.25,) * 6,
    volume_thresholds=(2e6, 10e6, 20e6, 80e6, 200e6),
    stake_thresholds=(1_000.0, 10_000.0, 50_000.0, 100_000.0, 250_000.0),
    stake_benefits=(0.0, 0.05, 0.10, 0.20, 0.30, 0.40),
    source="docs trading/trading-fees/index.mdx (drift-docs-digest §g): tiers <= 2M ... > 200M, DRIFT staking "
           "Rookie..Champion")
"""The docs' live schedule: taker 3.5 bps (tier 1) down to 2 bps (VIP), maker rebate 0.25 bps."""


class FeeRates(NamedTuple):
    """A user's fee tier (0-based index) and rates after the stake benefit, as fractions of notional."""

    tier: np.ndarray | int
    taker_rate: np.ndarray | float
    maker_rebate_rate: np.ndarray | float


class FillFees(NamedTuple):
    """A fill's fees in USD (arrays when the inputs are). ``taker_fee`` is what the taker pays (after the
    referee discount); ``fee_to_market`` what stays with the market."""

    taker_fee: FloatArray | float
    referee_discount: FloatArray | float
    referrer_reward: FloatArray | float
    maker_rebate: FloatArray | float
    filler_reward: FloatArray | float
    fee_to_market: FloatArray | float


def fee_tier(volume_30d: ArrayLike, staked: ArrayLike = 0.0, *, schedule: FeeSchedule = PROGRAM_FEES,
             high_leverage: bool = False) -> FeeRates:
    """The tier for a 30-day (taker + maker) volume and the rates after the stake benefit ``b``:
    ``taker * (1 - b)``, ``rebate * (1 + b)``. High-leverage-mode users always get the first tier's rates,
    without the stake benefit (their taker fee is then doubled, see :func:`fill_fees`).

    The program rounds the discounted fee numerator up (in units of 1e-5 of notional, a tenth of a bp) and the
    rebate down, so its rates can differ by up to 1e-5. exact: ``determine_user_fee_tier`` /
    ``determine_perp_fee_tier``.
    """
    volume = v.non_negative("volume_30d", volume_30d)
    stake = v.non_negative("staked", staked)
    volume, stake = v.broadcast(volume_30d=volume, staked=stake)
    tier = np.searchsorted(np.asarray(schedule.volume_thresholds), volume, side="right")
    benefit = np.asarray(schedule.stake_benefits)[np.searchsorted(np.asarray(schedule.stake_thresholds), stake,
                                                                  side="right")]
    taker = np.asarray(schedule.taker_bps)[tier] * 1e-4 * (1 - benefit)
    rebate = np.asarray(schedule.maker_rebate_bps)[tier] * 1e-4 * (1 + benefit)
    if high_leverage:
        tier = np.zeros_like(tier)
        taker = np.full_like(taker, schedule.taker_bps[0] * 1e-4)
        rebate = np.full_like(rebate, schedule.maker_rebate_bps[0] * 1e-4)
    return FeeRates(int(tier) if tier.ndim == 0 else tier, v.scalar_or_array(taker), v.scalar_or_array(rebate))


def filler_reward(taker_fee: ArrayLike, slots_since_order: ArrayLike = 1, multiplier: ArrayLike = 1.0, *,
                  schedule: FeeSchedule = PROGRAM_FEES) -> FloatArray | float:
    """The keeper's reward for a fill: ``min(filler_share * fee, $0.01 * clamp(multiplier, 1, 100) *
    max(1, slots)**(1/4))``: it grows with the order's age in **slots** (the docs say seconds, §H row 12).

    The program takes an integer fourth root of ``slots * 1e8`` (so the time part is floored to a hundredth of its
    base) and rounds the amounts down to 1e-6 USD. exact: ``calculate_filler_reward``.
    """
    fee = v.non_negative("taker_fee", taker_fee)
    slots = v.non_negative("slots_since_order", slots_since_order)
    mult = v.positive("multiplier", multiplier)
    fee, slots, mult = v.broadcast(taker_fee=fee, slots_since_order=slots, multiplier=mult)
    time_reward = schedule.filler_time_reward * np.clip(mult, 1.0, 100.0) * np.maximum(1.0, slots) ** 0.25
    return v.scalar_or_array(np.minimum(fee * schedule.filler_share, time_reward))


def filler_multiplier(maker_price: ArrayLike, oracle_price: ArrayLike, maker_direction: str) -> FloatArray | float:
    """The filler reward multiplier of a match, from the maker's price against the oracle: 2x at the oracle,
    0.1x less per bp worse for the taker (a maker bid below / ask above the oracle), 0.1x more per bp better,
    clamped to [1x, 100x]. exact: ``calculate_filler_multiplier_for_matched_orders``.
    """
    side = direction_sign(maker_direction, "maker_direction")
    maker = v.positive("maker_price", maker_price)
    oracle = v.positive("oracle_price", oracle_price)
    maker, oracle = v.broadcast(maker_price=maker, oracle_price=oracle)
    improvement_bps = side * (maker - oracle) / oracle * 1e4
    return v.scalar_or_array(np.clip(2.0 + 0.1 * improvement_bps, 1.0, 100.0))


def fill_fees(notional: ArrayLike, *, taker_rate: ArrayLike, maker_rebate_rate: ArrayLike = 0.0,
              counterparty: str = "maker", referred: bool = False, reward_filler: bool = True,
              slots_since_order: ArrayLike = 1, filler_multiplier: ArrayLike = 1.0, fee_adjustment: ArrayLike = 0.0,
              high_leverage: bool = False, schedule: FeeSchedule = PROGRAM_FEES) -> FillFees:
    """The fees of one fill of ``notional`` USD.

    taker fee ``F = notional * taker_rate * (1 + fee_adjustment)`` (x2 in high-leverage mode); referred takers get
    ``referee_discount * F`` off and the referrer earns ``referrer_share * F`` (of the fee before the discount);
    the maker rebate is ``notional * maker_rebate_rate * (1 + fee_adjustment)`` (``counterparty="maker"`` only);
    the filler reward is :func:`filler_reward` of the taker's fee (when ``reward_filler``; against the AMM with
    multiplier 1x); ``fee_to_market = taker fee - filler - referrer - maker rebate``. ``fee_adjustment`` is the
    market's scaling in [-1, 1].

    The program rounds the taker fee up and the rebate and shares down, each to 1e-6 USD.
    exact: ``calculate_fee_for_fulfillment_with_match`` / ``calculate_fee_for_fulfillment_with_amm`` (taker side).
    """
    who = choice("counterparty", counterparty, ("maker", "amm"))
    q = v.non_negative("notional", notional)
    taker = v.in_range("taker_rate", taker_rate, 0.0, 0.1)
    rebate = v.in_range("maker_rebate_rate", maker_rebate_rate, 0.0, 0.1)
    adjustment = v.in_range("fee_adjustment", fee_adjustment, -1.0, 1.0)
    slots = v.non_negative("slots_since_order", slots_since_order)
    multiplier = v.positive("filler_multiplier", filler_multiplier)
    v.broadcast(notional=q, taker_rate=taker, maker_rebate_rate=rebate, fee_adjustment=adjustment,
                slots_since_order=slots, filler_multiplier=multiplier)  # the filler reward's shapes, checked here
    q, taker, rebate, adjustment = v.broadcast(notional=q, taker_rate=taker, maker_rebate_rate=rebate,
                                               fee_adjustment=adjustment)
    fee = q * taker * (1 + adjustment) * (2 if high_leverage else 1)
    discount = fee * schedule.referee_discount if referred else np.zeros_like(fee)
    referrer = fee * schedule.referrer_share if referred else np.zeros_like(fee)
    fee_paid = fee - discount
    maker = q * rebate * (1 + adjustment) if who == "maker" else np.zeros_like(fee)
    if reward_filler:
        mult = multiplier if who == "maker" else 1.0
        filler = np.asarray(filler_reward(fee_paid, slots, mult, schedule=schedule))
    else:
        filler = np.zeros_like(fee)
    filler = np.broadcast_to(filler, np.broadcast_shapes(np.shape(filler), fee.shape))
    to_market = fee_paid - filler - referrer - maker
    return FillFees(*(v.scalar_or_array(np.asarray(x, dtype=np.float64))
                      for x in (fee_paid, discount, referrer, maker, filler, to_market)))
