"""Kernel-ready benchmark: start the real golab kernel through jupyter_client
(KernelManager.start_kernel, then wait_for_ready) 9 times and print the
median, with ipykernel's beside it when installed, as a ratio.

wait_for_ready (jupyter_client 8.10) ends by reading IOPub until it has been
quiet for 0.2 s, so no kernel is ready through it in less than about 200 ms.
The benchmark also prints what the kernel controls: the time from start to
the first kernel_info_reply on the shell channel.

Run: JUPYTER_PATH=... .venv/bin/python e2e/bench_ready.py"""

import statistics
import sys
import time

import jupyter_client


def ready(name, runs=9):
    """Median seconds to wait_for_ready, and to the first kernel_info_reply."""
    times, replies = [], []
    for _ in range(runs):
        start = time.time()
        km = jupyter_client.KernelManager(kernel_name=name)
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.kernel_info()
        kc.get_shell_msg(timeout=60)
        replies.append(time.time() - start)
        kc.wait_for_ready(timeout=60)
        times.append(time.time() - start)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return statistics.median(times), statistics.median(replies)


def main():
    golab, golab_reply = ready("golab")
    line = f"kernel ready through jupyter_client: golab {golab * 1000:.0f} ms (median of 9)"
    reply_line = f"start to the first kernel_info_reply: golab {golab_reply * 1000:.0f} ms"
    try:
        import ipykernel  # noqa: F401
        py, py_reply = ready("python3")
        line += f", ipykernel {py * 1000:.0f} ms, ratio {golab / py:.2f}"
        reply_line += f", ipykernel {py_reply * 1000:.0f} ms, ratio {golab_reply / py_reply:.2f}"
    except ImportError:
        pass
    print(line + " (wait_for_ready waits for 0.2 s of IOPub quiet: about 200 ms at best)")
    print(reply_line)


if __name__ == "__main__":
    sys.exit(main())
