"""The build, Binder and notebook plumbing: what would otherwise fail silently on Binder or in a fresh clone.

- Binder reads only ``binder/``: it ignores ``pyproject.toml`` (so ``requires-python`` and the package install),
  hence ``runtime.txt``, a complete third-party lock and a ``postBuild`` that installs driftlab.
- ``make test`` must run the versions Binder runs: the dev lock agrees with the Binder lock on every shared pin.
- Notebooks are stored stripped, with the ``python3`` kernelspec, and start by calling ``setup_altair``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
LOCK = BINDER / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"
POSTBUILD = BINDER / "postBuild"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
VENV_BIN = Path(sys.executable).parent

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)")


def read_pins(path: Path) -> dict[str, str]:
    """``{canonical name: version}`` from a uv/pip-compile lock; fails on any unpinned requirement line."""
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: not an exact pin: {raw!r}"
        pins[canonicalize_name(match[1])] = match[3]
    return pins


def requirements(*extras: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return reqs


# --------------------------------------------------------------------------- (a) Python version


def test_binder_runtime_is_python_311_within_requires_python() -> None:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"
    requires = SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert Version(runtime.removeprefix("python-")) in requires, (runtime, str(requires))


# --------------------------------------------------------------------------- (b) locks


def test_binder_lock_pins_every_runtime_and_lab_dependency() -> None:
    pins = read_pins(LOCK)
    for req in requirements("lab"):
        name = canonicalize_name(req.name)
        assert name in pins, (
            f"{req.name} is a dependency but not pinned in binder/requirements.txt: make lock"
        )
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"binder/requirements.txt pins {name}=={pins[name]}, outside pyproject's {req}: make lock"
        )


def test_binder_lock_is_third_party_only() -> None:
    """driftlab itself comes from postBuild; `-e .` in the lock would move the pip layer after `COPY src/`."""
    assert "driftlab" not in read_pins(LOCK)
    text = LOCK.read_text()
    assert not re.search(r"^\s*(-e|--editable)\b", text, re.M)
    assert not re.search(r"^\s*\.\s*$", text, re.M)


def test_dev_lock_agrees_with_binder_lock() -> None:
    """`make test` installs both locks: every Binder pin must be the dev lock's pin too."""
    pins, dev = read_pins(LOCK), read_pins(DEV_LOCK)
    differ = {name: (v, dev.get(name)) for name, v in pins.items() if dev.get(name) != v}
    assert not differ, f"binder vs dev lock: {differ}; run `make lock`"
    assert "driftlab" not in dev
    for req in requirements("dev"):
        name = canonicalize_name(req.name)
        assert name in dev, f"{req.name} (dev extra) not pinned in requirements-dev.txt: make lock"
        assert req.specifier.contains(dev[name], prereleases=True), (name, dev[name], str(req))


# --------------------------------------------------------------------------- (c) postBuild and CI script


def test_postbuild_installs_driftlab_without_touching_the_lock() -> None:
    assert os.access(POSTBUILD, os.X_OK), "binder/postBuild must be executable (git add --chmod=+x)"
    text = POSTBUILD.read_text()
    assert text.startswith("#!")
    assert re.search(r"^set -euo pipefail$", text, re.M), "without set -e Binder ignores postBuild errors"
    commands = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    install = [line for line in commands if re.search(r"\bpip install\b", line)]
    assert len(install) == 1, install
    assert "--no-deps" in install[0].split() and re.search(r"-e \.(\s|$)", install[0]), install[0]
    assert '"fetchNews": "false"' in text and '"checkForUpdates": false' in text


def test_ci_run_is_executable_and_calls_make_test() -> None:
    run = ROOT / ".ci" / "run"
    assert os.access(run, os.X_OK)
    text = run.read_text()
    assert "set -euo pipefail" in text and re.search(r"^make .*\btest$", text, re.M)


# --------------------------------------------------------------------------- (d) notebooks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stripped_with_python3_kernel_and_sets_up_altair(path: Path) -> None:
    nb = json.loads(path.read_text())
    assert nb.get("metadata", {}).get("kernelspec", {}).get("name") == "python3", (
        "kernelspec must be python3, or JupyterLab opens a 'Select Kernel' dialog"
    )
    assert "widgets" not in nb["metadata"], "saved widget state: strip it (nbstripout)"
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert code, "a notebook with no code cell"
    for i, cell in enumerate(code):
        assert cell.get("outputs") == [], f"code cell {i} has outputs: strip the notebook (nbstripout)"
        assert cell.get("execution_count") is None, f"code cell {i} has an execution count: strip it"
    first = "".join(code[0]["source"])
    assert re.search(r"\bsetup_altair\(", first), (
        "the first code cell must call driftlab.charts.setup_altair()"
    )


def test_readme_lists_every_notebook_and_its_binder_links_resolve() -> None:
    """Every notebook is in the README; every Binder badge opens a notebook that exists."""
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"{path.name} is missing from README.md"
    badges = re.findall(r"mybinder\.org/v2/gh/[^)\s]*[?&]urlpath=(?:lab|doc)/tree/([^)&\s]+)", readme)
    assert badges, "README.md has no Binder badge"
    if not NOTEBOOKS:
        pytest.skip("no notebooks yet")
    for target in badges:
        assert (ROOT / target).is_file(), f"a Binder badge in README.md opens {target}, which does not exist"


# --------------------------------------------------------------------------- (e) Binder environment


def test_repo2docker_dockerfile_uses_python_311_the_lock_and_postbuild() -> None:
    """repo2docker prints the Dockerfile Binder would build; no Docker engine or network needed."""
    repo2docker = shutil.which("repo2docker", path=str(VENV_BIN)) or shutil.which("repo2docker")
    if repo2docker is None:
        pytest.fail("repo2docker not installed: it is in requirements-dev.txt; run `make venv`")
    proc = subprocess.run(
        [repo2docker, "--no-build", "--no-run", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    log, dockerfile = proc.stderr, proc.stdout
    assert "Building conda environment for python=3.11" in log, log
    pip_lock = dockerfile.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    copy_src = dockerfile.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    postbuild = dockerfile.index("RUN ./binder/postBuild")
    # the dependency layer comes before the repository copy, so it is cached across commits
    assert pip_lock < copy_src < postbuild


# The environment replay itself (a clean venv from binder/requirements.txt + binder/postBuild alone, its checks,
# then every notebook executed in it) is `make binder-check` (tools/binder_check.py), which .ci/run runs after
# `make test`; its notebook runner (tools/nbexec.py, also used by `make bench`) is tested here.


def _nbexec() -> Any:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import nbexec
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return nbexec


def _notebook(path: Path, *sources: str) -> Path:
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"c{i}",
            "metadata": {},
            "outputs": [],
            "source": source,
        }
        for i, source in enumerate(sources)
    ]
    path.write_text(
        json.dumps(
            {
                "cells": cells,
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {
                    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
                },
            }
        )
    )
    return path


@pytest.mark.slow
def test_nbexec_runs_notebooks_in_the_given_environment_and_fails_on_a_cell_error(tmp_path: Path) -> None:
    nbexec = _nbexec()
    good = _notebook(
        tmp_path / "good.ipynb", "import os, sys\nprint(sys.prefix, os.environ['DRIFTLAB_ALTAIR'])"
    )
    bad = _notebook(tmp_path / "bad.ipynb", "x = 1", "assert x == 2, 'the stated number is wrong'", "y = 3")
    runs = nbexec.execute([good, bad], jupyter=VENV_BIN / "jupyter", out_dir=tmp_path / "out", jobs=2)
    assert [run.notebook for run in runs] == [good, bad]
    assert runs[0].ok, runs[0].log
    executed = json.loads((tmp_path / "out" / "good.ipynb").read_text())
    printed = "".join(executed["cells"][0]["outputs"][0]["text"]).split()
    assert printed == [sys.prefix, "svg"], "the kernel must be this environment's, with static SVG charts"
    assert not runs[1].ok and "the stated number is wrong" in runs[1].log
    assert json.loads(bad.read_text())["cells"][0]["outputs"] == [], (
        "the stored notebook must stay unexecuted"
    )
    # one worker runs its notebooks one after another: a failure does not stop the next one
    runs = nbexec.execute([bad, good], jupyter=VENV_BIN / "jupyter", out_dir=tmp_path / "one", jobs=1)
    assert [run.ok for run in runs] == [False, True], [run.log for run in runs]


def test_ci_runs_binder_check_after_make_test() -> None:
    text = (ROOT / ".ci" / "run").read_text()
    test, binder = (
        re.search(r"^make .*\btest$", text, re.M),
        re.search(r"^make .*\bbinder-check$", text, re.M),
    )
    assert test and binder and test.start() < binder.start()
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^binder-check: venv\n\t\$\(BIN\)/python tools/binder_check.py$", makefile, re.M)
    recipe = re.search(r"^test: venv\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe and "ui" in recipe[1].split(), "make test runs the browser tests (make ui)"


# --------------------------------------------------------------------------- (f) Altair setup


@pytest.fixture
def altair_renderer() -> Iterator[Any]:
    alt = pytest.importorskip("altair")
    before = alt.renderers.active
    yield alt
    alt.renderers.enable(before)


@pytest.mark.parametrize(("mode", "renderer"), [("svg", "svg"), ("widget", "jupyter"), ("html", "html")])
def test_setup_altair_switches_renderer(altair_renderer: Any, mode: str, renderer: str) -> None:
    from driftlab.charts import setup_altair

    assert setup_altair(mode) == mode
    assert altair_renderer.renderers.active == renderer


def test_setup_altair_reads_environment(altair_renderer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from driftlab.charts import setup_altair

    monkeypatch.setenv("DRIFTLAB_ALTAIR", "svg")
    assert setup_altair() == "svg"
    assert altair_renderer.renderers.active == "svg"


@pytest.mark.parametrize("bad", ["png", "mimetype", "", "SVG"])
def test_setup_altair_rejects_unknown_mode(bad: str) -> None:
    from driftlab.charts import setup_altair

    with pytest.raises(ValueError, match=r"mode.*'widget', 'svg', 'html'"):
        setup_altair(bad)


def test_import_driftlab_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, driftlab, driftlab.charts\n"
        "heavy = sorted({'altair', 'sympy', 'pandas', 'ipywidgets', 'vl_convert'} & set(sys.modules))\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "", f"import driftlab loads {out.strip()}; import them inside functions"
