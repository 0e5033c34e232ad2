"""Execute-request rules, driven through jupyter_client."""

import os
import time

from kernel_helpers import collect, execute, kernel, of_type, stream_text


def test_execution_count_silent_and_store_history():
    with kernel() as (km, kc):
        r1, _ = execute(kc, "a := 1")
        r2, msgs = execute(kc, "a + 1")
        assert r2["execution_count"] == r1["execution_count"] + 1
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "2"
        r3, msgs = execute(kc, "a + 2", silent=True)
        assert r3["status"] == "ok"
        assert not of_type(msgs, "execute_input") and not of_type(msgs, "execute_result")
        r4, _ = execute(kc, "a + 3", store_history=False)
        r5, _ = execute(kc, "a + 4")
        assert r5["execution_count"] == r2["execution_count"] + 1


def test_stop_on_error_aborts_queued_cells():
    with kernel() as (km, kc):
        # The failing cell outlasts the sending of the others, so they are
        # queued when it fails (a bare panic replies in about 2 ms, and on a
        # busy machine before this client has sent the next request: a
        # request that arrives after the error reply runs, by design).
        first = kc.execute('import "time"\ntime.Sleep(500 * time.Millisecond)\npanic("first fails")')
        second = kc.execute("1 + 1")
        third = kc.execute("2 + 2")
        replies = {}
        deadline = time.time() + 30
        while len(replies) < 3 and time.time() < deadline:
            msg = kc.get_shell_msg(timeout=30)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]["status"]
        assert replies == {first: "error", second: "aborted", third: "aborted"}
        # The kernel serves normally afterwards.
        reply, msgs = execute(kc, "3 + 3")
        assert reply["status"] == "ok"


def test_a_failing_silent_cell_aborts_nothing():
    """ipykernel aborts the queue only after a non-silent error: a silent
    request is a front end's probe, not the learner's cell."""
    with kernel() as (km, kc):
        # Slow enough that the others are queued when it fails (see above).
        first = kc.execute('import "time"\ntime.Sleep(500 * time.Millisecond)\npanic("probe fails")', silent=True)
        queued = [kc.execute(f"{n} + 1") for n in range(3)]
        replies = {}
        deadline = time.time() + 30
        while len(replies) < 4 and time.time() < deadline:
            msg = kc.get_shell_msg(timeout=30)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]["status"]
        assert replies[first] == "error"
        assert [replies[q] for q in queued] == ["ok", "ok", "ok"]


def test_each_user_expression_stands_alone():
    with kernel() as (km, kc):
        queued_after = None
        msg_id = kc.execute("x := 5", user_expressions={
            "boom": 'panic("ue")', "ok": "1+1", "bad": "undefinedName", "double": "x * 2", "notexpr": "for {}"})
        queued_after = kc.execute("x + 1")
        replies = {}
        deadline = time.time() + 30
        while len(replies) < 2 and time.time() < deadline:
            msg = kc.get_shell_msg(timeout=30)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]
        reply = replies[msg_id]
        assert reply["status"] == "ok", reply
        ue = reply["user_expressions"]
        assert ue["ok"] == {"status": "ok", "data": {"text/plain": "2"}, "metadata": {}}
        assert ue["double"]["data"]["text/plain"] == "10"
        assert ue["boom"]["status"] == "error" and ue["boom"]["ename"] == "panic" and "ue" in ue["boom"]["evalue"]
        assert ue["bad"]["status"] == "error" and "undefined: undefinedName" in ue["bad"]["evalue"], ue["bad"]
        assert ue["notexpr"]["status"] == "error" and "not a Go expression" in ue["notexpr"]["evalue"]
        # Nothing queued behind it was aborted.
        assert replies[queued_after]["status"] == "ok", replies[queued_after]


def test_user_expressions():
    with kernel() as (km, kc):
        reply, _ = execute(kc, "n := 21", user_expressions={"double": "n * 2", "bad": "nosuchname"})
        ue = reply["user_expressions"]
        assert ue["double"]["status"] == "ok" and ue["double"]["data"]["text/plain"] == "42"
        assert ue["bad"]["status"] == "error"


def test_unknown_request_gets_busy_and_idle():
    with kernel() as (km, kc):
        msg = kc.session.msg("bogus_request", {})
        kc.shell_channel.send(msg)
        msgs, _ = collect(kc, msg["header"]["msg_id"])
        states = [m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status"]
        assert states == ["busy", "idle"]
        reply = kc.get_shell_msg(timeout=10)
        assert reply["msg_type"] == "bogus_reply" and reply["content"]["status"] == "error"


def test_comms():
    with kernel() as (km, kc):
        msg_id = kc.comm_info()
        reply = kc.get_shell_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["comms"] == {}
        msg = kc.session.msg("comm_open", {"comm_id": "c1", "target_name": "nobody", "data": {}})
        kc.shell_channel.send(msg)
        msgs, _ = collect(kc, msg["header"]["msg_id"])
        closes = of_type(msgs, "comm_close")
        assert closes and closes[0]["content"]["comm_id"] == "c1"


def test_input_request():
    with kernel() as (km, kc):
        msg_id = kc.execute('import "fmt"\nvar name string\nfmt.Scanln(&name)\nfmt.Println("hello,", name)', allow_stdin=True)
        req = kc.get_stdin_msg(timeout=20)
        assert req["msg_type"] == "input_request"
        kc.input("gopher")
        msgs, _ = collect(kc, msg_id)
        assert stream_text(msgs) == "hello, gopher\n"


def test_input_refused_without_stdin():
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import "fmt"\nvar name string\nfmt.Scanln(&name)', allow_stdin=False)
        assert reply["status"] == "error"
        err = of_type(msgs, "error")[0]["content"]
        assert "allow_stdin is false" in err["evalue"] + "".join(err["traceback"])


def test_errors_name_the_cell_line():
    with kernel() as (km, kc):
        for code, line in [("x := 1\ny := )", "line 2"), ("a := 1\n_ = a\nundefinedName + 1", "line 3")]:
            reply, msgs = execute(kc, code)
            assert reply["status"] == "error"
            err = of_type(msgs, "error")[0]["content"]
            assert line in err["evalue"], err


def test_state_survives_across_cells_in_any_order():
    with kernel() as (km, kc):
        execute(kc, 'total := add(2, 3)\nfunc add(a, b int) int { return a + b }')
        reply, msgs = execute(kc, "total")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "5"


def test_display_update_and_clear():
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import "golab/display"\nh := display.New("one")\nh.Update("two")\ndisplay.Clear(true)\ndisplay.Markdown("*after*")')
        assert reply["status"] == "ok"
        kinds = [m["msg_type"] for m in msgs if m["msg_type"] in ("display_data", "update_display_data", "clear_output")]
        assert kinds == ["display_data", "update_display_data", "clear_output", "display_data"]
        first, update = of_type(msgs, "display_data")[0], of_type(msgs, "update_display_data")[0]
        assert first["content"]["transient"]["display_id"] == update["content"]["transient"]["display_id"]
        assert update["content"]["data"]["text/plain"] == "two"
        assert of_type(msgs, "clear_output")[0]["content"]["wait"] is True


def test_output_before_a_display_stays_before_it():
    with kernel() as (km, kc):
        reply, msgs = execute(kc, 'import ("fmt"; "golab/display")\nfmt.Println("first")\ndisplay.HTML("<i>second</i>")\nfmt.Println("third")')
        order = [m["msg_type"] + ":" + (m["content"].get("text", "")) for m in msgs if m["msg_type"] in ("stream", "display_data")]
        assert order == ["stream:first\n", "display_data:", "stream:third\n"], order


def test_ipc_transport():
    import jupyter_client
    km = jupyter_client.KernelManager(kernel_name="golab", transport="ipc")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        reply, msgs = execute(kc, "1 + 2")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "3"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_kernel_info_on_control():
    with kernel() as (km, kc):
        msg = kc.session.msg("kernel_info_request", {})
        kc.control_channel.send(msg)
        reply = kc.control_channel.get_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == msg["header"]["msg_id"]
        info = reply["content"]
        assert info["protocol_version"] == "5.3"
        li = info["language_info"]
        assert (li["name"], li["mimetype"], li["file_extension"], li["pygments_lexer"], li["codemirror_mode"]) == ("go", "text/x-go", ".go", "go", "go")
        assert info["help_links"]


def test_lesson_notebooks_store_the_language_info_the_kernel_gives():
    """JupyterLab marks a notebook modified when the kernel's language_info
    differs from the one saved in it (issue 29, item 9: every lesson opened
    modified). The lessons store what kernel_info_reply gives."""
    import json
    from conftest import ROOT
    with kernel() as (km, kc):
        kc.kernel_info()
        info = kc.get_shell_msg(timeout=10)["content"]
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        meta = json.loads(path.read_text())["metadata"]
        assert meta["language_info"] == info["language_info"], path


def test_input_through_bufio_on_os_stdin():
    with kernel() as (km, kc):
        code = 'import ("bufio"; "fmt"; "os"; "strings")\nreader := bufio.NewReader(os.Stdin)\nline, _ := reader.ReadString(\'\\n\')\nfmt.Println("echo:", strings.TrimSpace(line))'
        msg_id = kc.execute(code, allow_stdin=True)
        assert kc.get_stdin_msg(timeout=20)["msg_type"] == "input_request"
        kc.input("from bufio")
        msgs, _ = collect(kc, msg_id)
        assert stream_text(msgs) == "echo: from bufio\n"


def test_helpers_are_completed_and_documented_without_a_toolchain():
    # PATH without the go command: the helpers' documentation is embedded.
    with kernel(env={**os.environ, "PATH": "/nonexistent"}) as (km, kc):
        reply, _ = execute(kc, 'import "golab/race"')
        assert reply["status"] == "ok"
        msg_id = kc.complete("race.Hi", 7)
        matches = kc.get_shell_msg(timeout=10)["content"]["matches"]
        assert "race.Histogram" in matches or "Histogram" in matches, matches
        kc.inspect("race.NewModel()", 8)
        content = kc.get_shell_msg(timeout=10)["content"]
        assert content["found"], content
        text = content["data"]["text/plain"]
        assert "func NewModel() *Model" in text and "returns an empty model" in text, text
