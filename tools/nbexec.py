"""Execute notebooks top to bottom in fresh kernels of a given environment, a few at a time.

Used by ``make binder-check`` (tools/binder_check.py, in the Binder venv) and ``make bench``
(benchmarks/run.py, in .venv). ``jobs`` worker processes (two by default: the machines here have 2 cores) each
run the Python of the target environment (next to its ``jupyter``) on this file with ``--worker``, and execute
notebooks from a shared queue one after another with nbclient, each in a fresh ``python3`` kernel of that
environment, with ``DRIFTLAB_ALTAIR=svg`` (charts rendered in the kernel by vl-convert: no browser, no network).
One worker process per job, not one ``jupyter nbconvert`` per notebook: starting nbconvert costs ~4 s a
notebook here, which is not the notebook's time. Executed copies go to a scratch folder, never over the stored,
stripped notebooks. Any cell error fails that notebook; the others still run. The kernel client polls in short
slices, so it cannot sit on a reply it already has (tools/nbexec_client.py).

Command line: ``python tools/nbexec.py [--jupyter PATH] [--jobs N] [NOTEBOOK ...]`` (default: notebooks/*.ipynb
with the ``jupyter`` next to this Python); prints each notebook's time and the total, exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 600  # seconds per cell, as nbval's --nbval-cell-timeout in the Makefile


@dataclass(frozen=True)
class Run:
    """One notebook's execution: wall time in seconds (kernel start included), 0 or 1, and the error's traceback."""

    notebook: Path
    seconds: float
    returncode: int
    log: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def notebooks() -> list[Path]:
    """Every stored notebook, in order."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def kernel_env(bin_dir: Path, scratch: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a server or notebook run from ``bin_dir``: that environment's tools first on PATH,
    no outer venv, and private Jupyter/IPython data folders, so the ``python3`` kernel is the one of
    ``bin_dir``'s Python (not a user-level kernelspec) and nothing is written to the user's folders."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH"}
    }
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    for var, sub in (
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        (scratch / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(scratch / sub)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences a debugger warning on stderr at kernel start
    return env


def execute(
    paths: Iterable[Path], *, jupyter: Path, out_dir: Path, jobs: int = 2, env: dict[str, str] | None = None
) -> list[Run]:
    """Run each notebook in the environment of ``jupyter`` on ``jobs`` worker processes; a worker that finishes
    a notebook takes the next one from a shared queue (notebooks differ in length)."""
    paths = list(paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(kernel_env(jupyter.parent, out_dir / ".jupyter") if env is None else env)
    env["DRIFTLAB_ALTAIR"] = "svg"
    cmd = [str(jupyter.parent / "python"), str(Path(__file__).resolve()), "--worker", "--out-dir", str(out_dir)]
    todo: queue.SimpleQueue[Path] = queue.SimpleQueue()
    for path in paths:
        todo.put(path)

    def work(index: int) -> list[Run]:
        runs: list[Run] = []
        with (out_dir / f"worker-{index}.log").open("w") as log, subprocess.Popen(
            cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True
        ) as proc:
            assert proc.stdin is not None and proc.stdout is not None
            while True:
                try:
                    path = todo.get_nowait()
                except queue.Empty:
                    break
                proc.stdin.write(f"{path}\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
                while line and not line.startswith(RESULT):
                    line = proc.stdout.readline()
                if not line:  # the worker died: say so for this notebook, and stop this worker
                    runs.append(Run(path, 0.0, proc.poll() or 1, f"the worker exited: see {log.name}"))
                    break
                result = json.loads(line[len(RESULT) :])
                runs.append(Run(path, result["seconds"], result["returncode"], result["log"]))
            proc.stdin.close()
        return runs

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        by_path = {run.notebook: run for runs in pool.map(work, range(max(1, jobs))) for run in runs}
    missing = "not run: every worker stopped before it"
    return [by_path.get(path, Run(path, 0.0, 1, missing)) for path in paths]


RESULT = "nbexec-result: "


def run_worker(out_dir: Path) -> None:
    """``--worker``: execute each notebook path read from stdin, one after another in this environment, each in
    a fresh kernel; a result line per notebook on stdout."""
    import traceback

    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config

    sys.path.insert(0, str(Path(__file__).resolve().parent))  # nbexec_client, for the kernel manager
    config = Config({"AsyncKernelManager": {"client_class": "nbexec_client.SlicedPollKernelClient"}})

    for line in sys.stdin:
        path = Path(line.strip())
        start = time.perf_counter()
        returncode, log = 0, ""
        try:
            notebook = nbformat.read(path, as_version=4)
            # shutdown "immediate": the kernel is killed once the last cell has run, not asked and waited for
            client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", config=config,
                                    shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}})
            client.execute()
            nbformat.write(notebook, out_dir / path.name)
        except Exception:  # noqa: BLE001 (the cell error, reported for this notebook; the next one still runs)
            returncode, log = 1, traceback.format_exc()[-6000:]
        seconds = time.perf_counter() - start
        print(RESULT + json.dumps({"notebook": str(path), "seconds": seconds, "returncode": returncode,
                                   "log": log}), flush=True)


def report(runs: Sequence[Run], wall: float, *, prefix: str = "nbexec") -> bool:
    """Print one line per notebook and the total; the log of each failure. True when all passed."""
    for run in runs:
        status = "ok" if run.ok else f"FAILED (exit {run.returncode})"
        print(f"{prefix}: {run.notebook.name:40s} {run.seconds:6.1f} s  {status}")
    failed = [run for run in runs if not run.ok]
    for run in failed:
        print(f"\n{prefix}: ---- {run.notebook.name} ----\n{run.log.rstrip()}\n")
    total = sum(run.seconds for run in runs)
    print(
        f"{prefix}: {len(runs)} notebooks, {len(runs) - len(failed)} passed, {len(failed)} failed; "
        f"{wall:.1f} s wall clock ({total:.1f} s summed over notebooks)"
    )
    return not failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--jupyter", type=Path, default=Path(sys.executable).parent / "jupyter")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(args.out_dir)
        return 0
    paths = [p.resolve() for p in args.notebooks] or notebooks()
    if not paths:
        print("nbexec: no notebooks, nothing to run")
        return 0
    with tempfile.TemporaryDirectory(prefix="nbexec-") as scratch:
        start = time.perf_counter()
        runs = execute(paths, jupyter=args.jupyter, out_dir=Path(scratch), jobs=args.jobs)
        return 0 if report(runs, time.perf_counter() - start) else 1


if __name__ == "__main__":
    sys.exit(main())
