"""Named choices of the human layer (order side, contract tier, ...): a ``ValueError`` naming the parameter and
the accepted values for anything else. Shared by :mod:`driftlab.orders`, :mod:`driftlab.auction`,
:mod:`driftlab.guards` and :mod:`driftlab.fees`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DIRECTIONS = ("long", "short")
"""Order sides: ``"long"`` buys base, ``"short"`` sells it (the program's ``PositionDirection``)."""

CONTRACT_TIERS = ("A", "B", "C", "Speculative", "HighlySpeculative", "Isolated")
"""Perp contract tiers, safest first (the program's ``ContractTier``)."""


def choice(name: str, value: Any, options: tuple[str, ...]) -> str:
    """``value`` as one of ``options`` (case-insensitive); a ``ValueError`` naming ``name`` otherwise."""
    if isinstance(value, str):
        for option in options:
            if value.lower() == option.lower():
                return option
    raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")


def direction_sign(direction: Any, name: str = "direction") -> int:
    """+1 for ``"long"``, -1 for ``"short"``."""
    return 1 if choice(name, direction, DIRECTIONS) == "long" else -1


def contract_tier(value: Any) -> str:
    """A contract tier name from :data:`CONTRACT_TIERS`."""
    return choice("contract_tier", value, CONTRACT_TIERS)


def bool_or_array(result: Any) -> Any:
    """A 0-d boolean result as a Python bool, otherwise the array."""
    return bool(result) if np.ndim(result) == 0 else np.asarray(result)


def str_or_array(result: Any) -> Any:
    """A 0-d string result as a Python str, otherwise the array."""
    return str(result) if np.ndim(result) == 0 else np.asarray(result)
