"""A real JupyterLab in a real browser, offline: the path a user on Binder or in their own lab takes.

The test starts JupyterLab from this venv on 127.0.0.1 (a free port, no token or password, the notebooks copied
to a scratch folder so the stored ones stay stripped), and drives Debian's Chromium (``/usr/bin/chromium``,
headless, background networking off, a fresh profile) with Python Playwright. For the IMF notebook
(``03-imf-margin``) and the AMM notebook (``01-amm-curves``), whichever exist, it:

1. opens the notebook and runs every cell (``runmenu:run-all`` through ``window.jupyterapp``);
2. waits for every chart to render (``.vega-embed`` with an SVG or canvas: Altair's ``JupyterChart`` with the
   vega JavaScript bundled by vl-convert), and asserts no error output (no stderr, no traceback, no widget or
   script-loading error);
3. finds the notebook's main widget (the first output holding both a slider and a chart), focuses a slider
   handle and presses ArrowRight five times, and asserts the rendered chart changed, the panel shows no error
   and the kernel is still alive;
4. saves a screenshot to ``build/ui/<notebook>.png`` and shuts the kernel down (``DELETE /api/kernels/<id>``).

Offline: every request the browser makes is routed through the test; anything not on the loopback interface is
aborted and recorded, and the list must be empty. The server is stopped at the end.

Marked ``ui``: plain ``pytest`` deselects it; ``make ui`` (and ``make test``) run it after ``make ui-deps``
installs Chromium. Without ``/usr/bin/chromium`` it skips, saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "build" / "ui"
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

IMF_NOTEBOOK = "03-imf-margin.ipynb"
AMM_NOTEBOOK = "01-amm-curves.ipynb"
TARGETS = [name for name in (IMF_NOTEBOOK, AMM_NOTEBOOK) if (NOTEBOOKS / name).is_file()]

# JupyterLab user settings for the run: no news/update toast in the screenshots, and every cell kept in the DOM
# (JupyterLab 4 can virtualise off-screen cells, which would hide outputs from the selectors below).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

SERVER_START_S = 180  # the machines have 2 cores, often busy with other tests
RUN_ALL_MS = 300_000
RENDER_MS = 120_000
REDRAW_MS = 30_000

# ---------------------------------------------------------------------------------------------- page scripts
NOTEBOOK_READY = """(name) => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.context || !w.context.path.endsWith(name) || !w.content || !w.content.widgets.length) return false;
  const kernel = w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

RUN_ALL = "() => { window.jupyterapp.commands.execute('runmenu:run-all'); return true; }"

# 'error' as soon as an error output appears (run-all stops there), 'done' when every code cell has run
RUN_STATE = """() => {
  if (document.querySelector('.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]')) return 'error';
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = w.content.widgets.filter((c) => c.model.type === 'code');
  return cells.every((c) => c.model.executionCount !== null) && kernel && kernel.status === 'idle' ? 'done' : false;
}"""

KERNEL_STATUS = """() => {
  const s = window.jupyterapp.shell.currentWidget.sessionContext.session;
  return s && s.kernel ? s.kernel.status : 'none';
}"""

ERROR_OUTPUTS = """() => [...document.querySelectorAll(
    '.jp-Notebook [data-mime-type="application/vnd.jupyter.stderr"]')].map((e) => e.innerText.slice(0, 2000))"""

# text of outputs that announce a rendering failure: a CDN script that did not load, Altair's mimetype fallback,
# a widget model the front end could not find
FAILURE_TEXTS = [
    "Error loading script",
    "has not been properly enabled",
    "Error displaying widget",
    "Failed to load model class",
    "Javascript Error",
]
FAILED_RENDERS = """(needles) => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
    .map((e) => e.innerText).filter((t) => needles.some((n) => t.includes(n))).map((t) => t.slice(0, 500))"""

CHARTS_RENDERED = """() => {
  const charts = [...document.querySelectorAll('.jp-Notebook .vega-embed')];
  return charts.length > 0 && charts.every((e) => e.querySelector('svg.marks, canvas.marks')) ? charts.length : 0;
}"""

# the main widget: the first output holding both a slider and a chart
MARK_PANEL = """() => {
  const out = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
    .find((o) => o.querySelector('.noUi-handle') && o.querySelector('.vega-embed svg.marks, .vega-embed canvas.marks'));
  if (!out) return false;
  out.setAttribute('data-ui-test', 'panel');
  out.scrollIntoView({block: 'start'});
  return true;
}"""

# what the chart shows now: the SVG markup, or the canvas pixels
CHART_SNAPSHOT = """() => {
  const marks = document.querySelector('[data-ui-test=panel] .vega-embed svg.marks, '
                                       + '[data-ui-test=panel] .vega-embed canvas.marks');
  if (!marks) return null;
  return marks.tagName.toLowerCase() === 'canvas' ? marks.toDataURL() : marks.outerHTML;
}"""

# a chart other than ``before`` that stayed the same over two polls (a redraw replaces the chart's element)
CHART_CHANGED = (
    """(before) => {
  const now = ("""
    + CHART_SNAPSHOT
    + """)();
  if (!now || now === before) { window.__uiTestLast = null; return false; }
  if (window.__uiTestLast === now) return true;
  window.__uiTestLast = now;
  return false;
}"""
)

PANEL_TEXT = "() => document.querySelector('[data-ui-test=panel]').innerText"

SHUTDOWN_KERNEL = """async (id) => {
  const xsrf = document.cookie.match(/(?:^|;\\s*)_xsrf=([^;]+)/);
  const response = await fetch(`/api/kernels/${id}`, {
    method: 'DELETE', headers: xsrf ? {'X-XSRFToken': decodeURIComponent(xsrf[1])} : {}});
  return response.status;
}"""


# ---------------------------------------------------------------------------------------------- fixtures
@dataclass
class Lab:
    url: str
    home: Path
    log: Path

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:  # noqa: S310 (loopback)
            return json.load(response)


@dataclass
class Browser:
    context: Any
    external: list[str] = field(default_factory=list)


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True  # not a network request
    host = (parts.hostname or "").strip("[]")
    return host in {"localhost", "::1"} or host.startswith("127.")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Debian's Chromium is not installed at {CHROMIUM}, and `make ui-deps` could not install it "
            "(it needs root and apt-get): the browser tests cannot run here"
        )
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make venv`")
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOKS, home / "notebooks")  # the server may autosave: never over the stored notebooks
    settings = home / "settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "JUPYTER_PATH", "DRIFTLAB_ALTAIR"}
    }
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    for var, sub in (
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        (home / sub).mkdir()
        env[var] = str(home / sub)  # the python3 kernel is this venv's; nothing from the user's folders
    port = free_port()
    cmd = [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--PasswordIdentityProvider.hashed_password=",
        f"--ServerApp.root_dir={home}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",
    ]
    log = home / "server.log"
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            cmd, cwd=home, env=env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = Lab(f"http://127.0.0.1:{port}", home, log)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                server.get("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"jupyter lab did not answer in {SERVER_START_S} s:\n{log.read_text()[-4000:]}"
                    )
                time.sleep(0.5)
        yield server
    finally:
        proc.terminate()  # SIGTERM: the server shuts its kernels down and exits
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    from playwright.sync_api import Route, sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data-dir
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1200, "height": 860},
        )
        state = Browser(context)

        def route(route: Route) -> None:
            if is_loopback(route.request.url):
                route.continue_()
            else:
                state.external.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        # requests the router does not see (e.g. from a worker) are still recorded
        context.on(
            "request",
            lambda request: None if is_loopback(request.url) else state.external.append(request.url),
        )
        try:
            yield state
        finally:
            context.close()


# ---------------------------------------------------------------------------------------------- the test
@pytest.mark.skipif(
    not TARGETS, reason=f"neither notebooks/{IMF_NOTEBOOK} nor notebooks/{AMM_NOTEBOOK} exists"
)
@pytest.mark.parametrize("name", TARGETS)
def test_notebook_runs_offline_and_its_widget_redraws(lab: Lab, browser: Browser, name: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    browser.external.clear()
    page = browser.context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    kernel_id = None
    try:
        page.goto(f"{lab.url}/lab/tree/notebooks/{name}?reset", wait_until="domcontentloaded")
        page.wait_for_function(NOTEBOOK_READY, arg=name, timeout=RENDER_MS)
        kernel_id = page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id"
        )

        # 1. run all cells
        page.evaluate(RUN_ALL)
        state = page.wait_for_function(RUN_STATE, timeout=RUN_ALL_MS, polling=500).json_value()
        errors = page.evaluate(ERROR_OUTPUTS)
        assert state == "done" and not errors, f"{name}: error output after run-all:\n" + "\n---\n".join(
            errors
        )

        # 2. every chart rendered, nothing failed to load
        charts = page.wait_for_function(CHARTS_RENDERED, timeout=RENDER_MS, polling=500).json_value()
        assert charts >= 1
        failed = page.evaluate(FAILED_RENDERS, FAILURE_TEXTS)
        assert not failed, f"{name}: outputs that failed to render: {failed}"

        # 3. the main widget: move a slider, the chart redraws
        page.wait_for_function(MARK_PANEL, timeout=RENDER_MS, polling=500)
        handles = page.locator("[data-ui-test=panel] .noUi-handle")
        assert handles.count() >= 1
        before = page.evaluate(CHART_SNAPSHOT)
        assert before, f"{name}: the main widget's chart has no SVG or canvas"
        moved = None
        for i in range(handles.count()):  # the first slider that the keys can move (one at its max cannot)
            handle = handles.nth(i)
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(5):
                page.keyboard.press("ArrowRight")
            try:
                page.wait_for_function(CHART_CHANGED, arg=before, timeout=REDRAW_MS, polling=250)
            except PlaywrightTimeout:
                continue
            moved = i
            break
        assert moved is not None, (
            f"{name}: ArrowRight x5 on {handles.count()} sliders never changed the chart"
        )
        page.wait_for_function("() => (" + KERNEL_STATUS + ")() === 'idle'", timeout=RENDER_MS, polling=250)
        page.wait_for_function(CHART_CHANGED, arg=before, timeout=RENDER_MS, polling=250)
        after = page.evaluate(CHART_SNAPSHOT)
        assert after and after != before
        assert "⚠" not in page.evaluate(PANEL_TEXT), (
            f"{name}: the widget shows an error after the slider moved"
        )
        assert not page.evaluate(ERROR_OUTPUTS), f"{name}: error output after the slider moved"
        assert page.evaluate(KERNEL_STATUS) == "idle", "the kernel did not survive the slider"

        # 4. a picture of it
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate(
            "() => document.querySelector('[data-ui-test=panel]').scrollIntoView({block: 'center'})"
        )
        page.screenshot(path=str(SCREENSHOTS / f"{Path(name).stem}.png"))

        # offline: nothing left the machine, and the charts rendered all the same
        assert browser.external == [], f"requests off the loopback interface: {sorted(set(browser.external))}"
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{Path(name).stem}-failed.png"))
        if js_errors:
            print(f"JavaScript errors on the page: {js_errors}")
        print(f"server log tail:\n{lab.log.read_text()[-3000:]}")
        raise
    finally:
        status = None
        if kernel_id is not None:  # shut the kernel down (re-opened notebooks would re-render stale widgets)
            status = page.evaluate(SHUTDOWN_KERNEL, kernel_id)
        page.close()
    assert status == 204, f"DELETE /api/kernels/{kernel_id} answered {status}"
    assert kernel_id not in {kernel["id"] for kernel in lab.get("/api/kernels")}
