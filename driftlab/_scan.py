"""A first-order linear recurrence ``x[n] = f[n] * x[n-1] + u[n]`` solved with numpy, without a loop per element.

TWAPs, the premium noise of a price path and a position's entry and break-even amounts are all such
recurrences: a TWAP keeps ``1 - w`` of its old value and adds ``w * price``; a position keeps ``|B_new|/|B_old|`` of
its entry amount on a reduce, all of it on an increase (then adds the fill's quote) and none on a close or flip.
The recursion is sequential, but the pairs ``(f, u)`` compose associatively,
``(f2, u2) ∘ (f1, u1) = (f1*f2, f2*u1 + u2)``, so an inclusive prefix scan (Hillis-Steele) solves it in
``ceil(log2(n))`` vectorised passes over the whole array: O(n log n) work, about 20 numpy passes for 10⁶ steps.
It multiplies and adds only (no division by a running product), so it neither overflows nor loses precision the
way the textbook closed form ``x[n] = F[n] * (x0 + sum(u[k] / F[k]))`` with ``F[n] = prod(f[:n+1])`` does once
``F`` underflows.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import FloatArray


def linear_recurrence(f: ArrayLike, u: ArrayLike, x0: ArrayLike = 0.0) -> FloatArray:
    """``x[..., n] = f[..., n] * x[..., n-1] + u[..., n]`` along the last axis, with ``x[..., -1] = x0``.

    ``f`` and ``u`` broadcast together; ``x0`` broadcasts against their leading axes. Returns every ``x[n]``.
    """
    f_arr, u_arr = np.broadcast_arrays(np.asarray(f, dtype=np.float64), np.asarray(u, dtype=np.float64))
    factor = np.array(f_arr, dtype=np.float64)  # running product of f over the composed span
    value = np.array(u_arr, dtype=np.float64)  # the composed span's result from a zero start
    n = factor.shape[-1] if factor.ndim else 1
    shift = 1
    while shift < n:
        # the right-hand sides are evaluated before assignment, so both read the previous pass
        value[..., shift:] = factor[..., shift:] * value[..., :-shift] + value[..., shift:]
        factor[..., shift:] = factor[..., shift:] * factor[..., :-shift]
        shift *= 2
    start = np.asarray(x0, dtype=np.float64)
    return value + factor * start[..., np.newaxis] if start.ndim else value + factor * start
