"""A kernel limited to one CPU (taskset -c 0, as a container's cpuset or a
JupyterHub cpu_limit would limit it) says so next to its speedup figures,
instead of letting a learner read 1x as "this work does not parallelise"."""

import os
import pathlib

import pytest

from kernel_helpers import execute, kernel, of_type, one_cpu_kernel

WORK = """import ("sync"; "golab/timing")
work := func(workers int) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum := 0
			for i := w; i < 200000; i += workers {
				sum += i % 7
			}
			_ = sum
		}()
	}
	wg.Wait()
}"""


@pytest.fixture(scope="module")
def one_cpu():
    return one_cpu_kernel()


def cgroup_quota():
    """This process's cgroup v2 CPU quota in CPUs, or None."""
    try:
        line = next(l for l in pathlib.Path("/proc/self/cgroup").read_text().splitlines() if l.startswith("0::"))
        quota, period = (pathlib.Path("/sys/fs/cgroup") / line[3:].lstrip("/") / "cpu.max").read_text().split()
    except (OSError, StopIteration, ValueError):
        return None
    return None if quota == "max" else int(quota) / int(period)


def text_of(msgs):
    parts = [m["content"].get("text", "") for m in of_type(msgs, "stream")]
    for m in of_type(msgs, "display_data") + of_type(msgs, "execute_result"):
        parts.append(m["content"]["data"].get("text/plain", ""))
    return "\n".join(parts)


def test_speedup_on_one_cpu_says_why_there_is_none(one_cpu):
    with kernel(one_cpu) as (km, kc):
        reply, msgs = execute(kc, 'import ("fmt"; "runtime"; "golab/timing")\nfmt.Println(runtime.GOMAXPROCS(0))\nfmt.Println(timing.CPUs())')
        assert reply["status"] == "ok", reply
        text = text_of(msgs)
        assert text.startswith("1\n"), text
        assert "may use 1 CPU" in text and "take turns" in text, text
        reply, msgs = execute(kc, WORK + "\nfmt.Print(timing.Speedup(3, 1, work))", timeout=120)
        assert reply["status"] == "ok", reply
        text = text_of(msgs)
        assert "Measured where this kernel may use 1 CPU" in text, text
        assert "Amdahl fit" not in text, text


def test_an_unpinned_kernel_counts_every_cpu_it_may_use():
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("this machine gives the tests one CPU")
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import ("fmt"; "golab/timing")\nfmt.Print(timing.CPUs())')
        assert reply["status"] == "ok", reply
        text = text_of(msgs)
        assert text.startswith("this kernel may use"), text
        if cgroup_quota() is None:  # then the affinity mask is the limit
            assert "may use %d CPUs" % len(os.sched_getaffinity(0)) in text and "take turns" not in text, text
