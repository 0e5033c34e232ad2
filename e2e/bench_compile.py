"""%compile benchmark: the same four computations interpreted by golab, run
by golab as %compile'd functions, compiled by go run, and in CPython, in one
run, with the time each takes and its ratio to compiled Go.

The work (issue 31's): fib(27) by recursion, the primes below 200,000 by
trial division, a loop of 10 million additions, and a 200×200 matrix
product. golab's figures are timed inside the cell (time.Now around the
call, best of a few runs), as a learner would time them; the results of all
four ways must agree, or the benchmark fails. It also prints how long the
%compile cell took: built with an empty plugin cache, and bound again from
the cache.

Run: JUPYTER_PATH=... .venv/bin/python e2e/bench_compile.py"""

import os
import pathlib
import subprocess
import sys
import tempfile
import time

import jupyter_client

# Each workload: (label, Go function with NAME for its name, Go call, Python
# function, Python call). NAME is replaced by a suffix per variant, so that
# the interpreted and the compiled versions live side by side in a kernel.
GO_FUNCS = """
func fibNAME(n int) int {
	if n < 2 {
		return n
	}
	return fibNAME(n-1) + fibNAME(n-2)
}

func primesNAME(n int) int {
	count := 0
	for i := 2; i < n; i++ {
		prime := true
		for d := 2; d*d <= i; d++ {
			if i%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			count++
		}
	}
	return count
}

func addsNAME(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i
	}
	return s
}

func matmulNAME(n int) float64 {
	a, b, c := make([][]float64, n), make([][]float64, n), make([][]float64, n)
	for i := range n {
		a[i], b[i], c[i] = make([]float64, n), make([]float64, n), make([]float64, n)
		for j := range n {
			a[i][j], b[i][j] = float64(i+j), float64(i-j)
		}
	}
	for i := range n {
		for k := range n {
			for j := range n {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	s := 0.0
	for i := range n {
		s += c[i][i]
	}
	return s
}
"""

CALLS = [("fib(27)", "fibNAME(27)"), ("primes below 200k", "primesNAME(200000)"),
         ("10M additions", "addsNAME(10000000)"), ("matrix 200×200", "matmulNAME(200)")]

# Go statements that time each call (best of `runs`) and print the
# nanoseconds and the result, one line per workload.
TIMER = """
for _, w := range []func() any{%s} {
	best, res := time.Duration(1<<62), any(nil)
	for r := 0; r < %d; r++ {
		start := time.Now()
		res = w()
		if d := time.Since(start); d < best {
			best = d
		}
	}
	fmt.Println(best.Nanoseconds(), res)
}
"""

PYTHON = """
import time
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def primes(n):
    count = 0
    for i in range(2, n):
        d = 2
        prime = True
        while d * d <= i:
            if i % d == 0:
                prime = False
                break
            d += 1
        if prime:
            count += 1
    return count
def adds(n):
    s = 0
    for i in range(n):
        s += i
    return s
def matmul(n):
    a = [[float(i + j) for j in range(n)] for i in range(n)]
    b = [[float(i - j) for j in range(n)] for i in range(n)]
    c = [[0.0] * n for _ in range(n)]
    for i in range(n):
        ci = c[i]
        for k in range(n):
            aik, bk = a[i][k], b[k]
            for j in range(n):
                ci[j] += aik * bk[j]
    return sum(c[i][i] for i in range(n))
for w in (lambda: fib(27), lambda: primes(200000), lambda: adds(10000000), lambda: matmul(200)):
    best, res = None, None
    for _ in range(2):
        start = time.perf_counter_ns()
        res = w()
        d = time.perf_counter_ns() - start
        best = d if best is None else min(best, d)
    print(best, res)
"""


def timer(suffix, runs):
    closures = ", ".join("func() any { return %s }" % call.replace("NAME", suffix) for _, call in CALLS)
    return TIMER % (closures, runs)


def parse(out):
    rows = [line.split(" ", 1) for line in out.strip().splitlines()]
    if len(rows) != len(CALLS):
        raise RuntimeError(f"expected {len(CALLS)} timings, got: {out!r}")
    return [(int(ns), res.strip()) for ns, res in rows]


def run_cell(kc, code, timeout=300):
    out, errs = [], []

    def hook(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            out.append(msg["content"]["text"])
        if msg["msg_type"] == "error":
            errs.append("\n".join(msg["content"]["traceback"]))

    start = time.time()
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell failed: {code[:80]!r}: {errs}")
    return "".join(out), time.time() - start


def in_golab():
    with tempfile.TemporaryDirectory() as cache:
        km = jupyter_client.KernelManager(kernel_name="golab")
        km.start_kernel(env=dict(os.environ, GOLAB_COMPILE_CACHE=cache))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            run_cell(kc, 'import ("fmt"; "time")\n' + GO_FUNCS.replace("NAME", "I"))
            interpreted = parse(run_cell(kc, timer("I", 2))[0])
            compile_cell = "%compile\n" + GO_FUNCS.replace("NAME", "C")
            _, build = run_cell(kc, compile_cell)
            _, cached = run_cell(kc, compile_cell)
            compiled = parse(run_cell(kc, timer("C", 5))[0])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    return interpreted, compiled, build, cached


def in_go():
    with tempfile.TemporaryDirectory() as d:
        src = "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n" + GO_FUNCS.replace("NAME", "") + \
              "\nfunc main() {" + timer("", 5) + "}\n"
        pathlib.Path(d, "main.go").write_text(src)
        pathlib.Path(d, "go.mod").write_text("module bench\n\ngo 1.26\n")
        out = subprocess.run(["go", "run", "."], cwd=d, check=True, capture_output=True, text=True,
                             env=dict(os.environ, GOTOOLCHAIN="local", GOWORK="off")).stdout
    return parse(out)


def in_python():
    out = subprocess.run([sys.executable, "-c", PYTHON], check=True, capture_output=True, text=True).stdout
    return parse(out)


def main():
    interpreted, compiled, build, cached = in_golab()
    go = in_go()
    python = in_python()
    print(f"%compile cell (4 functions): {build:.2f} s with an empty plugin cache, {cached * 1000:.0f} ms from the cache")
    print(f"{'work':20} {'interpreted':>12} {'%compile':>10} {'compiled Go':>12} {'CPython':>10}   %compile/Go  interpreted/Go  CPython/Go")
    worst = 0.0
    for (label, _), i, c, g, p in zip(CALLS, interpreted, compiled, go, python):
        results = {i[1], c[1], g[1]}
        if len(results) != 1 or float(p[1]) != float(g[1]):
            raise SystemExit(f"{label}: the results differ: interpreted {i[1]}, %compile {c[1]}, go {g[1]}, CPython {p[1]}")
        ratio = c[0] / g[0]
        worst = max(worst, ratio)
        print(f"{label:20} {i[0] / 1e6:10.1f}ms {c[0] / 1e6:8.2f}ms {g[0] / 1e6:10.2f}ms {p[0] / 1e6:8.1f}ms"
              f"   {ratio:10.2f}×  {i[0] / g[0]:13.0f}×  {p[0] / g[0]:9.0f}×")
    print(f"goal (issue 31): %compile within 2× of compiled Go: {'met' if worst <= 2 else 'NOT met'} (worst {worst:.2f}×)")


if __name__ == "__main__":
    main()
