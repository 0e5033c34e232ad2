"""The kernel survives what a learner writes and what clients do: every case
here hung, killed or starved the kernel, or lost output, before it was fixed.
Each drives the real kernel binary through jupyter_client (or raw ZeroMQ
where a misbehaving client is the point)."""

import contextlib
import glob
import json
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time

import jupyter_client
import psutil
import pytest
import zmq

from kernel_helpers import collect, execute, kernel, of_type, stream_text


def error_text(msgs):
    errs = of_type(msgs, "error")
    assert errs, f"no error output in {[m['msg_type'] for m in msgs]}"
    c = errs[0]["content"]
    return re.sub(r"\x1b\[[0-9;]*m", "", c["evalue"] + "\n" + "\n".join(c["traceback"]))


def answers_quickly(kc, within=5.0):
    """The kernel answers 1 + 1 within `within` seconds."""
    start = time.time()
    reply, msgs = execute(kc, "1 + 1", timeout=within + 5)
    took = time.time() - start
    assert reply["status"] == "ok", reply
    assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "2"
    assert took < within, f"1 + 1 took {took:.1f} s after the crash"


@contextlib.contextmanager
def graceful_kernel(**kw):
    """A kernel shut down with a shutdown request, as Jupyter does when a
    notebook is closed (kernel_helpers.kernel kills it)."""
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="golab", startup_timeout=60, **kw)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def family(km):
    """The kernel's descendant processes."""
    return psutil.Process(km.provisioner.process.pid).children(recursive=True)


# The crash corpus: learner mistakes, each with Go's wording and where the
# cell line must appear (a regular expression over the error output). For a
# panic in a goroutine the interpreter names the line of the function that
# panicked (the go func literal, or the method), not of the statement.
CRASHES = {
    "stack overflow": ('func f(n int) int { return f(n+1) + 1 }\nf(0)',
                       r"fatal error: stack overflow", r"goroutine stack exceeds \d+-byte limit", r"f calls itself \(defined at cell line 1\)"),
    "Goexit": ('import (\n\t"fmt"\n\t"runtime"\n)\nfunc quit() { defer fmt.Println("deferred ran"); runtime.Goexit() }\nquit()\nfmt.Println("not reached")',
               r"runtime\.Goexit", r"deferred calls ran"),
    "nil map write": ('var m map[string]int\nm["a"] = 1', r"assignment to entry in nil map", r"cell line 2"),
    "nil map write in a goroutine": ('import "time"\nvar m map[string]int\ngo func() {\n\tm["a"] = 1\n}()\ntime.Sleep(2 * time.Second)',
                                     r"assignment to entry in nil map", r"cell line 3"),
    "nil field in a goroutine": ('import "time"\ntype T struct{ x int }\nvar p *T\ngo func() {\n\tp.x = 1\n}()\ntime.Sleep(2 * time.Second)',
                                 r"invalid memory address or nil pointer dereference", r"cell line 4"),
    "nil method in a goroutine": ('import "time"\ntype T struct{ x int }\nfunc (t *T) Get() int { return t.x }\nvar p *T\ngo func() {\n\t_ = p.Get()\n}()\ntime.Sleep(2 * time.Second)',
                                  r"invalid memory address or nil pointer dereference", r"cell line 3", r"cell line 5"),
    "nil *p in a goroutine": ('import (\n\t"fmt"\n\t"time"\n)\nvar q *int\ngo func() {\n\tfmt.Println(*q)\n}()\ntime.Sleep(2 * time.Second)',
                              r"invalid memory address or nil pointer dereference", r"cell line 6"),
    "close of closed channel": ('ch := make(chan int)\nclose(ch)\nclose(ch)', r"close of closed channel", r"cell line 3"),
    "send on closed channel": ('ch := make(chan int, 1)\nclose(ch)\nch <- 1', r"send on closed channel", r"cell line 3"),
    "unlock of unlocked mutex": ('import "sync"\nvar mu sync.Mutex\nmu.Unlock()', r"fatal error: sync: unlock of unlocked mutex", r"cell line 3"),
    "negative WaitGroup": ('import "sync"\nvar wg sync.WaitGroup\nwg.Done()', r"negative WaitGroup counter", r"cell line 3"),
    "os.Exit": ('import "os"\nos.Exit(3)', r"exit status 3", r"cell line 2"),
    "log.Fatal": ('import "log"\nlog.Fatal("config missing")', r"exit status 1", r"cell line 2"),
    "a million goroutines": ('stop := make(chan bool)\nfor i := 0; i < 1000000; i++ {\n\tgo func() { <-stop }()\n}',
                             r"(?i)out of memory", r"more than 1024 MiB"),
}


@pytest.fixture(scope="module")
def crash_kernel():
    env = dict(os.environ, GOLAB_MEMORY_LIMIT_MB="1024")
    with kernel(env=env) as (km, kc):
        yield km, kc


@pytest.mark.parametrize("case", list(CRASHES))
def test_crash_corpus(crash_kernel, case):
    km, kc = crash_kernel
    code, *patterns = CRASHES[case]
    reply, msgs = execute(kc, code, timeout=90)
    assert reply["status"] == "error", f"{case}: {reply}"
    text = error_text(msgs)
    for p in patterns:
        assert re.search(p, text), f"{case}: /{p}/ not in:\n{text}"
    answers_quickly(kc)
    workers = [p for p in family(km) if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert len(workers) == 1, f"{case}: processes left: {[(p.pid, p.cmdline()) for p in workers]}"


def test_goroutine_panicking_after_its_cell_ended_is_reported():
    with kernel() as (km, kc):
        reply, _ = execute(kc, 'import "time"\nfunc keep() int { return 7 }\ngo func() {\n\ttime.Sleep(300 * time.Millisecond)\n\tpanic("late boom")\n}()')
        assert reply["status"] == "ok"
        time.sleep(2)
        answers_quickly(kc)
        reply, msgs = execute(kc, "keep()")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "7"


POISONS = {
    "log.Fatal": 'import "log"\nvar v = func() int { log.Fatal("no config"); return 1 }()',
    "os.Exit": 'import "os"\nvar v = func() int { os.Exit(4); return 1 }()',
    "panic": 'func boom() int { panic("bad init") }\nvar v int = boom()',
    "deadlock": 'var v = func() int { ch := make(chan int); return <-ch }()',
    "blocks": 'import "time"\nvar v = func() int { time.Sleep(time.Hour); return 1 }()',
}


@pytest.mark.parametrize("case", list(POISONS))
def test_poisoned_restores(case):
    """A variable whose initializer exits, panics, deadlocks or blocks does not
    make every later restart die or hang: its initializer is not run again."""
    with kernel() as (km, kc):
        execute(kc, "func helper() int { return 41 }")
        msg_id = kc.execute(POISONS[case])
        if case == "blocks":
            time.sleep(1.5)
            km.interrupt_kernel()
        msgs, _ = collect(kc, msg_id, timeout=30)
        assert of_type(msgs, "error")
        # Any later crash restores again: the kernel must still serve.
        for _ in range(2):
            reply, msgs = execute(kc, 'import "os"\nos.Exit(2)', timeout=30)
            assert reply["status"] == "error"
            text = error_text(msgs)
            assert "func helper" in text, text
            assert re.search(r"declared again with zero values.*\bv\b", text), text
            answers_quickly(kc)
        reply, msgs = execute(kc, "helper() + 1 + v")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "42"


def test_a_restore_that_kills_the_worker_is_abandoned():
    """Declarations that crash a new worker (a huge allocation in a plain
    initializer) are dropped, with a message, and the kernel serves on."""
    env = dict(os.environ, GOLAB_MEMORY_LIMIT_MB="512")
    with kernel(env=env) as (km, kc):
        execute(kc, "func helper() int { return 1 }")
        reply, msgs = execute(kc, "var big = make([]byte, 8<<30)\nvar _ = big[len(big)-1]", timeout=60)
        assert reply["status"] == "error"
        text = error_text(msgs)
        assert "out of memory" in text, text
        assert "were not restored" in text and "died while restoring" in text, text
        assert "var big" in text and "func helper" in text, text
        answers_quickly(kc)


def test_interrupt_then_run_the_next_cell_at_once():
    """A cell sent right after an interrupted cell's reply runs; only cells
    queued before the reply are aborted."""
    with kernel() as (km, kc):
        for attempt in range(5):
            msg_id = kc.execute("for {}")
            time.sleep(0.5)
            km.interrupt_kernel()
            reply = kc.get_shell_msg(timeout=20)
            assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "error"
            reply, msgs = execute(kc, "3 * 3", timeout=20)
            assert reply["status"] == "ok", f"attempt {attempt}: {reply}"
            assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "9"


def test_cells_queued_behind_a_failing_cell_are_aborted():
    with kernel() as (km, kc):
        first = kc.execute('import "time"\ntime.Sleep(500 * time.Millisecond)\npanic("stop")')
        queued = [kc.execute("1") for _ in range(3)]
        replies = {}
        while len(replies) < 4:
            r = kc.get_shell_msg(timeout=20)
            replies[r["parent_header"]["msg_id"]] = r["content"]["status"]
        assert replies[first] == "error"
        assert [replies[q] for q in queued] == ["aborted"] * 3


def test_memory_limit_ends_the_cell_with_a_message():
    env = dict(os.environ, GOLAB_MEMORY_LIMIT_MB="512")
    with kernel(env=env) as (km, kc):
        execute(kc, "func kept() int { return 5 }")
        for code in [
            "b := make([]byte, 20<<30)\nb[len(b)-1] = 1",
            'import "bytes"\nvar keep [][]byte\nfor {\n\tkeep = append(keep, bytes.Repeat([]byte{1}, 1<<20))\n}',
        ]:
            start = time.time()
            reply, msgs = execute(kc, code, timeout=60)
            took = time.time() - start
            assert reply["status"] == "error"
            text = error_text(msgs)
            assert "Out of memory" in text and "more than 512 MiB" in text, text
            assert "GOLAB_MEMORY_LIMIT_MB" in text
            assert took < 30, f"the cell took {took:.1f} s to hit the limit"
            answers_quickly(kc)
        reply, msgs = execute(kc, "kept()")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "5"


def test_jupyterhubs_mem_limit_caps_the_worker_with_a_margin():
    """JupyterHub's local spawners export mem_limit as MEM_LIMIT (bytes) without
    enforcing it: golab takes it, less a margin, so that its own message comes
    before the out-of-memory killer, and says where the limit came from."""
    env = dict(os.environ, MEM_LIMIT=str(700 * 2**20))
    env.pop("GOLAB_MEMORY_LIMIT_MB", None)
    with kernel(env=env) as (km, kc):
        reply, msgs = execute(kc, 'import "bytes"\nvar keep [][]byte\nfor {\n\tkeep = append(keep, bytes.Repeat([]byte{1}, 1<<20))\n}', timeout=60)
        assert reply["status"] == "error"
        text = error_text(msgs)
        assert "more than 550 MiB" in text, text  # 700 MiB less 150
        assert "comes from MEM_LIMIT, JupyterHub's mem_limit (700 MiB)" in text, text
        answers_quickly(kc)


def test_a_worker_killed_from_outside_is_named():
    """The system's out-of-memory killer sends SIGKILL; the cell says so."""
    with kernel() as (km, kc):
        msg_id = kc.execute('import "time"\ntime.Sleep(time.Minute)')
        time.sleep(1)
        worker = [p for p in family(km) if "worker" in p.cmdline()][0]
        worker.send_signal(signal.SIGKILL)
        msgs, _ = collect(kc, msg_id, timeout=30)
        text = error_text(msgs)
        assert "SIGKILL" in text and "not by golab" in text and "out-of-memory killer" in text, text
        answers_quickly(kc)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_an_idle_worker_killed_from_outside_is_not_blamed_on_a_goroutine(sig):
    """No cell runs and no goroutine is left: the note says the worker was
    stopped from outside, not that a goroutine of an earlier cell did it."""
    with kernel() as (km, kc):
        reply, _ = execute(kc, "x := 7")
        msg_id = kc.execute("x + 1")
        collect(kc, msg_id, timeout=30)
        worker = [p for p in family(km) if "worker" in p.cmdline()][0]
        worker.send_signal(sig)
        deadline = time.time() + 20
        note = ""
        while time.time() < deadline and "[golab]" not in note:
            try:
                m = kc.get_iopub_msg(timeout=1)
            except Exception:
                continue
            if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id:
                note += m["content"]["text"]
        assert "[golab] While no cell was running, the Go worker was stopped from outside" in note, note
        assert "goroutine left running" not in note and "while the cell ran" not in note, note
        assert sig.name in note, note
        answers_quickly(kc)


def test_a_worker_that_stops_itself_is_continued_and_said():
    """A goroutine SIGSTOPs its own worker: completion and the next cell
    answer within a bound, the note names SIGSTOP, and nothing is lost."""
    with kernel() as (km, kc):
        execute(kc, "kept := 41")
        reply, _ = execute(kc, 'import ("os"; "syscall"; "time")\n'
                               'go func() { time.Sleep(300 * time.Millisecond); syscall.Kill(os.Getpid(), syscall.SIGSTOP) }()')
        assert reply["status"] == "ok", reply
        time.sleep(1)
        worker = [p for p in family(km) if "worker" in p.cmdline()][0]
        assert worker.status() == psutil.STATUS_STOPPED
        start = time.time()
        complete = kc.complete("kep", 3, reply=True, timeout=15)
        assert "kept" in complete["content"]["matches"], complete
        reply, msgs = execute(kc, "kept + 1", timeout=15)
        took = time.time() - start
        assert reply["status"] == "ok", reply
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "42"
        assert took < 10, f"completion and the next cell took {took:.1f} s"
        assert worker.status() != psutil.STATUS_STOPPED
        said = ""
        while True:
            try:
                m = kc.get_iopub_msg(timeout=1)
            except Exception:
                break
            if m["msg_type"] == "stream":
                said += m["content"]["text"]
        said += stream_text(msgs, "stderr")
        assert "stopped (SIGSTOP" in said and "continued it" in said, said


def test_big_cells_do_not_grow_the_kernel_process(capsys):
    """The kernel process is outside the worker's memory limit: 40 cells of
    4 MB must not stay in it (25 such cells took it from 24 to 340 MB). The
    journal of cells goes to disk past 4 MiB and still restores them."""
    with kernel() as (km, kc):
        kernel_proc = psutil.Process(km.provisioner.process.pid)
        before = kernel_proc.memory_info().rss
        rss = []
        for i in range(40):
            reply, _ = execute(kc, f"const c{i} = {i} // " + "a" * (4 << 20), timeout=60)
            assert reply["status"] == "ok", reply
            if i in (19, 39):
                rss.append(kernel_proc.memory_info().rss)
        with capsys.disabled():
            print(f"\nkernel process RSS: {before >> 20} MiB at start, {rss[0] >> 20} MiB after 20 cells of 4 MB, {rss[1] >> 20} MiB after 40")
        assert rss[1] < 150 << 20, rss
        # History keeps the newest cells within its bound.
        hist = kc.history(hist_access_type="tail", n=100, reply=True, timeout=10)["content"]["history"]
        assert hist and hist[-1][2].startswith("const c39 = 39"), hist[-1][:2]
        assert 0 < sum(len(h[2]) for h in hist) <= 8 << 20


def test_cells_journaled_on_disk_are_restored():
    """Past 4 MiB the journal of cells is on disk; a new worker still gets
    every cell's declarations from it."""
    with kernel() as (km, kc):
        for i in range(12):
            reply, _ = execute(kc, f"const c{i} = {i} // " + "a" * (1 << 20), timeout=60)
            assert reply["status"] == "ok", reply
        reply, msgs = execute(kc, 'import "time"\ngo func() { panic("boom") }()\ntime.Sleep(time.Second)', timeout=60)
        assert reply["status"] == "error"
        assert "const c0, const c1" in error_text(msgs) and "const c11" in error_text(msgs), error_text(msgs)
        reply, msgs = execute(kc, "c0 + c11", timeout=60)
        assert reply["status"] == "ok", reply
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "11"


def test_idle_memory(capsys):
    """Reports the idle resident memory of the kernel and its worker."""
    with kernel() as (km, kc):
        execute(kc, "1 + 1")
        time.sleep(0.5)
        kernel_proc = psutil.Process(km.provisioner.process.pid)
        sup = kernel_proc.memory_info().rss
        work = sum(p.memory_info().rss for p in kernel_proc.children(recursive=True))
        with capsys.disabled():
            print(f"\nidle RSS: supervisor {sup / 2**20:.1f} MiB, worker {work / 2**20:.1f} MiB")
        assert sup + work < 300 * 2**20


def test_overflow_output_is_bounded_private_and_removed():
    env = dict(os.environ, GOLAB_OUTPUT_LIMIT_MB="1", GOLAB_OUTPUT_SAVED_MB="4")
    with graceful_kernel(env=env) as (km, kc):
        code = 'import (\n\t"fmt"\n\t"strings"\n)\npad := strings.Repeat("x", 90)\nfor i := 0; i < 400000; i++ {\n\tfmt.Println("line", i, pad)\n}'
        reply, msgs = execute(kc, code, timeout=120)  # about 40 MB
        assert reply["status"] == "ok"
        notice = stream_text(msgs, "stderr")
        m = re.search(r"are in (\S+golab-output-\S+\.txt); (.+?) between them were dropped", notice)
        assert m, notice
        path = m.group(1)
        assert len(stream_text(msgs)) <= 1 << 20
        info = os.stat(path)
        assert stat.S_IMODE(info.st_mode) == 0o600
        assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
        assert info.st_size <= 4 * 2**20 + 200, info.st_size
        saved = open(path).read()
        assert "bytes (" in saved and "of output were dropped here" in saved
        assert saved.rstrip().endswith("line 399999 " + "x" * 90)
    assert not os.path.exists(path), "the overflow file outlived the kernel"


def test_displays_are_capped_with_text_and_said():
    """100 displays of 1 MB: the notebook gets at most the per-cell limit
    (8 MiB, text and displays together), the cell says how many were held
    back and where they are; the kernel serves on."""
    with kernel() as (km, kc):
        code = ('import ("strings"; "golab/display")\n'
                'big := strings.Repeat("x", 1<<20)\n'
                'for i := 0; i < 100; i++ { display.HTML("<p>" + big + "</p>") }')
        reply, msgs = execute(kc, code, timeout=120)
        assert reply["status"] == "ok", reply
        shown = of_type(msgs, "display_data")
        total = sum(len(json.dumps(m["content"]["data"])) for m in shown)
        assert 0 < len(shown) < 100
        assert total <= 8 << 20, total
        note = stream_text(msgs, "stderr")
        assert f"{100 - len(shown)} display(s)" in note and "were not shown" in note, note
        path = re.search(r"(/\S+golab-output-\S+\.txt)", note).group(1)
        assert os.path.getsize(path) > 1 << 20
        answers_quickly(kc)


def test_stderr_written_as_a_cell_ends_arrives_before_idle():
    """1,000 cells, each ending with a stderr write: every line is published
    before its cell's idle, so nbclient and papermill keep it."""
    with kernel() as (km, kc):
        execute(kc, 'import (\n\t"fmt"\n\t"os"\n)')
        missing = []
        for i in range(1000):
            text = "panic: input file missing" if i % 2 == 0 else "warning: slow disk"
            _, msgs = execute(kc, f'fmt.Fprintln(os.Stderr, "{text} {i}")')
            if stream_text(msgs, "stderr") != f"{text} {i}\n":
                missing.append(i)
        assert not missing, f"{len(missing)} of 1000 cells lost their last stderr line before idle: {missing[:10]}"


def _signed(km, msg_type, content=b"{}", msg_id=None):
    header = json.dumps({"msg_id": msg_id or f"raw-{time.time_ns()}", "session": "raw", "username": "t",
                         "date": "2026-01-01T00:00:00.000000Z", "msg_type": msg_type, "version": "5.3"}).encode()
    parts = [header, b"{}", b"{}", content]
    return [b"<IDS|MSG>", km.session.sign(parts), *parts]


def test_a_huge_message_is_refused_before_it_is_read():
    with kernel() as (km, kc):
        kernel_proc = psutil.Process(km.provisioner.process.pid)
        before = kernel_proc.memory_info().rss
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(f"tcp://{km.ip}:{km.shell_port}")
        big = b"x" * (200 << 20)
        sock.send_multipart([b"<IDS|MSG>", b"bad signature", b"{}", b"{}", b"{}", big])
        time.sleep(3)
        sock.close()
        del big
        after = kernel_proc.memory_info().rss
        assert after - before < 64 << 20, f"kernel RSS grew by {(after - before) >> 20} MiB for a refused message"
        assert kc.kernel_info(reply=True, timeout=10)["content"]["status"] == "ok"
        answers_quickly(kc)


def test_a_deep_queue_loses_no_request():
    """Run All on a long notebook: 1,100 cells queued behind a slow one all
    get their reply."""
    with kernel() as (km, kc):
        ids = [kc.execute('import "time"\ntime.Sleep(2 * time.Second)')]
        ids += [kc.execute(f"{i} + 1") for i in range(1100)]
        statuses = {}
        deadline = time.time() + 120
        while len(statuses) < len(ids) and time.time() < deadline:
            r = kc.get_shell_msg(timeout=max(1, deadline - time.time()))
            statuses[r["parent_header"]["msg_id"]] = r["content"]["status"]
        missing = [i for i in ids if i not in statuses]
        assert not missing, f"{len(missing)} of {len(ids)} requests got no reply"
        assert set(statuses.values()) == {"ok"}, set(statuses.values())


def test_a_client_that_never_reads_does_not_starve_another():
    with kernel() as (km, kc):
        bad = zmq.Context.instance().socket(zmq.DEALER)
        bad.setsockopt(zmq.LINGER, 0)
        bad.setsockopt(zmq.SNDHWM, 0)
        bad.connect(f"tcp://{km.ip}:{km.shell_port}")
        for i in range(20000):
            bad.send_multipart(_signed(km, "kernel_info_request", msg_id=f"bad-{i}"))
        time.sleep(0.5)  # let the flood arrive
        start = time.time()
        reply = kc.kernel_info(reply=True, timeout=30)
        took = time.time() - start
        bad.close()
        assert reply["content"]["status"] == "ok"
        assert took < 1.0, f"the well-behaved client waited {took:.2f} s"


def test_a_subscriber_that_never_reads_does_not_stall_output():
    with kernel() as (km, kc):
        stalled = zmq.Context.instance().socket(zmq.SUB)
        stalled.setsockopt(zmq.LINGER, 0)
        stalled.setsockopt(zmq.RCVHWM, 10)
        stalled.setsockopt(zmq.SUBSCRIBE, b"")
        stalled.connect(f"tcp://{km.ip}:{km.iopub_port}")
        time.sleep(0.5)
        execute(kc, 'import (\n\t"fmt"\n\t"strings"\n\t"time"\n)\nline := strings.Repeat("y", 10000)')
        start = time.time()
        # 7,000 lines of 10 kB, paced, in one cell: 70 MB for the stalled socket.
        reply, msgs = execute(kc, 'for i := 0; i < 7000; i++ {\n\tfmt.Println(i, line)\n\tif i%100 == 0 { time.Sleep(10 * time.Millisecond) }\n}', timeout=120)
        took = time.time() - start
        lines = stream_text(msgs).splitlines()
        assert reply["status"] == "ok"
        assert len(lines) == 7000 or "more than the notebook shows" in stream_text(msgs, "stderr"), len(lines)
        assert [int(l.split()[0]) for l in lines] == list(range(len(lines)))
        assert took < 60, f"the cell took {took:.1f} s"
        reply, msgs = execute(kc, "2 + 2", timeout=10)
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "4"
        stalled.close()


def test_child_processes_do_not_inherit_the_worker_pipes():
    """A child that writes a forged answer to fd 4 cannot shift replies."""
    with kernel() as (km, kc):
        forged = json.dumps({"op": "done", "status": "ok", "result": {"text/plain": "forged"}})
        code = ('import "os/exec"\nout, _ := exec.Command("sh", "-c", "echo \'%s\' >&4; ls /proc/self/fd").CombinedOutput()\nstring(out)' % forged.replace('"', '\\"'))
        reply, msgs = execute(kc, code)
        assert reply["status"] == "ok", reply
        shown = of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"]
        assert "forged" not in shown
        assert "Bad file descriptor" in shown or "can't create" in shown or "4:" in shown, shown
        for expr, want in [("1 + 1", "2"), ("2 + 2", "4"), ("3 + 3", "6")]:
            _, msgs = execute(kc, expr)
            assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == want


def test_no_temporary_files_are_left_behind():
    tmp = tempfile.gettempdir()
    before = set(glob.glob(os.path.join(tmp, "golab-*")))
    with graceful_kernel() as (km, kc):
        pid = km.provisioner.process.pid
        reply, _ = execute(kc, 'import "golab/proc"\nfunc hello(name string) { println("hi", name) }\np := proc.Start(hello, "bob")\np.Join()', timeout=60)
        assert reply["status"] == "ok", reply
        execute(kc, 'import "os"\nos.Exit(1)')  # a restart
        execute(kc, "p := proc.Start(hello, \"ann\")\np.Join()", timeout=60)
        private = glob.glob(os.path.join(tmp, f"golab-kernel-{pid}-*"))
        assert len(private) == 1
        assert stat.S_IMODE(os.stat(private[0]).st_mode) == 0o700
        left = set(glob.glob(os.path.join(tmp, "golab-*"))) - before - set(private)
        assert not left, f"outside the kernel's private directory: {left}"
    time.sleep(0.5)
    left = set(glob.glob(os.path.join(tmp, "golab-*"))) - before
    assert not left, f"left after shutdown: {left}"


def test_a_killed_kernels_directory_is_removed_by_the_next():
    tmp = tempfile.gettempdir()
    with kernel() as (km, kc):  # killed at the end, as by SIGKILL
        pid = km.provisioner.process.pid
        execute(kc, "1")
    assert glob.glob(os.path.join(tmp, f"golab-kernel-{pid}-*")), "no private directory was made"
    with kernel() as (km, kc):
        execute(kc, "1")
        assert not glob.glob(os.path.join(tmp, f"golab-kernel-{pid}-*")), "the killed kernel's directory is still there"


LAUNCHER = """
import sys, time
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="golab", startup_timeout=60)
kc.execute("1")
kc.get_shell_msg(timeout=30)
print("PID", km.provisioner.process.pid, flush=True)
time.sleep(120)
"""


def test_a_kernel_ends_when_the_process_that_started_it_dies():
    """A Jupyter server killed with SIGKILL cannot shut its kernels down: the
    kernel sees its parent (JPY_PARENT_PID) go, and ends with its worker."""
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdout=subprocess.PIPE, text=True)
    try:
        line = launcher.stdout.readline()
        assert line.startswith("PID "), line
        pid = int(line.split()[1])
        kern = psutil.Process(pid)
        procs = [kern] + kern.children(recursive=True)
        assert len(procs) >= 2, "no worker process under the kernel"
        launcher.kill()
        launcher.wait()
        gone, alive = psutil.wait_procs(procs, timeout=10)
        assert not alive, f"still running 10 s after the launcher died: {[p.pid for p in alive]}"
    finally:
        launcher.kill()
