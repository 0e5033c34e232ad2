"""The Binder/JupyterHub image, built from the unchanged Dockerfile by
scripts/build-image, run for real: JupyterLab starts inside it as jovyan
(UID 1000) the way repo2docker and JupyterHub start it (their own command,
a token, a port, the notebooks in the home folder), then a Jupyter client
runs cells through the server (%check PASS, %race), the browser test runs
against it, and the Binder specifics are checked inside. It prints the cold
start: container start → JupyterLab answers → first cell result.

Runs when GOLAB_IMAGE names a built image (scripts/test builds one when
GOLAB_TEST_IMAGE=1, as CI sets)."""

import json
import os
import pathlib
import socket
import subprocess
import time
import urllib.request
import uuid

import psutil
import pytest
import websocket  # websocket-client, a dependency of jupyter_server

from test_browser import ARTIFACTS, BROWSER_DIR, CHROMIUM, drive

IMAGE = os.environ.get("GOLAB_IMAGE", "")
STORE = os.environ.get("GOLAB_IMAGE_STORE", "/var/tmp/golab-images")
ROOT = pathlib.Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not IMAGE, reason="no image built (GOLAB_TEST_IMAGE=1 ./scripts/test builds one)")


def buildah(*args, **kw):
    return subprocess.run(["buildah", "--root", f"{STORE}/root", "--runroot", f"{STORE}/run", "--storage-driver", "vfs", *args],
                          capture_output=True, text=True, **kw)


def in_container(ctr, *cmd, user="1000:1000"):
    r = buildah("run", "--isolation", "chroot", "--user", user, ctr, "--", *cmd, timeout=120)
    assert r.returncode == 0, f"{cmd}: {r.stdout}\n{r.stderr}"
    return r.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerKernel:
    """A kernel started through the Jupyter server's REST API, driven over
    its websocket, as JupyterLab drives it."""

    def __init__(self, base, token):
        req = urllib.request.Request(f"{base}/api/kernels?token={token}", data=b'{"name": "golab"}', method="POST",
                                     headers={"Content-Type": "application/json"})
        self.id = json.load(urllib.request.urlopen(req, timeout=60))["id"]
        ws_url = base.replace("http", "ws") + f"/api/kernels/{self.id}/channels?token={token}"
        self.ws = websocket.create_connection(ws_url, timeout=120)
        self.session = uuid.uuid4().hex

    def execute(self, code, timeout=120):
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session, "username": "test",
                       "date": "2026-01-01T00:00:00.000Z", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": False},
        }))
        outputs, reply, idle = [], None, False
        deadline = time.time() + timeout
        while not (reply and idle):
            assert time.time() < deadline, f"no reply for {code[:40]!r}"
            m = json.loads(self.ws.recv())
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "execute_reply":
                reply = m["content"]
            elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                idle = True
            elif m["channel"] == "iopub":
                outputs.append(m)
        return reply, outputs


@pytest.fixture(scope="module")
def container():
    r = buildah("from", "--pull=never", IMAGE)
    assert r.returncode == 0, r.stderr
    ctr = r.stdout.strip()
    port, token = free_port(), uuid.uuid4().hex
    # Render every cell in the browser test (JupyterLab leaves cells out of view out of the page).
    in_container(ctr, "sh", "-c", "mkdir -p $HOME/.golab-test/@jupyterlab/notebook-extension && "
                 "echo '{\"windowingMode\": \"none\"}' > $HOME/.golab-test/@jupyterlab/notebook-extension/tracker.jupyterlab-settings")
    started = time.time()
    # As repo2docker starts it: its own command line, a token, a port.
    proc = subprocess.Popen(
        ["buildah", "--root", f"{STORE}/root", "--runroot", f"{STORE}/run", "--storage-driver", "vfs", "run", "--isolation", "chroot",
         "--user", "1000:1000", "--env", "JUPYTERLAB_SETTINGS_DIR=/home/jovyan/.golab-test", ctr, "--",
         "jupyter", "lab", "--ip=127.0.0.1", f"--port={port}", "--no-browser", f"--IdentityProvider.token={token}",
         "--ServerApp.root_dir=/home/jovyan", "--LabApp.news_url=", "--ServerApp.port_retries=0",
         "--LabApp.expose_app_in_browser=True"],  # the browser driver uses window.jupyterapp
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() - started > 120:
                proc.kill()
                pytest.fail("JupyterLab did not start in the image:\n" + (proc.stdout.read() if proc.stdout else ""))
            time.sleep(0.2)
    answered = time.time()
    kernel = ServerKernel(base, token)
    reply, outputs = kernel.execute("1 + 1")
    first = time.time()
    assert reply["status"] == "ok"
    print(f"\ncold start in the image: JupyterLab answered {answered - started:.1f} s after the container started; "
          f"first cell result {first - started:.1f} s after")
    yield ctr, base, token, kernel, proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    buildah("rm", ctr)


def test_jupyterlab_runs_as_jovyan_and_nothing_as_root(container):
    ctr, base, token, kernel, proc = container
    server = [p for p in psutil.process_iter(["cmdline", "uids"]) if "--IdentityProvider.token=" + token in " ".join(p.info["cmdline"] or [])
              and "jupyter-lab" in " ".join(p.info["cmdline"] or [])]
    assert server, "the JupyterLab process was not found"
    family = server + server[0].children(recursive=True)
    assert {p.uids().real for p in family} == {1000}, [(p.pid, p.uids().real, p.cmdline()[:2]) for p in family]
    assert any("golab" in " ".join(p.cmdline()) for p in family), "no golab kernel runs under JupyterLab"


def test_check_and_race_work_in_the_image(container):
    ctr, base, token, kernel, proc = container
    nb = json.loads((ROOT / "notebooks" / "solutions" / "02-goroutines.ipynb").read_text())
    for c in nb["cells"]:
        if c["cell_type"] == "code" and "raises-exception" not in c["metadata"].get("tags", []):
            reply, outputs = kernel.execute("".join(c["source"]))
            assert reply["status"] == "ok", reply
            if "check" in c["metadata"].get("tags", []):
                texts = [o["content"]["data"].get("text/plain", "") for o in outputs if o["msg_type"] == "display_data"]
                assert any(t.startswith("PASS") for t in texts), texts
    racy = '%race\nimport "sync"\nvar wg sync.WaitGroup\nn := 0\nfor i := 0; i < 2; i++ {\n\twg.Add(1)\n\tgo func() { defer wg.Done(); n++ }()\n}\nwg.Wait()'
    reply, outputs = kernel.execute(racy, timeout=300)
    assert reply["status"] == "error" and reply["ename"] == "data race", reply


def test_compile_builds_a_plugin_in_the_image(container):
    """golab in the image is built with cgo and the standard library for
    plugins is in the build cache: a %compile cell (a function the cache of
    plugins has never seen) is built and bound, not interpreted, and its
    build time is printed (0.3 s on this machine's idle warm cache; a cold
    one takes 5 to 6 s, so a bound of 4 s tells them apart)."""
    ctr, base, token, kernel, proc = container
    src = f"%compile\nfunc imageSum{uuid.uuid4().hex[:8]}(xs []int) int {{\n\ts := 0\n\tfor _, x := range xs {{\n\t\ts += x\n\t}}\n\treturn s\n}}\n"
    started = time.time()
    reply, outputs = kernel.execute(src, timeout=120)
    took = time.time() - started
    assert reply["status"] == "ok", reply
    shown = [o["content"]["data"]["text/plain"] for o in outputs if o["msg_type"] in ("display_data", "update_display_data")]
    notes = [t for t in shown if "compiled by go build in" in t]
    assert notes, (shown, [o["content"] for o in outputs if o["msg_type"] == "stream"])
    print(f"\nin the image, a first %compile cell: {notes[0]} ({took:.2f} s to the reply)")
    assert took < 4, f"the first %compile took {took:.1f} s: the plugin build cache is not warm"


def test_binder_specifics(container):
    ctr = container[0]
    assert in_container(ctr, "id", "-u").strip() == "1000"
    assert in_container(ctr, "sh", "-c", "touch $HOME/written && echo $HOME").strip() == "/home/jovyan"
    env = in_container(ctr, "go", "env", "GOPATH", "GOCACHE").split()
    assert all(p.startswith("/home/jovyan/") for p in env), env
    assert "golab" in in_container(ctr, "jupyter", "kernelspec", "list")
    # No build leftovers: the build stage's sources and module cache, pip's
    # cache, the setup script. (/root keeps Debian's .bashrc and .profile;
    # /tmp holds the running kernel's private directory.)
    leftovers = in_container(ctr, "sh", "-c", "ls -A /root /tmp; ls -d /go /src /root/.cache /home/jovyan/.cache/pip /tmp/golab-setup 2>/dev/null || true", user="0:0").split()
    leftovers = [f for f in leftovers if f not in ("/root:", ".bashrc", ".profile", "/tmp:") and not f.startswith("golab-kernel-")]
    assert leftovers == [], f"left in the image: {leftovers}"
    secrets = in_container(ctr, "sh", "-c", "ls -d /root/.ssh /root/.netrc /home/jovyan/.ssh /home/jovyan/.netrc /root/.docker 2>/dev/null || true", user="0:0")
    assert secrets.split() == [], secrets
    assert in_container(ctr, "sh", "-c", "ls $HOME/notebooks").split().count("index.ipynb") == 1


HELPERS_PROGRAM = ('package main\n\nimport (\n\t"fmt"\n\t"golab/display"\n\t"golab/race"\n)\n\n'
                   'func main() {\n\tfmt.Println("before")\n\tdisplay.HTML("<b>from a compiled program</b>")\n'
                   '\tfmt.Println(race.Histogram(3, func() int { return 1 }) != nil)\n}\n')


def test_whole_programs_with_helpers_build_in_the_image_without_network(container):
    """The image holds the helpers' dependencies and has them compiled: a
    whole program that imports golab/race (gonum/plot) builds with the
    module proxy switched off, and its display output reaches the notebook."""
    ctr, base, token, kernel, proc = container
    reply, outputs = kernel.execute(HELPERS_PROGRAM, timeout=300)
    assert reply["status"] == "ok", reply
    shown = [o["content"]["data"] for o in outputs if o["msg_type"] in ("display_data", "update_display_data")]
    assert any(d.get("text/html") == "<b>from a compiled program</b>" for d in shown), shown
    notes = [d["text/plain"] for d in shown if "compiled by go build" in d.get("text/plain", "")]
    assert notes, shown
    print(f"\nin the image, a whole program importing golab/race: {notes[0]}")
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": HELPERS_PROGRAM, "outputs": [], "execution_count": None}],
          "metadata": {"kernelspec": {"name": "golab", "display_name": "Go (golab)", "language": "go"}}, "nbformat": 4, "nbformat_minor": 5}
    work = in_container(ctr, "mktemp", "-d").strip()
    try:
        in_container(ctr, "python3", "-c", "import sys; open(sys.argv[1], 'w').write(sys.argv[2])", f"{work}/h.ipynb", json.dumps(nb))
        in_container(ctr, "env", "GOPROXY=off", "golab", "run", f"{work}/h.ipynb", "-o", f"{work}/out.ipynb")
        out = json.loads(in_container(ctr, "cat", f"{work}/out.ipynb"))
        texts = ["".join(o.get("text", "")) for o in out["cells"][0]["outputs"] if o["output_type"] == "stream"]
        assert "".join(texts) == "before\ntrue\n", out["cells"][0]["outputs"]
    finally:
        in_container(ctr, "rm", "-rf", work)


def test_browser_against_the_image(container):
    ctr, base, token, kernel, proc = container
    if not pathlib.Path(CHROMIUM).exists() or not (BROWSER_DIR / "node_modules" / "playwright-core").exists():
        pytest.skip("no Chromium or playwright-core for the browser test")
    drive(base, token, "notebooks/08-pipelines.ipynb", ARTIFACTS.parent / "artifacts-image", index="notebooks/index.ipynb")
