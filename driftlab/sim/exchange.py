"""The exchange's state and the program's instructions the simulator runs, composed from ``driftlab.exact``.

``Exchange`` holds what the on-chain program holds: the ``State``, perp and spot markets, users with their
``UserStats``, insurance-fund stakes, and the token vaults (the spot markets' vaults and insurance-fund vaults,
which the program keeps in SPL token accounts; here integers in token precision). Its methods are the program's
instruction handlers, in the program's order of steps, with every formula delegated to the exact layer:

- ``deposit`` / ``withdraw``: ``controller/spot_position.rs::update_spot_balances_and_cumulative_deposits``;
- ``place_perp_order``: ``controller/orders.rs::place_perp_order`` (market orders with the program's auction
  params, reduce-only, trigger orders), then the place-order margin check;
- ``fill_perp_order``: ``controller/orders.rs::fill_perp_order``: ``_update_amm``, the fulfillment methods
  (``determine_perp_fulfillment_methods``: JIT makers first, then the AMM), ``fulfill_perp_order_with_match`` /
  ``fulfill_perp_order_with_amm`` (swap, position update, fees), the fill price bands;
- ``update_funding_rate``, ``update_amm`` (the keeper cranks);
- ``settle_pnl``: ``controller/pnl.rs::settle_pnl`` (``update_pool_balances``);
- ``liquidate_perp``, ``liquidate_perp_pnl_for_deposit``, ``resolve_perp_bankruptcy``:
  ``controller/liquidation.rs``;
- ``add_insurance_fund_stake``, ``settle_revenue_to_insurance_fund``: ``controller/insurance.rs``.

What is left out is said in each docstring (LPs, referrers, builders, isolated positions, HLM, signed messages,
spot orders). A program ``Err`` aborts an instruction; like the program's transaction, an instruction here checks
what can fail before it writes, so a ``DriftError`` from one of them leaves the state as it was, except where
the docstring says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import exact as ex
from ..exact import (
    BASE_PRECISION,
    LIQUIDATION_FEE_PRECISION,
    LIQUIDATION_PCT_PRECISION,
    QUOTE_PRECISION,
    QUOTE_SPOT_MARKET_INDEX,
    MarginContext,
    MarginRequirementType,
    MarketIdentifier,
    MarketType,
    OrderStatus,
    OrderType,
    PositionDirection,
    SpotBalanceType,
)

__all__ = ["Account", "Exchange", "SimError"]


class SimError(Exception):
    """An action the simulator refuses (not a program error): e.g. a user index that does not exist."""


@dataclass
class Account:
    """A user account with its stats, an insurance-fund stake and the simulator's label for it."""

    user: ex.User
    stats: ex.UserStats
    key: str
    kind: str = "taker"
    stake: ex.InsuranceFundStake | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _direction_to_close(base: int) -> PositionDirection:
    return PositionDirection.Short if base > 0 else PositionDirection.Long


class Exchange:
    """Markets, users and vaults; the program's instructions as methods (see the module docstring)."""

    def __init__(self, state: ex.State, perp_markets: dict[int, ex.PerpMarket],
                 spot_markets: dict[int, ex.SpotMarket], oracle_confidence: float = 1e-4) -> None:
        if QUOTE_SPOT_MARKET_INDEX not in spot_markets:
            raise SimError("the quote spot market (index 0) is required")
        self.state = state
        self.perp_markets = perp_markets
        self.spot_markets = spot_markets
        self.accounts: list[Account] = []
        self.vault: dict[int, int] = {i: 0 for i in spot_markets}
        self.insurance_vault: dict[int, int] = {i: 0 for i in spot_markets}
        self.external_in: dict[int, int] = {i: 0 for i in spot_markets}  # tokens brought in minus taken out
        # vault tokens no balance claims any more: the program's bankruptcy fee-pool payment (see
        # resolve_perp_bankruptcy) takes them out of the fee pool without crediting another balance
        self.unclaimed: dict[int, int] = {i: 0 for i in spot_markets}
        self.oracle_confidence = oracle_confidence
        self.oracles: dict[tuple[MarketType, int], ex.OraclePriceData] = {}
        self.now = 0
        self.slot = 0
        self.events: list[dict[str, Any]] = []
        self.step = 0
        self._amm_updated: dict[int, tuple[int, int]] = {}
        for index, market in perp_markets.items():
            self.set_oracle_price(MarketType.Perp, index, market.amm.historical_oracle_data.last_oracle_price)
        for index, spot in spot_markets.items():
            if index != QUOTE_SPOT_MARKET_INDEX:
                self.set_oracle_price(MarketType.Spot, index, spot.historical_oracle_data.last_oracle_price)

    # ------------------------------------------------------------------ plumbing

    @property
    def quote_market(self) -> ex.SpotMarket:
        return self.spot_markets[QUOTE_SPOT_MARKET_INDEX]

    def set_oracle_price(self, market_type: MarketType, market_index: int, price: int) -> None:
        """A fresh oracle reading (delay 0) with confidence ``oracle_confidence`` of the price."""
        confidence = int(abs(price) * self.oracle_confidence)
        self.oracles[(market_type, market_index)] = ex.OraclePriceData(
            price=price, confidence=confidence, delay=0, has_sufficient_number_of_data_points=True)

    def oracle(self, market_index: int) -> ex.OraclePriceData:
        return self.oracles[(MarketType.Perp, market_index)]

    def log(self, kind: str, **fields: Any) -> None:
        self.events.append({"step": self.step, "ts": self.now, "slot": self.slot, "event": kind, **fields})

    def mm_oracle(self, market: ex.PerpMarket) -> ex.MMOraclePriceData:
        return market.get_mm_oracle_price_data(self.oracle(market.market_index), self.slot,
                                               self.state.oracle_guard_rails.validity)

    def margin(self, user: ex.User, context: MarginContext) -> ex.MarginCalculation:
        return ex.calculate_margin_requirement_and_total_collateral_and_liability_info(
            user, self.perp_markets, self.spot_markets, self.oracles_for_margin(), context)

    def oracles_for_margin(self) -> dict[Any, Any]:
        return self.oracles

    def _transfer_tokens(self, source: dict[int, int], target: dict[int, int], market_index: int,
                         amount: int) -> None:
        if amount < 0 or source[market_index] < amount:
            raise SimError(f"token transfer of {amount} exceeds the source vault {source[market_index]}")
        source[market_index] -= amount
        target[market_index] += amount

    # ------------------------------------------------------------------ accounts, deposits

    def add_account(self, kind: str = "taker", **meta: Any) -> int:
        index = len(self.accounts)
        key = f"{kind}-{index}"
        user = ex.User(authority=key, sub_account_id=0, is_margin_trading_enabled=True)
        self.accounts.append(Account(user=user, stats=ex.UserStats(authority=key), key=key, kind=kind, meta=meta))
        return index

    def deposit(self, account: int, market_index: int, amount: int) -> None:
        """Deposit ``amount`` tokens: the vault grows, the user's balance too.

        program: instructions/user.rs::handle_deposit (update_spot_market_cumulative_interest, then
        controller/spot_position.rs::update_spot_balances_and_cumulative_deposits).
        """
        if amount <= 0:
            raise SimError(f"deposit amount must be > 0, got {amount}")
        spot = self.spot_markets[market_index]
        oracle = self.oracles.get((MarketType.Spot, market_index))
        ex.update_spot_market_cumulative_interest(spot, oracle, self.now)
        user = self.accounts[account].user
        position = user.force_get_spot_position_mut(market_index)
        ex.update_spot_balances_and_cumulative_deposits(amount, SpotBalanceType.Deposit, spot, position, False,
                                                        None)
        user.total_deposits += amount
        self.vault[market_index] += amount
        self.external_in[market_index] += amount
        self.log("deposit", user=account, market=market_index, amount=amount)

    def withdraw(self, account: int, market_index: int, amount: int) -> int:
        """Withdraw ``amount`` tokens out of the exchange, borrowing past the deposit when margin allows.

        Refused (returns 0, state unchanged, logged): the market's withdraw guards
        (``update_spot_balances_and_cumulative_deposits_with_limits``), the account then failing initial margin
        at strict prices, or the vault no longer covering the depositors. Returns the amount sent.
        program: instructions/user.rs::handle_withdraw (interest, funding, the balance update with limits, the
        withdraw margin check, validate_spot_market_vault_amount, then the token transfer)
        """
        if amount <= 0:
            raise SimError(f"withdraw amount must be > 0, got {amount}")
        import copy

        acct = self.accounts[account]
        user = acct.user
        spot = self.spot_markets[market_index]
        ex.update_spot_market_cumulative_interest(spot, self.oracles.get((MarketType.Spot, market_index)), self.now)
        ex.settle_funding_payments(user, acct.key, self.perp_markets, self.now)
        saved_market = copy.deepcopy(spot)
        saved_positions = copy.deepcopy(user.spot_positions)
        try:
            ex.update_spot_balances_and_cumulative_deposits_with_limits(amount, SpotBalanceType.Borrow, spot, user)
            calc = self.margin(user, MarginContext.standard(MarginRequirementType.Initial).with_strict(True))
            if not calc.meets_margin_requirement():
                raise ex.InsufficientCollateral("withdraw would break initial margin")
            ex.validate_spot_market_vault_amount(spot, self.vault[market_index] - amount)
        except ex.DriftError as error:
            spot.__dict__.update(saved_market.__dict__)  # the transaction reverts (same object kept)
            user.spot_positions = saved_positions
            self.log("withdraw_refused", user=account, market=market_index, amount=amount,
                     reason=type(error).__name__)
            return 0
        user.total_withdraws += amount
        self.vault[market_index] -= amount
        self.external_in[market_index] -= amount
        self.log("withdraw", user=account, market=market_index, amount=amount)
        return amount

    def token_amount(self, account: int, market_index: int = QUOTE_SPOT_MARKET_INDEX) -> int:
        """The user's signed token amount in a spot market (deposits +, borrows -)."""
        user = self.accounts[account].user
        for position in user.spot_positions:
            if position.market_index == market_index and not position.is_available():
                return position.get_signed_token_amount(self.spot_markets[market_index])
        return 0

    # ------------------------------------------------------------------ insurance fund

    def add_insurance_fund_stake(self, account: int, amount: int, market_index: int = 0) -> None:
        """Stake ``amount`` tokens (brought from outside) in the market's insurance fund.

        program: controller/insurance.rs::add_insurance_fund_stake (tokens go to the IF vault).
        """
        acct = self.accounts[account]
        spot = self.spot_markets[market_index]
        if acct.stake is None:
            acct.stake = ex.InsuranceFundStake.new(acct.key, market_index, self.now)
            acct.stake.if_base = spot.insurance_fund.shares_base
        ex.add_insurance_fund_stake(amount, self.insurance_vault[market_index], acct.stake, acct.stats, spot,
                                    self.now, False)
        self.insurance_vault[market_index] += amount
        self.external_in[market_index] += amount
        self.log("if_stake", user=account, market=market_index, amount=amount)

    def request_remove_insurance_fund_stake(self, account: int, n_shares: int, market_index: int = 0) -> None:
        """Start the unstaking wait for ``n_shares``. program: controller/insurance.rs::request_remove_..."""
        acct = self.accounts[account]
        if acct.stake is None:
            raise SimError(f"account {account} has no insurance-fund stake")
        ex.request_remove_insurance_fund_stake(n_shares, self.insurance_vault[market_index], acct.stake, acct.stats,
                                               self.spot_markets[market_index], self.now)
        self.log("if_unstake_request", user=account, market=market_index, shares=n_shares,
                 value=acct.stake.last_withdraw_request_value)

    def remove_insurance_fund_stake(self, account: int, market_index: int = 0) -> int:
        """Finish an unstake after the waiting period; the tokens leave the IF vault. Returns them (0 if refused).

        program: controller/insurance.rs::remove_insurance_fund_stake
        """
        acct = self.accounts[account]
        if acct.stake is None:
            raise SimError(f"account {account} has no insurance-fund stake")
        try:
            amount = ex.remove_insurance_fund_stake(self.insurance_vault[market_index], acct.stake, acct.stats,
                                                    self.spot_markets[market_index], self.now)
        except ex.DriftError as error:
            self.log("if_unstake_refused", user=account, market=market_index, reason=type(error).__name__)
            return 0
        self.insurance_vault[market_index] -= amount
        self.external_in[market_index] -= amount
        self.log("if_unstake", user=account, market=market_index, amount=amount)
        return amount

    def settle_revenue_to_insurance_fund(self, market_index: int = 0) -> int:
        """Move revenue-pool tokens to the insurance fund (hourly keeper). program: controller/insurance.rs"""
        spot = self.spot_markets[market_index]
        fund = spot.insurance_fund
        if fund.revenue_settle_period == 0 or self.now - fund.last_revenue_settle_ts < fund.revenue_settle_period:
            return 0
        amount = ex.settle_revenue_to_insurance_fund(self.vault[market_index], self.insurance_vault[market_index],
                                                     spot, self.now, False)
        if amount > 0:
            self._transfer_tokens(self.vault, self.insurance_vault, market_index, amount)
            self.log("revenue_to_if", market=market_index, amount=amount)
        return amount

    # ------------------------------------------------------------------ AMM cranks

    def update_amm(self, market_index: int) -> int:
        """The keeper's AMM update (repeg/k, oracle TWAPs, spreads), at most once per slot and oracle price
        (later calls in the slot return 0). program: controller/repeg.rs::update_amm"""
        market = self.perp_markets[market_index]
        if self._amm_updated.get(market_index) == (self.slot, self.oracle(market_index).price):
            return 0  # the simulator's keepers update an AMM at most once per slot and oracle price
        self._amm_updated[market_index] = (self.slot, self.oracle(market_index).price)
        cost = ex._update_amm(market, self.mm_oracle(market), self.state, self.now, self.slot)
        if cost != 0:
            self.log("repeg", market=market_index, cost=cost, peg=market.amm.peg_multiplier,
                     sqrt_k=market.amm.sqrt_k)
        return cost

    def update_funding_rate(self, market_index: int) -> bool:
        """The hourly funding crank: ``_update_amm`` then ``update_funding_rate`` (also runs formulaic k).

        program: instructions/keeper.rs::handle_update_funding_rate
        """
        market = self.perp_markets[market_index]
        amm = market.amm
        if ex.on_the_hour_update(self.now, amm.last_funding_rate_ts, amm.funding_period) != 0:
            return False
        self.update_amm(market_index)
        ran = ex.update_funding_rate(market_index, market, self.oracle(market_index), self.now, self.slot,
                                     self.state.oracle_guard_rails, False, None)
        if ran:
            self.log("funding", market=market_index, rate=amm.last_funding_rate,
                     rate_long=amm.last_funding_rate_long, rate_short=amm.last_funding_rate_short,
                     sqrt_k=amm.sqrt_k)
        return ran

    def accrue_interest(self, market_index: int) -> None:
        """``update_spot_market_cumulative_interest`` at ``now``. program: controller/spot_balance.rs"""
        spot = self.spot_markets[market_index]
        ex.update_spot_market_cumulative_interest(spot, self.oracles.get((MarketType.Spot, market_index)),
                                                  self.now)

    # ------------------------------------------------------------------ orders

    def open_orders(self, account: int) -> list[int]:
        return [i for i, o in enumerate(self.accounts[account].user.orders) if o.status == OrderStatus.Open]

    def place_perp_order(self, account: int, market_index: int, direction: PositionDirection, base: int, *,
                         reduce_only: bool = False, order_type: OrderType = OrderType.Market,
                         trigger_price: int | None = None,
                         trigger_condition: ex.OrderTriggerCondition = ex.OrderTriggerCondition.Below,
                         price: int = 0, auction: tuple[int, int, int] | None = None) -> int | None:
        """Place a perp order; returns the order index, or None when the program would refuse it (logged).

        Market orders get the program's auction (``update_perp_auction_params`` then ``get_auction_params``
        with ``min_perp_auction_duration``) and ``max_ts = now + default_market_order_time_in_force``; trigger
        orders wait for ``trigger`` with no auction. ``auction=(start_price, end_price, duration)`` proposes the
        order's own auction params (the program may still sanitize them). Refused: an invalid order
        (``validate_order``), or a
        risk-increasing order failing ``meets_place_order_margin_requirement`` (the open-order worst case).
        program: controller/orders.rs::place_perp_order
        """
        acct = self.accounts[account]
        user = acct.user
        market = self.perp_markets[market_index]
        step = market.amm.order_step_size
        base = ex.standardize_base_asset_amount(base, step)
        if base == 0:
            return None
        oracle = self.oracle(market_index)
        params = ex.OrderParams(order_type=order_type, market_type=MarketType.Perp, direction=direction,
                                base_asset_amount=base, price=price, market_index=market_index,
                                reduce_only=reduce_only, trigger_price=trigger_price,
                                trigger_condition=trigger_condition)
        if auction is not None:
            params.auction_start_price, params.auction_end_price, params.auction_duration = auction
        try:
            if order_type in (OrderType.Market, OrderType.Oracle, OrderType.Limit):
                params.update_perp_auction_params(market, oracle.price, False)
            start, end, duration = ex.get_auction_params(params, oracle, market.amm.order_tick_size,
                                                         self.state.min_perp_auction_duration)
        except ex.DriftError as error:
            self.log("order_rejected", user=account, market=market_index, reason=type(error).__name__)
            return None
        position_index = self._position_index(user, market_index)
        position = user.perp_positions[position_index]
        max_ts = self.now + self.state.default_market_order_time_in_force if order_type == OrderType.Market else 0
        order = ex.Order(status=OrderStatus.Open, order_type=order_type, market_type=MarketType.Perp,
                         slot=self.slot, order_id=user.next_order_id + 1, market_index=market_index,
                         price=price, base_asset_amount=base, direction=direction, reduce_only=reduce_only,
                         existing_position_direction=position.get_direction(),
                         trigger_price=trigger_price or 0, trigger_condition=trigger_condition,
                         auction_start_price=start, auction_end_price=end, auction_duration=duration,
                         max_ts=max_ts, posted_slot_tail=ex.get_posted_slot_from_clock_slot(self.slot))
        try:
            ex.validate_order(order, market, oracle.price, self.slot)
        except ex.DriftError as error:
            self.log("order_rejected", user=account, market=market_index, reason=type(error).__name__)
            return None
        order_index = ex.find_new_order_index(user, 0)
        risk_increasing = ex.is_new_order_risk_increasing(order, position.base_asset_amount, position.open_bids,
                                                          position.open_asks)
        user.orders[order_index] = order
        user.next_order_id += 1
        ex.increase_open_bids_and_asks(position, direction, base, order.update_open_bids_and_asks())
        position.open_orders += 1
        user.open_orders += 1
        user.has_open_order = True
        try:  # raises InsufficientCollateral when the order's worst case fails the margin check
            ex.meets_place_order_margin_requirement(user, self.perp_markets, self.spot_markets, self.oracles,
                                                    risk_increasing)
            ok = True
        except ex.InsufficientCollateral:
            ok = False
        if not ok:
            self._remove_order(account, order_index)
            self.log("order_rejected", user=account, market=market_index, reason="InsufficientCollateral")
            return None
        self.log("order", user=account, market=market_index, order=order_index, direction=direction.name,
                 base=base, order_type=order_type.name, reduce_only=reduce_only,
                 auction_start=start, auction_end=end, auction_duration=duration)
        return order_index

    def _position_index(self, user: ex.User, market_index: int) -> int:
        try:
            return ex.get_position_index(user.perp_positions, market_index)
        except ex.UserHasNoPositionInMarket:
            return ex.add_new_position(user.perp_positions, market_index)

    def _remove_order(self, account: int, order_index: int, status: OrderStatus = OrderStatus.Canceled) -> None:
        """Cancel (or finish) an order: undo its open bids/asks and counters. program: controller/orders.rs"""
        user = self.accounts[account].user
        order = user.orders[order_index]
        position = user.perp_positions[ex.get_position_index(user.perp_positions, order.market_index)]
        unfilled = order.base_asset_amount - order.base_asset_amount_filled
        ex.decrease_open_bids_and_asks(position, order.direction, unfilled, order.update_open_bids_and_asks())
        position.open_orders -= 1
        user.open_orders -= 1
        user.has_open_order = user.open_orders > 0
        user.orders[order_index] = ex.Order(status=OrderStatus.Init) if status == OrderStatus.Canceled else order
        if status != OrderStatus.Canceled:
            order.status = status

    def cancel_orders(self, account: int, reason: str = "cancel") -> int:
        """Cancel every open order of the account; returns how many. program: controller/orders.rs::cancel_orders"""
        indexes = self.open_orders(account)
        for order_index in indexes:
            self._remove_order(account, order_index)
        if indexes:
            self.log("cancel", user=account, count=len(indexes), reason=reason)
        return len(indexes)

    def trigger_order(self, account: int, order_index: int) -> bool:
        """Trigger a trigger-market order whose condition the oracle meets; it becomes a market order.

        program: controller/orders.rs::trigger_order and update_trigger_order_params (auction params from
        ``calculate_auction_params_for_trigger_order``; a TriggerMarket order then auctions on oracle offsets)
        """
        user = self.accounts[account].user
        order = user.orders[order_index]
        market = self.perp_markets[order.market_index]
        oracle = self.oracle(order.market_index)
        if order.triggered() or not ex.order_satisfies_trigger_condition(order, oracle.price):
            return False
        order.trigger_condition = (ex.OrderTriggerCondition.TriggeredAbove
                                   if order.trigger_condition == ex.OrderTriggerCondition.Above
                                   else ex.OrderTriggerCondition.TriggeredBelow)
        if self.slot - order.slot > 150 and order.reduce_only:
            order.add_bit_flag(ex.OrderBitFlag.SafeTriggerOrder)
        order.slot = self.slot
        duration, start, end = ex.calculate_auction_params_for_trigger_order(
            order, oracle, self.state.min_perp_auction_duration, market)
        order.auction_duration, order.auction_start_price, order.auction_end_price = duration, start, end
        if order.order_type == OrderType.TriggerMarket:
            order.add_bit_flag(ex.OrderBitFlag.OracleTriggerMarket)
        self.log("trigger", user=account, market=order.market_index, order=order_index, oracle=oracle.price)
        return True

    # ------------------------------------------------------------------ fills

    def fill_perp_order(self, account: int, order_index: int, makers: list[tuple[int, int, int]] | None = None,
                        filler: int | None = None) -> tuple[int, int]:
        """Fill an open order: JIT makers first, then the AMM, as ``determine_perp_fulfillment_methods`` orders them.

        ``makers`` are ``(maker account, maker price, maker base)``: a JIT maker posts its order for this fill
        (``place_and_make``) and the unfilled rest is cancelled. Expired and untriggered orders are skipped
        (expired ones cancelled). A fill whose average price breaks ``validate_fill_price_within_price_bands`` is
        refused as the program reverts it (the fill is simulated first with the pure swap). Returns
        ``(base, quote)`` filled. The taker's and makers' funding is settled first.
        program: controller/orders.rs::fill_perp_order / fulfill_perp_order
        """
        acct = self.accounts[account]
        user = acct.user
        order = user.orders[order_index]
        if order.status != OrderStatus.Open:
            return 0, 0
        market_index = order.market_index
        market = self.perp_markets[market_index]
        if ex.should_expire_order(user, order_index, self.now):
            self._remove_order(account, order_index)
            self.log("order_expired", user=account, market=market_index, order=order_index)
            return 0, 0
        if order.must_be_triggered() and not order.triggered():
            return 0, 0
        oracle = self.oracle(market_index)
        ex.settle_funding_payment(user, acct.key, market, self.now)
        for maker_account, _, _ in makers or []:
            ex.settle_funding_payment(self.accounts[maker_account].user, self.accounts[maker_account].key, market,
                                      self.now)
        self.update_amm(market_index)
        amm = market.amm
        position = user.perp_positions[ex.get_position_index(user.perp_positions, market_index)]
        if order.reduce_only and ex.should_cancel_reduce_only_order(order, position.base_asset_amount,
                                                                   amm.order_step_size):
            self._remove_order(account, order_index)
            return 0, 0
        valid_oracle_price = oracle.price
        limit_price = order.get_limit_price(valid_oracle_price, None, self.slot, amm.order_tick_size,
                                            market.is_prediction_market(), None)
        reserve_price_before = amm.reserve_price()
        oracle_valid = ex.is_oracle_valid_for_action(
            ex.oracle_validity(MarketType.Perp, market_index, amm.historical_oracle_data.last_oracle_price_twap,
                               oracle, self.state.oracle_guard_rails.validity,
                               market.get_max_confidence_interval_multiplier(), amm.oracle_source,
                               ex.LogMode.ExchangeOracle, amm.oracle_slot_delay_override,
                               amm.oracle_low_risk_slot_delay_override), ex.DriftAction.FillOrderAmmLowRisk)
        amm_is_available = (oracle_valid and not market.has_too_much_drawdown()
                            and (order.is_auction_complete(self.slot)
                                 or order.is_low_risk_for_amm(oracle.delay, self.slot, False, False)))
        maker_infos: list[tuple[str, int, int]] = []
        maker_by_key: dict[str, tuple[int, int]] = {}
        for maker_account, maker_price, maker_base in makers or []:
            key = self.accounts[maker_account].key
            maker_infos.append((key, maker_account, maker_price))
            maker_by_key[key] = (maker_account, maker_base)
        methods = ex.determine_perp_fulfillment_methods(order, maker_infos, amm, reserve_price_before, limit_price,
                                                        amm_is_available)
        total_base = total_quote = 0
        for method in methods:
            if order.status != OrderStatus.Open:
                break
            if isinstance(method, ex.PerpFulfillmentMethodAMM):
                base, quote = self._fulfill_with_amm(account, order_index, market, limit_price, method.price,
                                                     filler)
            else:
                maker_account, maker_base = maker_by_key[method.maker_key]
                base, quote = self._fulfill_with_match(account, order_index, market, maker_account,
                                                       method.price, maker_base, limit_price, filler)
            total_base += base
            total_quote += quote
        if total_base > 0:
            market.last_fill_price = ex.calculate_fill_price(total_quote, total_base, BASE_PRECISION)
            amm.update_volume_24h(total_quote, order.direction, self.now)
            ex.update_amm_long_short_intensity(amm, self.now, total_quote, order.direction)
            amm.last_trade_ts = self.now
        if order.status == OrderStatus.Open and order.is_market_order() and order.is_auction_complete(self.slot) \
                and ex.should_expire_order(user, order_index, self.now):
            self._remove_order(account, order_index)
        return total_base, total_quote

    def _price_band_ok(self, market: ex.PerpMarket, fill_price: int, direction: PositionDirection) -> bool:
        oracle = self.oracle(market.market_index)
        try:
            ex.validate_fill_price_within_price_bands(
                fill_price, oracle.price, market.amm.historical_oracle_data.last_oracle_price_twap_5min,
                market.margin_ratio_initial,
                self.state.oracle_guard_rails.price_divergence.oracle_twap_5min_percent_divergence,
                market.is_prediction_market(), None)
        except ex.PriceBandsBreached:
            return False
        return True

    def _fulfill_with_amm(self, account: int, order_index: int, market: ex.PerpMarket, limit_price: int | None,
                          override_fill_price: int | None, filler: int | None) -> tuple[int, int]:
        """program: controller/orders.rs::fulfill_perp_order_with_amm (no referrer, builder, LP or AMM JIT)."""
        acct = self.accounts[account]
        user, stats = acct.user, acct.stats
        order = user.orders[order_index]
        amm = market.amm
        position_index = ex.get_position_index(user.perp_positions, market.market_index)
        position = user.perp_positions[position_index]
        existing = position.base_asset_amount
        fee_structure = self.state.perp_fee_structure
        fee_tier = ex.determine_user_fee_tier(stats, fee_structure, MarketType.Perp, False)
        base, limit_price = ex.calculate_base_asset_amount_for_amm_to_fulfill(
            order, market, limit_price, override_fill_price, existing, fee_tier)
        threshold = amm.min_order_size if (not order.reduce_only and abs(existing) > amm.min_order_size) \
            else amm.order_step_size
        if base < threshold:
            return 0, 0
        direction = order.direction
        swap_direction = ex.SwapDirection.Remove if direction == PositionDirection.Long else ex.SwapDirection.Add
        try:
            preview = ex.calculate_base_swap_output_with_spread(amm, base, swap_direction)
        except ex.DriftError as error:
            self.log("fill_refused", user=account, market=market.market_index, reason=type(error).__name__)
            return 0, 0
        quote_preview = preview[2]
        if limit_price is not None:
            try:
                ex.validate_fill_price(quote_preview, base, BASE_PRECISION, direction, limit_price, True)
            except ex.InvalidOrderFillPrice:
                return 0, 0
        if not self._price_band_ok(market, ex.calculate_fill_price(quote_preview, base, BASE_PRECISION), direction):
            self.log("fill_refused", user=account, market=market.market_index, reason="PriceBandsBreached")
            return 0, 0
        reserve_price_before = amm.reserve_price()
        side_price = amm.ask_price(reserve_price_before) if direction == PositionDirection.Long \
            else amm.bid_price(reserve_price_before)
        ex.update_mark_twap_from_estimates(amm, self.now, side_price, direction,
                                           market.get_sanitize_clamp_denominator())
        quote, surplus, pnl = ex.update_position_with_base_asset_amount(base, direction, market, user,
                                                                        position_index, None)
        fees = ex.calculate_fee_for_fulfillment_with_amm(stats, quote, fee_structure, order.slot, self.slot,
                                                         filler is not None, False, None, surplus, False,
                                                         market.fee_adjustment, False, None)
        amm.total_fee += fees.fee_to_market
        amm.total_exchange_fee += fees.user_fee
        amm.total_mm_fee += surplus
        amm.total_fee_minus_distributions += fees.fee_to_market
        amm.net_revenue_since_last_funding += fees.fee_to_market
        stats.fees.total_fee_paid += fees.user_fee
        stats.taker_volume_30d += quote
        if fees.user_fee:
            ex.update_quote_asset_and_break_even_amount(position, market, -fees.user_fee)
        if filler is not None and fees.filler_reward > 0:
            self._credit_filler(filler, market, fees.filler_reward)
        self._after_fill(account, order_index, base, quote)
        self.log("fill", user=account, market=market.market_index, order=order_index, maker="AMM",
                 direction=direction.name, base=base, quote=quote, fee=fees.user_fee, surplus=surplus, pnl=pnl,
                 price=ex.calculate_fill_price(quote, base, BASE_PRECISION))
        return base, quote

    def _fulfill_with_match(self, account: int, order_index: int, market: ex.PerpMarket, maker_account: int,
                            maker_price: int, maker_base: int, taker_price: int | None,
                            filler: int | None) -> tuple[int, int]:
        """program: controller/orders.rs::fulfill_perp_order_with_match (JIT maker; no AMM JIT split)."""
        taker = self.accounts[account]
        maker = self.accounts[maker_account]
        order = taker.user.orders[order_index]
        maker_direction = order.direction.opposite()
        if taker_price is not None and not ex.do_orders_cross(maker_direction, maker_price, taker_price):
            return 0, 0
        position = taker.user.perp_positions[ex.get_position_index(taker.user.perp_positions,
                                                                   market.market_index)]
        taker_base = order.get_base_asset_amount_unfilled(position.base_asset_amount)
        base, quote = ex.calculate_fill_for_matched_orders(maker_base, maker_price, taker_base, ex.PERP_DECIMALS,
                                                           maker_direction)
        base = ex.standardize_base_asset_amount(base, market.amm.order_step_size)
        if base == 0:
            return 0, 0
        quote = ex.calculate_quote_asset_amount_for_maker_order(base, maker_price, ex.PERP_DECIMALS, maker_direction)
        if not self._price_band_ok(market, maker_price, order.direction):
            return 0, 0
        # the JIT maker's order (place_and_make), checked against its margin before anything is written
        maker_user = maker.user
        maker_position_index = self._position_index(maker_user, market.market_index)
        maker_position = maker_user.perp_positions[maker_position_index]
        maker_delta = ex.get_position_delta_for_fill(base, quote, maker_direction)
        if not self._maker_can_take(maker_account, maker_position, maker_delta):
            return 0, 0
        ex.update_mark_twap_from_estimates(market.amm, self.now, maker_price, order.direction,
                                           market.get_sanitize_clamp_denominator())
        ex.update_position_and_market(maker_position, market, maker_delta)
        taker_position = position
        ex.update_position_and_market(taker_position, market,
                                      ex.get_position_delta_for_fill(base, quote, order.direction))
        multiplier = ex.calculate_filler_multiplier_for_matched_orders(maker_price, maker_direction,
                                                                       self.oracle(market.market_index).price) \
            if filler is not None else 0
        fees = ex.calculate_fee_for_fulfillment_with_match(
            taker.stats, maker.stats, quote, self.state.perp_fee_structure, order.slot, self.slot, multiplier,
            False, None, MarketType.Perp, market.fee_adjustment, False, None)
        amm = market.amm
        amm.total_fee += fees.fee_to_market
        amm.total_exchange_fee += fees.fee_to_market
        amm.total_fee_minus_distributions += fees.fee_to_market
        amm.net_revenue_since_last_funding += fees.fee_to_market
        ex.update_quote_asset_and_break_even_amount(taker_position, market, -fees.user_fee)
        ex.update_quote_asset_and_break_even_amount(maker_position, market, fees.maker_rebate)
        taker.stats.fees.total_fee_paid += fees.user_fee
        maker.stats.fees.total_fee_rebate += fees.maker_rebate
        taker.stats.taker_volume_30d += quote
        maker.stats.maker_volume_30d += quote
        if filler is not None and fees.filler_reward > 0:
            self._credit_filler(filler, market, fees.filler_reward)
        self._after_fill(account, order_index, base, quote)
        self.log("fill", user=account, market=market.market_index, order=order_index, maker=maker_account,
                 direction=order.direction.name, base=base, quote=quote, fee=fees.user_fee, surplus=0, pnl=0,
                 price=maker_price)
        return base, quote

    def _maker_can_take(self, maker_account: int, position: ex.PerpPosition, delta: ex.PositionDelta) -> bool:
        """The JIT maker's fill margin check (Fill margin after the fill), tried on its position and undone."""
        user = self.accounts[maker_account].user
        saved = (position.base_asset_amount, position.quote_asset_amount)
        position.base_asset_amount += delta.base_asset_amount
        position.quote_asset_amount += delta.quote_asset_amount
        try:
            calc = self.margin(user, MarginContext.standard(MarginRequirementType.Fill))
            return calc.meets_margin_requirement()
        finally:
            position.base_asset_amount, position.quote_asset_amount = saved

    def _credit_filler(self, filler: int, market: ex.PerpMarket, reward: int) -> None:
        """program: controller/orders.rs::credit_filler_perp_pnl"""
        user = self.accounts[filler].user
        position = user.perp_positions[self._position_index(user, market.market_index)]
        ex.update_quote_asset_amount(position, market, reward)
        self.accounts[filler].stats.filler_volume_30d += reward

    def _after_fill(self, account: int, order_index: int, base: int, quote: int) -> None:
        """program: controller/orders.rs::update_order_after_fill, decrease_open_bids_and_asks, order close."""
        user = self.accounts[account].user
        order = user.orders[order_index]
        order.base_asset_amount_filled += base
        order.quote_asset_amount_filled += quote
        position = user.perp_positions[ex.get_position_index(user.perp_positions, order.market_index)]
        ex.decrease_open_bids_and_asks(position, order.direction, base, order.update_open_bids_and_asks())
        if order.get_base_asset_amount_unfilled(None) == 0:
            position.open_orders -= 1
            user.open_orders -= 1
            user.has_open_order = user.open_orders > 0
            order.status = OrderStatus.Filled
        user.update_last_active_slot(self.slot)

    # ------------------------------------------------------------------ settlement

    def settle_pnl(self, account: int, market_index: int) -> int:
        """Settle a position's P&L with the market's P&L pool; returns the amount (+ to the user), 0 if refused.

        Refused as in the program: bankrupt user, price band (``validate_market_within_price_band``), a loss on
        an account below maintenance (strict), nothing to settle. Positive P&L is paid only from the pool (plus a
        fifth of the fee pool as buffer) beyond the users' net claim.
        program: controller/pnl.rs::settle_pnl
        """
        acct = self.accounts[account]
        user = acct.user
        if user.is_bankrupt():
            return 0
        spot = self.quote_market
        ex.update_spot_market_cumulative_interest(spot, None, self.now)
        market = self.perp_markets[market_index]
        oracle_price = self.oracle(market_index).price
        if not self._within_price_band(market, oracle_price):
            return 0
        ex.settle_funding_payment(user, acct.key, market, self.now)
        try:
            position_index = ex.get_position_index(user.perp_positions, market_index)
        except ex.UserHasNoPositionInMarket:
            return 0
        position = user.perp_positions[position_index]
        unrealized = position.get_unrealized_pnl(oracle_price)
        if unrealized < 0 and not ex.meets_settle_pnl_maintenance_margin_requirement(
                user, self.perp_markets, self.spot_markets, self.oracles):
            return 0
        pnl_pool = ex.get_token_amount(market.pnl_pool.scaled_balance, spot, SpotBalanceType.Deposit)
        fee_pool_fifth = ex.get_token_amount(market.amm.fee_pool.scaled_balance, spot, SpotBalanceType.Deposit) // 5
        available = pnl_pool + fee_pool_fifth
        net_user_pnl = ex.calculate_net_user_pnl(market.amm, oracle_price)
        max_excess = available - max(net_user_pnl, 0) if net_user_pnl < available else 0
        claimable = position.get_claimable_pnl(oracle_price, max_excess)
        quote_tokens = user.get_quote_spot_position().get_signed_token_amount(spot)
        settled = ex.update_pool_balances(market, spot, quote_tokens, claimable, self.now)
        if claimable == 0 or settled == 0:
            return 0
        ex.update_spot_balances(abs(settled), SpotBalanceType.Deposit if settled > 0 else SpotBalanceType.Borrow,
                                spot, user.get_quote_spot_position_mut(), False)
        ex.update_quote_asset_amount(position, market, -settled)
        ex.update_settled_pnl(user, position_index, settled)
        self.log("settle_pnl", user=account, market=market_index, pnl=settled)
        return settled

    def _within_price_band(self, market: ex.PerpMarket, oracle_price: int) -> bool:
        """program: controller/orders.rs::validate_market_within_price_band"""
        amm = market.amm
        reserve_pct = ex.calculate_oracle_twap_5min_price_spread_pct(amm, amm.reserve_price())
        oracle_pct = ex.calculate_oracle_twap_5min_price_spread_pct(amm, abs(oracle_price))
        pct = reserve_pct if abs(reserve_pct) > abs(oracle_pct) else oracle_pct
        return not ex.is_oracle_mark_too_divergent(pct, self.state.oracle_guard_rails.price_divergence)

    # ------------------------------------------------------------------ liquidation

    def liquidation_margin(self, account: int, market_index: int | None = None) -> ex.MarginCalculation:
        context = MarginContext.liquidation(self.state.liquidation_margin_buffer_ratio)
        if market_index is not None:
            context = context.track_market_margin_requirement(MarketIdentifier.perp(market_index))
        return self.margin(self.accounts[account].user, context)

    def is_liquidatable(self, account: int) -> bool:
        """Below maintenance (not yet being liquidated) or still short of the buffer (being liquidated)."""
        user = self.accounts[account].user
        calc = self.liquidation_margin(account)
        if user.is_being_liquidated():
            return not calc.can_exit_cross_margin_liquidation()
        return not calc.meets_margin_requirement()

    def liquidate_perp(self, account: int, liquidator: int, market_index: int, max_base: int) -> int:
        """Transfer (part of) a position below maintenance to the liquidator at the oracle price, less the fees.

        Sizing: ``calculate_base_asset_amount_to_cover_margin_shortage`` with the liquidator fee
        (``get_liquidation_fee``) and IF fee (``calculate_perp_if_fee``), paced by
        ``calculate_max_pct_to_liquidate``; positions worth under $50 go whole. The user pays the liquidator fee
        (to the liquidator) and the IF fee (booked in ``total_liquidation_fee``) from the position's quote.
        Returns the base transferred (0: nothing to do, or the user recovered when orders were cancelled).
        program: controller/liquidation.rs::liquidate_perp (cross margin, no limit price, no LP, no HLM)
        """
        acct = self.accounts[account]
        liq = self.accounts[liquidator]
        user, liq_user = acct.user, liq.user
        if user.is_bankrupt() or liq_user.is_bankrupt():
            return 0
        market = self.perp_markets[market_index]
        ex.settle_funding_payment(user, acct.key, market, self.now)
        ex.settle_funding_payment(liq_user, liq.key, market, self.now)
        buffer = self.state.liquidation_margin_buffer_ratio
        calc = self.liquidation_margin(account, market_index)
        being_liquidated = user.is_being_liquidated()
        if not being_liquidated and calc.meets_margin_requirement():
            return 0
        if being_liquidated and calc.can_exit_cross_margin_liquidation():
            user.exit_cross_margin_liquidation()
            self.log("liquidation_exit", user=account, market=market_index)
            return 0
        position_index = ex.get_position_index(user.perp_positions, market_index)
        liq_position_index = self._position_index(liq_user, market_index)
        user.enter_cross_margin_liquidation(self.slot)
        if self.cancel_orders(account, reason="liquidation"):
            calc_after = self.liquidation_margin(account, market_index)
            freed = max(calc.cross_margin_margin_shortage() - calc_after.cross_margin_margin_shortage(), 0)
            user.increment_margin_freed(freed)
            if calc_after.can_exit_cross_margin_liquidation():
                user.exit_cross_margin_liquidation()
                return 0
            calc = calc_after
        self.update_amm(market_index)
        position = user.perp_positions[position_index]
        if position.base_asset_amount == 0:
            return 0
        amm = market.amm
        max_base = ex.standardize_base_asset_amount(max_base, amm.order_step_size)
        if max_base == 0:
            return 0
        oracle_price = self.oracle(market_index).price
        if ex.is_oracle_too_divergent_with_twap_5min(
                oracle_price, amm.historical_oracle_data.last_oracle_price_twap_5min,
                self.state.oracle_guard_rails.price_divergence.oracle_twap_5min_percent_divergence):
            self.log("liquidation_refused", user=account, market=market_index, reason="PriceBandsBreached")
            return 0
        user_base = abs(position.base_asset_amount)
        margin_ratio = market.get_margin_ratio(user_base, MarginRequirementType.Maintenance, False)
        margin_ratio_with_buffer = margin_ratio + buffer
        shortage = calc.cross_margin_margin_shortage()
        quote_oracle_price = ex.PRICE_PRECISION
        liquidator_fee = ex.get_liquidation_fee(market.get_base_liquidator_fee(False),
                                                market.get_max_liquidation_fee(), user.last_active_slot, self.slot)
        if_fee = ex.calculate_perp_if_fee(calc.tracked_market_margin_shortage(shortage), user_base,
                                          margin_ratio_with_buffer, liquidator_fee, oracle_price,
                                          quote_oracle_price, market.if_liquidation_fee)
        to_cover = ex.calculate_base_asset_amount_to_cover_margin_shortage(
            shortage, margin_ratio_with_buffer, liquidator_fee, if_fee, oracle_price, quote_oracle_price)
        if to_cover != ex.U64.max:
            to_cover = ex.standardize_base_asset_amount_ceil(to_cover, amm.order_step_size)
        max_pct = ex.calculate_max_pct_to_liquidate(user, shortage, self.slot, self.state.initial_pct_to_liquidate,
                                                    self.state.liquidation_duration)
        allowed = min(to_cover * max_pct // LIQUIDATION_PCT_PRECISION, ex.U64.max)
        if allowed == 0:
            return 0
        value = ex.calculate_base_asset_value_with_oracle_price(user_base, oracle_price)
        min_base = 0 if value > 50 * QUOTE_PRECISION else user_base
        base = min(user_base, max_base, max(allowed, min_base))
        base = ex.standardize_base_asset_amount_ceil(base, amm.order_step_size)
        base_value = ex.calculate_base_asset_value_with_oracle_price(base, oracle_price)
        liquidator_fee_amount = -(base_value * liquidator_fee // LIQUIDATION_FEE_PRECISION)
        if_fee_amount = -(base_value * if_fee // LIQUIDATION_FEE_PRECISION)
        direction_to_close = position.get_direction_to_close()
        existing_direction = position.get_direction()
        user_delta = ex.get_position_delta_for_fill(base, base_value, direction_to_close)
        liq_delta = ex.get_position_delta_for_fill(base, base_value, existing_direction)
        liq_position = liq_user.perp_positions[liq_position_index]
        ex.update_position_and_market(position, market, user_delta)
        ex.update_quote_asset_and_break_even_amount(position, market, liquidator_fee_amount)
        ex.update_quote_asset_and_break_even_amount(position, market, if_fee_amount)
        ex.update_position_and_market(liq_position, market, liq_delta)
        ex.update_quote_asset_and_break_even_amount(liq_position, market, -liquidator_fee_amount)
        amm.total_liquidation_fee += abs(if_fee_amount)
        acct.stats.taker_volume_30d += base_value
        liq.stats.maker_volume_30d += base_value
        calc_after = self.liquidation_margin(account)
        freed = max(shortage - calc_after.cross_margin_margin_shortage(), 0)
        user.increment_margin_freed(freed)
        bankrupt = False
        if base >= to_cover:
            user.exit_cross_margin_liquidation()
        elif ex.is_cross_margin_bankrupt(user):
            user.enter_cross_margin_bankruptcy()
            bankrupt = True
        self.log("liquidate_perp", user=account, liquidator=liquidator, market=market_index, base=base,
                 direction=existing_direction.name, oracle_price=oracle_price, base_value=base_value,
                 liquidator_fee=-liquidator_fee_amount, if_fee=-if_fee_amount, margin_shortage=shortage,
                 margin_freed=freed, bankrupt=bankrupt)
        return base

    def liquidate_perp_pnl_for_deposit(self, account: int, liquidator: int, market_index: int,
                                       asset_market_index: int = QUOTE_SPOT_MARKET_INDEX) -> int:
        """The liquidator takes a deposit and assumes the position's negative P&L (no base left), at a discount.

        Sizing: ``calculate_liability_transfer_to_cover_margin_shortage`` (liability weight 1 plus the buffer),
        ``calculate_liability_transfer_implied_by_asset_amount``, ``calculate_asset_transfer_for_liability_transfer``
        with the spot market's premium and the perp market's discount multipliers. Returns the P&L transferred.
        program: controller/liquidation.rs::liquidate_perp_pnl_for_deposit (cross margin, no limit price)
        """
        acct = self.accounts[account]
        liq = self.accounts[liquidator]
        user, liq_user = acct.user, liq.user
        if user.is_bankrupt() or liq_user.is_bankrupt():
            return 0
        market = self.perp_markets[market_index]
        ex.settle_funding_payment(user, acct.key, market, self.now)
        ex.settle_funding_payment(liq_user, liq.key, market, self.now)
        asset_market = self.spot_markets[asset_market_index]
        ex.update_spot_market_cumulative_interest(asset_market, self.oracles.get((MarketType.Spot,
                                                                                  asset_market_index)), self.now)
        asset_amount = max(self.token_amount(account, asset_market_index), 0)
        if asset_amount == 0:
            return 0
        asset_price = ex.PRICE_PRECISION if asset_market_index == 0 else \
            self.oracles[(MarketType.Spot, asset_market_index)].price
        asset_multiplier = ex.calculate_liquidation_multiplier(asset_market.liquidator_fee,
                                                               ex.LiquidationMultiplierType.Premium)
        position_index = ex.get_position_index(user.perp_positions, market_index)
        position = user.perp_positions[position_index]
        if position.base_asset_amount != 0 or position.quote_asset_amount >= 0:
            return 0
        unsettled = abs(position.quote_asset_amount)
        pnl_multiplier = ex.calculate_liquidation_multiplier(market.liquidator_fee,
                                                             ex.LiquidationMultiplierType.Discount)
        buffer = self.state.liquidation_margin_buffer_ratio
        calc = self.liquidation_margin(account)
        being_liquidated = user.is_being_liquidated()
        if not being_liquidated and calc.meets_margin_requirement():
            return 0
        if being_liquidated and calc.can_exit_cross_margin_liquidation():
            user.exit_cross_margin_liquidation()
            return 0
        user.enter_cross_margin_liquidation(self.slot)
        shortage = calc.cross_margin_margin_shortage()
        to_cover = ex.calculate_liability_transfer_to_cover_margin_shortage(
            shortage, asset_market.maintenance_asset_weight, asset_multiplier,
            ex.SPOT_WEIGHT_PRECISION + buffer, pnl_multiplier, 6, ex.PRICE_PRECISION, 0)
        max_pct = ex.calculate_max_pct_to_liquidate(user, shortage, self.slot, self.state.initial_pct_to_liquidate,
                                                    self.state.liquidation_duration)
        allowed = min(to_cover * max_pct, ex.U128.max) // LIQUIDATION_PCT_PRECISION
        if allowed == 0:
            return 0
        implied = ex.calculate_liability_transfer_implied_by_asset_amount(
            asset_amount, asset_multiplier, asset_market.decimals, asset_price, pnl_multiplier, 6,
            ex.PRICE_PRECISION)
        minimum = 0 if unsettled > 10 * QUOTE_PRECISION else unsettled
        pnl_transfer = min(unsettled, max(allowed, minimum), implied)
        asset_transfer = ex.calculate_asset_transfer_for_liability_transfer(
            asset_amount, asset_multiplier, asset_market.decimals, asset_price, pnl_transfer, pnl_multiplier, 6,
            ex.PRICE_PRECISION)
        if asset_transfer == 0 or pnl_transfer == 0:
            return 0
        liq_spot = liq_user.force_get_spot_position_mut(asset_market_index)
        ex.update_spot_balances_and_cumulative_deposits(asset_transfer, SpotBalanceType.Deposit, asset_market,
                                                        liq_spot, False, asset_transfer)
        ex.update_spot_balances_and_cumulative_deposits(asset_transfer, SpotBalanceType.Borrow, asset_market,
                                                        user.force_get_spot_position_mut(asset_market_index),
                                                        False, -asset_transfer)
        liq_position = liq_user.perp_positions[self._position_index(liq_user, market_index)]
        ex.update_quote_asset_amount(liq_position, market, -pnl_transfer)
        ex.update_quote_asset_amount(position, market, pnl_transfer)
        bankrupt = False
        if pnl_transfer >= to_cover:
            user.exit_cross_margin_liquidation()
        elif ex.is_cross_margin_bankrupt(user):
            user.enter_cross_margin_bankruptcy()
            bankrupt = True
        self.log("liquidate_pnl_for_deposit", user=account, liquidator=liquidator, market=market_index,
                 pnl_transfer=pnl_transfer, asset_transfer=asset_transfer, bankrupt=bankrupt)
        return pnl_transfer

    def resolve_perp_bankruptcy(self, account: int, market_index: int) -> tuple[int, int, int]:
        """Cover a bankrupt position's loss: the insurance fund, then the AMM fee pool, then socialised.

        IF payment ``min(|loss|, if_vault - 1, quote_max_insurance - quote_settled_insurance)`` moves tokens to
        the P&L pool; the fee pool pays what it can; the rest goes onto the cumulative funding rates
        (``calculate_funding_rate_deltas_to_resolve_bankruptcy``); the position's quote is cleared. Returns
        ``(if_payment, fee_pool_payment, socialised)``.

        As at v2.161.0 (since 2023, commit 9a1a830 "amm-fee-pool-insurance"), the fee-pool payment only
        decreases the fee pool's balance: no other balance is credited, so those tokens stay in the vault
        unclaimed (``Exchange.unclaimed``; the invariant checks count them), while the IF payment goes to the
        P&L pool.
        program: controller/liquidation.rs::resolve_perp_bankruptcy
        """
        acct = self.accounts[account]
        user = acct.user
        if not user.is_bankrupt() and ex.is_cross_margin_bankrupt(user):
            user.enter_cross_margin_bankruptcy()
        if not user.is_bankrupt():
            return 0, 0, 0
        market = self.perp_markets[market_index]
        position_index = ex.get_position_index(user.perp_positions, market_index)
        loss = user.perp_positions[position_index].quote_asset_amount
        if loss >= 0:
            return 0, 0, 0
        claim = market.insurance_claim
        spot = self.quote_market
        max_insurance = claim.quote_max_insurance - claim.quote_settled_insurance
        if_payment = min(abs(loss), max(self.insurance_vault[QUOTE_SPOT_MARKET_INDEX] - 1, 0), max_insurance)
        claim.quote_settled_insurance += if_payment
        ex.update_spot_market_cumulative_interest(spot, None, self.now)
        if if_payment > 0:
            ex.update_spot_balances(if_payment, SpotBalanceType.Deposit, spot, market.pnl_pool, False)
            self._transfer_tokens(self.insurance_vault, self.vault, QUOTE_SPOT_MARKET_INDEX, if_payment)
        losses_remaining = loss + if_payment
        fee_pool_payment = 0
        if losses_remaining < 0:
            fee_pool_payment = min(abs(losses_remaining), ex.get_fee_pool_tokens(market, spot))
            if fee_pool_payment > 0:
                ex.update_spot_balances(fee_pool_payment, SpotBalanceType.Borrow, spot, market.amm.fee_pool, False)
                self.unclaimed[QUOTE_SPOT_MARKET_INDEX] += fee_pool_payment
        to_socialise = losses_remaining + fee_pool_payment
        delta = ex.calculate_funding_rate_deltas_to_resolve_bankruptcy(to_socialise, market)
        if to_socialise < 0:
            amm = market.amm
            amm.total_social_loss += abs(to_socialise)
            amm.cumulative_funding_rate_long += delta
            amm.cumulative_funding_rate_short -= delta
        position = user.perp_positions[position_index]
        quote = position.quote_asset_amount
        ex.update_quote_asset_amount(position, market, -quote)
        user.total_social_loss += abs(quote)
        if not ex.is_cross_margin_bankrupt(user):
            user.exit_cross_margin_bankruptcy()
        self.log("bankruptcy", user=account, market=market_index, loss=loss, if_payment=if_payment,
                 fee_pool_payment=fee_pool_payment, socialised=-to_socialise, funding_delta=delta)
        return if_payment, fee_pool_payment, -to_socialise

    def resolve_pnl_deficit(self, market_index: int) -> int:
        """Top a P&L pool short of users' claims up from the insurance fund (keeper).

        program: controller/insurance.rs::resolve_perp_pnl_deficit
        """
        market = self.perp_markets[market_index]
        spot = self.quote_market
        try:
            amount = ex.resolve_perp_pnl_deficit(self.vault[0], self.insurance_vault[0], spot, market, self.now)
        except ex.DriftError:
            return 0
        if amount > 0:
            self._transfer_tokens(self.insurance_vault, self.vault, 0, amount)
            self.log("pnl_deficit", market=market_index, if_payment=amount)
        return amount
