"""A cell that kills the interpreter's process is an error, not a dead kernel."""

import pytest

from kernel_helpers import execute, kernel, of_type

CASES = [
    ('import "time"\ngo func() { panic("boom") }()\ntime.Sleep(2 * time.Second)', "boom"),
    ('import "sync"\nm := map[int]int{}\nvar wg sync.WaitGroup\nfor g := 0; g < 8; g++ {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tfor i := 0; i < 1000000; i++ { m[i%100] = i }\n\t}()\n}\nwg.Wait()', "concurrent map"),
    ('import "os"\nos.Exit(3)', "exit status 3"),
]


def test_crashes_are_cell_errors_and_declarations_survive():
    with kernel() as (km, kc):
        execute(kc, 'func greet() string { return "still here" }')
        for code, expected in CASES:
            reply, msgs = execute(kc, code, timeout=60)
            assert reply["status"] == "error"
            err = of_type(msgs, "error")[0]["content"]
            text = err["evalue"] + "\n".join(err["traceback"])
            assert expected in text, text
            assert "fresh Go worker" in text and "func greet" in text
            reply, msgs = execute(kc, "greet()")
            assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == '"still here"'


@pytest.mark.kernel_dies
def test_worker_does_not_outlive_a_killed_kernel():
    import signal
    import time

    import psutil

    with kernel() as (km, kc):
        kc.execute('import "os/exec"\nexec.Command("sleep", "300").Start()\nfor {}')
        time.sleep(1.0)
        kernel_proc = psutil.Process(km.provisioner.process.pid)
        family = kernel_proc.children(recursive=True)
        assert family, "the kernel has no worker process"
        kernel_proc.send_signal(signal.SIGKILL)
        gone, alive = psutil.wait_procs(family, timeout=5)
        # The worker exits when its kernel dies, and ends the processes its
        # cells started.
        for p in alive:
            p.kill()
        assert not alive, [p.pid for p in alive]
