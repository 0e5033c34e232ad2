"""Interrupt (signal and message mode), restart and shutdown through KernelManager."""

import time

import psutil

from kernel_helpers import collect, execute, kernel, of_type, stream_text, streams_for

def workers(km):
    """The kernel's worker processes: an interrupt that keeps the worker
    leaves them as they were."""
    return psutil.Process(km.provisioner.process.pid).children()


BUSY = "for i := 0; i < 10; i++ { go func() { for {} }() }\nfor {}"


def _interrupt_and_check(km, kc, how):
    msg_id = kc.execute(BUSY)
    time.sleep(1.0)
    start = time.time()
    how(km, kc)
    msgs, _ = collect(kc, msg_id, timeout=10)
    elapsed = time.time() - start
    assert elapsed < 1.0, f"cell stopped {elapsed:.2f}s after the interrupt"
    errors = of_type(msgs, "error")
    assert errors and errors[0]["content"]["ename"] == "interrupted"
    reply, msgs = execute(kc, "1 + 1")
    assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "2"


def test_interrupt_signal_mode():
    with kernel("golab") as (km, kc):
        assert km.kernel_spec.interrupt_mode == "signal"
        _interrupt_and_check(km, kc, lambda km, kc: km.interrupt_kernel())


def test_interrupt_message_mode():
    with kernel("golab-message") as (km, kc):
        assert km.kernel_spec.interrupt_mode == "message"
        _interrupt_and_check(km, kc, lambda km, kc: km.interrupt_kernel())


def test_interrupt_request_on_shell_as_vscode_sends_it():
    with kernel("golab-message") as (km, kc):
        def on_shell(km, kc):
            kc.shell_channel.send(kc.session.msg("interrupt_request", {}))
        _interrupt_and_check(km, kc, on_shell)


def test_restart_and_shutdown():
    with kernel() as (km, kc):
        execute(kc, "kept := 1")
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=30)
        reply, msgs = execute(kc, "kept")
        assert reply["status"] == "error"  # a restart is a fresh kernel
        reply, msgs = execute(kc, "2 * 21")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "42"
        proc = km.provisioner.process
        kc.shutdown()
        for _ in range(100):
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        assert proc.poll() is not None, "kernel process still running after shutdown_request"


def test_interrupt_while_waiting_for_input():
    with kernel() as (km, kc):
        msg_id = kc.execute('import "fmt"\nvar s string\nfmt.Scanln(&s)', allow_stdin=True)
        assert kc.get_stdin_msg(timeout=20)["msg_type"] == "input_request"
        km.interrupt_kernel()
        msgs, _ = collect(kc, msg_id, timeout=10)
        assert of_type(msgs, "error")[0]["content"]["ename"] == "interrupted"
        # A later input request gets its own answer.
        msg_id = kc.execute('var t string\nfmt.Scanln(&t)\nfmt.Println("got", t)', allow_stdin=True)
        assert kc.get_stdin_msg(timeout=20)["msg_type"] == "input_request"
        kc.input("second")
        msgs, _ = collect(kc, msg_id)
        assert "got second" in "".join(m["content"].get("text", "") for m in msgs)


def test_interrupt_keeps_the_variables_and_the_worker():
    """Interrupt stops a runaway loop, and the goroutines spinning beside it,
    at their next safe point: the worker stays (the same process), and every
    variable keeps the value the cells gave it, as in ipykernel."""
    with kernel() as (km, kc):
        execute(kc, 'import "fmt"\ntotal := 1\nnames := []string{"a"}')
        execute(kc, 'total = 41\nnames = append(names, "b")')
        worker = workers(km)
        msg_id = kc.execute("for i := 0; i < 4; i++ { go func() { n := 0; for { n++ } }() }\nfor {}")
        time.sleep(0.5)
        start = time.time()
        km.interrupt_kernel()
        msgs, _ = collect(kc, msg_id, timeout=10)
        took = time.time() - start
        err = of_type(msgs, "error")[0]["content"]
        assert err["ename"] == "interrupted" and "variables are kept" in "\n".join(err["traceback"]), err
        assert took < 1.0, took
        reply, msgs = execute(kc, "fmt.Sprint(total, names)")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == '"41 [a b]"'
        assert workers(km) == worker  # no new worker
        time.sleep(0.3)
        assert all(p.cpu_percent(interval=0.5) < 50 for p in worker), "goroutines still spin"


def test_interrupt_stops_recursion_and_counting_loops_and_deferred_calls_finish():
    """The safe points that cost interpreted code least stop it too: a
    runaway recursion (no loop at all), goroutines in counting loops and
    ranges that test the stop flag once per chunk of iterations, and a
    deferred function literal that an unwinding runs (its own entry is a
    safe point) unlocks its mutex to the end, so the next cell can lock it.
    Each keeps the worker and the variables."""
    with kernel() as (km, kc):
        execute(kc, 'import ("fmt"; "sync")\nkept := 1\nvar mu sync.Mutex\nvar unlocked int\n'
                    'func fib(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n\treturn fib(n-1) + fib(n-2)\n}\n'
                    'func count(n int) int {\n\ts := 0\n\tfor i := 0; i < n; i++ {\n\t\ts += i\n\t}\n\treturn s\n}\n'
                    'func sum(xs []int) int {\n\ts := 0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}')
        execute(kc, "kept = 42")
        worker = workers(km)
        cells = [
            "fib(60)",
            "for i := 0; i < 10; i++ { go func() { count(1 << 62) }() }\ncount(1 << 62)",
            "xs := make([]int, 1 << 20)\nfor i := 0; i < 4; i++ { go func() { for { sum(xs) } }() }\nfor { sum(xs) }",
            "mu.Lock()\ndefer func() {\n\tunlocked++\n\tmu.Unlock()\n}()\ncount(1 << 62)",
        ]
        for code in cells:
            msg_id = kc.execute(code)
            time.sleep(0.7)
            start = time.time()
            km.interrupt_kernel()
            msgs, _ = collect(kc, msg_id, timeout=10)
            took = time.time() - start
            err = of_type(msgs, "error")[0]["content"]
            assert err["ename"] == "interrupted" and "variables are kept" in "\n".join(err["traceback"]), (code, err)
            assert took < 1.0, (code, took)
            assert workers(km) == worker, code  # no new worker
        reply, msgs = execute(kc, "mu.Lock()\nmu.Unlock()\nfmt.Sprint(kept, unlocked, fib(10), count(5))")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == '"42 1 55 10"', msgs
        time.sleep(0.3)
        assert all(p.cpu_percent(interval=0.5) < 50 for p in worker), "goroutines still spin"


def test_interrupt_of_a_sleeping_loop_and_of_goroutines_left_while_idle():
    """A loop that sleeps a second at a time stops within a slice of its
    sleep, keeping the worker; and an interrupt while no cell runs stops the
    goroutines earlier cells left running, and says how many."""
    with kernel() as (km, kc):
        execute(kc, 'import ("fmt"; "time")\nkept := "yes"')
        worker = workers(km)
        msg_id = kc.execute('for i := 0; ; i++ {\n\tfmt.Println("tick", i)\n\ttime.Sleep(time.Second)\n}')
        time.sleep(1.5)
        start = time.time()
        km.interrupt_kernel()
        msgs, _ = collect(kc, msg_id, timeout=10)
        assert of_type(msgs, "error")[0]["content"]["ename"] == "interrupted"
        assert time.time() - start < 0.5, time.time() - start
        assert workers(km) == worker
        execute(kc, 'for i := 0; i < 3; i++ { go func() { for { fmt.Println("alive"); time.Sleep(100 * time.Millisecond) } }() }')
        time.sleep(0.5)
        km.interrupt_kernel()
        seen = streams_for(kc, 1.5)
        text = "".join(t for _, t in seen)
        assert "the interrupt stopped 3 goroutines that earlier cells left running" in text, seen
        assert not [t for at, t in seen if at > 0.6 and "alive" in t], seen
        reply, msgs = execute(kc, "kept")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == '"yes"'
        assert workers(km) == worker


def test_interrupt_ends_a_sleep_where_it_is():
    """An interrupted time.Sleep unwinds the goroutine where it sleeps, as
    Ctrl-C ends a Go program there: the statements after the sleep do not
    run (they did: the sleep returned early and the cell went on)."""
    with kernel() as (km, kc):
        execute(kc, 'import ("fmt"; "time")\nkept := 1')
        worker = workers(km)
        msg_id = kc.execute('time.Sleep(30 * time.Second)\nfmt.Println("after the sleep")\nkept = 2')
        time.sleep(0.5)
        km.interrupt_kernel()
        msgs, _ = collect(kc, msg_id, timeout=10)
        assert of_type(msgs, "error")[0]["content"]["ename"] == "interrupted"
        assert "after the sleep" not in stream_text(msgs), stream_text(msgs)
        reply, msgs = execute(kc, "kept")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "1"
        assert workers(km) == worker


def test_an_interrupt_that_cannot_stop_the_cell_names_the_goroutines():
    """A cell whose goroutines wait on a channel and a lock reaches no safe
    point (a goroutine sleeping beside them keeps it from being a deadlock):
    the kernel ends the worker, and the cell says which goroutines forced
    it, on which lines, and what the fresh worker brought back."""
    with kernel() as (km, kc):
        code = "\n".join([
            'import ("fmt"; "sync"; "time")',
            "go func() { for { time.Sleep(time.Second) } }()",
            "var mu sync.Mutex",
            "mu.Lock()",
            "go func() {",
            "\tmu.Lock()",
            "}()",
            "ch := make(chan int)",
            "<-ch",
        ])
        msg_id = kc.execute(code)
        time.sleep(1.0)
        km.interrupt_kernel()
        msgs, _ = collect(kc, msg_id, timeout=15)
        err = of_type(msgs, "error")[0]["content"]
        text = "\n".join(err["traceback"])
        assert err["ename"] == "interrupted", err
        assert "goroutine 1 [chan receive]: the cell's own code, receives from a channel at cell line 9" in text, text
        assert "started at cell line 5, waits for mutex mu (mu.Lock(), cell line 6)" in text, text
        assert "golab ended the Go worker" in text and "fresh Go worker" in text, text
        reply, msgs = execute(kc, 'fmt.Println("next")')
        assert reply["status"] == "ok" and "next" in stream_text(msgs)


def test_interrupt_stops_the_spinning_goroutines_a_failed_check_left():
    """A %check whose answer busy-waits fails at its timeout and leaves the
    answer's goroutines spinning; an interrupt while no cell runs stops them
    (they loop, so they reach a safe point), keeping the worker and the
    notebook's variables."""
    with kernel() as (km, kc):
        execute(kc, 'kept := 7\nfunc Wait(ready *bool) {\n\tfor !*ready {\n\t}\n}')
        worker = workers(km)
        check = ('%check busy\n//golab:test "returns once ready" timeout=1s\n'
                 'ready := false\ngo Wait(&ready)\ngo Wait(&ready)\ncheck.True(t, false, "never ready")\n')
        reply, msgs = execute(kc, check, timeout=60)
        km.interrupt_kernel()
        seen = streams_for(kc, 1.0)
        assert "the interrupt stopped 2 goroutines that earlier cells left running" in "".join(t for _, t in seen), seen
        reply, msgs = execute(kc, "kept")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "7"
        assert workers(km) == worker
