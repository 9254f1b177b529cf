"""Margin in natural units: IMF-adjusted weights and margin ratios, and a cross-margin account model.

Units: sizes in base units or tokens (``2.5`` SOL, not ``2_500_000_000``), prices and values in USD, weights
and ratios as fractions (``0.05`` is a 5% margin ratio, ``1.1`` a 110% liability weight), ``imf_factor`` as the
program's factor over ``SPOT_IMF_PRECISION`` (``0.003``, not ``3000``). Every function broadcasts: each numeric
argument may be a scalar or an array and the result has the broadcast shape (a float for all-scalar input).

The size premium and discount (program ``math/margin.rs``), in these units:

- liability weight / margin ratio: ``max(w, 0.8*w + imf * sqrt(size))``;
- asset weight: ``min(w, 1.1 / (1 + imf * sqrt(size)))``.

The program works in integers: ``w' = w - w/5 + isqrt(10*S + 1) * IMF / 1e7`` with ``S`` the size in 1e9 and
``IMF`` the factor in 1e6 (``isqrt(10*S)/1e5`` is ``sqrt(size)``), so the two agree to within one unit of 1e-4
plus ``imf``-sized rounding of the root (``tests/test_margin.py`` derives the bound and checks it).

:class:`Account` is a small model of a user's cross-margin account: spot deposits and borrows
(:class:`SpotHolding`) and perp positions (:class:`PerpHolding`), each with its oracle price. ``Account.evaluate``
computes total collateral, initial and maintenance requirements, free collateral, health and leverage as the
program's ``calculate_margin_requirement_and_total_collateral_and_liability_info`` does (non-strict prices, no open
orders, no funding, no isolated positions, no user custom margin ratio), vectorised over price arrays.
:meth:`Account.to_exact` builds the exact layer's ``User`` and market maps for the same account, which is how the
tests check the model against the program.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._validate import FloatArray

__all__ = [
    "MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN",
    "QUOTE",
    "Account",
    "MarginState",
    "PerpHolding",
    "SpotHolding",
    "asset_weight",
    "hlm_initial_margin_ratio",
    "imf_factor_for_margin_ratio",
    "liability_weight",
    "margin_ratio",
    "max_leverage",
    "premium_binding_size",
    "discount_binding_size",
    "scaled_initial_asset_weight",
    "unrealized_pnl_weight",
]

MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN = 100.0
"""USD: the program caps each perp position's weighted positive P&L at $100 for the Initial check."""

QUOTE = "USD"
"""Oracle name of the quote asset (USDC): always priced at 1, the program's spot market 0."""

MARGIN_TYPES = ("initial", "maintenance")


# --------------------------------------------------------------------------- size-adjusted weights


def _imf(imf_factor: ArrayLike) -> FloatArray:
    return v.in_range("imf_factor", imf_factor, 0.0, 10.0)


def liability_weight(size: ArrayLike, weight: ArrayLike, imf_factor: ArrayLike) -> FloatArray | float:
    """Size-premium liability weight ``max(w, 0.8*w + imf * sqrt(|size|))``.

    ``size`` in tokens (or base units), ``weight`` the market's liability weight (``1.1`` = 110%), ``imf_factor``
    as a fraction (program factor / 1e6); ``imf_factor == 0`` returns ``weight``.
    exact: ``calculate_size_premium_liability_weight`` (bounded) / ``SpotMarket::get_liability_weight``.
    """
    s = v.as_float_array("size", size)
    w = v.non_negative("weight", weight)
    imf = _imf(imf_factor)
    s, w, imf = v.broadcast(size=s, weight=w, imf_factor=imf)
    premium = 0.8 * w + imf * np.sqrt(np.abs(s))  # with imf == 0 this is 0.8*w <= w: the max returns w
    return v.scalar_or_array(np.maximum(w, premium))


def asset_weight(size: ArrayLike, weight: ArrayLike, imf_factor: ArrayLike) -> FloatArray | float:
    """Size-discount asset weight ``min(w, 1.1 / (1 + imf * sqrt(|size|)))``.

    The docs' risk-parameters page prints ``1.1 / (weight * sqrt(size) * imf_factor)``; the program (and this)
    divide by ``1 + imf * sqrt(size)`` (see notebook 03). exact: ``calculate_size_discount_asset_weight`` /
    ``SpotMarket::get_asset_weight``.
    """
    s = v.as_float_array("size", size)
    w = v.in_range("weight", weight, 0.0, 1.0)
    imf = _imf(imf_factor)
    s, w, imf = v.broadcast(size=s, weight=w, imf_factor=imf)
    return v.scalar_or_array(np.minimum(w, 1.1 / (1.0 + imf * np.sqrt(np.abs(s)))))


def scaled_initial_asset_weight(weight: ArrayLike, deposits_value: ArrayLike,
                                scale_start: ArrayLike) -> FloatArray | float:
    """Initial asset weight scaled down once a market's total deposits are worth ``scale_start`` USD.

    ``w * min(1, scale_start / deposits_value)``; ``scale_start == 0`` disables the scaling.
    exact: ``SpotMarket::get_scaled_initial_asset_weight``.
    """
    w = v.in_range("weight", weight, 0.0, 1.0)
    dv = v.non_negative("deposits_value", deposits_value)
    start = v.non_negative("scale_start", scale_start)
    w, dv, start = v.broadcast(weight=w, deposits_value=dv, scale_start=start)
    scaled = w * np.where(dv > 0, start / np.where(dv > 0, dv, 1.0), 1.0)
    return v.scalar_or_array(np.where((start == 0) | (dv < start), w, scaled))


def margin_ratio(size: ArrayLike, ratio: ArrayLike, imf_factor: ArrayLike, *,
                 high_leverage_ratio: ArrayLike | None = None) -> FloatArray | float:
    """Perp margin ratio for a position of ``|size|`` base: ``max(r, 0.8*r + imf * sqrt(|size|))``.

    ``ratio`` is the market's initial or maintenance ratio (``0.1`` = 10x). For a high-leverage-mode user's
    *initial* ratio pass the market's normal initial ratio as ``ratio`` and its HLM initial ratio as
    ``high_leverage_ratio`` (see :func:`hlm_initial_margin_ratio`); for HLM *maintenance* pass the HLM
    maintenance ratio as ``ratio``. exact: ``PerpMarket::get_margin_ratio``.
    """
    if high_leverage_ratio is not None:
        return hlm_initial_margin_ratio(size, ratio, high_leverage_ratio, imf_factor)
    s = v.as_float_array("size", size)
    r = v.in_range("ratio", ratio, 0.0, 1.0, low_open=True)
    imf = _imf(imf_factor)
    s, r, imf = v.broadcast(size=s, ratio=r, imf_factor=imf)
    return v.scalar_or_array(np.maximum(r, 0.8 * r + imf * np.sqrt(np.abs(s))))  # imf == 0 gives r


def hlm_initial_margin_ratio(size: ArrayLike, ratio: ArrayLike, high_leverage_ratio: ArrayLike,
                             imf_factor: ArrayLike) -> FloatArray | float:
    """High-leverage-mode initial ratio: from the HLM ratio ``d`` towards the normal ratio ``r`` as size grows.

    With ``p = imf * sqrt(|size|)`` (the premium over ``0.8*r``):
    ``d + (r - d) * min(1, p / (0.2*r))`` while ``0.8*r + p <= r``, then ``0.8*r + p``. Continuous at the
    switch; the program's integer version returns ``d`` on the sizes where the premium equals ``0.2*r`` exactly
    (a window of sizes, see notebook 03). exact: ``calc_high_leverage_mode_initial_margin_ratio_from_size``.
    """
    s = v.as_float_array("size", size)
    r = v.in_range("ratio", ratio, 0.0, 1.0, low_open=True)
    d = v.in_range("high_leverage_ratio", high_leverage_ratio, 0.0, 1.0, low_open=True)
    imf = _imf(imf_factor)
    s, r, d, imf = v.broadcast(size=s, ratio=r, high_leverage_ratio=d, imf_factor=imf)
    premium = imf * np.sqrt(np.abs(s))
    unbounded = 0.8 * r + premium
    interpolated = d + np.maximum(r - d, 0.0) * np.minimum(1.0, premium / (0.2 * r))
    result = np.where(unbounded <= r, interpolated, unbounded)
    return v.scalar_or_array(np.where(imf == 0, d, result))


def max_leverage(size: ArrayLike, ratio: ArrayLike, imf_factor: ArrayLike, *,
                 high_leverage_ratio: ArrayLike | None = None) -> FloatArray | float:
    """The largest leverage the margin ratio allows at that size: ``1 / margin_ratio(...)``."""
    return v.scalar_or_array(1.0 / np.asarray(
        margin_ratio(size, ratio, imf_factor, high_leverage_ratio=high_leverage_ratio)))


def unrealized_pnl_weight(pnl: ArrayLike, weight: ArrayLike, imf_factor: ArrayLike) -> FloatArray | float:
    """Initial-margin weight of a perp position's positive unrealized P&L (USD): ``min(w, 1.1/(1 + imf*sqrt(pnl)))``.

    Losses weigh 1. The program passes the P&L at 1e9 precision (``pnl * 1000`` in quote units), so ``sqrt`` is
    of the P&L in USD; the TS SDK passes it at 1e6 and under-discounts (see :mod:`driftlab.fidelity`). The
    market-wide ``unrealized_pnl_max_imbalance`` scaling is not modelled. exact:
    ``PerpMarket::get_unrealized_asset_weight`` (Initial).
    """
    p = v.as_float_array("pnl", pnl)
    w = v.in_range("weight", weight, 0.0, 1.0)
    imf = _imf(imf_factor)
    p, w, imf = v.broadcast(pnl=p, weight=w, imf_factor=imf)
    discounted = np.minimum(w, 1.1 / (1.0 + imf * np.sqrt(np.abs(p))))
    return v.scalar_or_array(np.where(p <= 0, 1.0, np.where(w == 0, 0.0, discounted)))


def premium_binding_size(weight: ArrayLike, imf_factor: ArrayLike) -> FloatArray | float:
    """Size above which the IMF premium raises a liability weight or margin ratio: ``(w / (5*imf))**2``.

    Solves ``0.8*w + imf*sqrt(s) = w``; ``inf`` when ``imf_factor == 0``.
    See :func:`driftlab.symbolic.margin.premium_binding_size`.
    """
    w = v.positive("weight", weight)
    imf = _imf(imf_factor)
    w, imf = v.broadcast(weight=w, imf_factor=imf)
    with np.errstate(divide="ignore"):
        return v.scalar_or_array(np.where(imf > 0, (w / (5 * np.where(imf > 0, imf, 1.0))) ** 2, np.inf))


def discount_binding_size(weight: ArrayLike, imf_factor: ArrayLike) -> FloatArray | float:
    """Size above which the IMF discount lowers an asset weight: ``((1.1/w - 1) / imf)**2``.

    Solves ``1.1 / (1 + imf*sqrt(s)) = w`` (``w <= 1``); ``inf`` when ``imf_factor == 0``.
    """
    w = v.in_range("weight", weight, 0.0, 1.0, low_open=True)
    imf = _imf(imf_factor)
    w, imf = v.broadcast(weight=w, imf_factor=imf)
    return v.scalar_or_array(np.where(imf > 0, ((1.1 / w - 1) / np.where(imf > 0, imf, 1.0)) ** 2, np.inf))


def imf_factor_for_margin_ratio(target_ratio: ArrayLike, notional: ArrayLike, price: ArrayLike,
                                ratio: ArrayLike) -> FloatArray | float:
    """The ``imf_factor`` at which a position of ``notional`` USD at ``price`` needs margin ratio ``target_ratio``.

    Solves ``0.8*r + imf*sqrt(notional/price) = target``: ``imf = (target - 0.8*r) / sqrt(notional/price)``.
    The target must exceed the base ratio ``r`` (below it the premium does not bind and any smaller factor
    gives ``r``). See :func:`driftlab.symbolic.margin.solve_imf_factor`.
    """
    t = v.in_range("target_ratio", target_ratio, 0.0, 1.0, low_open=True)
    n = v.positive("notional", notional)
    p = v.positive("price", price)
    r = v.in_range("ratio", ratio, 0.0, 1.0, low_open=True)
    t, n, p, r = v.broadcast(target_ratio=t, notional=n, price=p, ratio=r)
    if np.any(t <= r):
        raise ValueError("target_ratio must be above ratio (the IMF premium only raises the ratio), "
                         f"got target_ratio {float(np.min(t)):g} <= ratio {float(np.max(r)):g}")
    return v.scalar_or_array((t - 0.8 * r) / np.sqrt(n / p))


# --------------------------------------------------------------------------- account model


def _check_type(margin_type: str) -> str:
    if margin_type not in MARGIN_TYPES:
        raise ValueError(f"margin_type must be one of {MARGIN_TYPES}, got {margin_type!r}")
    return margin_type


@dataclass(frozen=True)
class SpotHolding:
    """A spot balance: ``amount`` tokens (positive = deposit, negative = borrow) priced at ``price`` USD.

    Weights as fractions, ``imf_factor`` as a fraction; ``oracle`` names the price feed (defaults to ``name``;
    a perp with the same oracle moves with it). The quote asset is ``oracle=QUOTE`` (price 1, weights 1): the
    program's spot market 0, counted at face value. ``scale_initial_asset_weight_start`` (USD) and
    ``market_deposits`` (tokens) drive :func:`scaled_initial_asset_weight`. ``liquidator_fee`` and
    ``if_liquidation_fee`` are fractions of the transfer; ``decimals`` is only used by :meth:`Account.to_exact`.
    """

    name: str
    amount: ArrayLike
    price: ArrayLike = 1.0
    initial_asset_weight: float = 1.0
    maintenance_asset_weight: float = 1.0
    initial_liability_weight: float = 1.0
    maintenance_liability_weight: float = 1.0
    imf_factor: float = 0.0
    oracle: str = ""
    scale_initial_asset_weight_start: float = 0.0
    market_deposits: float = 0.0
    liquidator_fee: float = 0.0
    if_liquidation_fee: float = 0.0
    decimals: int = 9

    @classmethod
    def from_params(cls, params: Any, amount: ArrayLike, price: ArrayLike | None = None,
                    **changes: Any) -> SpotHolding:
        """A holding of ``amount`` tokens in the market of a :class:`driftlab.params.SpotMarketParams`
        (e.g. ``SOL_SPOT``), at ``price`` (default: the preset's oracle price). A market with a price-1 quote
        oracle (USDC) becomes the quote holding."""
        quote = params.oracle_price == 1.0 and params.initial_asset_weight == 1.0 and params.imf_factor == 0.0
        fields = dict(
            name=params.name, amount=amount, price=params.oracle_price if price is None else price,
            initial_asset_weight=params.initial_asset_weight, maintenance_asset_weight=params.maintenance_asset_weight,
            initial_liability_weight=params.initial_liability_weight,
            maintenance_liability_weight=params.maintenance_liability_weight, imf_factor=params.imf_factor,
            liquidator_fee=params.liquidator_fee, if_liquidation_fee=params.if_liquidation_fee,
            decimals=params.decimals, oracle=QUOTE if quote else params.name)
        fields.update(changes)
        return cls(**fields)

    def __post_init__(self) -> None:
        if not self.oracle:
            object.__setattr__(self, "oracle", self.name)
        v.as_float_array("amount", self.amount)
        v.positive("price", self.price)
        for name in ("initial_asset_weight", "maintenance_asset_weight"):
            v.in_range(name, getattr(self, name), 0.0, 1.0)
        for name in ("initial_liability_weight", "maintenance_liability_weight"):
            v.in_range(name, getattr(self, name), 1.0, 100.0)
        _imf(self.imf_factor)
        v.non_negative("scale_initial_asset_weight_start", self.scale_initial_asset_weight_start)
        v.non_negative("market_deposits", self.market_deposits)
        v.in_range("liquidator_fee", self.liquidator_fee, 0.0, 1.0)
        v.in_range("if_liquidation_fee", self.if_liquidation_fee, 0.0, 1.0)
        if self.oracle == QUOTE and np.any(np.asarray(self.price, dtype=float) != 1.0):
            raise ValueError(f"price of the quote asset ({QUOTE}) must be 1, got {self.price!r}")


@dataclass(frozen=True)
class PerpHolding:
    """A perp position of ``base`` (signed) opened at ``entry_price``, marked at the oracle ``price``.

    Unrealized P&L is ``base * (price - entry_price) + realized_pnl`` (``realized_pnl``: settled-later P&L and
    fees already charged, e.g. by a liquidation). Margin ratios as fractions; the HLM ratios apply when the
    account is in high-leverage mode and both are set. ``unrealized_pnl_*`` weigh positive P&L (the program's
    market default for initial is 0; 1 here, as most listed markets use). Fees are fractions of notional.
    """

    name: str
    base: ArrayLike
    entry_price: ArrayLike
    price: ArrayLike
    margin_ratio_initial: float = 0.1
    margin_ratio_maintenance: float = 0.05
    imf_factor: float = 0.0
    unrealized_pnl_initial_asset_weight: float = 1.0
    unrealized_pnl_maintenance_asset_weight: float = 1.0
    unrealized_pnl_imf_factor: float = 0.0
    high_leverage_margin_ratio_initial: float = 0.0
    high_leverage_margin_ratio_maintenance: float = 0.0
    liquidator_fee: float = 0.0
    if_liquidation_fee: float = 0.0
    realized_pnl: ArrayLike = 0.0
    oracle: str = ""

    @classmethod
    def from_params(cls, params: Any, base: ArrayLike, entry_price: ArrayLike | None = None,
                    price: ArrayLike | None = None, **changes: Any) -> PerpHolding:
        """A position of ``base`` in the market of a :class:`driftlab.params.PerpMarketParams` (e.g. ``SOL_PERP``),
        entered at ``entry_price`` and marked at ``price`` (both default to the preset's oracle price)."""
        fields = dict(
            name=params.name, base=base, entry_price=params.oracle_price if entry_price is None else entry_price,
            price=params.oracle_price if price is None else price, margin_ratio_initial=params.margin_ratio_initial,
            margin_ratio_maintenance=params.margin_ratio_maintenance, imf_factor=params.imf_factor,
            unrealized_pnl_initial_asset_weight=params.unrealized_pnl_initial_asset_weight,
            unrealized_pnl_maintenance_asset_weight=params.unrealized_pnl_maintenance_asset_weight,
            unrealized_pnl_imf_factor=params.unrealized_pnl_imf_factor, liquidator_fee=params.liquidator_fee,
            if_liquidation_fee=params.if_liquidation_fee)
        fields.update(changes)
        return cls(**fields)

    def __post_init__(self) -> None:
        if not self.oracle:
            object.__setattr__(self, "oracle", self.name)
        v.as_float_array("base", self.base)
        v.positive("entry_price", self.entry_price)
        v.positive("price", self.price)
        v.as_float_array("realized_pnl", self.realized_pnl)
        v.in_range("margin_ratio_initial", self.margin_ratio_initial, 0.0, 1.0, low_open=True)
        v.in_range("margin_ratio_maintenance", self.margin_ratio_maintenance, 0.0, 1.0, low_open=True)
        if np.any(np.asarray(self.margin_ratio_maintenance) > np.asarray(self.margin_ratio_initial)):
            raise ValueError("margin_ratio_maintenance must be <= margin_ratio_initial, got "
                             f"{self.margin_ratio_maintenance!r} > {self.margin_ratio_initial!r}")
        _imf(self.imf_factor)
        _imf(self.unrealized_pnl_imf_factor)
        v.in_range("unrealized_pnl_initial_asset_weight", self.unrealized_pnl_initial_asset_weight, 0.0, 1.0)
        v.in_range("unrealized_pnl_maintenance_asset_weight", self.unrealized_pnl_maintenance_asset_weight, 0.0, 1.0)
        v.in_range("high_leverage_margin_ratio_initial", self.high_leverage_margin_ratio_initial, 0.0, 1.0)
        v.in_range("high_leverage_margin_ratio_maintenance", self.high_leverage_margin_ratio_maintenance, 0.0, 1.0)
        v.in_range("liquidator_fee", self.liquidator_fee, 0.0, 1.0)
        v.in_range("if_liquidation_fee", self.if_liquidation_fee, 0.0, 1.0)

    def has_high_leverage_ratios(self) -> bool:
        return bool(self.high_leverage_margin_ratio_initial > 0 and self.high_leverage_margin_ratio_maintenance > 0)

    def ratio(self, size: ArrayLike, margin_type: str, high_leverage_mode: bool = False) -> FloatArray | float:
        """The position's size-adjusted margin ratio (``"initial"`` or ``"maintenance"``)."""
        hlm = high_leverage_mode and self.has_high_leverage_ratios()
        if _check_type(margin_type) == "maintenance":
            base = self.high_leverage_margin_ratio_maintenance if hlm else self.margin_ratio_maintenance
            return margin_ratio(size, base, self.imf_factor)
        if hlm:
            return hlm_initial_margin_ratio(size, self.margin_ratio_initial, self.high_leverage_margin_ratio_initial,
                                            self.imf_factor)
        return margin_ratio(size, self.margin_ratio_initial, self.imf_factor)


@dataclass(frozen=True)
class MarginState:
    """An account's margin numbers (USD), each a float or an array of the broadcast price shape.

    ``total_collateral_*``: weighted deposits plus weighted perp P&L (initial: P&L capped at $100 a position);
    ``*_requirement``: weighted borrows plus perp notional times the size-adjusted margin ratio.
    ``liability_value``: unweighted borrows plus perp notional (the program's buffer base);
    ``negative_collateral``: the negative collateral items (perp losses), which the liquidation buffer scales.
    """

    total_collateral_initial: Any
    total_collateral_maintenance: Any
    initial_requirement: Any
    maintenance_requirement: Any
    spot_asset_value: Any
    spot_liability_value: Any
    perp_liability_value: Any
    perp_pnl: Any
    negative_collateral: Any

    @property
    def liability_value(self) -> Any:
        return self.spot_liability_value + self.perp_liability_value

    @property
    def equity(self) -> Any:
        """Unweighted net value: deposits + perp P&L - borrows. exact: ``calculate_user_equity``."""
        return self.spot_asset_value + self.perp_pnl - self.spot_liability_value

    @property
    def free_collateral(self) -> Any:
        """``max(0, initial collateral - initial requirement)``: what can back new positions or withdrawals.

        exact: ``MarginCalculation::get_cross_free_collateral`` of the Initial calculation.
        """
        return v.scalar_or_array(np.maximum(np.asarray(self.total_collateral_initial - self.initial_requirement), 0.0))

    @property
    def maintenance_excess(self) -> Any:
        """``maintenance collateral - maintenance requirement``: below 0 the account can be liquidated."""
        return self.total_collateral_maintenance - self.maintenance_requirement

    @property
    def health(self) -> Any:
        """``clip(1 - maintenance requirement / maintenance collateral, 0, 1)`` (the SDK's ``getHealth`` / 100).

        1 with no requirement, 0 when collateral is not positive. Unrounded (the SDK rounds to a whole %).
        """
        tc = np.asarray(self.total_collateral_maintenance, dtype=float)
        mmr = np.asarray(self.maintenance_requirement, dtype=float)
        ratio = np.clip(1 - mmr / np.where(tc > 0, tc, 1.0), 0.0, 1.0)
        return v.scalar_or_array(np.where(mmr == 0, np.where(tc >= 0, 1.0, 0.0), np.where(tc <= 0, 0.0, ratio)))

    @property
    def leverage(self) -> Any:
        """``(perp notional + borrows) / equity`` (the SDK's ``getLeverage``); ``inf`` when equity <= 0."""
        eq = np.asarray(self.equity, dtype=float)
        lev = np.asarray(self.liability_value, dtype=float) / np.where(eq > 0, eq, 1.0)
        return v.scalar_or_array(np.where(eq > 0, lev, np.inf))

    @property
    def being_liquidated(self) -> Any:
        """``maintenance collateral < maintenance requirement``."""
        return np.asarray(self.maintenance_excess) < 0

    def margin_shortage(self, buffer: ArrayLike = 0.0) -> Any:
        """``max(0, requirement + buffer*liabilities - (collateral + buffer*negative collateral))`` (maintenance).

        exact: ``MarginCalculation::margin_shortage`` of ``MarginContext::liquidation(buffer)``.
        """
        b = v.in_range("buffer", buffer, 0.0, 1.0)
        shortage = (self.maintenance_requirement + b * self.liability_value
                    - (self.total_collateral_maintenance + b * self.negative_collateral))
        return v.scalar_or_array(np.maximum(np.asarray(shortage, dtype=float), 0.0))

    def excess(self, margin_type: str = "maintenance", buffer: ArrayLike = 0.0) -> Any:
        """Collateral minus requirement of ``margin_type``; for maintenance, with the liquidation ``buffer``."""
        if _check_type(margin_type) == "initial":
            return self.total_collateral_initial - self.initial_requirement
        b = np.asarray(v.in_range("buffer", buffer, 0.0, 1.0))
        return v.scalar_or_array(np.asarray(self.maintenance_excess + b * self.negative_collateral
                                            - b * self.liability_value, dtype=float))


@dataclass(frozen=True)
class Account:
    """A cross-margin account: spot holdings and perp positions, optionally in high-leverage mode."""

    spot: tuple[SpotHolding, ...] = ()
    perps: tuple[PerpHolding, ...] = ()
    high_leverage_mode: bool = False
    _names: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "spot", tuple(self.spot))
        object.__setattr__(self, "perps", tuple(self.perps))
        names = [h.name for h in self.spot] + [p.name for p in self.perps]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"holding names must be unique, got duplicates {duplicates}")
        if sum(1 for h in self.spot if h.oracle == QUOTE) > 1:
            raise ValueError(f"at most one spot holding may use the quote oracle {QUOTE!r}")
        prices: dict[str, Any] = {}
        for h in self.holdings():
            if h.oracle in prices:
                try:
                    same = bool(np.all(np.asarray(prices[h.oracle], dtype=float) == np.asarray(h.price, dtype=float)))
                except ValueError:
                    same = False
                if not same:
                    raise ValueError(f"price of holdings on oracle {h.oracle!r} must agree, got {prices[h.oracle]!r} "
                                     f"and {h.price!r} ({h.name})")
            prices[h.oracle] = h.price
        object.__setattr__(self, "_names", tuple(names))

    # -- access and updates --------------------------------------------------------------------------------

    def holdings(self) -> tuple[SpotHolding | PerpHolding, ...]:
        """Every holding, spot first."""
        return (*self.spot, *self.perps)

    def holding(self, name: str) -> SpotHolding | PerpHolding:
        """The spot or perp holding called ``name``."""
        for h in self.holdings():
            if h.name == name:
                return h
        raise ValueError(f"market must be one of the account's holdings {list(self._names)}, got {name!r}")

    def oracles(self) -> dict[str, Any]:
        """``{oracle: price}`` of every holding."""
        return {h.oracle: h.price for h in self.holdings()}

    def replace_holding(self, name: str, **changes: Any) -> Account:
        """A copy with the holding ``name`` changed (``dataclasses.replace``)."""
        target = self.holding(name)
        spot = tuple(replace(h, **changes) if h is target else h for h in self.spot)
        perps = tuple(replace(p, **changes) if p is target else p for p in self.perps)
        return replace(self, spot=spot, perps=perps)

    def with_prices(self, prices: Mapping[str, ArrayLike]) -> Account:
        """A copy with the named oracles moved to ``prices`` (every holding on that oracle moves)."""
        unknown = sorted(set(prices) - set(self.oracles()))
        if unknown:
            raise ValueError(f"prices must name the account's oracles {sorted(self.oracles())}, got {unknown}")
        spot = tuple(replace(h, price=prices[h.oracle]) if h.oracle in prices else h for h in self.spot)
        perps = tuple(replace(p, price=prices[p.oracle]) if p.oracle in prices else p for p in self.perps)
        return replace(self, spot=spot, perps=perps)

    # -- evaluation ----------------------------------------------------------------------------------------

    def evaluate(self, prices: Mapping[str, ArrayLike] | None = None) -> MarginState:
        """The account's :class:`MarginState`, with ``prices`` (``{oracle: price or array}``) overriding.

        Arrays broadcast together (holdings' amounts may be arrays too); the result has the broadcast shape.
        exact: ``calculate_margin_requirement_and_total_collateral_and_liability_info`` (Initial and Maintenance).
        """
        account = self.with_prices(prices) if prices else self
        zero = np.zeros(())
        tc_i, tc_m, req_i, req_m = zero, zero, zero, zero
        assets, borrows, perp_liab, pnl_total, negative = zero, zero, zero, zero, zero

        for h in account.spot:
            amount, price = v.broadcast(amount=v.as_float_array("amount", h.amount),
                                        price=v.positive("price", h.price))
            size = np.abs(amount)
            value = size * price
            deposit = amount > 0
            if h.oracle == QUOTE:
                aw_i = aw_m = lw_i = lw_m = np.ones_like(value)
            else:
                start_weight = scaled_initial_asset_weight(h.initial_asset_weight, h.market_deposits * price,
                                                           h.scale_initial_asset_weight_start)
                aw_i = np.asarray(asset_weight(size, start_weight, h.imf_factor))
                aw_m = np.asarray(asset_weight(size, h.maintenance_asset_weight, h.imf_factor))
                lw_i = np.asarray(liability_weight(size, h.initial_liability_weight, h.imf_factor))
                lw_m = np.asarray(liability_weight(size, h.maintenance_liability_weight, h.imf_factor))
            tc_i = tc_i + np.where(deposit, value * aw_i, 0.0)
            tc_m = tc_m + np.where(deposit, value * aw_m, 0.0)
            req_i = req_i + np.where(deposit, 0.0, value * lw_i)
            req_m = req_m + np.where(deposit, 0.0, value * lw_m)
            assets = assets + np.where(deposit, value, 0.0)
            borrows = borrows + np.where(deposit, 0.0, value)

        for p in account.perps:
            base, entry, price, realized = v.broadcast(
                base=v.as_float_array("base", p.base), entry_price=v.positive("entry_price", p.entry_price),
                price=v.positive("price", p.price), realized_pnl=v.as_float_array("realized_pnl", p.realized_pnl))
            size = np.abs(base)
            notional = size * price
            pnl = base * (price - entry) + realized
            req_i = req_i + notional * np.asarray(p.ratio(size, "initial", account.high_leverage_mode))
            req_m = req_m + notional * np.asarray(p.ratio(size, "maintenance", account.high_leverage_mode))
            w_i = np.asarray(unrealized_pnl_weight(pnl, p.unrealized_pnl_initial_asset_weight,
                                                   p.unrealized_pnl_imf_factor))
            weighted_m = np.where(pnl > 0, pnl * p.unrealized_pnl_maintenance_asset_weight, pnl)
            tc_i = tc_i + np.minimum(pnl * w_i, MAX_POSITIVE_UPNL_FOR_INITIAL_MARGIN)
            tc_m = tc_m + weighted_m
            perp_liab = perp_liab + notional
            pnl_total = pnl_total + pnl
            negative = negative + np.minimum(weighted_m, 0.0)

        arrays = v.broadcast(tc_i=tc_i, tc_m=tc_m, req_i=req_i, req_m=req_m, assets=assets, borrows=borrows,
                             perp_liab=perp_liab, pnl=pnl_total, negative=negative)
        out = [v.scalar_or_array(a.astype(float)) for a in arrays]
        return MarginState(*out)

    # -- the program's structs -------------------------------------------------------------------------------

    def to_exact(self) -> tuple[Any, dict[int, Any], dict[int, Any], dict[str, Any]]:
        """``(user, perp_market_map, spot_market_map, oracle_map)`` for the exact layer (scalar inputs only).

        Spot market 0 is the quote asset (a USDC holding, or an empty USDC market); the others follow in order.
        Oracles are marked Valid. Amounts round to the token's ``decimals``, base to 1e9, prices to 1e6.
        """
        from . import exact as ex

        def w(x: float) -> int:
            return round(x * ex.SPOT_WEIGHT_PRECISION)

        m = w  # MARGIN_PRECISION == SPOT_WEIGHT_PRECISION == 1e4

        def scalar(name: str, value: ArrayLike) -> float:
            array = np.asarray(value, dtype=float)
            if array.ndim != 0:
                raise ValueError(f"{name} must be a scalar for to_exact, got an array of shape {array.shape}")
            return float(array)

        valid = ex.OracleValidity.Valid
        spot_map: dict[int, Any] = {}
        oracle_map: dict[str, Any] = {}
        positions = []
        quote = next((h for h in self.spot if h.oracle == QUOTE), None)
        others = [h for h in self.spot if h.oracle != QUOTE]
        quote_oracle = ex.HistoricalOracleData(last_oracle_price=ex.PRICE_PRECISION,
                                               last_oracle_price_twap=ex.PRICE_PRECISION,
                                               last_oracle_price_twap_5min=ex.PRICE_PRECISION)
        for index, h in enumerate([quote, *others]):
            decimals = 6 if h is None or h.oracle == QUOTE else h.decimals
            if h is None or h.oracle == QUOTE:
                market = ex.SpotMarket(market_index=0, oracle_source=ex.OracleSource.QuoteAsset, decimals=6,
                                       initial_asset_weight=ex.SPOT_WEIGHT_PRECISION,
                                       maintenance_asset_weight=ex.SPOT_WEIGHT_PRECISION,
                                       initial_liability_weight=ex.SPOT_WEIGHT_PRECISION,
                                       maintenance_liability_weight=ex.SPOT_WEIGHT_PRECISION,
                                       cumulative_deposit_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
                                       cumulative_borrow_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
                                       historical_oracle_data=quote_oracle)
            else:
                price = round(scalar("price", h.price) * ex.PRICE_PRECISION)
                market = ex.SpotMarket(
                    market_index=index, oracle=h.oracle, oracle_source=ex.OracleSource.Pyth, decimals=decimals,
                    initial_asset_weight=w(h.initial_asset_weight),
                    maintenance_asset_weight=w(h.maintenance_asset_weight),
                    initial_liability_weight=w(h.initial_liability_weight),
                    maintenance_liability_weight=w(h.maintenance_liability_weight),
                    imf_factor=round(h.imf_factor * ex.SPOT_IMF_PRECISION),
                    scale_initial_asset_weight_start=round(h.scale_initial_asset_weight_start * ex.QUOTE_PRECISION),
                    deposit_balance=round(h.market_deposits * ex.SPOT_BALANCE_PRECISION),
                    cumulative_deposit_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
                    cumulative_borrow_interest=ex.SPOT_CUMULATIVE_INTEREST_PRECISION,
                    liquidator_fee=round(h.liquidator_fee * ex.LIQUIDATION_FEE_PRECISION),
                    if_liquidation_fee=round(h.if_liquidation_fee * ex.LIQUIDATION_FEE_PRECISION),
                    historical_oracle_data=ex.HistoricalOracleData(
                        last_oracle_price=price, last_oracle_price_twap=price, last_oracle_price_twap_5min=price))
                oracle_map[h.oracle] = (price, valid)
            spot_map[index] = market
            if h is not None:
                amount = scalar("amount", h.amount)
                positions.append(ex.SpotPosition(
                    market_index=index, scaled_balance=round(abs(amount) * ex.SPOT_BALANCE_PRECISION),
                    balance_type=ex.SpotBalanceType.Deposit if amount >= 0 else ex.SpotBalanceType.Borrow))
        spot_positions = [ex.SpotPosition() for _ in range(8)]
        for slot, position in enumerate(positions):
            spot_positions[slot] = position

        perp_map: dict[int, Any] = {}
        perp_positions = [ex.PerpPosition() for _ in range(8)]
        for index, p in enumerate(self.perps):
            price = round(scalar("price", p.price) * ex.PRICE_PRECISION)
            perp_map[index] = ex.PerpMarket(
                market_index=index, status=ex.MarketStatus.Active,
                amm=ex.AMM(oracle=p.oracle, historical_oracle_data=ex.HistoricalOracleData(
                    last_oracle_price=price, last_oracle_price_twap=price, last_oracle_price_twap_5min=price)),
                margin_ratio_initial=m(p.margin_ratio_initial), margin_ratio_maintenance=m(p.margin_ratio_maintenance),
                imf_factor=round(p.imf_factor * ex.SPOT_IMF_PRECISION),
                unrealized_pnl_initial_asset_weight=m(p.unrealized_pnl_initial_asset_weight),
                unrealized_pnl_maintenance_asset_weight=m(p.unrealized_pnl_maintenance_asset_weight),
                unrealized_pnl_imf_factor=round(p.unrealized_pnl_imf_factor * ex.SPOT_IMF_PRECISION),
                high_leverage_margin_ratio_initial=m(p.high_leverage_margin_ratio_initial),
                high_leverage_margin_ratio_maintenance=m(p.high_leverage_margin_ratio_maintenance),
                liquidator_fee=round(p.liquidator_fee * ex.LIQUIDATION_FEE_PRECISION),
                if_liquidation_fee=round(p.if_liquidation_fee * ex.LIQUIDATION_FEE_PRECISION))
            oracle_map[p.oracle] = (price, valid)
            base = scalar("base", p.base)
            quote_amount = -base * scalar("entry_price", p.entry_price) + scalar("realized_pnl", p.realized_pnl)
            perp_positions[index] = ex.PerpPosition(
                market_index=index, base_asset_amount=round(base * ex.BASE_PRECISION),
                quote_asset_amount=round(quote_amount * ex.QUOTE_PRECISION))
        user = ex.User(spot_positions=spot_positions, perp_positions=perp_positions,
                       margin_mode=ex.MarginMode.HighLeverage if self.high_leverage_mode else ex.MarginMode.Default)
        return user, perp_map, spot_map, oracle_map
