"""``make binder-check``: Binder's environment replayed without Docker, then every notebook executed in it.

1. A clean virtual environment (this Python, 3.11 like ``binder/runtime.txt``) gets ``binder/requirements.txt``
   alone: the same pins Binder's pip installs (with uv from .venv when present, from its warm cache).
2. ``binder/postBuild`` runs with that environment first on PATH, as repo2docker runs it: it installs driftlab
   (editable, ``--no-deps``) and writes JupyterLab's settings overrides.
3. Checks: driftlab imports from this checkout at the package version, ``pip check`` is clean, the overrides
   are in place, and the anywidget and ipywidgets lab extensions are enabled.
4. Every notebook runs top to bottom in that environment's kernel with ``jupyter nbconvert --to notebook
   --execute`` (tools/nbexec.py: ``DRIFTLAB_ALTAIR=svg``, two at a time, executed copies in a scratch folder),
   failing on any cell error. Per-notebook and total times are printed.

What this cannot see: repo2docker's base conda environment and Docker layers (tests/test_infrastructure.py
reads the Dockerfile repo2docker generates for those).

Run: ``.venv/bin/python tools/binder_check.py [--keep DIR] [--jobs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbexec  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "binder" / "requirements.txt"
POSTBUILD = ROOT / "binder" / "postBuild"
DEV_BIN = Path(sys.executable).parent


def build(venv: Path, *, python: str = sys.executable) -> dict[str, str]:
    """Create ``venv`` from the Binder lock and postBuild only; returns the environment to run its tools in."""
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    uv = DEV_BIN / "uv"
    if uv.exists():  # the same pins Binder's pip gets, installed faster and from the warm cache
        install = [str(uv), "pip", "install", "--quiet", "--python", str(py), "-r", str(LOCK)]
    else:
        install = [str(py), "-m", "pip", "install", "--quiet", "-r", str(LOCK)]
    subprocess.run(install, check=True, timeout=1200)

    env = nbexec.kernel_env(venv / "bin", venv.parent / "jupyter-home")
    env["NB_PYTHON_PREFIX"] = str(venv)  # where repo2docker's postBuild finds the environment
    subprocess.run(["bash", str(POSTBUILD)], cwd=venv.parent, env=env, check=True, timeout=600)
    return env


def verify(venv: Path, env: dict[str, str]) -> None:
    """driftlab from this checkout, a consistent environment, the lab settings and the widget extensions."""
    py = venv / "bin" / "python"
    probe = "import driftlab, driftlab.charts; print(driftlab.__version__, driftlab.__file__)"
    out = subprocess.run([str(py), "-c", probe], env=env, check=True, capture_output=True, text=True).stdout
    version, location = out.split()
    expected = re.search(r'^__version__ = "([^"]+)"', (ROOT / "driftlab" / "__init__.py").read_text(), re.M)
    assert expected and version == expected[1], f"driftlab {version} in the Binder venv, expected {expected}"
    assert Path(location).is_relative_to(ROOT), f"driftlab imported from {location}, not this checkout"

    check = subprocess.run([str(py), "-m", "pip", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, f"pip check in the Binder venv:\n{check.stdout}{check.stderr}"

    overrides = json.loads((venv / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["checkForUpdates"] is False, overrides

    ext = subprocess.run(
        [str(venv / "bin" / "jupyter"), "labextension", "list"], env=env, capture_output=True, text=True
    )
    listing = re.sub(r"\x1b\[[0-9;]*m", "", ext.stdout + ext.stderr)  # drop ANSI colours
    for name in ("anywidget", "@jupyter-widgets/jupyterlab-manager"):
        assert re.search(rf"{re.escape(name)} v\S+ enabled\s+OK", listing), f"{name} not enabled:\n{listing}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep", type=Path, help="build the venv here and keep it (default: a scratch folder)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at a time (default 2: two cores)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="binder-check-") as scratch:
        base = args.keep.resolve() if args.keep else Path(scratch)
        venv = base / "binder-venv"
        start = time.perf_counter()
        env = build(venv)
        built = time.perf_counter() - start
        print(f"binder-check: environment from binder/requirements.txt + binder/postBuild in {built:.1f} s")
        verify(venv, env)
        print("binder-check: driftlab from this checkout, pip check clean, lab extensions enabled")

        paths = nbexec.notebooks()
        if not paths:
            print("binder-check: no notebooks in notebooks/, nothing to execute")
            return 0
        run_start = time.perf_counter()
        runs = nbexec.execute(
            paths, jupyter=venv / "bin" / "jupyter", out_dir=base / "executed", jobs=args.jobs, env=env
        )
        ok = nbexec.report(runs, time.perf_counter() - run_start, prefix="binder-check")
        print(f"binder-check: {'passed' if ok else 'FAILED'} in {time.perf_counter() - start:.1f} s in all")
        return 0 if ok else 1


if __name__ == "__main__":
    os.environ.pop("VIRTUAL_ENV", None)
    sys.exit(main())
