"""Who fills a taker order, in order: resting makers and the AMM interleaved by price, then the AMM.

``determine_perp_fulfillment_methods`` walks the maker orders (already sorted best first) while they cross the
taker's limit; whenever the AMM quotes a better price than the next maker, an ``AMM(Some(maker_price))`` step
(fill against the AMM up to that maker's price) comes first. At most 7 maker steps; the AMM closes the list if
it is available and crosses. A post-only order (a maker) can only be filled by the AMM if the AMM crosses it.

program: math/fulfillment.rs, state/fulfillment.rs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .enums import PositionDirection
from .errors import CastingFailure, FailedUnwrap
from .matching import do_orders_cross

if TYPE_CHECKING:
    from .state import AMM, Order


@dataclass(frozen=True)
class PerpFulfillmentMethodAMM:
    """``PerpFulfillmentMethod::AMM(Option<u64>)``: fill against the AMM, up to ``price`` when set.

    program: state/fulfillment.rs::PerpFulfillmentMethod::AMM
    """

    price: int | None = None  # Option<u64>


@dataclass(frozen=True)
class PerpFulfillmentMethodMatch:
    """``PerpFulfillmentMethod::Match(Pubkey, u16, u64)``: fill against a maker's order at ``price``.

    program: state/fulfillment.rs::PerpFulfillmentMethod::Match
    """

    maker_key: str = ""  # Pubkey
    maker_order_index: int = 0  # u16
    price: int = 0  # u64


PerpFulfillmentMethod = PerpFulfillmentMethodAMM | PerpFulfillmentMethodMatch


@dataclass(frozen=True)
class SpotFulfillmentMethodExternalMarket:
    """``SpotFulfillmentMethod::ExternalMarket``. program: state/fulfillment.rs::SpotFulfillmentMethod"""


@dataclass(frozen=True)
class SpotFulfillmentMethodMatch:
    """``SpotFulfillmentMethod::Match(Pubkey, u16)``. program: state/fulfillment.rs::SpotFulfillmentMethod"""

    maker_key: str = ""  # Pubkey
    maker_order_index: int = 0  # u16


SpotFulfillmentMethod = SpotFulfillmentMethodExternalMarket | SpotFulfillmentMethodMatch


def determine_perp_fulfillment_methods(order: Order, maker_orders_info: list[tuple[str, int, int]], amm: AMM,
                                       amm_reserve_price: int, limit_price: int | None,
                                       amm_is_available: bool) -> list[PerpFulfillmentMethod]:
    """The ordered fills for a perp taker: ``maker_orders_info`` is ``[(maker_key, order_index, maker_price)]``
    sorted best first; ``limit_price`` None means the taker takes any price.

    program: math/fulfillment.rs::determine_perp_fulfillment_methods
    """
    if order.post_only:
        return determine_perp_fulfillment_methods_for_maker(order, amm, amm_reserve_price, limit_price,
                                                            amm_is_available)
    methods: list[PerpFulfillmentMethod] = []
    maker_direction = order.direction.opposite()
    if maker_direction == PositionDirection.Long:
        amm_price = amm.bid_price(amm_reserve_price)
    else:
        amm_price = amm.ask_price(amm_reserve_price)

    for maker_key, maker_order_index, maker_price in maker_orders_info:
        taker_crosses_maker = True if limit_price is None else do_orders_cross(maker_direction, maker_price,
                                                                               limit_price)
        if not taker_crosses_maker:
            break
        if amm_is_available:
            if order.direction == PositionDirection.Long:
                maker_better_than_amm = maker_price <= amm_price
            else:
                maker_better_than_amm = maker_price >= amm_price
            if not maker_better_than_amm:
                methods.append(PerpFulfillmentMethodAMM(maker_price))
                amm_price = maker_price
        if not 0 <= maker_order_index <= 0xFFFF:
            raise CastingFailure(f"maker order index {maker_order_index} does not fit u16")
        methods.append(PerpFulfillmentMethodMatch(maker_key, maker_order_index, maker_price))
        if len(methods) > 6:
            break

    if amm_is_available:
        taker_crosses_amm = True if limit_price is None else do_orders_cross(maker_direction, amm_price, limit_price)
        if taker_crosses_amm:
            methods.append(PerpFulfillmentMethodAMM(None))
    return methods


def determine_perp_fulfillment_methods_for_maker(order: Order, amm: AMM, amm_reserve_price: int,
                                                 limit_price: int | None,
                                                 amm_is_available: bool) -> list[PerpFulfillmentMethod]:
    """A post-only order fills only against the AMM, and only if the AMM's opposite quote crosses it
    (no limit price: ``FailedUnwrap``).

    program: math/fulfillment.rs::determine_perp_fulfillment_methods_for_maker
    """
    maker_direction = order.direction
    if not amm_is_available:
        return []
    if maker_direction == PositionDirection.Long:
        amm_price = amm.ask_price(amm_reserve_price)
    else:
        amm_price = amm.bid_price(amm_reserve_price)
    if limit_price is None:
        raise FailedUnwrap("post-only order without a limit price")
    if do_orders_cross(maker_direction, limit_price, amm_price):
        return [PerpFulfillmentMethodAMM(None)]
    return []


def determine_spot_fulfillment_methods(order: Order, maker_orders_info: list[tuple[str, int, int]],
                                       limit_price: int | None,
                                       external_fulfillment_params_available: bool) -> list[SpotFulfillmentMethod]:
    """A spot taker goes to the external market when one is given; otherwise the crossing makers (at most 7).
    Without a limit price no maker crosses.

    program: math/fulfillment.rs::determine_spot_fulfillment_methods
    """
    methods: list[SpotFulfillmentMethod] = []
    if not order.post_only and external_fulfillment_params_available:
        return [SpotFulfillmentMethodExternalMarket()]
    maker_direction = order.direction.opposite()
    for maker_key, maker_order_index, maker_price in maker_orders_info:
        crosses = False if limit_price is None else do_orders_cross(maker_direction, maker_price, limit_price)
        if not crosses:
            break
        methods.append(SpotFulfillmentMethodMatch(maker_key, maker_order_index & 0xFFFF))  # `as u16`
        if len(methods) > 6:
            break
    return methods


__all__ = [
    "PerpFulfillmentMethod",
    "PerpFulfillmentMethodAMM",
    "PerpFulfillmentMethodMatch",
    "SpotFulfillmentMethod",
    "SpotFulfillmentMethodExternalMarket",
    "SpotFulfillmentMethodMatch",
    "determine_perp_fulfillment_methods",
    "determine_perp_fulfillment_methods_for_maker",
    "determine_spot_fulfillment_methods",
]
