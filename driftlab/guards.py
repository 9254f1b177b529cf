"""Guard rails in natural units: oracle validity, fill price bands, the maker oracle band, paused operations.

Every numeric function broadcasts (scalars or arrays in, the broadcast shape out). Fractions are fractions
(``0.05`` is 5%), prices USD, delays slots. Defaults are the program's (``OracleGuardRails::default``,
``state/state.rs``); the docs quote other numbers, collected in :data:`DOCS_VALUES` for comparison (digest §H).

- :func:`oracle_validity` classifies readings (price, confidence, delay, TWAP) into the program's states;
  :func:`valid_for_action` says what each state still allows.
- :func:`fill_within_price_bands` / :func:`fill_price_band`: a fill must be within ``margin_ratio_initial`` of
  the oracle and within 50% of the 5-minute oracle TWAP, unless it improves on both.
- :func:`market_within_price_band`: the reserve and oracle prices within 10% of the 5-minute oracle TWAP (the
  docs' "10% band"), else fills are blocked.
- :func:`maker_breaches_oracle_band`: a resting maker order crossing the oracle by ``margin_ratio_initial`` or
  more is cancelled (the docs say a fixed 2.5%).
- :data:`PERP_OPERATIONS` / :data:`SPOT_OPERATIONS`: the markets' ``paused_operations`` bit flags.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._choices import bool_or_array, choice, direction_sign, str_or_array
from ._choices import contract_tier as _contract_tier
from ._validate import FloatArray

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ACTIONS",
    "CONFIDENCE_MULTIPLIER",
    "DOCS_VALUES",
    "PAUSE_EFFECTS",
    "PERP_OPERATIONS",
    "PROGRAM_DEFAULTS",
    "SPOT_OPERATIONS",
    "VALIDITIES",
    "action_table",
    "fill_price_band",
    "fill_within_price_bands",
    "is_paused",
    "maker_band_limit",
    "maker_breaches_oracle_band",
    "market_within_price_band",
    "oracle_too_divergent_with_twap",
    "oracle_validity",
    "pause_flags",
    "paused_operations",
    "valid_for_action",
]

VALIDITIES = ("NonPositive", "TooVolatile", "TooUncertain", "StaleForMargin", "InsufficientDataPoints",
              "StaleForAMM", "Valid")
"""The program's ``OracleValidity`` states, most severe first (the first that applies wins)."""

PROGRAM_DEFAULTS = {
    "slots_before_stale_for_amm": 10,
    "slots_before_stale_for_margin": 120,
    "confidence_interval_max_size": 0.02,
    "too_volatile_ratio": 5,
    "mark_oracle_percent_divergence": 0.10,
    "oracle_twap_5min_percent_divergence": 0.50,
}
"""``OracleGuardRails::default()`` (state/state.rs) in natural units."""

DOCS_VALUES = {
    "post-only maker band (fraction beyond the oracle)": 0.025,
    "price band vs the 5-min TWAP": 0.10,
    "TooUncertain: confidence above": 0.10,
    "TooVolatile: TWAP / price ratio out of": 5,
    "stale for AMM (slots)": 10,
    "stale for margin (slots)": 120,
    "max_slippage_ratio: per-fill price impact": 0.02,
}
"""What the docs say (drift-docs-digest §e, §H rows 6-9) where it differs from, or restates, the program."""

CONFIDENCE_MULTIPLIER = {"A": 1, "B": 1, "C": 2, "Speculative": 10, "HighlySpeculative": 50, "Isolated": 50}
"""The confidence limit's multiplier by contract tier (``PerpMarket::get_max_confidence_interval_multiplier``)."""

_NOT_BAD = frozenset(VALIDITIES) - {"NonPositive", "TooVolatile"}
ACTIONS: dict[str, frozenset[str]] = {
    "FillOrderAmmImmediate": frozenset({"Valid"}),
    "FillOrderAmmLowRisk": frozenset({"Valid"}),
    "UpdateFunding": frozenset({"Valid", "StaleForAMM", "InsufficientDataPoints", "StaleForMargin"}),
    "SettlePnl": frozenset({"Valid", "StaleForAMM", "InsufficientDataPoints", "StaleForMargin"}),
    "OracleOrderPrice": frozenset({"Valid", "StaleForAMM", "InsufficientDataPoints"}),
    "MarginCalc": frozenset({"Valid", "StaleForAMM", "InsufficientDataPoints"}),
    "TriggerOrder": _NOT_BAD,
    "Liquidate": _NOT_BAD,
    "UseMMOraclePrice": _NOT_BAD,
    "FillOrderMatch": _NOT_BAD - {"TooUncertain"},
    "UpdateAmmCache": _NOT_BAD - {"TooUncertain"},
    "UpdateLpPoolAum": _NOT_BAD - {"TooUncertain"},
    "LpPoolSwap": _NOT_BAD - {"TooUncertain"},
    "UpdateTwap": frozenset(VALIDITIES) - {"NonPositive"},
    "UpdateAMMCurve": frozenset(VALIDITIES) - {"NonPositive"},
}
"""The states each ``DriftAction`` accepts (``is_oracle_valid_for_action``). ``StaleForAMM`` here is the state
:func:`oracle_validity` returns: stale for both immediate and low-risk AMM fills (as ``get_oracle_status``
computes it), so low-risk AMM fills refuse it too."""

PERP_OPERATIONS = {"UpdateFunding": 1, "AmmFill": 2, "Fill": 4, "SettlePnl": 8, "SettlePnlWithPosition": 16,
                   "Liquidation": 32, "AmmImmediateFill": 64, "SettleRevPool": 128}
"""``PerpOperation`` bits of ``PerpMarket.paused_operations`` (state/paused_operations.rs)."""
SPOT_OPERATIONS = {"UpdateCumulativeInterest": 1, "Fill": 2, "Deposit": 4, "Withdraw": 8, "Liquidation": 16}
"""``SpotOperation`` bits of ``SpotMarket.paused_operations``."""
PAUSE_EFFECTS = {
    ("perp", "UpdateFunding"): "funding is not updated (block_operation, update_funding_rate)",
    ("perp", "AmmFill"): "the AMM fills nothing (PerpMarket::amm_can_fill_order); post-only orders skip the "
                         "crossing-the-AMM check (validate_post_only_order)",
    ("perp", "Fill"): "fill_perp_order fails with MarketFillOrderPaused",
    ("perp", "SettlePnl"): "settle_pnl fails with InvalidMarketStatusToSettlePnl",
    ("perp", "SettlePnlWithPosition"): "settle_pnl fails for users who still hold a position",
    ("perp", "Liquidation"): "no liquidations in this market",
    ("perp", "AmmImmediateFill"): "defined, but no instruction reads the market bit at v2.161.0 (the exchange-wide "
                                  "ExchangeStatus::AmmImmediateFillPaused is read instead)",
    ("perp", "SettleRevPool"): "the revenue pool is not settled (controller/amm.rs)",
    ("spot", "UpdateCumulativeInterest"): "interest does not accrue (update_spot_market_cumulative_interest)",
    ("spot", "Fill"): "spot fills are refused (SpotMarket::fills_enabled)",
    ("spot", "Deposit"): "deposits are refused, and fills that would deposit",
    ("spot", "Withdraw"): "withdrawals are refused, and fills that would withdraw",
    ("spot", "Liquidation"): "no liquidations involving this spot market",
}
"""What pausing each operation does in the program (v2.161.0), with where it is read."""

_PRICE_UNIT = 1e-6


# --------------------------------------------------------------------------------------------- oracle validity


def oracle_validity(price: ArrayLike, confidence: ArrayLike, delay: ArrayLike, twap: ArrayLike, *,
                    contract_tier: str = "A",
                    slots_before_stale_for_amm: float = PROGRAM_DEFAULTS["slots_before_stale_for_amm"],
                    slots_before_stale_for_margin: float = PROGRAM_DEFAULTS["slots_before_stale_for_margin"],
                    confidence_interval_max_size: float = PROGRAM_DEFAULTS["confidence_interval_max_size"],
                    too_volatile_ratio: int = int(PROGRAM_DEFAULTS["too_volatile_ratio"]),
                    has_sufficient_data_points: ArrayLike = True,
                    stablecoin_source: bool = False) -> np.ndarray | str:
    """The program's validity state of an oracle reading, for arrays of readings (strings from :data:`VALIDITIES`).

    First match wins: NonPositive (``price <= 0``); TooVolatile (``max(p, twap) / min(p, twap)`` *in whole
    numbers* above ``too_volatile_ratio``: the program divides integers, so with the default 5 a reading is too
    volatile from **6x**, not 5x); TooUncertain (``confidence / price > confidence_interval_max_size x`` the tier's
    :data:`CONFIDENCE_MULTIPLIER`); StaleForMargin (``delay > slots_before_stale_for_margin``, x3 for stablecoin
    oracle sources); InsufficientDataPoints; StaleForAMM (``delay > slots_before_stale_for_amm``, with the
    staleness overrides ``get_oracle_status`` passes); else Valid.

    ``twap`` is the market's (1-hour) oracle TWAP, ``delay`` the oracle's age in slots. The program floors
    ``confidence / price`` to 1e-6 before comparing, so a ratio less than 1e-6 above the limit still passes there;
    for ``price <= 0`` it errors (MathError / CastingFailure) where this returns NonPositive.
    exact: ``oracle_validity`` (through ``get_oracle_status``).
    """
    tier = _contract_tier(contract_tier)
    p = v.as_float_array("price", price)
    conf = v.non_negative("confidence", confidence)
    d = v.as_float_array("delay", delay)
    t = v.positive("twap", twap)
    enough = np.asarray(has_sufficient_data_points, dtype=bool)
    amm_slots = v.non_negative("slots_before_stale_for_amm", slots_before_stale_for_amm)
    margin_slots = v.non_negative("slots_before_stale_for_margin", slots_before_stale_for_margin)
    max_confidence = v.non_negative("confidence_interval_max_size", confidence_interval_max_size)
    if not (isinstance(too_volatile_ratio, (int, np.integer)) and not isinstance(too_volatile_ratio, bool)
            and too_volatile_ratio >= 1):
        raise ValueError(f"too_volatile_ratio must be a whole number >= 1, got {too_volatile_ratio!r}")
    p, conf, d, t, enough_f, amm_slots, margin_slots, max_confidence = v.broadcast(
        price=p, confidence=conf, delay=d, twap=t, has_sufficient_data_points=enough.astype(np.float64),
        slots_before_stale_for_amm=amm_slots, slots_before_stale_for_margin=margin_slots,
        confidence_interval_max_size=max_confidence)
    safe_p = np.where(p > 0, p, 1.0)
    ratio = np.maximum(safe_p, t) / np.maximum(np.minimum(safe_p, t), _PRICE_UNIT)
    too_volatile = ratio >= too_volatile_ratio + 1  # floor(ratio) > N  <=>  ratio >= N + 1
    too_uncertain = conf / safe_p > max_confidence * CONFIDENCE_MULTIPLIER[tier]
    margin_slots = margin_slots * (3 if stablecoin_source else 1)
    states = np.select(
        [p <= 0, too_volatile, too_uncertain, d > margin_slots, enough_f == 0, d > amm_slots],
        list(VALIDITIES[:-1]), default="Valid")
    return str_or_array(states)


def valid_for_action(validity: ArrayLike, action: str) -> np.ndarray | bool:
    """Whether an oracle in ``validity`` (a state or an array of them) may be used for ``action``.

    ``action`` is a ``DriftAction`` name (:data:`ACTIONS`). exact: ``is_oracle_valid_for_action``.
    """
    name = choice("action", action, tuple(ACTIONS))
    states = np.asarray(validity, dtype=object)
    unknown = set(np.unique(states.astype(str))) - set(VALIDITIES)
    if unknown:
        raise ValueError(f"validity must be one of {', '.join(VALIDITIES)}, got {sorted(unknown)}")
    return bool_or_array(np.isin(states.astype(str), sorted(ACTIONS[name])))


def action_table() -> pd.DataFrame:
    """Which state allows which action: a boolean DataFrame, states as rows, ``DriftAction`` names as columns."""
    import pandas as pd

    return pd.DataFrame({action: [state in allowed for state in VALIDITIES] for action, allowed in ACTIONS.items()},
                        index=pd.Index(VALIDITIES, name="validity"))


# ----------------------------------------------------------------------------------------------- price bands


def fill_price_band(oracle_price: ArrayLike, oracle_twap_5min: ArrayLike, margin_ratio_initial: ArrayLike,
                    twap_divergence: ArrayLike = PROGRAM_DEFAULTS["oracle_twap_5min_percent_divergence"]
                    ) -> tuple[FloatArray | float, FloatArray | float]:
    """The open interval ``(low, high)`` of fill prices within both bands:
    ``|f - o| < m*o`` and ``|f - t| < d*t`` give ``(max(o(1-m), t(1-d)), min(o(1+m), t(1+d)))``.

    A long may also fill anywhere below both the oracle and the TWAP, a short above both (an improvement), so
    in effect a long's limit is ``high`` and a short's is ``low``. Empty when ``low >= high``.
    See :func:`driftlab.symbolic.guards.fill_band`. exact: ``validate_fill_price_within_price_bands``.
    """
    o = v.positive("oracle_price", oracle_price)
    t = v.positive("oracle_twap_5min", oracle_twap_5min)
    m = v.in_range("margin_ratio_initial", margin_ratio_initial, 0.0, 1.0, low_open=True)
    d = v.in_range("twap_divergence", twap_divergence, 0.0, 1.0, low_open=True)
    o, t, m, d = v.broadcast(oracle_price=o, oracle_twap_5min=t, margin_ratio_initial=m, twap_divergence=d)
    return (v.scalar_or_array(np.maximum(o * (1 - m), t * (1 - d))),
            v.scalar_or_array(np.minimum(o * (1 + m), t * (1 + d))))


def fill_within_price_bands(fill_price: ArrayLike, oracle_price: ArrayLike, oracle_twap_5min: ArrayLike, *,
                            margin_ratio_initial: ArrayLike,
                            twap_divergence: ArrayLike = PROGRAM_DEFAULTS["oracle_twap_5min_percent_divergence"],
                            direction: str | None = None) -> np.ndarray | bool:
    """Whether a fill passes the price bands: ``|f - o|/o < margin_ratio_initial`` and ``|f - t|/t <
    twap_divergence`` (strict), or, given ``direction``, a long filling below both ``o`` and ``t`` (a short
    above both). The program compares the ratios floored to 1e-4 and 1e-6 with whole-unit limits, which is the
    same test. exact: ``validate_fill_price_within_price_bands`` (``PriceBandsBreached`` when False).
    """
    f = v.positive("fill_price", fill_price)
    o = v.positive("oracle_price", oracle_price)
    t = v.positive("oracle_twap_5min", oracle_twap_5min)
    m = v.in_range("margin_ratio_initial", margin_ratio_initial, 0.0, 1.0, low_open=True)
    d = v.in_range("twap_divergence", twap_divergence, 0.0, 1.0, low_open=True)
    f, o, t, m, d = v.broadcast(fill_price=f, oracle_price=o, oracle_twap_5min=t, margin_ratio_initial=m,
                                twap_divergence=d)
    inside = (np.abs(f - o) < m * o) & (np.abs(f - t) < d * t)
    if direction is not None:
        side = direction_sign(direction)
        inside |= (f < o) & (f < t) if side > 0 else (f > o) & (f > t)
    return bool_or_array(inside)


def market_within_price_band(reserve_price: ArrayLike, oracle_price: ArrayLike, oracle_twap_5min: ArrayLike,
                             mark_oracle_divergence: ArrayLike = PROGRAM_DEFAULTS["mark_oracle_percent_divergence"]
                             ) -> np.ndarray | bool:
    """Whether a market may fill: the larger of ``|r - t|/r`` and ``|o - t|/o`` (reserve and oracle price against
    the 5-minute oracle TWAP) is at most ``max(10%, mark_oracle_divergence)``. The 10% floor is the program's:
    a smaller setting has no effect. exact: ``controller/orders.rs::validate_market_within_price_band`` (from
    ``calculate_oracle_twap_5min_price_spread_pct`` and ``is_oracle_mark_too_divergent``).
    """
    r = v.positive("reserve_price", reserve_price)
    o = v.positive("oracle_price", oracle_price)
    t = v.positive("oracle_twap_5min", oracle_twap_5min)
    g = v.in_range("mark_oracle_divergence", mark_oracle_divergence, 0.0, 10.0)
    r, o, t, g = v.broadcast(reserve_price=r, oracle_price=o, oracle_twap_5min=t, mark_oracle_divergence=g)
    spread = np.maximum(np.abs(r - t) / r, np.abs(o - t) / o)
    return bool_or_array(spread <= np.maximum(g, 0.10))


def oracle_too_divergent_with_twap(oracle_price: ArrayLike, oracle_twap_5min: ArrayLike,
                                   max_divergence: ArrayLike) -> np.ndarray | bool:
    """``|o - t| / t >= max_divergence`` (used to block liquidations and risk-increasing fills).

    exact: ``is_oracle_too_divergent_with_twap_5min``.
    """
    o = v.positive("oracle_price", oracle_price)
    t = v.positive("oracle_twap_5min", oracle_twap_5min)
    g = v.positive("max_divergence", max_divergence)
    o, t, g = v.broadcast(oracle_price=o, oracle_twap_5min=t, max_divergence=g)
    return bool_or_array(np.abs(o - t) / t >= g)


def maker_band_limit(oracle_price: ArrayLike, direction: str, margin_ratio_initial: ArrayLike) -> FloatArray | float:
    """The price at which a resting maker order starts to breach the oracle band: a bid at or above
    ``oracle * (1 + margin_ratio_initial)``, an ask at or below ``oracle * (1 - margin_ratio_initial)``.

    See :func:`driftlab.symbolic.guards.maker_band`.
    """
    side = direction_sign(direction)
    o = v.positive("oracle_price", oracle_price)
    m = v.in_range("margin_ratio_initial", margin_ratio_initial, 0.0, 1.0, low_open=True)
    o, m = v.broadcast(oracle_price=o, margin_ratio_initial=m)
    return v.scalar_or_array(o * (1 + side * m))


def maker_breaches_oracle_band(limit_price: ArrayLike, oracle_price: ArrayLike, direction: str,
                               margin_ratio_initial: ArrayLike) -> np.ndarray | bool:
    """Whether a maker's limit crosses the oracle by the market's initial margin ratio or more (the order is then
    cancelled / refused): bids ``(limit - oracle)/oracle >= m``, asks ``(oracle - limit)/oracle >= m``.

    The docs say 2.5% beyond the oracle (:data:`DOCS_VALUES`); the program uses ``margin_ratio_initial``
    (5% at 20x). exact: ``limit_price_breaches_maker_oracle_price_bands``.
    """
    side = direction_sign(direction)
    limit = v.positive("limit_price", limit_price)
    o = v.positive("oracle_price", oracle_price)
    m = v.in_range("margin_ratio_initial", margin_ratio_initial, 0.0, 1.0, low_open=True)
    limit, o, m = v.broadcast(limit_price=limit, oracle_price=o, margin_ratio_initial=m)
    return bool_or_array(side * (limit - o) / o >= m)


# ----------------------------------------------------------------------------------------- paused operations


def _operations(market: str) -> dict[str, int]:
    return PERP_OPERATIONS if choice("market", market, ("perp", "spot")) == "perp" else SPOT_OPERATIONS


def pause_flags(*operations: str, market: str = "perp") -> int:
    """The ``paused_operations`` byte pausing ``operations`` (names from :data:`PERP_OPERATIONS` or
    :data:`SPOT_OPERATIONS`)."""
    table = _operations(market)
    flags = 0
    for operation in operations:
        flags |= table[choice("operation", operation, tuple(table))]
    return flags


def paused_operations(flags: int, market: str = "perp") -> list[str]:
    """The names of the operations a ``paused_operations`` byte pauses. exact: ``log_all_operations_paused``."""
    table = _operations(market)
    whole = isinstance(flags, (int, np.integer)) or (isinstance(flags, (float, np.floating))
                                                     and float(flags).is_integer())
    if not (whole and 0 <= flags <= 255):
        raise ValueError(f"flags must be a byte (a whole number in 0..255), got {flags!r}")
    return [name for name, bit in table.items() if int(flags) & bit]


def is_paused(flags: ArrayLike, operation: str, market: str = "perp") -> np.ndarray | bool:
    """``flags & operation != 0`` for a byte or an array of them. exact: ``PerpOperation::is_operation_paused``."""
    table = _operations(market)
    bit = table[choice("operation", operation, tuple(table))]
    array = v.in_range("flags", flags, 0, 255)
    if np.any(array != np.floor(array)):
        raise ValueError(f"flags must be whole bytes (0..255), got {flags!r}")
    return bool_or_array((array.astype(np.int64) & bit) != 0)
