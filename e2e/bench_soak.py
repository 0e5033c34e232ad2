"""Soak benchmark: 3,000 cells that each start 50 goroutines and show a
value, through jupyter_client against the real kernel. Prints the curve of
the worker's resident memory every 300 cells, then the supervisor's and the
worker's resident memory, open file descriptors and threads, and the
worker's goroutines, before and after, and fails if any grows without bound
(memory more than 3x, or fds/goroutines by more than 20).

Run: .venv/bin/python e2e/bench_soak.py [CELLS]  (needs the kernelspec
installed, as scripts/test does)."""

import os
import sys
import time

import psutil

sys.path.insert(0, os.path.dirname(__file__))
from kernel_helpers import execute, kernel, of_type  # noqa: E402

CELLS = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
GOROUTINES = 50

CELL = f"""var wg sync.WaitGroup
var mu sync.Mutex
total := 0
for g := 0; g < {GOROUTINES}; g++ {{
	wg.Add(1)
	go func() {{
		defer wg.Done()
		mu.Lock()
		total++
		mu.Unlock()
	}}()
}}
wg.Wait()
total"""


def snapshot(km, kc):
    sup = psutil.Process(km.provisioner.process.pid)
    workers = sup.children(recursive=True)
    _, msgs = execute(kc, "runtime.NumGoroutine()")
    goroutines = int(of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"])
    row = {"supervisor RSS MiB": sup.memory_info().rss / 2**20, "supervisor fds": sup.num_fds(), "supervisor threads": sup.num_threads()}
    row["worker RSS MiB"] = sum(w.memory_info().rss for w in workers) / 2**20
    row["worker fds"] = sum(w.num_fds() for w in workers)
    row["worker threads"] = sum(w.num_threads() for w in workers)
    row["worker goroutines"] = goroutines
    return row


def main():
    with kernel() as (km, kc):
        execute(kc, 'import (\n\t"runtime"\n\t"sync"\n)')
        before = snapshot(km, kc)
        start = time.time()
        worker = [p for p in psutil.Process(km.provisioner.process.pid).children(recursive=True)][0]
        print(f"soak curve: worker RSS every {CELLS // 10} cells")
        for i in range(CELLS):
            if i % (CELLS // 10) == 0:
                print(f"  {i:5d} cells  {worker.memory_info().rss / 2**20:6.1f} MiB  {time.time() - start:6.1f} s", flush=True)
            reply, msgs = execute(kc, CELL, timeout=60)
            results = of_type(msgs, "execute_result")
            got = results[0]["content"]["data"]["text/plain"] if results else reply.get("evalue")
            if reply["status"] != "ok" or got != str(GOROUTINES):
                sys.exit(f"cell {i}: {reply['status']} {got}")
        took = time.time() - start
        time.sleep(0.5)
        after = snapshot(km, kc)
    print(f"soak: {CELLS} cells x {GOROUTINES} goroutines in {took:.1f} s ({took / CELLS * 1000:.1f} ms per cell)")
    print(f"{'':22} {'before':>9} {'after':>9} {'ratio':>7}")
    bad = []
    for k in before:
        ratio = after[k] / before[k] if before[k] else float("inf")
        print(f"{k:22} {before[k]:9.1f} {after[k]:9.1f} {ratio:7.2f}")
        if "MiB" in k and ratio > 3:
            bad.append(k)
        if "MiB" not in k and "threads" not in k and after[k] - before[k] > 20:
            bad.append(k)
    if bad:
        sys.exit(f"unbounded growth: {', '.join(bad)}")


if __name__ == "__main__":
    main()
