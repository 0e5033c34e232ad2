"""The README's first command, as a newcomer runs it on a machine with Go
and Python but no Jupyter (as root in CI, where Jupyter refuses to start
without --allow-root): JupyterLab comes up with the Go kernel, serves the
lessons, and a cell runs in that kernel through the server's websocket."""

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
import uuid

from tornado.websocket import websocket_connect

from conftest import ROOT

# pip installs JupyterLab into a new environment: allow for a slow index.
STARTUP_BOUND = 600


def readme_commands():
    """The shell blocks of the README, in order."""
    return re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


async def run_cell(port, token, kernel_id, code):
    ws = await websocket_connect(f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}")
    try:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "username": "newcomer", "session": uuid.uuid4().hex, "msg_type": "execute_request",
                  "version": "5.3", "date": "2026-12-07T00:00:00.000000Z"}
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
        await ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}))
        # The reply (shell) and the result (iopub) come on two channels, in
        # either order: the cell is done when both the reply and iopub's idle
        # have come.
        result, status, idle = None, None, False
        while status is None or not idle:
            raw = await asyncio.wait_for(ws.read_message(), 60)
            assert raw is not None, "the server closed the kernel's websocket"
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "execute_result":
                result = m["content"]["data"]["text/plain"]
            elif m["msg_type"] == "execute_reply":
                status = m["content"]["status"]
            elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                idle = True
        return status, result
    finally:
        ws.close()


def test_the_first_command_opens_the_lessons_in_jupyterlab(tmp_path):
    first = readme_commands()[0].strip()
    assert first == "./scripts/lab", "the README's first command changed: update this test with it"
    port, token = free_port(), uuid.uuid4().hex
    env = dict(os.environ, GOLAB_LAB_VENV=str(tmp_path / "venv"),
               # Nothing of the user's Jupyter: the kernel must come from what the command installed.
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_PATH="", BROWSER="true")
    env.pop("VIRTUAL_ENV", None)
    log = open(tmp_path / "lab.log", "w+")
    lab = subprocess.Popen(["sh", "-c", f"{first} --no-browser --port={port} --ServerApp.token={token}"], cwd=ROOT, env=env,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def said():
        log.flush()
        return (tmp_path / "lab.log").read_text()[-4000:]

    try:
        deadline = time.time() + STARTUP_BOUND
        while True:
            assert lab.poll() is None, f"the first command exited ({lab.returncode}):\n{said()}"
            assert time.time() < deadline, f"JupyterLab did not answer within {STARTUP_BOUND} s:\n{said()}"
            try:
                get(f"http://127.0.0.1:{port}/api/status?token={token}")
                break
            except OSError:
                time.sleep(1)
        specs = get(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}")["kernelspecs"]
        assert "golab" in specs, f"no golab kernel among {list(specs)}"
        assert specs["golab"]["spec"]["language"] == "go"
        # Started on a notebook, the server serves that notebook's directory.
        lesson = get(f"http://127.0.0.1:{port}/api/contents/index.ipynb?token={token}")
        assert lesson["type"] == "notebook" and lesson["content"]["metadata"]["kernelspec"]["name"] == "golab"
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/kernels?token={token}", data=json.dumps({"name": "golab"}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            kernel_id = json.loads(r.read())["id"]
        status, result = asyncio.run(run_cell(port, token, kernel_id, 'import "fmt"\nfmt.Sprint(40 + 2)'))
        assert (status, result) == ("ok", '"42"'), f"{status}, {result}\n{said()}"
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait(10)
        log.close()

