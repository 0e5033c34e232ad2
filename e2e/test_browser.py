"""JupyterLab 4 in headless Chromium (Debian's), driven by Playwright:
open a lesson, run all cells, streamed output and an SVG timeline,
interrupt, restart, completion and inspect. Screenshots are saved in
e2e/browser/artifacts/."""

import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

HERE = pathlib.Path(__file__).parent
BROWSER_DIR = HERE / "browser"
ARTIFACTS = BROWSER_DIR / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
LESSON = HERE.parent / "notebooks" / "08-pipelines.ipynb"


def _missing():
    if not pathlib.Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium)"
    if not shutil.which("node"):
        return "node is not installed"
    if not (BROWSER_DIR / "node_modules" / "playwright-core").exists():
        return "playwright-core is not installed (npm ci in e2e/browser)"
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        return "jupyterlab is not installed in the test environment"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    missing = _missing()
    if missing:
        if os.environ.get("GOLAB_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(LESSON, root / LESSON.name)
    # Render every cell (JupyterLab leaves cells out of view out of the page
    # by default), so that the test can find any output.
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port, token = _free_port(), "golab-browser-test"
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", "--allow-root", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--ServerApp.ip=127.0.0.1"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
             "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")})
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                log.close()
                pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-3000:])
            time.sleep(0.5)
    yield base, token, LESSON.name
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def drive(base, token, notebook, artifacts, index=None):
    """Runs the browser session against a JupyterLab and asserts each step
    (opening the index notebook first, when given)."""
    shutil.rmtree(artifacts, ignore_errors=True)
    env = {**os.environ, "CHROMIUM": CHROMIUM}
    if index:
        env["DRIVE_INDEX"] = index
    result = subprocess.run(["node", str(BROWSER_DIR / "drive.mjs"), base, token, notebook, str(artifacts)],
                            capture_output=True, text=True, timeout=300, env=env)
    print(result.stdout, result.stderr)
    steps = [line for line in result.stdout.splitlines() if line.startswith(("ok ", "FAILED "))]
    assert result.returncode == 0, "\n".join(steps) + "\n" + result.stderr[-2000:]
    names = ["open-lesson", "run-all-cells", "streamed-output-and-interrupt", "restart", "completion", "inspect"]
    for name in (["open-index"] if index else []) + names:
        assert any(name in s and s.startswith("ok ") for s in steps), (name, steps)
        assert any(p.name.endswith(name + ".png") for p in artifacts.iterdir()), name


def test_jupyterlab_session_in_chromium(lab):
    base, token, notebook = lab
    drive(base, token, notebook, ARTIFACTS)
