"""golab/proc through a real Jupyter client: functions defined in cells run
in child processes, results come back, a child's crash is an error in the
cell, and interrupt and shutdown leave no child process behind."""

import time

import psutil

from kernel_helpers import execute, kernel, of_type, stream_text

SETUP = ('import ("fmt"; "time"; "golab/proc")\nvar _ = time.Second', 'counter := 0',
         'func hello(name string) string {\n\tcounter = 100\n\tfmt.Println("hello from", proc.Name(), "to", name)\n'
         '\treturn "done"\n}\nfunc crash() int { var m map[string]int; m["x"] = 1; return 0 }\n'
         'func sleeper() { time.Sleep(time.Hour) }')


def setup(kc):
    for code in SETUP:
        reply, msgs = execute(kc, code)
        assert reply["status"] == "ok", of_type(msgs, "error")


def golab_children(km):
    """The kernel's descendant processes that are golab/proc children."""
    kernel = psutil.Process(km.provisioner.process.pid)
    found = []
    for p in kernel.children(recursive=True):
        try:
            if p.cmdline()[1:2] == ["proc"]:
                found.append(p)
        except psutil.Error:
            pass
    return found


def test_hello_from_a_child_process_with_its_own_copy_of_the_state():
    with kernel() as (km, kc):
        setup(kc)
        reply, msgs = execute(kc, 'p, err := proc.Start(hello, "bob")\nr, err := p.Join()\n'
                                  'fmt.Println("result:", r, err, "- counter in", proc.Name(), "is", counter)')
        assert reply["status"] == "ok", of_type(msgs, "error")
        out = stream_text(msgs)
        assert "[Process-1] hello from Process-1 to bob\n" in out, out
        assert "result: done <nil> - counter in MainProcess is 0\n" in out, out


def test_a_queue_carries_values_between_processes():
    with kernel() as (km, kc):
        setup(kc)
        execute(kc, 'func producer(q *proc.Queue, n int) {\n\tfor i := 1; i <= n; i++ { q.Put(i * 10) }\n\tq.Close()\n}')
        reply, msgs = execute(kc, 'q, _ := proc.NewQueue()\np, _ := proc.Start(producer, q, 3)\nsum := 0\n'
                                  'for { v, ok := q.Get(); if !ok { break }; sum += v.(int) }\n_, err := p.Join()\nfmt.Println(sum, err)')
        assert reply["status"] == "ok", of_type(msgs, "error")
        assert stream_text(msgs) == "60 <nil>\n"


def test_a_pipe_between_the_notebook_and_a_child():
    with kernel() as (km, kc):
        setup(kc)
        execute(kc, 'func echo(c *proc.Conn) {\n\tfor { v, ok := c.Recv(); if !ok { break }; c.Send(fmt.Sprint(v, "!")) }\n\tc.Close()\n}')
        reply, msgs = execute(kc, 'here, there, _ := proc.NewPipe()\np, _ := proc.Start(echo, there)\nhere.Send("hi")\nhere.Send(2)\nhere.Close()\n'
                                  'for { v, ok := here.Recv(); if !ok { break }; fmt.Println(v) }\np.Join()')
        assert reply["status"] == "ok", of_type(msgs, "error")
        assert stream_text(msgs) == "hi!\n2!\n"


def test_a_crash_in_a_child_is_an_error_in_the_cell_not_the_kernel():
    with kernel() as (km, kc):
        setup(kc)
        reply, msgs = execute(kc, '_, err := proc.Run(crash)\nfmt.Println(err)')
        assert reply["status"] == "ok"
        assert "Process-1: panic: assignment to entry in nil map" in stream_text(msgs)
        reply, msgs = execute(kc, 'fmt.Println("still here", counter)')
        assert stream_text(msgs) == "still here 0\n"


def test_interrupt_and_shutdown_leave_no_child_process():
    with kernel() as (km, kc):
        setup(kc)
        msg_id = kc.execute('p, _ := proc.Start(sleeper)\nq, _ := proc.Start(sleeper)\nfmt.Println(p.Pid(), q.Pid())\np.Join()')
        deadline = time.time() + 20
        while len(golab_children(km)) < 2 and time.time() < deadline:
            time.sleep(0.05)
        children = golab_children(km)
        assert len(children) == 2, children
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=20)
        assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "error"
        gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, alive
        # On restart.
        execute(kc, 'func sleeper1() { time.Sleep(time.Hour) }')
        kc.execute('s, _ := proc.Start(sleeper1)\ns.Join()')
        deadline = time.time() + 20
        while not golab_children(km) and time.time() < deadline:
            time.sleep(0.05)
        before = golab_children(km)
        assert len(before) == 1, before
        km.restart_kernel(now=True)
        gone, alive = psutil.wait_procs(before, timeout=10)
        assert not alive, alive
        kc.wait_for_ready(timeout=30)
        setup(kc)
        # And on shutdown: start one more, shut the kernel down.
        execute(kc, 'func sleeper2() { time.Sleep(time.Hour) }')
        kc.execute('r, _ := proc.Start(sleeper2)\nr.Join()')
        deadline = time.time() + 20
        while not golab_children(km) and time.time() < deadline:
            time.sleep(0.05)
        last = golab_children(km)
        assert len(last) == 1, last
    gone, alive = psutil.wait_procs(last, timeout=10)
    assert not alive, alive
