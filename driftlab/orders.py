"""Orders in natural units: a builder that validates like the program, the docs' trigger tables, triggers over an
oracle path, and price/size standardisation.

Order kinds (the program's ``OrderType`` in brackets): ``market`` (Market), ``limit`` (Limit), ``oracle`` (Oracle),
``trigger_market`` / ``trigger_limit`` (TriggerMarket / TriggerLimit, with an explicit trigger condition), and the
docs' names for trigger orders: ``stop_market``, ``stop_limit``, ``take_profit_market``, ``take_profit_limit``,
whose trigger condition comes from the docs' trigger table (:data:`TRIGGER_TABLE`). Flags: reduce-only,
post-only, immediate-or-cancel (IOC). Sizes are in base units, prices in USD, sides ``"long"`` / ``"short"``.

:func:`build_order` checks every rule of the program's ``validate_order`` that does not need a market's AMM,
plus the rules of the docs' tables (seed 004, the "Order Types" page), and raises :class:`OrderRuleError` (a
``ValueError``) naming the rule and, for program rules, the program's ``ErrorCode``. Two of the docs' rules are
**not** the program's at v2.161.0; they are kept because the issue asks for them and because an order that breaks
them does something a user would not expect (see ``notebooks/06-orders-and-auctions.ipynb``):

- :data:`SEED_TRIGGER_LIMIT_RULE`: the docs' ``TriggerIsAbove | DirectionIsLong | LimitPrice`` table. v2.161.0
  places these orders; the v1 clearing house rejected them with ``InvalidOrder``
  (``driftlab.exact.validate_trigger_limit_price_v1``).
- :data:`SEED_REDUCE_ONLY_RULE`: the trigger table's "Reduce Only: False" rows (market-if-touched orders that
  add to the position). The program places a reduce-only order on the position's own side and cancels it at its
  first fill attempt (``should_cancel_reduce_only_order``: nothing to reduce).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _validate as v
from ._choices import DIRECTIONS, bool_or_array, choice, direction_sign

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from .exact import AMM, Order

__all__ = [
    "CONDITIONS",
    "ORDER_KINDS",
    "SEED_REDUCE_ONLY_RULE",
    "SEED_TRIGGER_LIMIT_RULE",
    "TRIGGER_LIMIT_TABLE",
    "TRIGGER_TABLE",
    "OrderRuleError",
    "OrderSpec",
    "PathOutcome",
    "TriggerRow",
    "build_order",
    "fills_by_slot",
    "first_trigger_slot",
    "path_outcome",
    "standardize_price",
    "standardize_size",
    "trigger_condition_for",
    "trigger_hit",
    "trigger_limit_table",
    "trigger_table",
]

ORDER_KINDS = {
    "market": "Market", "limit": "Limit", "oracle": "Oracle",
    "trigger_market": "TriggerMarket", "trigger_limit": "TriggerLimit",
    "stop_market": "TriggerMarket", "stop_limit": "TriggerLimit",
    "take_profit_market": "TriggerMarket", "take_profit_limit": "TriggerLimit",
}
"""Builder kinds and the program's ``OrderType`` each becomes."""
CONDITIONS = ("above", "below")
"""Trigger conditions (``OrderTriggerCondition.Above`` / ``Below``): oracle strictly above / below the trigger."""


class OrderRuleError(ValueError):
    """An order configuration :func:`build_order` refuses: ``rule`` says which, ``error_code`` is the program's
    ``ErrorCode`` name (None for the docs' rules the program does not enforce)."""

    def __init__(self, message: str, *, rule: str, error_code: str | None) -> None:
        super().__init__(message)
        self.rule = rule
        self.error_code = error_code


class TriggerRow(NamedTuple):
    """One row of the docs' stop / take-profit tables, in the docs' words."""

    current_position: str  # "Long" / "Short"
    order_type: str  # "Stop", "Stop (Market If Touch)", "Take Profit", "Take Profit (Market If Touch)"
    trade_direction: str  # "Buy" / "Sell"
    trigger_condition: str  # "Above" / "Below"
    reduce_only: str  # "True/False" or "False"


TRIGGER_TABLE: dict[tuple[str, str, str], TriggerRow] = {
    ("long", "stop", "long"): TriggerRow("Long", "Stop (Market If Touch)", "Buy", "Below", "False"),
    ("long", "stop", "short"): TriggerRow("Long", "Stop", "Sell", "Below", "True/False"),
    ("short", "stop", "long"): TriggerRow("Short", "Stop", "Buy", "Above", "True/False"),
    ("short", "stop", "short"): TriggerRow("Short", "Stop (Market If Touch)", "Sell", "Above", "False"),
    ("long", "take_profit", "long"): TriggerRow("Long", "Take Profit (Market If Touch)", "Buy", "Above", "False"),
    ("long", "take_profit", "short"): TriggerRow("Long", "Take Profit", "Sell", "Above", "True/False"),
    ("short", "take_profit", "long"): TriggerRow("Short", "Take Profit", "Buy", "Below", "True/False"),
    ("short", "take_profit", "short"): TriggerRow("Short", "Take Profit (Market If Touch)", "Sell", "Below", "False"),
}
"""The docs' Stop and Take Profit tables (seed 004, "Order Types"), keyed by ``(position side, "stop" or
"take_profit", order side)``. A stop triggers when the price moves against the position (below for a long),
a take-profit when it moves in its favour; the order's own side only decides whether it closes the position
or, as "Market If Touch", adds to it (then reduce-only must be False)."""

TRIGGER_LIMIT_TABLE: dict[tuple[bool, bool], str] = {
    (True, True): "Must be above trigger",
    (True, False): "Ok",
    (False, True): "Ok",
    (False, False): "Must be below trigger",
}
"""The docs' ``TriggerIsAbove | DirectionIsLong | LimitPrice`` table (seed 004, "Order Types")."""

SEED_TRIGGER_LIMIT_RULE = "docs 'Order Types' TriggerIsAbove | DirectionIsLong | LimitPrice table (seed 004)"
"""The rule :func:`build_order` applies to every trigger-limit order, named after the docs' table: trigger above +
long needs the limit at or above the trigger, trigger below + short at or below it (:data:`TRIGGER_LIMIT_TABLE`).
"Above"/"below" are read as protocol v1 read them (it rejected ``price < trigger_price``, resp. ``>``, with
``ErrorCode::InvalidOrder``); v2.161.0 does not check it (``driftlab.exact.validate_trigger_limit_price_v1``)."""

SEED_REDUCE_ONLY_RULE = "docs 'Order Types' stop / take-profit tables, Reduce Only column (seed 004)"
"""The rule :func:`build_order` applies to reduce-only orders, named after the docs' tables: the "Market If Touch"
rows (an order on the position's own side) have Reduce Only = False, and a reduce-only order needs a position to
reduce. The program places such an order and cancels it at its first fill attempt
(``should_cancel_reduce_only_order``: ``get_base_asset_amount_unfilled`` is 0)."""


@dataclass(frozen=True)
class OrderSpec:
    """A validated order in natural units (see :func:`build_order`); :meth:`to_exact` gives the program's
    ``Order``. Zero means "not set" for ``price``, ``trigger_price`` and ``oracle_price_offset``, as in the
    program."""

    kind: str
    order_type: str  # the program's OrderType name
    direction: str
    size: float
    price: float = 0.0
    trigger_price: float = 0.0
    trigger_condition: str | None = None  # "above" / "below" for trigger orders
    oracle_price_offset: float = 0.0
    reduce_only: bool = False
    post_only: bool = False
    immediate_or_cancel: bool = False
    auction_start_price: float | None = None  # price, or oracle offset for oracle-offset auctions
    auction_end_price: float | None = None
    auction_duration: int | None = None
    position: float = 0.0  # the user's signed position when the order was built (base)

    @property
    def is_trigger(self) -> bool:
        return self.order_type in ("TriggerMarket", "TriggerLimit")

    @property
    def is_limit(self) -> bool:
        return self.order_type in ("Limit", "TriggerLimit")

    def to_exact(self, *, slot: int = 0, oracle_price: float | None = None, tick_size: float = 1e-6,
                 min_auction_duration: int = 10) -> Order:
        """The program's ``Order`` (prices 1e6, size 1e9), status Open, placed at ``slot``.

        With ``oracle_price`` the auction is set as ``place_perp_order`` sets it (``get_auction_params``: market
        orders without auction prices get ``calculate_auction_prices``, durations at least
        ``min_auction_duration``, prices tick-standardised). Without it the auction parameters are copied as
        given. The market-dependent derivation of missing oracle-order auctions
        (``update_perp_auction_params``) is not applied.
        """
        from . import exact as ex

        def units(value: float | None, precision: int) -> int | None:
            return None if value is None else int(round(value * precision))

        direction = ex.PositionDirection.Long if self.direction == "long" else ex.PositionDirection.Short
        order_type = ex.OrderType[self.order_type]
        condition = ex.OrderTriggerCondition.Below if self.trigger_condition == "below" \
            else ex.OrderTriggerCondition.Above
        start = units(self.auction_start_price, ex.PRICE_PRECISION)
        end = units(self.auction_end_price, ex.PRICE_PRECISION)
        duration = self.auction_duration
        if oracle_price is not None:
            params = ex.OrderParams(
                order_type=order_type, market_type=ex.MarketType.Perp, direction=direction,
                base_asset_amount=units(self.size, ex.BASE_PRECISION) or 0,
                price=units(self.price, ex.PRICE_PRECISION) or 0, auction_start_price=start, auction_end_price=end,
                auction_duration=duration, oracle_price_offset=units(self.oracle_price_offset, ex.PRICE_PRECISION))
            oracle = ex.OraclePriceData(price=units(oracle_price, ex.PRICE_PRECISION) or 0)
            start, end, duration = ex.get_auction_params(params, oracle, units(tick_size, ex.PRICE_PRECISION) or 1,
                                                         min_auction_duration)
        return ex.Order(
            status=ex.OrderStatus.Open, order_type=order_type, market_type=ex.MarketType.Perp, direction=direction,
            slot=slot, base_asset_amount=units(self.size, ex.BASE_PRECISION) or 0,
            price=units(self.price, ex.PRICE_PRECISION) or 0,
            trigger_price=units(self.trigger_price, ex.PRICE_PRECISION) or 0, trigger_condition=condition,
            oracle_price_offset=units(self.oracle_price_offset, ex.PRICE_PRECISION) or 0,
            auction_start_price=start or 0, auction_end_price=end or 0, auction_duration=duration or 0,
            reduce_only=self.reduce_only, post_only=self.post_only, immediate_or_cancel=self.immediate_or_cancel,
            existing_position_direction=(ex.PositionDirection.Short if self.position < 0
                                         else ex.PositionDirection.Long))


# --------------------------------------------------------------------------------------------------- builder


def _reject(kind: str, message: str, rule: str, error_code: str | None) -> OrderRuleError:
    source = f"program: ErrorCode::{error_code}" if error_code else "not checked by the program at v2.161.0"
    return OrderRuleError(f"{kind} order rejected: {message} [rule: {rule}; {source}]", rule=rule,
                          error_code=error_code)


def _single(name: str, array: np.ndarray) -> float:
    """A checked 0-d array as a float; a ``ValueError`` naming ``name`` for an array of several numbers."""
    if array.ndim != 0:
        raise ValueError(f"{name} must be a single number, got an array of shape {array.shape}")
    return float(array)


def _optional_price(name: str, value: float | None, *, signed: bool = False) -> float:
    if value is None:
        return 0.0
    return _single(name, v.as_float_array(name, value) if signed else v.positive(name, value))


def trigger_condition_for(kind: str, direction: str, position: float = 0.0) -> str:
    """The trigger condition the docs' table gives a stop or take-profit order: ``"above"`` or ``"below"``.

    ``kind`` is ``"stop"`` or ``"take_profit"`` (a ``_market``/``_limit`` suffix is ignored). A long position
    stops out below and takes profit above, a short the reverse (:data:`TRIGGER_TABLE`). A flat position uses
    the row of the position the order would close (a buy closes a short: stop-buy above, take-profit-buy below).
    """
    base = kind.removesuffix("_market").removesuffix("_limit")
    base = choice("kind", base, ("stop", "take_profit"))
    side = choice("direction", direction, DIRECTIONS)
    pos = _single("position", v.as_float_array("position", position))
    position_side = ("long" if pos > 0 else "short") if pos != 0 else ("short" if side == "long" else "long")
    return TRIGGER_TABLE[(position_side, base, side)].trigger_condition.lower()


def build_order(kind: str, direction: str, size: float, *, price: float | None = None,
                trigger_price: float | None = None, trigger_condition: str | None = None,
                oracle_price_offset: float | None = None, position: float = 0.0, reduce_only: bool = False,
                post_only: bool = False, immediate_or_cancel: bool = False,
                auction_start_price: float | None = None, auction_end_price: float | None = None,
                auction_duration: int | None = None, step_size: float | None = None,
                min_order_size: float | None = None) -> OrderSpec:
    """A validated :class:`OrderSpec`, or :class:`OrderRuleError` naming the first rule the order breaks.

    ``price`` is the limit price (for a market order: the worst price, i.e. the slippage limit),
    ``oracle_price_offset`` a signed USD offset from the oracle (oracle orders and oracle-offset limit orders),
    ``position`` the user's signed position in this market (base; it selects the trigger table's row and checks
    reduce-only). Auction prices are prices, or oracle offsets for oracle orders and oracle-offset limit orders.
    ``step_size`` / ``min_order_size`` (base), when given, check the size like the market does.

    The program's rules (``validate_order`` at v2.161.0, ``ErrorCode`` in the message): size > 0, a step
    multiple, at least ``min_order_size`` unless reduce-only (or a JIT maker: post-only + IOC limit);
    market: no trigger price, not post-only, no oracle offset, not IOC, auction start/end > 0, ordered for the side
    and not past the limit; oracle: no trigger, not post-only, no price, not IOC, auction offsets ordered and not
    past the oracle offset; limit: a price or an oracle offset but not both, no trigger price, post-only without an
    auction, auction prices only with a duration; trigger orders: a trigger price and condition, TriggerMarket
    without and TriggerLimit with a price, not post-only, no oracle offset. Not checked here: a post-only order
    crossing the AMM (``PlacePostOnlyLimitFailure``; ``driftlab.exact.validate_post_only_order`` needs the market).

    The docs' rules: stop / take-profit conditions from :data:`TRIGGER_TABLE` (a contradicting explicit
    ``trigger_condition`` is refused), :data:`SEED_REDUCE_ONLY_RULE` (reduce-only must face a position), and
    :data:`SEED_TRIGGER_LIMIT_RULE` for every trigger-limit order.
    exact: ``validate_order`` (and ``validate_trigger_limit_price_v1`` for the docs' trigger/limit table).
    """
    kind = choice("kind", kind, tuple(ORDER_KINDS))
    side = choice("direction", direction, DIRECTIONS)
    order_type = ORDER_KINDS[kind]
    size_value = _single("size", v.as_float_array("size", size))
    if size_value <= 0:
        raise _reject(kind, f"size must be > 0, got {size!r}", "order size", "InvalidOrderSizeTooSmall")
    pos = _single("position", v.as_float_array("position", position))
    limit = _optional_price("price", price)
    trigger = _optional_price("trigger_price", trigger_price)
    offset = _optional_price("oracle_price_offset", oracle_price_offset, signed=True)
    flags = {"reduce_only": reduce_only, "post_only": post_only, "immediate_or_cancel": immediate_or_cancel}
    for name, flag in flags.items():
        if not isinstance(flag, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {flag!r}")
    jit_maker = order_type == "Limit" and post_only and immediate_or_cancel
    _check_size(kind, size_value, step_size, min_order_size, exempt=reduce_only or jit_maker)

    auction = (auction_start_price, auction_end_price, auction_duration)
    has_auction = auction_duration is not None and auction_duration != 0
    start = None if auction_start_price is None else _single(
        "auction_start_price", v.as_float_array("auction_start_price", auction_start_price))
    end = None if auction_end_price is None else _single(
        "auction_end_price", v.as_float_array("auction_end_price", auction_end_price))
    if auction_duration is not None:
        if not (isinstance(auction_duration, (int, np.integer)) and 0 <= auction_duration <= 255):
            raise ValueError(f"auction_duration must be a whole number of slots in [0, 255], got {auction_duration!r}")

    condition: str | None = None
    if order_type in ("Market", "Oracle"):
        label = "market" if order_type == "Market" else "oracle"
        if trigger:
            raise _reject(kind, f"a {label} order has no trigger price", "trigger price", "InvalidOrderTrigger")
        if post_only:
            raise _reject(kind, f"a {label} order can not be post-only (it takes)", "post-only",
                          "InvalidOrderPostOnly")
        if immediate_or_cancel:
            raise _reject(kind, f"a {label} order can not be immediate-or-cancel (it has its auction and max_ts)",
                          "immediate-or-cancel", "InvalidOrderIOC")
        if order_type == "Market" and offset:
            raise _reject(kind, "a market order has no oracle offset (use kind='oracle')", "oracle offset",
                          "InvalidOrderOracleOffset")
        if order_type == "Oracle" and limit:
            raise _reject(kind, "an oracle order has no price; its limit is oracle + oracle_price_offset",
                          "limit price", "InvalidOrderLimitPrice")
        if any(a is not None for a in auction) and any(a is None for a in auction):
            raise ValueError("give auction_start_price, auction_end_price and auction_duration together (the "
                             "program derives all three from the market when any is missing)")
        if start is not None and end is not None:
            if order_type == "Market":
                _check_fixed_auction(kind, side, start, end, limit)
            else:
                _check_oracle_auction(kind, side, start, end, offset)
    elif order_type == "Limit":
        if not limit and not offset:
            raise _reject(kind, "a limit order needs a price or an oracle offset", "limit price",
                          "InvalidOrderLimitPrice")
        if limit and offset:
            raise _reject(kind, "a limit order has a price or an oracle offset, not both", "limit price",
                          "InvalidOrderLimitPrice")
        if trigger:
            raise _reject(kind, "a limit order has no trigger price (use kind='stop_limit', 'take_profit_limit' "
                          "or 'trigger_limit')", "trigger price", "InvalidOrderTrigger")
        if has_auction:
            if post_only:
                raise _reject(kind, "a post-only limit order can not have an auction", "post-only auction",
                              "InvalidOrder")
            if start is None or end is None:
                raise ValueError("an auction needs auction_start_price and auction_end_price as well as "
                                 "auction_duration")
            if offset:
                _check_oracle_auction(kind, side, start, end, offset)
            else:
                _check_fixed_auction(kind, side, start, end, limit)
        elif start or end:
            raise _reject(kind, "auction prices without an auction_duration", "limit order auction", "InvalidOrder")
    else:
        if kind.startswith(("stop", "take_profit")):
            table = trigger_condition_for(kind, side, pos)
            if trigger_condition is not None and choice("trigger_condition", trigger_condition, CONDITIONS) != table:
                row = _table_row(kind, side, pos)
                raise _reject(kind, f"trigger_condition {trigger_condition!r} contradicts the table row {row}",
                              "docs 'Order Types' stop / take-profit table (seed 004)", None)
            condition = table
        elif trigger_condition is None:
            raise _reject(kind, "a trigger order needs trigger_condition 'above' or 'below'", "trigger condition",
                          "InvalidTriggerOrderCondition")
        else:
            condition = choice("trigger_condition", trigger_condition, CONDITIONS)
        if not trigger:
            raise _reject(kind, "a trigger order needs a trigger_price > 0", "trigger price", "InvalidOrderTrigger")
        if order_type == "TriggerMarket" and limit:
            raise _reject(kind, "a trigger-market order has no price (use a *_limit kind)", "limit price",
                          "InvalidOrderLimitPrice")
        if order_type == "TriggerLimit" and not limit:
            raise _reject(kind, "a trigger-limit order needs a price", "limit price", "InvalidOrderLimitPrice")
        if post_only:
            raise _reject(kind, "a trigger order can not be post-only", "post-only", "InvalidOrderPostOnly")
        if offset:
            raise _reject(kind, "a trigger order has no oracle offset", "oracle offset", "InvalidOrderOracleOffset")
        if any(a is not None for a in auction):
            raise ValueError("a trigger order gets its auction when it triggers "
                             "(calculate_auction_params_for_trigger_order); leave the auction_* arguments unset")
        if order_type == "TriggerLimit":
            _check_seed_trigger_limit(kind, side, condition, limit, trigger)

    if reduce_only:
        _check_reduce_only(kind, side, pos)
    return OrderSpec(kind=kind, order_type=order_type, direction=side, size=size_value, price=limit,
                     trigger_price=trigger, trigger_condition=condition, oracle_price_offset=offset,
                     reduce_only=bool(reduce_only), post_only=bool(post_only),
                     immediate_or_cancel=bool(immediate_or_cancel),
                     auction_start_price=start, auction_end_price=end,
                     auction_duration=None if auction_duration is None else int(auction_duration), position=pos)


def _check_size(kind: str, size: float, step_size: float | None, min_order_size: float | None, exempt: bool) -> None:
    if step_size is not None:
        step = _single("step_size", v.positive("step_size", step_size))
        steps = size / step
        if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
            raise _reject(kind, f"size {size:g} is not a whole number of step_size {step:g}", "step size",
                          "InvalidOrderNotStepSizeMultiple")
    if min_order_size is not None:
        minimum = _single("min_order_size", v.non_negative("min_order_size", min_order_size))
        if size < minimum and not exempt:
            raise _reject(kind, f"size {size:g} is below min_order_size {minimum:g} (allowed only for reduce-only "
                          "orders and JIT makers)", "minimum size", "InvalidOrderMinOrderSize")


def _check_fixed_auction(kind: str, side: str, start: float, end: float, limit: float) -> None:
    if start <= 0 or end <= 0:
        raise _reject(kind, f"auction_start_price and auction_end_price must be > 0, got {start:g} and {end:g}",
                      "auction prices", "InvalidOrderAuction")
    if side == "long" and start > end:
        raise _reject(kind, f"a long's auction rises: auction_start_price {start:g} must be <= auction_end_price "
                      f"{end:g}", "auction order", "InvalidOrderAuction")
    if side == "short" and start < end:
        raise _reject(kind, f"a short's auction falls: auction_start_price {start:g} must be >= auction_end_price "
                      f"{end:g}", "auction order", "InvalidOrderAuction")
    if limit and ((side == "long" and limit < end) or (side == "short" and limit > end)):
        raise _reject(kind, f"the auction must end within the limit: price {limit:g}, auction_end_price {end:g}",
                      "auction end vs limit", "InvalidOrderAuction")


def _check_oracle_auction(kind: str, side: str, start: float, end: float, offset: float) -> None:
    if side == "long" and start > end:
        raise _reject(kind, f"a long's auction rises: auction_start_price (offset) {start:g} must be <= "
                      f"auction_end_price (offset) {end:g}", "auction order", "InvalidOrderAuction")
    if side == "short" and start < end:
        raise _reject(kind, f"a short's auction falls: auction_start_price (offset) {start:g} must be >= "
                      f"auction_end_price (offset) {end:g}", "auction order", "InvalidOrderAuction")
    if offset and ((side == "long" and end > offset) or (side == "short" and end < offset)):
        raise _reject(kind, f"the auction's end offset (auction_end_price) {end:g} is past the order's "
                      f"oracle_price_offset {offset:g} (auction prices of an oracle-offset order are offsets from the "
                      "oracle, not prices)",
                      "oracle auction end vs oracle offset", "InvalidOrderAuction")


def _check_seed_trigger_limit(kind: str, side: str, condition: str | None, limit: float, trigger: float) -> None:
    above, long = condition == "above", side == "long"
    rule = TRIGGER_LIMIT_TABLE[(above, long)]
    if (above and long and limit < trigger) or (not above and not long and limit > trigger):
        why = ("after the oracle rises past the trigger, a bid below it fills only once the price falls back; "
               "the docs' reason: the protocol could tell the trigger was hit only from a fill") if long else \
              ("after the oracle falls past the trigger, an ask above it fills only once the price comes back up; "
               "the docs' reason: the protocol could tell the trigger was hit only from a fill")
        raise _reject(kind, f"TriggerIsAbove={above}, DirectionIsLong={long}: LimitPrice {rule.lower()}, got "
                      f"price {limit:g} vs trigger_price {trigger:g}; {why}", SEED_TRIGGER_LIMIT_RULE, None)


def _check_reduce_only(kind: str, side: str, position: float) -> None:
    if position == 0:
        raise _reject(kind, "reduce-only with no position: there is nothing to reduce (pass position=)",
                      SEED_REDUCE_ONLY_RULE, None)
    if (position > 0) == (side == "long"):
        raise _reject(kind, f"reduce-only {side} order on a {'long' if position > 0 else 'short'} position would "
                      "add to it", SEED_REDUCE_ONLY_RULE, None)


def _table_row(kind: str, side: str, position: float) -> str:
    base = "stop" if kind.startswith("stop") else "take_profit"
    position_side = ("long" if position > 0 else "short") if position != 0 else \
        ("short" if side == "long" else "long")
    row = TRIGGER_TABLE[(position_side, base, side)]
    return " | ".join(row)


def trigger_table() -> pd.DataFrame:
    """The docs' stop and take-profit tables as one DataFrame (seed 004)."""
    import pandas as pd

    return pd.DataFrame([row._asdict() for row in TRIGGER_TABLE.values()])


def trigger_limit_table() -> pd.DataFrame:
    """The docs' ``TriggerIsAbove | DirectionIsLong | LimitPrice`` table (seed 004)."""
    import pandas as pd

    return pd.DataFrame([{"TriggerIsAbove": above, "DirectionIsLong": long, "LimitPrice": rule}
                         for (above, long), rule in TRIGGER_LIMIT_TABLE.items()])


# ------------------------------------------------------------------------------------------ triggers on paths


def trigger_hit(oracle_price: ArrayLike, trigger_price: ArrayLike, condition: str) -> np.ndarray | bool:
    """Whether the oracle satisfies the trigger: above ``oracle > trigger``, below ``oracle < trigger`` (strict).

    exact: ``order_satisfies_trigger_condition``.
    """
    cond = choice("condition", condition, CONDITIONS)
    oracle = v.positive("oracle_price", oracle_price)
    trigger = v.positive("trigger_price", trigger_price)
    oracle, trigger = v.broadcast(oracle_price=oracle, trigger_price=trigger)
    return bool_or_array(oracle > trigger if cond == "above" else oracle < trigger)


def first_trigger_slot(oracle_path: ArrayLike, trigger_price: ArrayLike, condition: str) -> np.ndarray | int:
    """Index (along the last axis of ``oracle_path``) of the first slot whose oracle triggers the order, -1 if none.

    ``trigger_price`` broadcasts against ``oracle_path[..., 0]`` (one trigger per path, or per element).
    """
    path = v.positive("oracle_path", oracle_path)
    if path.ndim == 0:
        raise ValueError("oracle_path must be an array of prices (one per slot)")
    trigger = np.expand_dims(v.positive("trigger_price", trigger_price), -1)
    hit = np.asarray(trigger_hit(path, trigger, condition))
    index = np.where(hit.any(axis=-1), hit.argmax(axis=-1), -1)
    return int(index) if index.ndim == 0 else index


class PathOutcome(NamedTuple):
    """Where an order goes live (its trigger slot; 0 for non-trigger orders), fills, and at what price.
    -1 / NaN when it does not happen on the path."""

    trigger_slot: np.ndarray | int
    fill_slot: np.ndarray | int
    fill_price: np.ndarray | float


def path_outcome(order: OrderSpec, oracle_path: ArrayLike) -> PathOutcome:
    """Will ``order`` trigger and fill on ``oracle_path`` (one oracle price per slot, last axis), when, at what?

    A deliberately simple oracle-only model: the order is live from slot 0, a trigger order from the first slot
    its condition holds (a keeper triggers it then). A market order (or oracle order with a non-negative offset
    for its side) fills on its first live slot at that slot's oracle price: the auction of a market order without
    limits starts at the oracle (``calculate_auction_prices``); spreads and auction improvement are ignored. A
    limit order fills on the first live slot where the oracle is at or better than its limit: at the oracle
    price if that is its first live slot (it crossed: it took), else at its limit (it rested and the price moved
    through it). Batches of paths (2-D) give arrays.
    """
    path = v.as_float_array("oracle_path", oracle_path)
    if path.ndim == 0:
        raise ValueError("oracle_path must be an array of prices (one per slot)")
    if np.any(path <= 0):
        raise ValueError("oracle_path must be > 0 everywhere")
    n = path.shape[-1]
    slots = np.arange(n)
    if order.is_trigger:
        assert order.trigger_condition is not None
        live = np.asarray(first_trigger_slot(path, order.trigger_price, order.trigger_condition))
    else:
        live = np.zeros(path.shape[:-1], dtype=np.int64)
    side = direction_sign(order.direction)
    live_mask = (live[..., None] >= 0) & (slots >= live[..., None])
    if order.order_type == "Oracle":
        fills = live_mask & (side * order.oracle_price_offset >= 0)
    elif order.is_limit and order.price:
        fills = live_mask & (side * (order.price - path) >= 0)
    elif order.is_limit:  # oracle-offset limit: limit = oracle + offset
        fills = live_mask & (side * order.oracle_price_offset >= 0)
    else:
        fills = live_mask & (slots == live[..., None])
    any_fill = fills.any(axis=-1)
    fill_slot = np.where(any_fill, fills.argmax(axis=-1), -1)
    oracle_at_fill = np.take_along_axis(path, np.maximum(fill_slot, 0)[..., None], axis=-1)[..., 0]
    rested = order.is_limit and bool(order.price)
    price = np.where(rested & (fill_slot > live), order.price, oracle_at_fill)
    price = np.where(any_fill, price, np.nan)

    def out(a: np.ndarray, kind: type) -> Any:
        return kind(a) if np.ndim(a) == 0 else a

    return PathOutcome(out(live, int), out(fill_slot, int), out(price, float))


# ------------------------------------------------------------------------------------------- standardisation


def standardize_price(price: ArrayLike, tick_size: ArrayLike, direction: str) -> np.ndarray | float:
    """``price`` snapped to a multiple of ``tick_size``: a long's (bid's) price rounds **down**, a short's (ask's)
    **up**, in the protocol's favour. Computed on the 1e-6 USD grid, so equal to the program for prices on it.

    exact: ``standardize_price``.
    """
    side = direction_sign(direction)
    p = v.non_negative("price", price)
    tick = v.positive("tick_size", tick_size)
    p, tick = v.broadcast(price=p, tick_size=tick)
    units = np.rint(p * 1e6).astype(np.int64)
    t = np.rint(tick * 1e6).astype(np.int64)
    if np.any(t < 1) or np.any(np.abs(tick * 1e6 - t) > 1e-6 * np.maximum(t, 1)):
        raise ValueError(f"tick_size must be a whole multiple of the price unit 1e-6 USD, got {tick_size!r}")
    remainder = units % t
    snapped = units - remainder if side > 0 else np.where(remainder == 0, units, units + t - remainder)
    return v.scalar_or_array(snapped / 1e6)


def standardize_size(size: ArrayLike, step_size: ArrayLike) -> np.ndarray | float:
    """``size`` rounded down to a multiple of ``step_size`` (on the 1e-9 base grid).

    exact: ``standardize_base_asset_amount``.
    """
    s = v.non_negative("size", size)
    step = v.positive("step_size", step_size)
    s, step = v.broadcast(size=s, step_size=step)
    units = np.rint(s * 1e9).astype(np.int64)
    t = np.rint(step * 1e9).astype(np.int64)
    if np.any(t < 1):
        raise ValueError(f"step_size must be at least the base unit 1e-9, got {step_size!r}")
    return v.scalar_or_array((units - units % t) / 1e9)


def fills_by_slot(taker: Order, makers: Mapping[str, Order], amm: AMM, oracle_price: float,
                  slots: ArrayLike) -> pd.DataFrame:
    """Who fills ``taker`` at each of ``slots``, in order, as the program lists it: the makers that may trade
    with it (``is_maker_for_taker``) best price first while they cross its limit at that slot (the auction price
    during the auction), AMM steps where the AMM quotes better than the next maker, the AMM last if it crosses.

    ``makers`` maps a name to a resting order; a maker quotes from its order's slot on, and an
    immediate-or-cancel one (a JIT maker's order, placed with the fill) only in that slot. ``oracle_price`` in
    USD. Rows: slot, the taker's limit then (USD), and the fills (``"maker A @ 100.05 → AMM"``).
    program: math/fulfillment.rs::determine_perp_fulfillment_methods, math/matching.rs::is_maker_for_taker,
    Order::get_limit_price
    """
    import pandas as pd

    from . import exact as ex

    oracle = round(_single("oracle_price", v.positive("oracle_price", oracle_price)) * ex.PRICE_PRECISION)
    slot_values = np.atleast_1d(v.non_negative("slots", slots))
    if np.any(slot_values != np.floor(slot_values)):
        raise ValueError(f"slots must be whole slot numbers >= 0, got {slots!r}")
    reserve_price = amm.reserve_price()
    best_first = -1 if taker.direction == ex.PositionDirection.Short else 1  # asks rising, or bids falling

    def describe(method: Any) -> str:
        if isinstance(method, ex.PerpFulfillmentMethodAMM):
            return "AMM" if method.price is None else f"AMM up to {method.price / ex.PRICE_PRECISION:.2f}"
        return f"{method.maker_key} @ {method.price / ex.PRICE_PRECISION:.2f}"

    rows = []
    for slot in map(int, slot_values):
        limit = taker.get_limit_price(oracle, None, slot, amm.order_tick_size, False, None)
        present = [(name, i, order) for i, (name, order) in enumerate(makers.items())
                   if order.slot <= slot and (not order.immediate_or_cancel or order.slot == slot)]
        eligible = sorted(((name, i, order.price) for name, i, order in present
                           if ex.is_maker_for_taker(order, taker, slot)), key=lambda info: best_first * info[2])
        methods = ex.determine_perp_fulfillment_methods(taker, eligible, amm, reserve_price, limit, True)
        rows.append({"slot": slot, "taker's limit now": limit / ex.PRICE_PRECISION if limit is not None else None,
                     "fills, in order": " → ".join(describe(m) for m in methods) or "nothing crosses"})
    return pd.DataFrame(rows)
