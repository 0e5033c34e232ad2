"""Plumbing for driving a golab kernel with jupyter_client."""

import contextlib
import queue
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
