"""The program's enums, with its type and variant names.

Unit variants keep the program's discriminant order (0, 1, ...); bit-flag enums keep their bit values.
Enums the program orders (``derive(PartialOrd)``: ContractTier, AssetTier, OracleSource) compare by that
order, so ``ContractTier.A < ContractTier.B`` as in Rust. The default variant of each enum is the default of
the struct fields that use it (see ``state.py``).
"""

from __future__ import annotations

from enum import Enum, IntFlag


class ProgramEnum(Enum):
    """A Rust fieldless enum: compared by identity, printed as ``Type.Variant``."""

    def __str__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


class OrderedEnum(ProgramEnum):
    """A Rust enum deriving ``PartialOrd``: variants compare in declaration order."""

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.value < other.value

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.value <= other.value

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.value > other.value

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.value >= other.value


class SwapDirection(ProgramEnum):
    """program: controller/amm.rs::SwapDirection"""

    Add = 0
    Remove = 1


class PositionDirection(ProgramEnum):
    """program: controller/position.rs::PositionDirection"""

    Long = 0
    Short = 1

    def opposite(self) -> PositionDirection:
        """The other direction. program: controller/position.rs::PositionDirection::opposite"""
        return PositionDirection.Short if self is PositionDirection.Long else PositionDirection.Long



class PositionUpdateType(ProgramEnum):
    """program: math/position.rs::PositionUpdateType"""

    Open = 0
    Increase = 1
    Reduce = 2
    Close = 3
    Flip = 4


class TwapPeriod(ProgramEnum):
    """program: math/amm.rs::TwapPeriod"""

    FundingPeriod = 0
    FiveMin = 1


class MarketStatus(ProgramEnum):
    """program: state/perp_market.rs::MarketStatus"""

    Initialized = 0
    Active = 1
    FundingPaused = 2
    AmmPaused = 3
    FillPaused = 4
    WithdrawPaused = 5
    ReduceOnly = 6
    Settlement = 7
    Delisted = 8



class ContractType(ProgramEnum):
    """program: state/perp_market.rs::ContractType"""

    Perpetual = 0
    Future = 1
    Prediction = 2



class ContractTier(OrderedEnum):
    """program: state/perp_market.rs::ContractTier"""

    A = 0
    B = 1
    C = 2
    Speculative = 3
    HighlySpeculative = 4
    Isolated = 5

    def is_as_safe_as(self, best_contract: ContractTier, best_asset: AssetTier) -> bool:
        """As safe as both the safest contract and the safest asset liability held.

        program: state/perp_market.rs::ContractTier::is_as_safe_as
        """
        return self.is_as_safe_as_contract(best_contract) and self.is_as_safe_as_asset(best_asset)

    def is_as_safe_as_contract(self, other: ContractTier) -> bool:
        """``self <= other`` (A is the safest tier).

        program: state/perp_market.rs::ContractTier::is_as_safe_as_contract
        """
        return self <= other

    def is_as_safe_as_asset(self, other: AssetTier) -> bool:
        """True against ``Unlisted``; otherwise only tiers A-C rank with asset tiers Cross or riskier.

        program: state/perp_market.rs::ContractTier::is_as_safe_as_asset
        """
        if other == AssetTier.Unlisted:
            return True
        return other >= AssetTier.Cross and self <= ContractTier.C



class LpStatus(ProgramEnum):
    """program: state/perp_market.rs::LpStatus"""

    Uncollateralized = 0
    Active = 1
    Decommissioning = 2


class AMMLiquiditySplit(OrderedEnum):
    """Who takes the AMM's side of a fill: the protocol alone, the LPs alone, or both pro rata.

    (v2.136.0; removed by v2.161.0 with Backstop AMM Liquidity.)
    program (v2.136.0): state/perp_market.rs::AMMLiquiditySplit
    """

    ProtocolOwned = 0
    LPOwned = 1
    Shared = 2



class MarketConfigFlag(IntFlag):
    """program: state/perp_market.rs::MarketConfigFlag"""

    DisableFormulaicKUpdate = 0b00000001


class AssetTier(OrderedEnum):
    """program: state/spot_market.rs::AssetTier"""

    Collateral = 0
    Protected = 1
    Cross = 2
    Isolated = 3
    Unlisted = 4



class SpotBalanceType(ProgramEnum):
    """program: state/spot_market.rs::SpotBalanceType"""

    Deposit = 0
    Borrow = 1



class OracleSource(OrderedEnum):
    """program: state/oracle.rs::OracleSource"""

    Pyth = 0
    Switchboard = 1
    QuoteAsset = 2
    Pyth1K = 3
    Pyth1M = 4
    PythStableCoin = 5
    Prelaunch = 6
    PythPull = 7
    Pyth1KPull = 8
    Pyth1MPull = 9
    PythStableCoinPull = 10
    SwitchboardOnDemand = 11
    PythLazer = 12
    PythLazer1K = 13
    PythLazer1M = 14
    PythLazerStableCoin = 15



class OracleValidity(ProgramEnum):
    """program: math/oracle.rs::OracleValidity"""

    NonPositive = 0
    TooVolatile = 1
    TooUncertain = 2
    StaleForMargin = 3
    InsufficientDataPoints = 4
    StaleForAMM = 5
    Valid = 6

    @staticmethod
    def stale_for_amm(immediate: bool, low_risk: bool) -> OracleValidityStaleForAMM:
        """The program's ``OracleValidity::StaleForAMM { immediate, low_risk }`` (see OracleValidityStaleForAMM)."""
        return OracleValidityStaleForAMM(immediate, low_risk)

    @property
    def variant(self) -> OracleValidity:
        """The unit variant itself (``OracleValidityStaleForAMM.variant`` is ``OracleValidity.StaleForAMM``)."""
        return self

    def get_error_code(self) -> type:
        """The ``ErrorCode`` class for this invalidity. program: math/oracle.rs::OracleValidity::get_error_code"""
        from . import errors

        if self is OracleValidity.Valid:
            raise AssertionError("unreachable: Valid has no error code")
        error: type = getattr(errors, f"Oracle{self.name}")
        return error


class OracleValidityStaleForAMM:
    """``OracleValidity::StaleForAMM { immediate, low_risk }``: the variant with the program's two flags.

    The program's ``StaleForAMM`` carries whether the oracle is too stale for immediate AMM fills
    (``immediate``) and for low-risk AMM fills (``low_risk``). ``OracleValidity.StaleForAMM`` stays the plain
    enum member and stands for "StaleForAMM with any flags" (Rust's ``StaleForAMM { .. }``); the exact layer's
    ``oracle_validity`` returns this object, which

    - has ``name == "StaleForAMM"``, ``value == OracleValidity.StaleForAMM.value`` and ``variant is
      OracleValidity.StaleForAMM``;
    - compares equal to ``OracleValidity.StaleForAMM`` (either side) and to the string ``"StaleForAMM"``, and to
      another ``OracleValidityStaleForAMM`` only when both flags agree (the program's ``PartialEq``). Equality is
      therefore not transitive across different flags: use ``.immediate``/``.low_risk`` to tell them apart;
    - hashes like ``OracleValidity.StaleForAMM``; is never ``OracleValidity.Valid``.
    """

    __slots__ = ("immediate", "low_risk")
    immediate: bool
    low_risk: bool
    name = "StaleForAMM"

    def __init__(self, immediate: bool, low_risk: bool) -> None:
        object.__setattr__(self, "immediate", bool(immediate))
        object.__setattr__(self, "low_risk", bool(low_risk))

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError("OracleValidityStaleForAMM is immutable")

    @property
    def value(self) -> int:
        return OracleValidity.StaleForAMM.value

    @property
    def variant(self) -> OracleValidity:
        return OracleValidity.StaleForAMM

    def get_error_code(self) -> type:
        """``ErrorCode::OracleStaleForAMM``. program: math/oracle.rs::OracleValidity::get_error_code"""
        return OracleValidity.StaleForAMM.get_error_code()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OracleValidityStaleForAMM):
            return (self.immediate, self.low_risk) == (other.immediate, other.low_risk)
        if isinstance(other, OracleValidity):
            return other is OracleValidity.StaleForAMM
        if isinstance(other, str):
            return other == self.name
        return NotImplemented

    def __hash__(self) -> int:
        return hash(OracleValidity.StaleForAMM)

    def __repr__(self) -> str:
        return f"OracleValidity.StaleForAMM(immediate={self.immediate}, low_risk={self.low_risk})"

    __str__ = __repr__



class DriftAction(ProgramEnum):
    """program: math/oracle.rs::DriftAction"""

    UpdateFunding = 0
    SettlePnl = 1
    TriggerOrder = 2
    FillOrderMatch = 3
    FillOrderAmmLowRisk = 4
    FillOrderAmmImmediate = 5
    Liquidate = 6
    MarginCalc = 7
    UpdateTwap = 8
    UpdateAMMCurve = 9
    OracleOrderPrice = 10
    UseMMOraclePrice = 11
    UpdateAmmCache = 12
    UpdateLpPoolAum = 13
    LpPoolSwap = 14


class LogMode(ProgramEnum):
    """program: math/oracle.rs::LogMode"""

    None_ = 0  # the program's `None` variant; `None` is reserved in Python
    ExchangeOracle = 1
    MMOracle = 2
    SafeMMOracle = 3
    Margin = 4


class MarginRequirementType(ProgramEnum):
    """program: math/margin.rs::MarginRequirementType"""

    Initial = 0
    Fill = 1
    Maintenance = 2


class LiquidationMultiplierType(ProgramEnum):
    """program: math/liquidation.rs::LiquidationMultiplierType"""

    Discount = 0
    Premium = 1


class OrderStatus(ProgramEnum):
    """program: state/user.rs::OrderStatus"""

    Init = 0
    Open = 1
    Filled = 2
    Canceled = 3


class OrderType(ProgramEnum):
    """program: state/user.rs::OrderType"""

    Market = 0
    Limit = 1
    TriggerMarket = 2
    TriggerLimit = 3
    Oracle = 4



class OrderTriggerCondition(ProgramEnum):
    """program: state/user.rs::OrderTriggerCondition"""

    Above = 0
    Below = 1
    TriggeredAbove = 2
    TriggeredBelow = 3



class MarketType(ProgramEnum):
    """program: state/user.rs::MarketType"""

    Spot = 0
    Perp = 1



class MarginMode(ProgramEnum):
    """program: state/user.rs::MarginMode"""

    Default = 0
    HighLeverage = 1
    HighLeverageMaintenance = 2



class AssetType(ProgramEnum):
    """program: state/user.rs::AssetType"""

    Base = 0
    Quote = 1


class PostOnlyParam(ProgramEnum):
    """program: state/order_params.rs::PostOnlyParam"""

    None_ = 0  # the program's `None` variant; `None` is reserved in Python
    MustPostOnly = 1
    TryPostOnly = 2
    Slide = 3



class SettlePnlMode(ProgramEnum):
    """program: state/settle_pnl_mode.rs::SettlePnlMode"""

    MustSettle = 0
    TrySettle = 1


class SpotFulfillmentType(ProgramEnum):
    """program: instructions/keeper.rs::SpotFulfillmentType"""

    SerumV3 = 0
    Match = 1
    PhoenixV1 = 2
    OpenbookV2 = 3



class PerpOperation(IntFlag):
    """program: state/paused_operations.rs::PerpOperation"""

    UpdateFunding = 0b00000001
    AmmFill = 0b00000010
    Fill = 0b00000100
    SettlePnl = 0b00001000
    SettlePnlWithPosition = 0b00010000
    Liquidation = 0b00100000
    AmmImmediateFill = 0b01000000
    SettleRevPool = 0b10000000

    @staticmethod
    def is_operation_paused(current: int, operation: PerpOperation) -> bool:
        """``current & operation != 0``. program: state/paused_operations.rs::PerpOperation::is_operation_paused"""
        return int(current) & int(operation) != 0


class SpotOperation(IntFlag):
    """program: state/paused_operations.rs::SpotOperation"""

    UpdateCumulativeInterest = 0b00000001
    Fill = 0b00000010
    Deposit = 0b00000100
    Withdraw = 0b00001000
    Liquidation = 0b00010000

    @staticmethod
    def is_operation_paused(current: int, operation: SpotOperation) -> bool:
        """``current & operation != 0``. program: state/paused_operations.rs::SpotOperation::is_operation_paused"""
        return int(current) & int(operation) != 0


class InsuranceFundOperation(IntFlag):
    """program: state/paused_operations.rs::InsuranceFundOperation"""

    Init = 0b00000001
    Add = 0b00000010
    RequestRemove = 0b00000100
    Remove = 0b00001000

    @staticmethod
    def is_operation_paused(current: int, operation: InsuranceFundOperation) -> bool:
        """``current & operation != 0``.

        program: state/paused_operations.rs::InsuranceFundOperation::is_operation_paused
        """
        return int(current) & int(operation) != 0


class OrderParamsBitFlag(IntFlag):
    """program: state/order_params.rs::OrderParamsBitFlag"""

    ImmediateOrCancel = 0b00000001
    UpdateHighLeverageMode = 0b00000010


class ModifyOrderPolicy(IntFlag):
    """program: state/order_params.rs::ModifyOrderPolicy"""

    MustModify = 1
    ExcludePreviousFill = 2


class ExchangeStatus(IntFlag):
    """program: state/state.rs::ExchangeStatus"""

    DepositPaused = 0b00000001
    WithdrawPaused = 0b00000010
    AmmPaused = 0b00000100
    FillPaused = 0b00001000
    LiqPaused = 0b00010000
    FundingPaused = 0b00100000
    SettlePnlPaused = 0b01000000
    AmmImmediateFillPaused = 0b10000000


class FeatureBitFlags(IntFlag):
    """program: state/state.rs::FeatureBitFlags"""

    MmOracleUpdate = 0b00000001
    MedianTriggerPrice = 0b00000010
    BuilderCodes = 0b00000100
    BuilderReferral = 0b00001000


class UserStatus(IntFlag):
    """program: state/user.rs::UserStatus"""

    BeingLiquidated = 0b00000001
    Bankrupt = 0b00000010
    ReduceOnly = 0b00000100
    AdvancedLp = 0b00001000
    ProtectedMakerOrders = 0b00010000


class OrderBitFlag(IntFlag):
    """program: state/user.rs::OrderBitFlag"""

    SignedMessage = 0b00000001
    OracleTriggerMarket = 0b00000010
    SafeTriggerOrder = 0b00000100
    NewTriggerReduceOnly = 0b00001000
    HasBuilder = 0b00010000
    IsIsolatedPosition = 0b00100000


class PositionFlag(IntFlag):
    """program: state/user.rs::PositionFlag"""

    IsolatedPosition = 0b00000001
    BeingLiquidated = 0b00000010
    Bankrupt = 0b00000100
