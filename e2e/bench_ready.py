"""Kernel-ready benchmark: start the real golab kernel through jupyter_client
(KernelManager.start_kernel, then wait_for_ready) 9 times and print the
median, with ipykernel's beside it when installed, as a ratio.

Run: JUPYTER_PATH=... .venv/bin/python e2e/bench_ready.py"""

import statistics
import sys
import time

import jupyter_client


def ready(name, runs=9):
    times = []
    for _ in range(runs):
        start = time.time()
        km = jupyter_client.KernelManager(kernel_name=name)
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        times.append(time.time() - start)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return statistics.median(times)


def main():
    golab = ready("golab")
    line = f"kernel ready through jupyter_client: golab {golab * 1000:.0f} ms (median of 9)"
    try:
        import ipykernel  # noqa: F401
        py = ready("python3")
        line += f", ipykernel {py * 1000:.0f} ms, ratio {golab / py:.2f}"
    except ImportError:
        pass
    print(line)


if __name__ == "__main__":
    sys.exit(main())
