"""Hypothesis in CI: the same examples every run (``derandomize``), so a landing never hangs on a lucky draw;
local runs keep drawing new examples. ``.ci/run`` runs with ``CI=true``."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
