"""Output streams while the cell runs, in batches, with nothing lost."""

import time

from kernel_helpers import collect, execute, kernel, of_type, stream_text, streams_for

TICKER = """
import ("fmt"; "sync"; "time")
var wg sync.WaitGroup
for g := 0; g < 2; g++ {
	wg.Add(1)
	go func(id int) {
		defer wg.Done()
		for i := 0; i < 5; i++ {
			fmt.Printf("goroutine %d tick %d\\n", id, i)
			time.Sleep(200 * time.Millisecond)
		}
	}(g)
}
wg.Wait()
"""


def test_output_arrives_while_the_cell_runs():
    with kernel() as (km, kc):
        execute(kc, "1")  # warm up
        sent = time.time()
        msg_id = kc.execute(TICKER)
        msgs, times = collect(kc, msg_id)
        arrivals = [t - sent for m, t in zip(msgs, times) if m["msg_type"] == "stream"]
        text = stream_text(msgs)
        assert text.count("tick") == 10, text
        # First line well before the end (the cell runs ~1 s), and the
        # arrivals spread over the run instead of coming at the end.
        assert arrivals[0] < 0.3, arrivals
        assert arrivals[-1] - arrivals[0] > 0.6, arrivals
        assert len(arrivals) >= 4, arrivals


def test_flood_is_batched_and_complete():
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import "fmt"\nfor i := 0; i < 100000; i++ { fmt.Println(i) }', timeout=60)
        assert reply["status"] == "ok"
        lines = stream_text(msgs).splitlines()
        assert lines == [str(i) for i in range(100000)]
        assert len(of_type(msgs, "stream")) < 1000


def test_huge_burst_is_capped_with_a_notice_and_kernel_survives():
    with kernel() as (km, kc):
        code = 'import ("os"; "strings")\nline := strings.Repeat("x", 1023) + "\\n"\nfor i := 0; i < 100*1024; i++ { os.Stdout.WriteString(line) }'
        reply, msgs = execute(kc, code, timeout=120)
        assert reply["status"] == "ok"
        shown = stream_text(msgs)
        assert 0 < len(shown) <= 8 * 1024 * 1024
        notice = stream_text(msgs, "stderr")
        assert "more than the notebook shows" in notice and "golab-output-" in notice
        reply, msgs = execute(kc, "1 + 1")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "2"


def test_child_process_output_is_captured():
    with kernel() as (km, kc):
        code = 'import ("os"; "os/exec")\ncmd := exec.Command("sh", "-c", "echo from the child; echo child error >&2")\ncmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr\ncmd.Run()'
        reply, msgs = execute(kc, code)
        assert reply["status"] == "ok"
        assert stream_text(msgs) == "from the child\n"
        assert stream_text(msgs, "stderr") == "child error\n"


def wait_for_stream(kc, text, timeout=5):
    """The first stream message on iopub that contains text."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["msg_type"] == "stream" and text in msg["content"]["text"]:
            return msg
    raise AssertionError(f"{text!r} never came: the goroutine's output was lost")


def test_output_of_a_goroutine_that_outlives_its_cell_is_shown():
    with kernel() as (km, kc):
        first = kc.execute('import ("fmt"; "time")\ngo func() { time.Sleep(300 * time.Millisecond); fmt.Println("late line") }()')
        collect(kc, first)
        # The late line is published with the cell that started the goroutine as parent.
        late = wait_for_stream(kc, "late line")
        assert late["parent_header"]["msg_id"] == first


def test_late_output_between_cells_goes_to_the_cell_that_started_the_goroutine():
    with kernel() as (km, kc):
        first = kc.execute('import ("fmt"; "time")\ngo func() { time.Sleep(700 * time.Millisecond); fmt.Println("late line") }()')
        collect(kc, first)
        second = kc.execute('fmt.Println("second cell")')
        collect(kc, second)
        # No cell runs when the line comes: it goes to the first cell, which
        # JupyterLab still shows, not to the cell that ran last.
        late = wait_for_stream(kc, "late line")
        assert late["parent_header"]["msg_id"] == first


def test_output_while_idle_is_held_after_a_while_so_an_idle_server_can_be_culled():
    """A server counts as active whenever a kernel sends output (jupyter_server),
    so a goroutine left printing would keep an idle student's server from ever
    being culled: after GOLAB_IDLE_OUTPUT_HOLD with no cell running, its output
    is held, and the next cell says how much, with the end of it."""
    import os
    env = dict(os.environ, GOLAB_IDLE_OUTPUT_HOLD="1s")
    with kernel(env=env) as (km, kc):
        first = kc.execute('import ("fmt"; "time")\ngo func() {\n\tfor i := 0; ; i++ {\n\t\tfmt.Println("tick", i)\n'
                           '\t\ttime.Sleep(100 * time.Millisecond)\n\t}\n}()')
        collect(kc, first)
        arrivals = [at for at, _ in streams_for(kc, 3.5)]
        assert arrivals and arrivals[0] < 1.0, arrivals  # it streams at first
        assert not [t for t in arrivals if t > 1.6], arrivals  # then nothing reaches iopub
        reply, msgs = execute(kc, "1 + 1")
        note = stream_text(msgs, "stderr")
        assert "golab held them" in note and "more than 1s after the last cell ended" in note and "tick" in note, note
