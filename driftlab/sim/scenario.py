"""The leveraged-crowd crash: a SOL-like market, a crowd of leveraged longs, a crash, a liquidator, the IF.

``CrashScenario`` holds every knob in natural units (it is a frozen dataclass, so it pickles to worker
processes); ``run_crash`` builds the ``Simulation`` and runs it. The crowd's leverage is drawn uniformly from
``leverage`` (a ``(low, high)`` pair), its deposits log-normally around ``deposit``; all go long at the start
through the AMM. The oracle then falls by ``crash_size`` over ``crash_duration`` seconds (``driftlab.sim.paths
.crash``) after ``calm`` seconds, and the run goes on for ``after`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..params import SOL_PERP, USDC_SPOT, ExchangeParams, PerpMarketParams
from .engine import JitMakerPolicy, SimResult, Simulation, TakerPolicy
from .paths import crash

__all__ = ["CrashScenario", "build_crash", "run_crash", "run_crash_summary"]


@dataclass(frozen=True)
class CrashScenario:
    """Knobs of the crash scenario (USD, fractions, seconds). ``with_(**changes)`` returns a variant."""

    market: PerpMarketParams = SOL_PERP
    exchange: ExchangeParams = field(default_factory=ExchangeParams)
    n_users: int = 200
    deposit: float = 1_000.0
    deposit_dispersion: float = 0.5
    leverage: tuple[float, float] = (2.0, 9.0)
    crash_size: float = 0.30
    crash_duration: int = 3600
    calm: int = 60
    after: int = 600
    volatility: float = 0.0
    imf_factor: float | None = None
    insurance_fund: float = 10_000.0
    amm_fee_pool: float = 5_000.0
    liquidator_deposit: float = 1_000_000.0
    jit_makers: int = 0
    taker_policy: TakerPolicy | None = None
    seed: int = 0
    check_invariants: str | bool = "fast"
    record_every: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.n_users, int) or self.n_users < 1:
            raise ValueError(f"n_users must be an integer >= 1, got {self.n_users!r}")
        if self.deposit <= 0:
            raise ValueError(f"deposit must be > 0, got {self.deposit!r}")
        low, high = self.leverage
        if not 0 < low <= high <= 1 / (self.market.margin_ratio_initial):
            raise ValueError(f"leverage must be (low, high) with 0 < low <= high <= "
                             f"{1 / self.market.margin_ratio_initial:g} (1 / margin_ratio_initial), "
                             f"got {self.leverage!r}")
        if not 0 <= self.crash_size < 1:
            raise ValueError(f"crash_size must be in [0, 1), got {self.crash_size!r}")
        for name in ("crash_duration", "calm", "after"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {getattr(self, name)!r}")
        if self.insurance_fund < 0 or self.amm_fee_pool < 0 or self.liquidator_deposit < 0:
            raise ValueError("insurance_fund, amm_fee_pool and liquidator_deposit must be >= 0")

    def with_(self, **changes: Any) -> CrashScenario:
        return replace(self, **changes)

    @property
    def steps(self) -> int:
        return self.calm + self.crash_duration + self.after


def build_crash(scenario: CrashScenario) -> Simulation:
    """The ``Simulation`` of a scenario, set up (accounts funded, the crowd long) but not run."""
    rng = np.random.default_rng(scenario.seed)
    market = scenario.market
    if scenario.imf_factor is not None:
        market = replace(market, imf_factor=scenario.imf_factor)
    path = crash(scenario.steps, market.oracle_price, scenario.crash_size, begin=scenario.calm,
                 duration=max(scenario.crash_duration, 1), volatility=scenario.volatility, rng=rng)
    sim = Simulation(market, path, [USDC_SPOT], scenario.exchange, seed=rng, amm_fee_pool=scenario.amm_fee_pool,
                     taker_policy=scenario.taker_policy,
                     jit_maker_policy=JitMakerPolicy() if scenario.jit_makers else None,
                     check_invariants=scenario.check_invariants, record_every=scenario.record_every)
    if scenario.insurance_fund > 0:
        sim.add_insurance_staker(scenario.insurance_fund)
    if scenario.liquidator_deposit > 0:
        sim.add_liquidator(scenario.liquidator_deposit)
    for _ in range(scenario.jit_makers):
        sim.add_jit_maker(scenario.liquidator_deposit / 10)
    sigma = scenario.deposit_dispersion
    deposits = np.round(scenario.deposit * rng.lognormal(-sigma**2 / 2, sigma, scenario.n_users), 2)
    leverages = rng.uniform(*scenario.leverage, scenario.n_users)
    takers = sim.add_takers(np.maximum(deposits, 1.0))
    price = market.oracle_price
    for account, deposit, leverage in zip(takers, deposits, leverages, strict=True):
        sim.open_position(account, 0, max(deposit, 1.0) * leverage / price)
    return sim


def run_crash(scenario: CrashScenario, progress: bool = False) -> SimResult:
    """Build and run the scenario."""
    return build_crash(scenario).run(progress=progress)


def run_crash_summary(scenario: CrashScenario) -> dict[str, Any]:
    """``run_crash(scenario).summary()`` (a top-level function, so executors can pickle it)."""
    return run_crash(scenario).summary()
