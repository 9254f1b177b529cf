"""A gap down past the leveraged crowd's collateral: liquidation, the deposit taken for the P&L, bankruptcy paid
by the insurance fund, then the fee pool, then socialised; invariants checked after every step."""

from __future__ import annotations

import pytest

from driftlab.sim import CrashScenario, run_crash


@pytest.fixture(scope="module")
def gap():
    scenario = CrashScenario(n_users=6, deposit=1_000.0, deposit_dispersion=0.0, leverage=(9.0, 9.5),
                             crash_size=0.4, crash_duration=1, calm=3, after=20, insurance_fund=50.0,
                             amm_fee_pool=20.0, check_invariants="full", seed=1)
    return run_crash(scenario)


def test_gap_bankrupts_and_the_waterfall_runs(gap) -> None:
    events = gap.events
    kinds = events["event"].value_counts().to_dict()
    assert kinds.get("liquidate_perp", 0) >= 6
    assert kinds.get("liquidate_pnl_for_deposit", 0) >= 1
    bankruptcies = events.query("event == 'bankruptcy'")
    assert len(bankruptcies) >= 1
    # waterfall: the IF pays first (keeping 1 unit in its vault), then the fee pool, then socialisation
    first = bankruptcies.iloc[0]
    assert first["if_payment"] > 0
    paid = bankruptcies["if_payment"].sum()
    assert gap.exchange.insurance_vault[0] == 50_000_000 - paid >= 1
    losses = -bankruptcies["loss"]
    assert (bankruptcies["if_payment"] + bankruptcies["fee_pool_payment"] + bankruptcies["socialised"] == losses).all()
    assert bankruptcies["socialised"].sum() > 0
    market = gap.exchange.perp_markets[0]
    assert market.amm.total_social_loss == bankruptcies["socialised"].sum()
    assert market.insurance_claim.quote_settled_insurance == paid
    summary = gap.summary()
    assert summary["bankruptcies"] == len(bankruptcies) and not summary["insurance_fund_solvent"]
    assert summary["bankruptcy_loss"] * 1e6 == pytest.approx(float(losses.sum()))
    assert summary["if_paid"] * 1e6 == pytest.approx(float(paid))


def test_bankrupt_users_end_flat(gap) -> None:
    for index in gap.events.query("event == 'bankruptcy'")["user"].unique():
        user = gap.exchange.accounts[int(index)].user
        position = user.perp_positions[0]
        assert (position.base_asset_amount, position.quote_asset_amount) == (0, 0)
        assert not user.is_bankrupt() and user.total_social_loss > 0
