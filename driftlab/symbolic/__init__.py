"""Closed forms of the mechanics, derived in sympy from their definitions: one module per mechanic.

Each function builds its expression from first principles and returns a simplified sympy expression;
``tests/test_symbolic*.py`` checks every one, lambdified, against the human layer on sample points, so the
derivations shown in the notebooks and the code cannot drift apart. Nothing here parses user text, and sympy
is imported on first use, so ``import driftlab`` stays fast.

- :mod:`driftlab.symbolic.amm`: price impact, terminal price, repeg and k-change costs, depth for a target impact.
- :mod:`driftlab.symbolic.bal`: Backstop AMM Liquidity (history, v2.136.0): the LP's base and quote from the
  curve, its inventory loss (short convexity), and the break-even fee rate.
- :mod:`driftlab.symbolic.auction`: the JIT auction price as a function of the slot (``Piecewise``, both sides),
  its slope, the taker's price improvement when a maker fills at slot ``s``, the slot a maker's quote is reached.
- :mod:`driftlab.symbolic.guards`: the fill-price band inequalities solved for the allowed fill range, and the
  maker oracle band solved for the cancelling limit price.
- :mod:`driftlab.symbolic.funding`: the funding rate with its /5000 offset and tier clamp (``Min``/``Max`` and
  ``Piecewise``), the TWAP update and its exponentially weighted closed form (``rsolve``), the capped funding
  split, and the P&L ``settle_pnl`` can pay now.
- :mod:`driftlab.symbolic.maker`: the maker score in one bracket (``Piecewise`` at the $5,000 floor), its
  marginal score and concavity, the size where the marginal score falls to ``λ``, when the next bracket is worth
  entering, and a budget split over two brackets.
- :mod:`driftlab.symbolic.margin`: the IMF liability and asset weights (natural and program units), the size
  where each starts to bind, the liquidation price and the SDK's first-order one with their gap, and the
  imf_factor for a target margin ratio at a notional.
- :mod:`driftlab.symbolic.spot`: the multi-kink borrow curve (``Piecewise``), deposit rate with the insurance take,
  per-update vs continuous compounding, solving optimal or max borrow rate for a target deposit rate.

The AMM forms are also importable from here (``driftlab.symbolic.price_impact``).
"""

from . import (
    auction,  # noqa: F401
    bal,  # noqa: F401
    funding,  # noqa: F401
    guards,  # noqa: F401
    maker,  # noqa: F401
    margin,  # noqa: F401
    spot,  # noqa: F401
)
from .amm import *  # noqa: F403
from .amm import __all__ as _amm_all

__all__ = list(_amm_all)
