"""The margin calculation's context and result: collateral, requirement, buffers, liabilities, oracle flags.

``MarginContext`` says what to compute (Initial/Fill/Maintenance, strict prices, a liquidation buffer in
MARGIN_PRECISION, fuel deltas); ``MarginCalculation`` accumulates what
``calculate_margin_requirement_and_total_collateral_and_liability_info`` finds, cross margin and per isolated
perp position, and answers the program's questions about it (``meets_margin_requirement``,
``get_cross_free_collateral``, ``cross_margin_margin_shortage``...). Collateral and requirements are in
QUOTE_PRECISION (1e6).

Rust builder methods whose name is also a field of ``MarginContext`` (``strict``, ``margin_buffer``,
``ignore_invalid_deposit_oracles``, ``fuel_perp_delta``, ``fuel_spot_deltas``, ``margin_ratio_override``) are
spelled ``with_<name>`` here, since a Python attribute cannot be both; each returns a new context.

The ``total_spot_asset_value`` / ``total_spot_liability_value`` / ``total_perp_liability_value`` /
``total_perp_pnl`` totals are only accumulated in the program's ``drift-rs`` build; the on-chain program leaves
them 0, and so does this module.

program: state/margin_calculation.rs
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .constants import AMM_RESERVE_PRECISION_I128, MARGIN_PRECISION_I128, MARGIN_PRECISION_U128
from .enums import MarginRequirementType, MarketType
from .errors import FailedUnwrap, InvalidMarginCalculation, InvalidMarginRatio
from .fuel import calculate_perp_fuel_bonus, calculate_spot_fuel_bonus
from .safe_math import I64, I128, U8, U32, U128, cast, safe_add, safe_div, safe_mul, safe_sub
from .spot_balance import get_strict_token_value

if TYPE_CHECKING:
    from .state import PerpMarket, PerpPosition, SpotMarket, StrictOraclePrice, User


def _saturating_add_i128(a: int, b: int) -> int:
    return min(max(a + b, I128.min), I128.max)


@dataclass(frozen=True)
class MarketIdentifier:
    """program: state/margin_calculation.rs::MarketIdentifier"""

    market_type: MarketType = MarketType.Spot
    market_index: int = 0  # u16

    @classmethod
    def spot(cls, market_index: int) -> MarketIdentifier:
        """program: MarketIdentifier::spot"""
        return cls(MarketType.Spot, market_index)

    @classmethod
    def perp(cls, market_index: int) -> MarketIdentifier:
        """program: MarketIdentifier::perp"""
        return cls(MarketType.Perp, market_index)


@dataclass(frozen=True)
class MarginCalculationMode:
    """``Standard`` or ``Liquidation { market_to_track_margin_requirement }``.

    program: state/margin_calculation.rs::MarginCalculationMode
    """

    is_liquidation: bool = False
    market_to_track_margin_requirement: MarketIdentifier | None = None

    @classmethod
    def Standard(cls) -> MarginCalculationMode:  # noqa: N802 - the program's variant name
        return cls()

    @classmethod
    def Liquidation(  # noqa: N802 - the program's variant name
        cls, market_to_track_margin_requirement: MarketIdentifier | None = None
    ) -> MarginCalculationMode:
        return cls(True, market_to_track_margin_requirement)


def _no_fuel_spot_deltas() -> tuple[tuple[int, int], tuple[int, int]]:
    return ((0, 0), (0, 0))


@dataclass(frozen=True)
class MarginContext:
    """program: state/margin_calculation.rs::MarginContext"""

    margin_type: MarginRequirementType = MarginRequirementType.Initial
    mode: MarginCalculationMode = field(default_factory=MarginCalculationMode)
    strict: bool = False
    ignore_invalid_deposit_oracles: bool = False
    margin_buffer: int = 0  # u128
    fuel_bonus_numerator: int = 0  # i64
    fuel_bonus: int = 0  # u64
    fuel_perp_delta: tuple[int, int] | None = None  # Option<(u16, i64)>
    fuel_spot_deltas: tuple[tuple[int, int], tuple[int, int]] = field(default_factory=_no_fuel_spot_deltas)
    margin_ratio_override: int | None = None  # Option<u32>

    @classmethod
    def standard(cls, margin_type: MarginRequirementType) -> MarginContext:
        """Plain margin check of ``margin_type``, no buffer. program: MarginContext::standard"""
        return cls(margin_type=margin_type)

    @classmethod
    def liquidation(cls, margin_buffer: int) -> MarginContext:
        """Maintenance check with a liquidation buffer (MARGIN_PRECISION). program: MarginContext::liquidation"""
        return cls(margin_type=MarginRequirementType.Maintenance, mode=MarginCalculationMode.Liquidation(),
                   margin_buffer=cast(margin_buffer, U32))

    def with_strict(self, strict: bool) -> MarginContext:
        """program: MarginContext::strict"""
        return replace(self, strict=strict)

    def with_ignore_invalid_deposit_oracles(self, ignore: bool) -> MarginContext:
        """program: MarginContext::ignore_invalid_deposit_oracles"""
        return replace(self, ignore_invalid_deposit_oracles=ignore)

    def with_margin_buffer(self, margin_buffer: int) -> MarginContext:
        """program: MarginContext::margin_buffer"""
        return replace(self, margin_buffer=cast(margin_buffer, U32))

    def with_fuel_perp_delta(self, market_index: int, delta: int) -> MarginContext:
        """program: MarginContext::fuel_perp_delta"""
        return replace(self, fuel_perp_delta=(market_index, delta))

    def fuel_spot_delta(self, market_index: int, delta: int) -> MarginContext:
        """Sets the first of the two spot fuel deltas. program: MarginContext::fuel_spot_delta"""
        return replace(self, fuel_spot_deltas=((market_index, delta), self.fuel_spot_deltas[1]))

    def with_fuel_spot_deltas(self, deltas: tuple[tuple[int, int], tuple[int, int]]) -> MarginContext:
        """program: MarginContext::fuel_spot_deltas"""
        return replace(self, fuel_spot_deltas=(tuple(deltas[0]), tuple(deltas[1])))  # type: ignore[arg-type]

    def fuel_numerator(self, user: User, now: int) -> MarginContext:
        """Seconds of fuel accrual since the user's last fuel update. program: MarginContext::fuel_numerator"""
        return replace(self, fuel_bonus_numerator=user.get_fuel_bonus_numerator(now))

    def with_margin_ratio_override(self, margin_ratio_override: int) -> MarginContext:
        """program: MarginContext::margin_ratio_override"""
        return replace(self, margin_ratio_override=margin_ratio_override)

    def track_market_margin_requirement(self, market_identifier: MarketIdentifier) -> MarginContext:
        """Track one market's share of the requirement (liquidation mode only, else ``InvalidMarginCalculation``).

        program: MarginContext::track_market_margin_requirement
        """
        if not self.mode.is_liquidation:
            raise InvalidMarginCalculation("cant track market outside of liquidation mode")
        return replace(self, mode=MarginCalculationMode.Liquidation(market_identifier))


@dataclass
class IsolatedMarginCalculation:
    """program: state/margin_calculation.rs::IsolatedMarginCalculation"""

    margin_requirement: int = 0  # u128
    total_collateral: int = 0  # i128
    total_collateral_buffer: int = 0  # i128
    margin_requirement_plus_buffer: int = 0  # u128

    def get_total_collateral_plus_buffer(self) -> int:
        """``total_collateral + total_collateral_buffer`` (saturating)."""
        return _saturating_add_i128(self.total_collateral, self.total_collateral_buffer)

    def meets_margin_requirement(self) -> bool:
        """``total_collateral >= margin_requirement``."""
        return self.total_collateral >= self.margin_requirement

    def meets_margin_requirement_with_buffer(self) -> bool:
        """``total_collateral + buffer >= margin_requirement_plus_buffer``."""
        return self.get_total_collateral_plus_buffer() >= self.margin_requirement_plus_buffer

    def margin_shortage(self) -> int:
        """``max(margin_requirement_plus_buffer - (total_collateral + buffer), 0)``."""
        shortage = safe_sub(cast(self.margin_requirement_plus_buffer, I128), self.get_total_collateral_plus_buffer(),
                            I128)
        return max(shortage, 0)


@dataclass
class MarginCalculation:
    """program: state/margin_calculation.rs::MarginCalculation"""

    context: MarginContext = field(default_factory=MarginContext)
    total_collateral: int = 0  # i128
    total_collateral_buffer: int = 0  # i128
    margin_requirement: int = 0  # u128
    margin_requirement_plus_buffer: int = 0  # u128
    isolated_margin_calculations: dict[int, IsolatedMarginCalculation] = field(default_factory=dict)
    num_spot_liabilities: int = 0  # u8
    num_perp_liabilities: int = 0  # u8
    all_deposit_oracles_valid: bool = True
    all_liability_oracles_valid: bool = True
    with_perp_isolated_liability: bool = False
    with_spot_isolated_liability: bool = False
    total_spot_asset_value: int = 0  # i128
    total_spot_liability_value: int = 0  # u128
    total_perp_liability_value: int = 0  # u128
    total_perp_pnl: int = 0  # i128
    tracked_market_margin_requirement: int = 0  # u128
    fuel_deposits: int = 0  # u32
    fuel_borrows: int = 0  # u32
    fuel_positions: int = 0  # u32

    @classmethod
    def new(cls, context: MarginContext) -> MarginCalculation:
        """An empty calculation for ``context``. program: MarginCalculation::new"""
        return cls(context=context)

    def add_cross_margin_total_collateral(self, total_collateral: int) -> None:
        """Add collateral; with a buffer, negative collateral also adds ``value * buffer / 1e4`` to the buffer."""
        self.total_collateral = safe_add(self.total_collateral, total_collateral, I128)
        if self.context.margin_buffer > 0 and total_collateral < 0:
            buffer = safe_div(safe_mul(total_collateral, cast(self.context.margin_buffer, I128), I128),
                              MARGIN_PRECISION_I128)
            self.total_collateral_buffer = safe_add(self.total_collateral_buffer, buffer, I128)

    def add_cross_margin_margin_requirement(
        self, margin_requirement: int, liability_value: int, market_identifier: MarketIdentifier
    ) -> None:
        """Add a requirement; with a buffer, ``requirement + liability_value * buffer / 1e4`` to the buffered one."""
        self.margin_requirement = safe_add(self.margin_requirement, margin_requirement, U128)
        if self.context.margin_buffer > 0:
            extra = safe_div(safe_mul(liability_value, self.context.margin_buffer, U128), MARGIN_PRECISION_U128)
            self.margin_requirement_plus_buffer = safe_add(
                self.margin_requirement_plus_buffer, safe_add(margin_requirement, extra, U128), U128)
        market_to_track = self.market_to_track_margin_requirement()
        if market_to_track is not None and market_to_track == market_identifier:
            self.tracked_market_margin_requirement = safe_add(self.tracked_market_margin_requirement,
                                                              margin_requirement, U128)

    def add_isolated_margin_calculation(
        self, market_index: int, deposit_value: int, pnl: int, liability_value: int, margin_requirement: int
    ) -> None:
        """Record an isolated perp position's own collateral (deposit + pnl) and requirement."""
        total_collateral = safe_add(deposit_value, pnl, I128)
        buffer = self.context.margin_buffer
        total_collateral_buffer = (safe_div(safe_mul(pnl, cast(buffer, I128), I128), MARGIN_PRECISION_I128)
                                   if buffer > 0 and pnl < 0 else 0)
        margin_requirement_plus_buffer = (
            safe_add(margin_requirement, safe_div(safe_mul(liability_value, buffer, U128), MARGIN_PRECISION_U128),
                     U128)
            if buffer > 0 else 0)
        self.isolated_margin_calculations[market_index] = IsolatedMarginCalculation(
            margin_requirement=margin_requirement, total_collateral=total_collateral,
            total_collateral_buffer=total_collateral_buffer,
            margin_requirement_plus_buffer=margin_requirement_plus_buffer)
        market_to_track = self.market_to_track_margin_requirement()
        if market_to_track is not None and market_to_track == MarketIdentifier.perp(market_index):
            self.tracked_market_margin_requirement = safe_add(self.tracked_market_margin_requirement,
                                                              margin_requirement, U128)

    def add_spot_liability(self) -> None:
        """One more spot liability (u8)."""
        self.num_spot_liabilities = safe_add(self.num_spot_liabilities, 1, U8)

    def add_perp_liability(self) -> None:
        """One more perp liability (u8)."""
        self.num_perp_liabilities = safe_add(self.num_perp_liabilities, 1, U8)

    def add_spot_asset_value(self, spot_asset_value: int) -> None:
        """drift-rs build only (not called on chain)."""
        self.total_spot_asset_value = safe_add(self.total_spot_asset_value, spot_asset_value, I128)

    def add_spot_liability_value(self, spot_liability_value: int) -> None:
        """drift-rs build only (not called on chain)."""
        self.total_spot_liability_value = safe_add(self.total_spot_liability_value, spot_liability_value, U128)

    def add_perp_liability_value(self, perp_liability_value: int) -> None:
        """drift-rs build only (not called on chain)."""
        self.total_perp_liability_value = safe_add(self.total_perp_liability_value, perp_liability_value, U128)

    def add_perp_pnl(self, perp_pnl: int) -> None:
        """drift-rs build only (not called on chain)."""
        self.total_perp_pnl = safe_add(self.total_perp_pnl, perp_pnl, I128)

    def update_all_deposit_oracles_valid(self, valid: bool) -> None:
        self.all_deposit_oracles_valid = self.all_deposit_oracles_valid and valid

    def update_all_liability_oracles_valid(self, valid: bool) -> None:
        self.all_liability_oracles_valid = self.all_liability_oracles_valid and valid

    def update_with_spot_isolated_liability(self, isolated: bool) -> None:
        self.with_spot_isolated_liability = self.with_spot_isolated_liability or isolated

    def update_with_perp_isolated_liability(self, isolated: bool) -> None:
        self.with_perp_isolated_liability = self.with_perp_isolated_liability or isolated

    def validate_num_spot_liabilities(self) -> None:
        """A spot liability with a zero margin requirement is ``InvalidMarginRatio``."""
        if self.num_spot_liabilities > 0 and not self.margin_requirement > 0:
            raise InvalidMarginRatio(f"num_spot_liabilities={self.num_spot_liabilities} but margin_requirement=0")

    def get_num_of_liabilities(self) -> int:
        """Spot plus perp liabilities (u8)."""
        return safe_add(self.num_spot_liabilities, self.num_perp_liabilities, U8)

    def get_cross_total_collateral_plus_buffer(self) -> int:
        """``total_collateral + total_collateral_buffer`` (saturating)."""
        return _saturating_add_i128(self.total_collateral, self.total_collateral_buffer)

    def meets_margin_requirement(self) -> bool:
        """Cross margin and every isolated position meet their requirement."""
        if not self.meets_cross_margin_requirement():
            return False
        return all(c.meets_margin_requirement() for c in self.isolated_margin_calculations.values())

    def meets_margin_requirement_with_buffer(self) -> bool:
        """Cross margin and every isolated position meet their buffered requirement."""
        if not self.meets_cross_margin_requirement_with_buffer():
            return False
        return all(c.meets_margin_requirement_with_buffer() for c in self.isolated_margin_calculations.values())

    def meets_cross_margin_requirement(self) -> bool:
        """``total_collateral >= margin_requirement``."""
        return self.total_collateral >= self.margin_requirement

    def meets_cross_margin_requirement_with_buffer(self) -> bool:
        """``total_collateral + buffer >= margin_requirement_plus_buffer``."""
        return self.get_cross_total_collateral_plus_buffer() >= self.margin_requirement_plus_buffer

    def _isolated(self, market_index: int) -> IsolatedMarginCalculation:
        try:
            return self.isolated_margin_calculations[market_index]
        except KeyError:
            raise FailedUnwrap(f"no isolated margin calculation for perp market {market_index}") from None

    def meets_isolated_margin_requirement(self, market_index: int) -> bool:
        """An isolated position meets its requirement (``FailedUnwrap`` if there is none)."""
        return self._isolated(market_index).meets_margin_requirement()

    def meets_isolated_margin_requirement_with_buffer(self, market_index: int) -> bool:
        """An isolated position meets its buffered requirement (``FailedUnwrap`` if there is none)."""
        return self._isolated(market_index).meets_margin_requirement_with_buffer()

    def can_exit_cross_margin_liquidation(self) -> bool:
        """Cross margin meets the buffered requirement; ``InvalidMarginCalculation`` outside liquidation mode."""
        if not self.is_liquidation_mode():
            raise InvalidMarginCalculation("liquidation mode not enabled")
        return self.meets_cross_margin_requirement_with_buffer()

    def can_exit_isolated_margin_liquidation(self, market_index: int) -> bool:
        """An isolated position meets its buffered requirement (liquidation mode only)."""
        if not self.is_liquidation_mode():
            raise InvalidMarginCalculation("liquidation mode not enabled")
        return self._isolated(market_index).meets_margin_requirement_with_buffer()

    def cross_margin_margin_shortage(self) -> int:
        """``max(margin_requirement_plus_buffer - (total_collateral + buffer), 0)``; needs a buffer."""
        if self.context.margin_buffer == 0:
            raise InvalidMarginCalculation("margin buffer mode not enabled")
        shortage = safe_sub(cast(self.margin_requirement_plus_buffer, I128),
                            self.get_cross_total_collateral_plus_buffer(), I128)
        return max(shortage, 0)

    def isolated_margin_shortage(self, market_index: int) -> int:
        """An isolated position's buffered shortage; needs a buffer."""
        if self.context.margin_buffer == 0:
            raise InvalidMarginCalculation("margin buffer mode not enabled")
        return self._isolated(market_index).margin_shortage()

    def tracked_market_margin_shortage(self, margin_shortage: int) -> int:
        """The tracked market's share of ``margin_shortage``: ``S * tracked_requirement / requirement``."""
        market_to_track = self.market_to_track_margin_requirement()
        if market_to_track is None:
            raise InvalidMarginCalculation("no market to track margin requirement")
        margin_requirement = self.margin_requirement
        if market_to_track.market_type == MarketType.Perp:
            isolated = self.isolated_margin_calculations.get(market_to_track.market_index)
            if isolated is not None:
                margin_requirement = isolated.margin_requirement
        if margin_requirement == 0:
            return 0
        return safe_div(safe_mul(margin_shortage, self.tracked_market_margin_requirement, U128), margin_requirement)

    def get_cross_free_collateral(self) -> int:
        """``max(total_collateral - margin_requirement, 0)`` (u128)."""
        return max(safe_sub(self.total_collateral, cast(self.margin_requirement, I128), I128), 0)

    def get_isolated_free_collateral(self, market_index: int) -> int:
        """``max(total_collateral - margin_requirement, 0)`` of an isolated position."""
        isolated = self._isolated(market_index)
        return max(safe_sub(isolated.total_collateral, cast(isolated.margin_requirement, I128), I128), 0)

    def market_to_track_margin_requirement(self) -> MarketIdentifier | None:
        """The tracked market in liquidation mode, else None."""
        if self.context.mode.is_liquidation:
            return self.context.mode.market_to_track_margin_requirement
        return None

    def is_liquidation_mode(self) -> bool:
        return self.context.mode.is_liquidation

    def update_fuel_perp_bonus(
        self, perp_market: PerpMarket, perp_position: PerpPosition, base_asset_value: int, oracle_price: int
    ) -> None:
        """Add position fuel on the notional (adjusted by the context's perp delta for that market)."""
        if perp_market.fuel_boost_position == 0:
            return
        fuel_base_asset_value = base_asset_value
        if self.context.fuel_perp_delta is not None:
            market_index, perp_delta = self.context.fuel_perp_delta
            if market_index == perp_market.market_index:
                base = cast(safe_add(perp_position.base_asset_amount, perp_delta, I64), I128)
                fuel_base_asset_value = abs(safe_div(safe_mul(base, oracle_price, I128), AMM_RESERVE_PRECISION_I128))
        bonus = calculate_perp_fuel_bonus(perp_market, fuel_base_asset_value, self.context.fuel_bonus_numerator)
        self.fuel_positions = min(self.fuel_positions + min(bonus, U32.max), U32.max)

    def update_fuel_spot_bonus(
        self, spot_market: SpotMarket, signed_token_amount: int, strict_price: StrictOraclePrice
    ) -> None:
        """Add deposit or borrow fuel on the strict token value (adjusted by the context's spot deltas)."""
        if spot_market.fuel_boost_deposits == 0 and spot_market.fuel_boost_borrows == 0:
            return
        for market_index, delta in self.context.fuel_spot_deltas:
            if spot_market.market_index == market_index and delta != 0:
                signed_token_amount = safe_add(signed_token_amount, delta, I128)
        if spot_market.fuel_boost_deposits > 0 and signed_token_amount > 0:
            value = get_strict_token_value(signed_token_amount, spot_market.decimals, strict_price)
            bonus = calculate_spot_fuel_bonus(spot_market, value, self.context.fuel_bonus_numerator)
            self.fuel_deposits = min(self.fuel_deposits + min(bonus, U32.max), U32.max)
        elif spot_market.fuel_boost_borrows > 0 and signed_token_amount < 0:
            value = get_strict_token_value(signed_token_amount, spot_market.decimals, strict_price)
            bonus = calculate_spot_fuel_bonus(spot_market, value, self.context.fuel_bonus_numerator)
            self.fuel_borrows = min(self.fuel_borrows + min(bonus, U32.max), U32.max)

    def get_isolated_margin_calculation(self, market_index: int) -> IsolatedMarginCalculation:
        """The isolated position's calculation, else ``InvalidMarginCalculation``."""
        calculation = self.isolated_margin_calculations.get(market_index)
        if calculation is None:
            raise InvalidMarginCalculation(f"no isolated margin calculation for perp market {market_index}")
        return calculation

    def has_isolated_margin_calculation(self, market_index: int) -> bool:
        return market_index in self.isolated_margin_calculations


__all__ = [
    "IsolatedMarginCalculation",
    "MarginCalculation",
    "MarginCalculationMode",
    "MarginContext",
    "MarketIdentifier",
]
