"""Reproductions of client bugs (driftlab.fidelity): each differs from the program on its documented example, and
agrees where the bug does not bite. See ../shared/reference/fidelity-notes.md."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.fidelity as fd

INITIAL = ex.MarginRequirementType.Initial


def test_js_semantics() -> None:
    assert fd.js_object_greater(95, 100)  # "95" > "100"
    assert not fd.js_object_greater(100, 95)
    assert fd.js_object_greater(12, 11) and not fd.js_object_greater(11, 12)  # same length: numeric order
    assert fd.bn_div(-7, 2) == -3 and fd.bn_div(7, 2) == 3 and fd.bn_div(-7, -2) == 3


def test_sdk_asset_transfer_string_comparison() -> None:
    # 100 USDC held; repaying 0.95 SOL at $100 is worth 95 USDC: $5 away from the whole amount, so the program
    # transfers 95 USDC. The SDK compares "95000000" > "100000000" (true), takes 95e6 - 100e6 < $1 and snaps to 100.
    args = (100_000_000, 10**6, 6, 10**6, 950_000_000, 10**6, 9, 100 * 10**6)
    assert ex.calculate_asset_transfer_for_liability_transfer(*args) == 95_000_000
    assert fd.sdk_calculate_asset_transfer_for_liability_transfer(*args) == 100_000_000
    # the program's own test numbers, where the digit counts agree, come out the same
    # programs/drift/src/math/liquidation/tests.rs::calculate_asset_transfer_for_liability_transfer::*
    for case, expected in (((200_000_000, 1_010_000, 6, 10**6, 10**9, 990_000, 9, 100 * 10**6), 102_020_202),
                           ((100_000_000, 10**6, 6, 10**6, 10**9, 10**6, 9, 100 * 10**6), 100_000_000)):
        assert fd.sdk_calculate_asset_transfer_for_liability_transfer(*case) == expected


def test_sdk_asset_transfer_differs_in_about_half_of_random_cases() -> None:
    # fidelity-notes.md: "about half of random cases differ from the program"
    rng = random.Random(1)
    differ = 0
    trials = 1000
    for _ in range(trials):
        ad, ld = rng.choice([6, 8, 9]), rng.choice([6, 8, 9])
        asset = rng.randint(1, 10 ** rng.randint(3, 13))
        liability = rng.randint(1, 10 ** rng.randint(3, 13))
        pa, pl = rng.randint(10**4, 10**11), rng.randint(10**4, 10**11)
        alm, llm = 10**6 + rng.randint(0, 50_000), 10**6 - rng.randint(0, 50_000)
        args = (asset, alm, ad, pa, liability, llm, ld, pl)
        differ += ex.calculate_asset_transfer_for_liability_transfer(*args) != \
            fd.sdk_calculate_asset_transfer_for_liability_transfer(*args)
    assert 0.35 < differ / trials < 0.65


@settings(max_examples=300, deadline=None)
@given(asset=st.integers(1, 10**12), liability=st.integers(1, 10**12), pa=st.integers(10**4, 10**10),
       pl=st.integers(10**4, 10**10))
def test_sdk_asset_transfer_agrees_when_the_strings_order_like_the_numbers(asset: int, liability: int, pa: int,
                                                                          pl: int) -> None:
    args = (asset, 10**6, 6, pa, liability, 10**6, 6, pl)
    program = ex.calculate_asset_transfer_for_liability_transfer(*args)
    sdk = fd.sdk_calculate_asset_transfer_for_liability_transfer(*args)
    transfer = max(liability * pl // pa, 1)
    if (str(transfer) > str(asset)) == (transfer > asset):
        assert sdk == program


def test_sdk_unrealized_pnl_weight_precision() -> None:
    # programs/drift/src/math/margin/tests.rs::test::calculate_user_equity_value_tests: a $24,282.79 gain with
    # unrealized_pnl_imf_factor 1000 weighs 95.16% in the program; the SDK passes the P&L at 1e6 where the program
    # passes it at 1e9 and keeps 100%
    pnl = 24_282_786_896
    market = ex.PerpMarket(unrealized_pnl_initial_asset_weight=10_000, unrealized_pnl_imf_factor=1000)
    assert market.get_unrealized_asset_weight(pnl, INITIAL) == 9516
    assert fd.sdk_calculate_unrealized_asset_weight(pnl, 1000, 10_000) == 10_000
    # the SDK's answer is the program's for a P&L 1000 times smaller
    assert fd.sdk_calculate_unrealized_asset_weight(pnl * 1000, 1000, 10_000) == 9516


@settings(max_examples=300, deadline=None)
@given(size=st.integers(0, 10**18), imf=st.integers(0, 10**6), weight=st.integers(0, 10_000))
def test_sdk_size_discount_is_the_programs(size: int, imf: int, weight: int) -> None:
    assert fd.sdk_calculate_size_discount_asset_weight(size, imf, weight) == \
        ex.calculate_size_discount_asset_weight(size, imf, weight)


@pytest.mark.parametrize("size, imf, weight, program", [
    (1000 * 10**9, 10_000, 9000, 8357),  # programs/drift/src/math/margin/tests.rs::test::spot_market_asset_weight
    (2000 * 10**9, 3000, 10_000, 9698),  # drift-docs-digest.md (b): the docs' 2000 SOL, imf 0.003 (unclamped)
])
def test_driftpy_size_discount_is_one_unit_high(size: int, imf: int, weight: int, program: int) -> None:
    assert ex.calculate_size_discount_asset_weight(size, imf, weight) == program
    assert fd.driftpy_calculate_size_discount_asset_weight(size, imf, weight) == program + 1


def test_driftpy_size_premium_is_a_float() -> None:
    # right value, wrong type (fidelity-notes.md)
    value = fd.driftpy_calculate_size_premium_liability_weight(1000 * 10**9, 10_000, 11_000, 10_000)
    assert isinstance(value, float) and value == 11962.0
    assert ex.calculate_size_premium_liability_weight(1000 * 10**9, 10_000, 11_000, 10_000, True) == 11962
