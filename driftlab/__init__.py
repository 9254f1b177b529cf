"""driftlab: the mechanics of Drift Protocol v2, exact and explorable.

Layers:
- ``driftlab.exact``: the on-chain program's integer math, bit for bit (protocol-v2 v2.161.0).
- ``driftlab.amm`` and the other mechanic modules: natural units, floats, numpy broadcasting.
- ``driftlab.symbolic``: sympy closed forms, checked equal to the human layer.
- ``driftlab.charts`` / ``driftlab.widgets``: Altair charts and ipywidgets panels for the notebooks.

Submodules load on first attribute access (``import driftlab as dl; dl.amm.price_impact(...)``), so
``import driftlab`` itself stays fast and sympy, altair and ipywidgets load only when used.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

_SUBMODULES = {"amm", "auction", "bal", "charts", "exact", "fees", "fidelity", "funding", "guards",
    "insurance", "liquidation", "maker", "margin", "orders", "params", "pnl", "sim", "spot", "symbolic", "widgets"}


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'driftlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})
