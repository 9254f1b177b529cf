"""``driftlab.sim``: Drift v2 as a state machine over time, composed from the exact layer.

- :class:`Simulation` (``engine``): markets from ``driftlab.params`` presets, funded accounts, agents (takers,
  JIT makers, a liquidator, insurance-fund stakers) and the keepers' cranks, driven by an oracle path;
  ``run()`` returns a :class:`SimResult` with the event log and per-step metrics as DataFrames.
- :mod:`~driftlab.sim.paths`: oracle paths (random walk, crash, jump diffusion, replay of a pandas Series).
- :class:`Exchange` (``exchange``): the program's instructions composed from ``driftlab.exact``.
- :class:`InvariantViolation` (``invariants``): raised when conservation of quote or a sign rule breaks.
- :mod:`~driftlab.sim.scenario` and :mod:`~driftlab.sim.sweep`: the leveraged-crowd crash scenario, parameter
  sweeps and Monte Carlo through any ``concurrent.futures.Executor`` (a process pool, or Dask).
"""

from . import paths
from .engine import JitMakerPolicy, SimResult, Simulation, TakerPolicy
from .exchange import Account, Exchange, SimError
from .invariants import InvariantViolation
from .scenario import CrashScenario, run_crash
from .sweep import monte_carlo, sweep

__all__ = [
    "Account",
    "CrashScenario",
    "Exchange",
    "InvariantViolation",
    "JitMakerPolicy",
    "SimError",
    "SimResult",
    "Simulation",
    "TakerPolicy",
    "monte_carlo",
    "paths",
    "run_crash",
    "sweep",
]
