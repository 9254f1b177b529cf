"""driftlab: the mechanics of Drift Protocol v2, exact and explorable.

Layers:
- ``driftlab.exact``: the on-chain program's integer math, bit for bit (protocol-v2 v2.161.0).
- ``driftlab.amm`` and friends: natural units, floats, numpy broadcasting.
- ``driftlab.symbolic``: sympy closed forms, checked equal to the human layer.

Heavy libraries (sympy, altair, ipywidgets) are imported lazily by the modules that need them.
"""

__version__ = "0.1.0"
