"""Plumbing for driving a golab kernel with jupyter_client."""

import contextlib
import json
import os
import pathlib
import queue
import shutil
import time

import jupyter_client


@contextlib.contextmanager
def kernel(name="golab", **kw):
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name=name, startup_timeout=60, **kw)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def collect(kc, msg_id, timeout=30):
    """Read iopub until the kernel is idle for msg_id; return (msgs, times)."""
    msgs, times = [], []
    deadline = time.time() + timeout
    while True:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise TimeoutError(f"no idle for {msg_id} within {timeout}s; got {[m['msg_type'] for m in msgs]}")
        try:
            msg = kc.get_iopub_msg(timeout=remaining)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(msg)
        times.append(time.time())
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return msgs, times


def execute(kc, code, timeout=30, **kw):
    """Run a cell; return (reply content, iopub messages)."""
    msg_id = kc.execute(code, **kw)
    msgs, _ = collect(kc, msg_id, timeout)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], msgs


def stream_text(msgs, name="stdout"):
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def of_type(msgs, msg_type):
    return [m for m in msgs if m["msg_type"] == msg_type]


def one_cpu_kernel(name="golab-one-cpu"):
    """A kernelspec beside the golab one that starts the kernel under taskset -c 0
    (so Go sets GOMAXPROCS=1), as a 1-CPU hub pod runs it; returns its name."""
    if shutil.which("taskset") is None:
        raise AssertionError("taskset (util-linux) is needed to pin a kernel to one CPU")
    for base in os.environ["JUPYTER_PATH"].split(os.pathsep):
        spec = pathlib.Path(base) / "kernels" / "golab" / "kernel.json"
        if spec.exists():
            data = json.loads(spec.read_text())
            data["argv"] = ["taskset", "-c", "0"] + data["argv"]
            data["display_name"] = "Go (golab, one CPU)"
            target = spec.parent.parent / name
            target.mkdir(exist_ok=True)
            (target / "kernel.json").write_text(json.dumps(data))
            return name
    raise AssertionError("no golab kernelspec on JUPYTER_PATH")


def streams_for(kc, seconds):
    """Every stream message on iopub for the next seconds, whatever its parent:
    [(seconds since the call, text)]."""
    seen = []
    start = time.time()
    while time.time() - start < seconds:
        try:
            msg = kc.get_iopub_msg(timeout=0.1)
        except queue.Empty:
            continue
        if msg["msg_type"] == "stream":
            seen.append((time.time() - start, msg["content"]["text"]))
    return seen
