"""Tolerances of the margin human layer against the exact layer, derived from the program's integer arithmetic.

Shared by ``tests/test_margin.py`` and ``tests/test_liquidation.py``. Weight tolerances are in 1e-4 (the program's
SPOT_WEIGHT_PRECISION / MARGIN_PRECISION units); the account tolerance is in USD.
"""

from __future__ import annotations

import driftlab.margin as mg

W = 10_000
IMF = 1_000_000


def premium_tolerance(imf: int) -> float:
    """|exact - 1e4*human| for the size premium, ``W - W//5 + isqrt(10S+1)*IMF//1e7`` vs ``0.8W + sqrt(10S)*IMF/1e7``.

    ``W/5 - W//5`` is in [0, 0.8]; ``isqrt(10S+1) - sqrt(10S)`` is in (-1, 1], times ``IMF/1e7``; the floor of the
    premium takes off [0, 1). So the difference is below ``1 + IMF/1e7`` (max with ``W`` is 1-Lipschitz). Plus
    float rounding of the human value.
    """
    return 1 + imf / 1e7 + 1e-6


def discount_tolerance(imf: int) -> float:
    """|exact - 1e4*human| for the size discount ``min(W, 1.1e10 // D)``, ``D = 1e6 + isqrt(10S+1)*IMF//1e5``.

    ``D`` differs from the real ``1e6 + sqrt(10S)*IMF/1e5`` by at most ``IMF/1e5 + 1``, and both are >= 1e6, so
    ``1.1e10/D`` moves by at most ``1.1e10 * (IMF/1e5 + 1) / 1e12``; the final floor adds < 1.
    """
    return 1 + 1.1e10 * (imf / 1e5 + 1) / 1e12 + 1e-6


def hlm_tolerance(pre: int, default: int, imf: int) -> float:
    """The HLM initial ratio ``d + max(pre-d, 1) * F // 1e6`` with ``F = 1e6 - (pre - sa)*1e6 // (pre//5)``.

    ``F/1e6`` is ``floor(premium)/(pre//5)`` where the human layer has ``premium/(pre/5)``: the premium's error
    (``1 + IMF/1e7``, as above) over ``pre//5``, plus ``pre/5 - pre//5 <= 0.8`` in the denominator (at most
    ``0.8/(pre//5)`` of the share), times ``pre - d``; the floors of ``F`` and of the product and the
    ``max(., 1)`` add at most 2.
    """
    return 2 + (pre - default) * (1.8 + imf / 1e7) / (pre // 5) + 1e-6


def account_tolerance(account: mg.Account) -> float:
    """USD: per holding, its value times its weight's tolerance (1e-4 units), plus a few 1e-6 USD of flooring
    (token value, weighted value, P&L, requirement) and the rounding of amounts to token units."""
    tol = 0.0
    for h in account.spot:
        value = abs(float(h.amount)) * float(h.price)
        imf = int(h.imf_factor * IMF)
        tol += value * (2 + discount_tolerance(imf) + premium_tolerance(imf)) / W
        tol += float(h.price) * 10.0**-h.decimals + 5e-6
    for p in account.perps:
        notional = abs(float(p.base)) * float(p.price)
        pnl = abs(float(p.base)) * abs(float(p.price) - float(p.entry_price))
        tol += notional * premium_tolerance(int(p.imf_factor * IMF)) / W
        tol += pnl * discount_tolerance(int(p.unrealized_pnl_imf_factor * IMF)) / W + pnl / W
        tol += float(p.price) * 1e-9 + 1e-5
    return tol
