"""Go semantics through a real Jupyter client: deadlocks, leaked goroutines,
goroutine panics and %race."""

import os
import shutil
import time

import psutil
import pytest

from kernel_helpers import collect, execute, kernel, of_type, stream_text, streams_for

DEADLOCKS = [
    ("unbuffered send, no receiver", 'ch := make(chan int)\nch <- 1', ["goroutine", "[chan send]", "sends on a channel at cell line 2"]),
    ("receive, nobody sends", 'ch := make(chan string)\nfmt.Println("waiting")\nv := <-ch\nfmt.Println(v)',
     ["[chan receive]", "cell line 3"]),
    ("mutex locked twice", 'var mu sync.Mutex\nmu.Lock()\nmu.Lock()',
     ["goroutine 1 [sync.Mutex.Lock]: the cell's own code, waits for mutex mu (mu.Lock(), cell line 3)",
      "mutex mu: goroutine 1 holds it (mu.Lock(), cell line 2); goroutine 1 waits for it (mu.Lock(), cell line 3)",
      "Go's mutexes are not reentrant"]),
    ("locks taken in opposite orders",
     'a, b := &Account{}, &Account{}\nvar wg sync.WaitGroup\nwg.Add(2)\n'
     'go func() { defer wg.Done(); Transfer(a, b) }()\ngo func() { defer wg.Done(); Transfer(b, a) }()\nwg.Wait()',
     # one line per lock: who holds it, where it was taken, who waits where
     ["started at cell line 4, waits for mutex #", "started at cell line 5, waits for mutex #",
      "holds it (from.mu.Lock() in Transfer, cell line 9)", "waits for it (to.mu.Lock() in Transfer, cell line 12)",
      "A circular wait: goroutines"]),
    ("a read lock taken again while a writer waits",
     'var rw sync.RWMutex\nrw.RLock()\nstarted := make(chan bool)\ngo func() {\n\tclose(started)\n\trw.Lock()\n}()\n'
     # the writer is one statement from its Lock when started closes: 200 ms is ample for it to wait
     '<-started\ntime.Sleep(200 * time.Millisecond)\nrw.RLock()',
     ["RWMutex rw: goroutine 1 holds it for reading (rw.RLock(), cell line 2)",
      "goroutine 1 waits to read-lock it (rw.RLock(), cell line 10)", "waits for it (rw.Lock(), cell line 6)",
      "an RWMutex lets no new reader in"]),
    ("a goroutine ends holding a lock",
     'var mu sync.Mutex\ndone := make(chan bool)\ngo func() {\n\tmu.Lock()\n\tclose(done)\n}()\n<-done\nmu.Lock()',
     ["locked it and ended without unlocking it (mu.Lock(), cell line 4)",
      "goroutine 1 waits for it (mu.Lock(), cell line 8)", "is an Unlock missing"]),
    ("WaitGroup never done", 'var wg sync.WaitGroup\nwg.Add(2)\ngo func() { defer wg.Done() }()\nwg.Wait()',
     ["WaitGroup", "waits for a WaitGroup or Cond at cell line 4"]),
    ("circular wait between goroutines",
     'a, b := make(chan int), make(chan int)\ngo func() {\n\t<-a\n\tb <- 1\n}()\n<-b\na <- 1',
     ["[chan receive]", "started at cell line 2", "receives from a channel at cell line 3", "cell line 6"]),
    ("Cond never signalled", 'var mu sync.Mutex\nc := sync.NewCond(&mu)\nmu.Lock()\nc.Wait()', ["Cond", "cell line 4"]),
    ("empty select", 'select {}', ["goroutine 1 [select", "the cell's own code"]),
    ("named function started with go", 'func relay(in, out chan int) {\n\tout <- <-in\n}\na, b := make(chan int), make(chan int)\n'
     'go relay(a, b)\n<-b', ["[chan receive]", "started at cell line 5", "cell line 6"]),
    # Rob Pike's daisy chain without its last send: one line for the 2,000 alike (the report had one each).
    ("a daisy chain of 2,000 goroutines", 'func f(left, right chan int) { left <- 1 + <-right }\nleftmost := make(chan int)\n'
     'right, left := leftmost, leftmost\nfor i := 0; i < 2000; i++ { right = make(chan int); go f(left, right); left = right }\n<-leftmost',
     ["goroutine 1 [chan receive]", "and 1997 more (2000 in all) [chan receive]: started at cell line 4"]),
]


@pytest.mark.parametrize("name,code,expected", DEADLOCKS, ids=[d[0] for d in DEADLOCKS])
def test_deadlock_ends_the_cell_in_gos_words(name, code, expected):
    with kernel() as (km, kc):
        execute(kc, 'import ("fmt"; "sync"; "time")\nvar _ = fmt.Sprint\nvar _ sync.Mutex\nfunc kept() string { return "kept" }\n'
                'type Account struct {\n\tmu sync.Mutex\n}\nfunc Transfer(from, to *Account) {\n\tfrom.mu.Lock()\n'
                '\tdefer from.mu.Unlock()\n\ttime.Sleep(10 * time.Millisecond)\n\tto.mu.Lock()\n\tdefer to.mu.Unlock()\n}')
        start = time.time()
        reply, msgs = execute(kc, code, timeout=30)
        took = time.time() - start
        assert reply["status"] == "error"
        err = of_type(msgs, "error")[0]["content"]
        text = err["evalue"] + "\n" + "\n".join(err["traceback"])
        assert "all goroutines are asleep - deadlock!" in text, text
        for e in expected:
            assert e in text, (e, text)
        # Detection takes a few samples of 100 ms; the worker restart a little more.
        assert took < 3.0, took
        reply, msgs = execute(kc, "kept()")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == '"kept"'


NOT_DEADLOCKS = [
    ("sleeping", 'time.Sleep(1500 * time.Millisecond)\nfmt.Println("woke")'),
    ("waiting on time.After", 'ch := make(chan int)\nselect {\ncase <-ch:\ncase <-time.After(1500 * time.Millisecond):\n\tfmt.Println("woke")\n}'),
    ("waiting on a timer", 't := time.NewTimer(1500 * time.Millisecond)\n<-t.C\nfmt.Println("woke")'),
    ("waiting on a ticker", 'tk := time.NewTicker(300 * time.Millisecond)\nfor i := 0; i < 5; i++ { <-tk.C }\ntk.Stop()\nfmt.Println("woke")'),
    ("context with timeout", 'ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)\ndefer cancel()\n<-ctx.Done()\nfmt.Println("woke")'),
    ("a goroutine that sleeps, then sends", 'ch := make(chan string)\ngo func() { time.Sleep(1500 * time.Millisecond); ch <- "woke" }()\nfmt.Println(<-ch)'),
    # A timer Reset to later (the Go blog's race-detector timer-fixed.go, heartbeats) was taken for a deadlock.
    ("a timer reset to later", 't := time.NewTimer(100 * time.Millisecond)\n<-t.C\nt.Reset(1500 * time.Millisecond)\n<-t.C\nfmt.Println("woke")'),
    ("a function timer reset to later", 'ch := make(chan string)\nt := time.AfterFunc(time.Hour, func() { ch <- "woke" })\nt.Reset(1500 * time.Millisecond)\nfmt.Println(<-ch)'),
    # golab's own helpers wait with timers made in compiled code.
    ("a semaphore acquired with a timeout", 'import "golab/safe"\ns := safe.NewSemaphore(1)\ns.Acquire()\nif !s.AcquireTimeout(1500 * time.Millisecond) { fmt.Println("woke") }'),
    ("context with a timeout and a cause", 'ctx, cancel := context.WithTimeoutCause(context.Background(), 1500*time.Millisecond, context.Canceled)\ndefer cancel()\n<-ctx.Done()\nfmt.Println("woke")'),
]


@pytest.mark.parametrize("name,code", NOT_DEADLOCKS, ids=[d[0] for d in NOT_DEADLOCKS])
def test_no_false_alarm_on_timers_and_sleep(name, code):
    with kernel() as (km, kc):
        execute(kc, 'import ("context"; "fmt"; "time")\nvar _ = fmt.Sprint\nvar _ = context.Background\nvar _ = time.Second')
        reply, msgs = execute(kc, code, timeout=30)
        assert reply["status"] == "ok", of_type(msgs, "error")
        assert stream_text(msgs).strip() == "woke"


def test_a_deadlock_report_lists_only_the_learners_goroutines():
    """Goroutines a %check's tests left blocked are not the learner's (issue
    29, item 3): a later deadlock report counts them in one line instead of
    listing them among the learner's goroutines."""
    with kernel() as (km, kc):
        execute(kc, 'import "sync"\nvar _ sync.Mutex\nfunc Count(g, each int) int {\n\tch := make(chan int)\n'
                    '\tfor i := 0; i < 3; i++ {\n\t\tgo func() { <-ch }()\n\t}\n\treturn g * each\n}')
        reply, msgs = execute(kc, '%check counter\n//golab:test "one"\ncheck.Equal(t, "Count(1, 1)", Count(1, 1), 1)')
        assert "PASS counter" in str([m["content"] for m in of_type(msgs, "display_data")]), msgs
        reply, msgs = execute(kc, "var mu sync.Mutex\nmu.Lock()\ngo func() { mu.Lock() }()\nch := make(chan int)\nch <- 1", timeout=30)
        err = of_type(msgs, "error")[0]["content"]
        text = "\n".join(err["traceback"])
        assert "all goroutines are asleep - deadlock!" in text, text
        assert "goroutine 1 [chan send]: the cell's own code, sends on a channel at cell line 5" in text, text
        assert "started at cell line 3" in text, text
        assert "(and 3 goroutines that the tests of an earlier %check left blocked)" in text, text
        assert "of an earlier cell" not in text, text


def test_a_cell_blocked_beside_an_earlier_cells_ticker_is_told():
    """Lesson 05's deadlock after lesson 04 left a ticking goroutine (issue
    28, item 10): the ticker keeps Go's deadlock check quiet, and Go would
    wait too, so the cell is not ended; but after a few seconds the cell
    says that every goroutine of its own is blocked, where, and which
    earlier goroutine it waits for; an interrupt then ends it. A cell that
    waits on its own timer beside the same ticker hears nothing."""
    with kernel() as (km, kc):
        execute(kc, 'import ("fmt"; "sync"; "time")\ngo func() { t := time.NewTicker(200 * time.Millisecond); for range t.C { } }()')
        reply, msgs = execute(kc, 't := time.NewTimer(1500 * time.Millisecond)\n<-t.C\nfmt.Println("woke")')
        assert reply["status"] == "ok" and stream_text(msgs).strip() == "woke", msgs
        assert "has been blocked" not in stream_text(msgs, "stderr")
        msg_id = kc.execute('var wg sync.WaitGroup\nch := make(chan int)\nwg.Add(1)\n'
                            'go func() { defer wg.Done(); ch <- 1 }()\nwg.Wait()\nfmt.Println(<-ch)')
        seen = streams_for(kc, 8)
        note = "".join(t for _, t in seen)
        assert "every goroutine of this cell has been blocked" in note, seen
        assert "goroutine 1 [sync.WaitGroup.Wait]: the cell's own code, waits for a WaitGroup or Cond at cell line 5" in note, note
        assert "[chan send]: started at cell line 4, sends on a channel at cell line 4" in note, note
        assert "started at line 2 of an earlier cell" in note, note
        assert [at for at, t in seen if "has been blocked" in t][0] < 7, seen
        km.interrupt_kernel()
        msgs, _ = collect(kc, msg_id, timeout=15)
        assert of_type(msgs, "error")[0]["content"]["ename"] == "interrupted"


def test_leaked_goroutines_are_reported_and_keep_printing():
    with kernel() as (km, kc):
        code = ('import ("fmt"; "time")\nfor i := 0; i < 2; i++ {\n\tgo func() {\n\t\ttime.Sleep(700 * time.Millisecond)\n'
                '\t\tfmt.Println("late", i)\n\t}()\n}\nfmt.Println("cell done")')
        reply, msgs = execute(kc, code)
        assert reply["status"] == "ok"
        err = stream_text(msgs, "stderr")
        assert "2 goroutines are still running" in err, err
        # Grouped by where they started and what they do: one line for both.
        assert "  2 goroutines [sleep]: started at cell line 3" in err, err
        assert stream_text(msgs) == "cell done\n"
        # Their output is not lost: it appears in the cell running then.
        reply, msgs = execute(kc, 'time.Sleep(1500 * time.Millisecond)')
        assert sorted(stream_text(msgs).split("\n")) == ["", "late 0", "late 1"]
        # Goroutines started by `go f(x)` are reported with their line too.
        reply, msgs = execute(kc, 'func wait(c chan int) { <-c }\nblock := make(chan int)\ngo wait(block)')
        assert "1 goroutine is still running" in stream_text(msgs, "stderr"), stream_text(msgs, "stderr")
        assert "started at cell line 3" in stream_text(msgs, "stderr"), stream_text(msgs, "stderr")


def test_a_hundred_leaked_goroutines_make_a_short_report():
    with kernel() as (km, kc):
        code = ('import "time"\nstop := make(chan bool)\nfor i := 0; i < 100; i++ {\n\tgo func() { <-stop }()\n}\n'
                'for i := 0; i < 3; i++ {\n\tgo func() { time.Sleep(time.Hour) }()\n}')
        reply, msgs = execute(kc, code, timeout=60)
        assert reply["status"] == "ok"
        report = stream_text(msgs, "stderr")
        assert "103 goroutines are still running" in report, report
        assert "  100 goroutines [chan receive]: started at cell line 4" in report, report
        assert "  3 goroutines [sleep]: started at cell line 7" in report, report
        assert len(report.splitlines()) <= 6, report


def test_goroutine_panic_ends_the_cell_with_its_line():
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import "time"\nfunc kept() int { return 1 }\ngo func() {\n\tvar m map[string]int\n\tm["x"] = 1\n}()\ntime.Sleep(2 * time.Second)')
        assert reply["status"] == "error"
        err = of_type(msgs, "error")[0]["content"]
        text = err["evalue"] + "\n" + "\n".join(err["traceback"])
        assert "assignment to entry in nil map" in text, text
        assert "goroutine" in text and "cell line 3" in text, text
        reply, msgs = execute(kc, "kept()")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "1"


RACY = ('%race\ncounter := 0\nvar wg sync.WaitGroup\nfor i := 0; i < 2; i++ {\n\twg.Add(1)\n\tgo func() {\n'
        '\t\tdefer wg.Done()\n\t\tcounter++\n\t}()\n}\nwg.Wait()\nfmt.Println("counter:", counter)')


@pytest.mark.skipif(shutil.which("go") is None or shutil.which("gcc") is None, reason="needs the Go toolchain and gcc")
def test_race_magic_reports_races_at_cell_lines():
    with kernel() as (km, kc):
        execute(kc, 'import ("fmt"; "sync")')
        reply, msgs = execute(kc, RACY, timeout=180)
        assert reply["status"] == "error"
        err = stream_text(msgs, "stderr")
        assert "WARNING: DATA RACE" in err, err
        assert "cell line 8" in err and "cell line 6" in err, err
        assert "main.go" not in err, err
        assert "counter:" in stream_text(msgs)
        assert "found 1 data race" in of_type(msgs, "error")[0]["content"]["evalue"]
        # The same cell with a mutex is race-free, and earlier cells' functions come along.
        execute(kc, 'func bump(mu *sync.Mutex, p *int) { mu.Lock(); *p++; mu.Unlock() }')
        fixed = RACY.replace("counter := 0", "counter := 0\nvar mu sync.Mutex").replace("\t\tcounter++", "\t\tbump(&mu, &counter)")
        reply, msgs = execute(kc, fixed, timeout=180)
        assert reply["status"] == "ok", of_type(msgs, "error")
        assert stream_text(msgs) == "counter: 2\n"
        assert "DATA RACE" not in stream_text(msgs, "stderr")


@pytest.mark.skipif(shutil.which("go") is None or shutil.which("gcc") is None, reason="needs the Go toolchain and gcc")
def test_race_magic_names_lines_of_earlier_cells():
    """A race in a function an earlier cell declared is located in that cell,
    not reported as "an earlier cell" everywhere."""
    with kernel() as (km, kc):
        execute(kc, 'import "sync"\nfunc racyCount(n int) int {\n\tcounter := 0\n\tvar wg sync.WaitGroup\n'
                    '\tfor g := 0; g < 2; g++ {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n'
                    '\t\t\tfor i := 0; i < n; i++ {\n\t\t\t\tcounter++\n\t\t\t}\n\t\t}()\n\t}\n\twg.Wait()\n\treturn counter\n}')
        reply, msgs = execute(kc, '%race\nimport "fmt"\nfmt.Println(racyCount(1000))', timeout=180)
        assert reply["status"] == "error"
        err = stream_text(msgs, "stderr")
        assert "line 10 of the cell that defines racyCount" in err and "line 7 of the cell that defines racyCount" in err, err
        assert "an earlier cell" not in err, err


@pytest.mark.skipif(shutil.which("go") is None or shutil.which("gcc") is None, reason="needs the Go toolchain and gcc")
def test_race_magic_builds_golab_helpers():
    """A %race cell may use golab's helpers: safe.Counter is race-free under
    the detector, and a plain int beside it is not."""
    with kernel() as (km, kc):
        execute(kc, 'import ("fmt"; "sync"; "golab/safe")')
        cell = ('%race\nvar c safe.Counter\nplain := 0\nvar wg sync.WaitGroup\nfor i := 0; i < 2; i++ {\n\twg.Add(1)\n'
                '\tgo func() {\n\t\tdefer wg.Done()\n\t\tc.Add(1)\n\t\tPLAIN\n\t}()\n}\nwg.Wait()\nfmt.Println("counted:", c.Value())')
        reply, msgs = execute(kc, cell.replace("PLAIN", "_ = plain"), timeout=600)
        assert reply["status"] == "ok", of_type(msgs, "error")
        assert stream_text(msgs) == "counted: 2\n"
        assert "DATA RACE" not in stream_text(msgs, "stderr")
        reply, msgs = execute(kc, cell.replace("PLAIN", "plain++"), timeout=600)
        assert reply["status"] == "error" and reply["ename"] == "data race", reply
        assert "cell line 10" in stream_text(msgs, "stderr")


def test_race_magic_without_a_toolchain_says_so():
    import os

    env = dict(os.environ, PATH="/nonexistent")
    with kernel(env=env) as (km, kc):
        reply, msgs = execute(kc, RACY.replace("%race\n", "%race\nimport (\"fmt\"; \"sync\")\n"), timeout=60)
        assert reply["status"] == "error"
        text = "\n".join(of_type(msgs, "error")[0]["content"]["traceback"])
        assert "needs the go command" in text, text


WHOLE_PROGRAM_STREAMING = """package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("first")
	time.Sleep(1500 * time.Millisecond)
	fmt.Println("second")
	go func() {
		for {
			time.Sleep(time.Millisecond)
		}
	}()
}
"""


def test_whole_program_runs_compiled():
    """A cell that is a whole program is built by the Go toolchain: its output
    streams live, Go's runtime reports its panic and exit status, it ends like
    a program (no report of goroutines left running), and later cells can use
    its functions."""
    with kernel() as (km, kc):
        msg_id = kc.execute(WHOLE_PROGRAM_STREAMING)
        msgs, times = collect(kc, msg_id, timeout=120)
        streams = [(m["content"]["text"], t) for m, t in zip(msgs, times) if m["msg_type"] == "stream"]
        assert "".join(s for s, _ in streams) == "first\nsecond\n", streams
        first_at = next(t for s, t in streams if "first" in s)
        assert times[-1] - first_at > 1.0, "the first line did not arrive while the program ran"
        notes = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
        assert any("compiled by go build" in n for n in notes), notes

        reply, msgs = execute(kc, 'package main\n\nimport "fmt"\n\nfunc square(n int) int { return n * n }\n\nfunc main() {\n\tfmt.Println(square(3))\n\tvar m map[string]int\n\tm["x"] = 1\n}\n', timeout=120)
        assert reply["status"] == "error" and reply["ename"] == "exit status 2", reply
        assert stream_text(msgs) == "9\n"
        assert stream_text(msgs, "stderr").startswith("panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.main()\n\tcell/main.go:10")

        reply, msgs = execute(kc, "square(5)")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "25"

        # The Go blog's and talks' programs start with build constraints, which `go run file.go` ignores.
        reply, msgs = execute(kc, '// +build ignore,OMIT\n\npackage main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("built")\n}\n', timeout=120)
        assert reply["status"] == "ok", stream_text(msgs, "stderr")
        assert stream_text(msgs) == "built\n"


def test_a_compiled_programs_init_runs_once():
    """Keeping a compiled program's declarations for later cells runs none of
    its code again: func init and an initializer that calls a function printed
    twice. The variable keeps the zero value, and the cell says so."""
    program = ('package main\n\nimport "fmt"\n\nvar counter = start()\n\nfunc start() int { fmt.Println("start runs"); return 10 }\n\n'
               'func init() { fmt.Println("init runs") }\n\nfunc main() { fmt.Println("main", counter) }\n')
    with kernel() as (km, kc):
        reply, msgs = execute(kc, program, timeout=120)
        assert reply["status"] == "ok", reply
        assert stream_text(msgs) == "start runs\ninit runs\nmain 10\n"  # go run prints exactly this
        assert "counter has the zero value" in stream_text(msgs, "stderr")
        reply, msgs = execute(kc, "start() + counter")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "10"


def test_whole_program_build_error_at_cell_lines():
    with kernel() as (km, kc):
        reply, msgs = execute(kc, "package main\n\nfunc main() {\n\tx := 1\n}\n", timeout=120)
        assert reply["status"] == "error"
        assert "at cell line 4, column 2: declared and not used: x" in "\n".join(reply["traceback"])


def test_interrupt_stops_a_compiled_program():
    with kernel() as (km, kc):
        msg_id = kc.execute("package main\n\nfunc main() {\n\tfor {\n\t}\n}\n")
        time.sleep(3)  # built and running
        km.interrupt_kernel()
        msgs, _ = collect(kc, msg_id, timeout=20)
        assert of_type(msgs, "error")[0]["content"]["ename"] == "interrupted"
        reply, msgs = execute(kc, "1 + 1")
        assert reply["status"] == "ok"
        left = [p for p in psutil.Process(km.provisioner.process.pid).children(recursive=True) if "cell" in " ".join(p.cmdline())]
        assert not left, left


WHOLE_PROGRAM_WITH_HELPERS = """package main

import (
	"fmt"
	"golab/display"
	"golab/safe"
	"github.com/golab-notebooks/golab/runtime/race"
)

func main() {
	var c safe.Counter
	c.Add(2)
	fmt.Println("before", c.Value())
	display.HTML("<b>shown between</b>")
	fmt.Println("between")
	bar := display.New("0 of 3")
	bar.Update("3 of 3")
	seen := race.Histogram(5, func() int { return 1 })
	fmt.Println("after", seen != nil)
}
"""


def test_whole_program_with_golab_helpers_runs_compiled():
    """golab's helper packages build with the program (their source is in the
    golab binary), under the short and the full import path, and golab/display
    reaches the notebook in order with the program's own output."""
    with kernel() as (km, kc):
        reply, msgs = execute(kc, WHOLE_PROGRAM_WITH_HELPERS, timeout=600)
        assert reply["status"] == "ok", reply
        notes = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]
        assert any("compiled by go build" in n for n in notes), notes
        assert "interpreter" not in stream_text(msgs, "stderr")
        program = [m for m in msgs if m["msg_type"] == "stream" or (m["msg_type"] in ("display_data", "update_display_data")
                                                                     and "golab-build" not in m["content"].get("transient", {}).get("display_id", ""))]
        seen = []
        for m in program:
            if m["msg_type"] == "stream":
                seen.extend("stdout: " + line for line in m["content"]["text"].splitlines())
            else:
                data = m["content"]["data"]
                seen.append(m["msg_type"] + ": " + data.get("text/html", data["text/plain"]))
        assert seen[:5] == ["stdout: before 2", "display_data: <b>shown between</b>", "stdout: between",
                            "display_data: 0 of 3", "update_display_data: 3 of 3"], seen
        assert seen[-1] == "stdout: after true", seen
        ids = {m["content"].get("transient", {}).get("display_id") for m in program if m["msg_type"] != "stream"}
        assert len(ids - {None}) >= 1, "the updated output has no display id"


def test_proc_in_a_compiled_program_says_where_processes_start():
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'package main\n\nimport (\n\t"fmt"\n\t"golab/proc"\n)\n\nfunc hello() string { return "hi" }\n\n'
                                  'func main() {\n\t_, err := proc.Start(hello)\n\tfmt.Println(err)\n}\n', timeout=600)
        assert reply["status"] == "ok", reply
        assert "not from a compiled program" in stream_text(msgs), stream_text(msgs)


def test_whole_program_without_a_toolchain_is_interpreted_and_says_so():
    env = dict(os.environ, PATH="/usr/bin:/bin")
    with kernel(env=env) as (km, kc):
        reply, msgs = execute(kc, 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n', timeout=60)
        assert reply["status"] == "ok"
        assert stream_text(msgs) == "hi\n"
        assert "no Go toolchain" in stream_text(msgs, "stderr")
        reply, msgs = execute(kc, '%go run\npackage main\n\nfunc main() {}\n')
        assert reply["status"] == "error" and "not installed" in reply["evalue"]


NEW_WITH_A_VALUE = [
    ("p := new(42)\n*p", "42"),
    ('q := new("go")\n*q', '"go"'),
    ("type pt struct{ x, y int }\nr := new(pt{1, 2})\nr.y", "2"),
    ("f := new(2.5)\n*f", "2.5"),
    ("c := new('a')\n*c", "97"),
    ("n := new(-4)\n*n", "-4"),
    ("m := new(int)\n*m", "0"),
]


@pytest.mark.parametrize("code,want", NEW_WITH_A_VALUE)
def test_new_with_a_value_gives_gos_answer(code, want):
    """Go 1.26's new(expr): yaegi gave a silent zero; golab rewrites it."""
    with kernel() as (km, kc):
        reply, msgs = execute(kc, code)
        assert reply["status"] == "ok", reply
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == want


def test_new_with_a_value_it_cannot_rewrite_is_refused_not_misrun():
    with kernel() as (km, kc):
        reply, msgs = execute(kc, "func seven() int { return 7 }\ns := new(seven())\nprintln(*s)")
        assert reply["status"] == "error" and reply["ename"] == "not supported", reply
        assert "cell line 2, column 6" in "\n".join(reply["traceback"])


def test_top_level_values_of_generic_calls_are_kept():
    """Cells as course material writes them: a variable at the top of a cell from a
    generic call (yaegi crashed on each and could lose earlier variables), a type named
    like a type parameter (E), a function literal called at the top of a cell (yaegi
    ran it again after every later cell), and a type parameter inferred from variadic
    arguments (yaegi: "undefined type for T")."""
    with kernel() as (km, kc):
        reply, _ = execute(kc, 'import ("errors"; "fmt"; "maps"; "slices")\ntype E struct{ code int }\n'
                                'func (e *E) Error() string { return fmt.Sprint("E", e.code) }\n'
                                'func Keys[K comparable, V any](m map[K]V) []K {\n\tout := []K{}\n'
                                '\tfor k := range m {\n\t\tout = append(out, k)\n\t}\n\treturn out\n}\n'
                                'm := map[string]int{"b": 2, "a": 1}')
        assert reply["status"] == "ok", reply
        cells = [
            ('ks := Keys(m)\nslices.Sort(ks)\nfmt.Println(ks)', "[a b]\n"),
            ('s := slices.Sorted(maps.Keys(m))\nbig := max(len(s), 1)\nfmt.Println(s, big)', "[a b] 2\n"),
            ('e, ok := errors.AsType[*E](fmt.Errorf("wrapped: %w", &E{7}))\nfmt.Println(e, ok)', "E7 true\n"),
            ('func() { fmt.Println("once") }()', "once\n"),
            ('import "cmp"\nfunc Max[T cmp.Ordered](xs ...T) T {\n\tm := xs[0]\n\tfor _, x := range xs {\n\t\tm = max(m, x)\n\t}\n\treturn m\n}\n'
             'fmt.Println(Max(3, 9, 2), Max("pear", "apple"))', "9 pear\n"),
            ('fmt.Println(ks, s, big, e.code, m["a"])', "[a b] [a b] 2 7 1\n"),
        ]
        for code, want in cells:
            reply, msgs = execute(kc, code)
            assert reply["status"] == "ok", (code, reply)
            assert stream_text(msgs) == want, (code, stream_text(msgs), stream_text(msgs, "stderr"))
        # A generic call as the cell's value (yaegi: "nil reflect type"), and a function whose
        # type parameter is a map of the others (yaegi refused to declare it).
        for code, want in [("max(big, 40)", "40"), ("Max(4, 8)", "8"),
                           ("func Values[M ~map[K]V, K comparable, V any](m M) []V {\n\tout := []V{}\n"
                            "\tfor _, v := range m {\n\t\tout = append(out, v)\n\t}\n\treturn out\n}\nlen(Values(m))", "2")]:
            reply, msgs = execute(kc, code)
            assert reply["status"] == "ok", (code, reply)
            assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == want, code


def test_top_level_defers_run_after_the_cell_in_gos_order():
    """Deferred calls at a cell's top level run when the cell ends, after its
    last statement, last deferred first, each with the values of its own
    iteration (in a loop they panicked "SetInt on string Value" or all saw the
    last value, and ran before the last statement)."""
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import "fmt"\nfor _, v := range []string{"a", "b"} { defer fmt.Println("deferred", v) }\n'
                                  'for i := 0; i < 2; i++ { defer fmt.Println("deferred", i) }\nfmt.Println("end")')
        assert reply["status"] == "ok", of_type(msgs, "error")
        # go run of the same statements in func main prints:
        assert stream_text(msgs) == "end\ndeferred 1\ndeferred 0\ndeferred b\ndeferred a\n"


def test_goexit_at_top_level_runs_the_cells_deferred_calls_in_that_cell():
    """runtime.Goexit among a cell's statements runs the cell's own deferred
    calls then, in that cell's output (they ran at the end of the next cell)."""
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import ("fmt"; "runtime")\ndefer fmt.Println("deferred ran")\nfmt.Println("before goexit")\n'
                                  'runtime.Goexit()\nfmt.Println("after goexit")')
        assert reply["status"] == "error" and reply["ename"] == "runtime.Goexit", reply
        assert stream_text(msgs) == "before goexit\ndeferred ran\n"
        reply, msgs = execute(kc, 'fmt.Println("next cell")')
        assert stream_text(msgs) == "next cell\n"


def test_a_closed_stdout_is_opened_again_for_later_cells():
    """A cell that closes os.Stdout (or os.Stderr) does not silence every later
    cell: the kernel opens it again and says so (fmt.Println failed with "file
    already closed", shown nowhere)."""
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import ("fmt"; "os")\nfmt.Println("before")\nos.Stdout.Close()')
        assert reply["status"] == "ok", of_type(msgs, "error")
        assert stream_text(msgs) == "before\n"
        assert "golab: the cell closed os.Stdout; golab opened it again" in stream_text(msgs, "stderr")
        reply, msgs = execute(kc, 'fmt.Println("shown")\nos.Stderr.Close()')
        assert stream_text(msgs) == "shown\n"
        assert "closed os.Stderr" in stream_text(msgs, "stderr")
        reply, msgs = execute(kc, 'fmt.Fprintln(os.Stderr, "err shown")\nfmt.Println("out shown")')
        assert stream_text(msgs) == "out shown\n" and stream_text(msgs, "stderr") == "err shown\n"


def test_cells_share_one_command_line_with_flag():
    """os.Args as a cell sets it is what flag.Parse reads, as in a program
    (flag.Parse read the worker's own arguments: flag.Args() was [worker]);
    a golab/proc child starts from the same fresh command line."""
    with kernel() as (km, kc):
        execute(kc, 'import ("flag"; "fmt"; "os")')
        reply, msgs = execute(kc, 'fmt.Println(os.Args)\nos.Args = []string{"prog", "-n", "3", "file.txt"}')
        assert reply["status"] == "ok" and stream_text(msgs) == "[cell]\n"
        reply, msgs = execute(kc, 'n := flag.Int("n", 1, "how many")\nflag.Parse()\nfmt.Println(*n, flag.Args(), flag.NArg(), os.Args[1:])')
        assert reply["status"] == "ok", reply
        assert stream_text(msgs) == "3 [file.txt] 1 [-n 3 file.txt]\n"
        # A flag nobody defined: Go prints the error and the usage and exits 2;
        # in a cell it is the cell's error, and the worker and its variables stay.
        reply, msgs = execute(kc, 'os.Args = []string{"prog", "-bogus"}\nflag.Parse()')
        assert reply["status"] == "error" and "flag provided but not defined: -bogus" in reply["evalue"], reply
        reply, msgs = execute(kc, "*n")
        assert reply["status"] == "ok" and of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "3"


def test_check_says_when_the_answer_cells_last_run_failed():
    """A student passes, then breaks the answer cell with a typo: %check must
    not say PASS on the old definition without a word about it."""
    check_cell = '%check eat\n//golab:test "one"\ncheck.Equal(t, "Eat()", Eat(), 1)\n'
    with kernel() as (km, kc):
        reply, _ = execute(kc, "func Eat() int { return 1 }")
        assert reply["status"] == "ok", reply
        reply, msgs = execute(kc, check_cell)
        assert "last run of the cell" not in stream_text(msgs)
        reply, _ = execute(kc, "func Eat() int { return bb }")
        assert reply["status"] == "error", reply
        reply, msgs = execute(kc, check_cell)
        text = stream_text(msgs)
        assert "the last run of the cell that defines Eat failed" in text and "undefined: bb" in text, text
        reply, _ = execute(kc, "func Eat() int {\n\treturn 1 +\n")  # a syntax error
        reply, msgs = execute(kc, check_cell)
        assert "the last run of the cell that defines Eat failed (line" in stream_text(msgs), stream_text(msgs)
        reply, _ = execute(kc, "func Eat() int { return 1 }")
        reply, msgs = execute(kc, check_cell)
        assert "last run of the cell" not in stream_text(msgs)
