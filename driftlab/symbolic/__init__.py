"""Closed forms of the mechanics, derived in sympy from their definitions: one module per mechanic.

Each function builds its expression from first principles and returns a simplified sympy expression;
``tests/test_symbolic*.py`` checks every one, lambdified, against the human layer on sample points, so the
derivations shown in the notebooks and the code cannot drift apart. Nothing here parses user text, and sympy
is imported on first use, so ``import driftlab`` stays fast.

- :mod:`driftlab.symbolic.amm`: price impact, terminal price, repeg and k-change costs, depth for a target impact.

The AMM forms are also importable from here (``driftlab.symbolic.price_impact``).
"""

from .amm import *  # noqa: F403
from .amm import __all__ as _amm_all

__all__ = list(_amm_all)
