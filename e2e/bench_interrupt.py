"""Interrupt benchmark: how long a learner waits after pressing interrupt.

Through jupyter_client, each kernel runs an endless loop (golab: `for {}`,
and the same loop in ten goroutines; ipykernel: `while True: pass`), the
benchmark waits 0.2 s, sends interrupt_request on the control channel, and
times until IOPub says the kernel is idle again. Each case runs 20 times;
the median and the slowest are printed, golab beside ipykernel in the same
run. A value set before the loops is read after each, and golab's worker
PID is compared, so a fast answer that lost the notebook's state (or
restarted the worker) is not counted as a fast interrupt: the benchmark
fails on it.

Run: JUPYTER_PATH=... .venv/bin/python e2e/bench_interrupt.py"""

import statistics
import sys
import time

import jupyter_client

RUNS = 20


def wait_state(kc, msg_id, state, timeout=30):
    """Return the time IOPub says the kernel is in state ("busy", "idle")
    for the request msg_id."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=deadline - time.time())
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == state):
            return time.time()
    raise TimeoutError(f"no {state} for {msg_id} within {timeout} s")


def run_quiet(kc, code):
    """Run code to its end; fail if it fails."""
    reply = kc.execute_interactive(code, timeout=60, output_hook=lambda m: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    return reply


def interrupts(name, setup, loop, check, expect, ident=None):
    """Seconds from interrupt_request to idle, RUNS times."""
    km = jupyter_client.KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        run_quiet(kc, setup)
        first = ident(kc) if ident else None
        times = []
        for _ in range(RUNS):
            msg_id = kc.execute(loop)
            wait_state(kc, msg_id, "busy")
            time.sleep(0.2)
            start = time.time()
            km.interrupt_kernel()
            times.append(wait_state(kc, msg_id, "idle") - start)
            kc.get_shell_msg(timeout=30)
            got = []
            kc.execute_interactive(check, timeout=60, output_hook=lambda m: got.append(m))
            text = "".join(m["content"].get("text", "") for m in got if m["msg_type"] == "stream")
            if expect not in text:
                raise RuntimeError(f"{name}: after the interrupt {check!r} printed {text!r}, want {expect!r}")
            if ident and ident(kc) != first:
                raise RuntimeError(f"{name}: the interrupt replaced the worker")
        return times
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def golab_worker_pid(kc):
    got = []
    kc.execute_interactive('import "os"\nfmt.Println("pid", os.Getpid())', timeout=60,
                           output_hook=lambda m: got.append(m))
    return "".join(m["content"].get("text", "") for m in got if m["msg_type"] == "stream")


def show(label, times):
    ms = sorted(t * 1000 for t in times)
    return f"{label}: median {statistics.median(ms):.1f} ms, slowest {ms[-1]:.1f} ms"


def main():
    loop = interrupts("golab", 'x := 42\nimport "fmt"', "for {}", "fmt.Println(x)", "42",
                      ident=golab_worker_pid)
    spin = interrupts("golab", 'y := 7\nimport "fmt"',
                      "for i := 0; i < 10; i++ { go func() { for {} }() }\nfor {}", "fmt.Println(y)", "7",
                      ident=golab_worker_pid)
    lines = [show("golab, for {}", loop), show("golab, for {} in 11 goroutines", spin)]
    try:
        import ipykernel  # noqa: F401
        py = interrupts("python3", "x = 42", "while True: pass", "print(x)", "42")
        lines.append(show("ipykernel, while True: pass", py))
        lines.append(f"ratio of medians (golab for {{}} / ipykernel): "
                     f"{statistics.median(loop) / statistics.median(py):.2f}")
    except ImportError:
        pass
    print(f"interrupt to idle through jupyter_client, {RUNS} runs each, variables and worker kept:")
    for line in lines:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
