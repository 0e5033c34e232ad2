"""%compile through the real kernel: pure functions built as a Go plugin and
bound into the interpreter, redefined, brought back from the plugin cache
after a worker restart, refused with a reason when they do not qualify, and
interpreted, with one line saying why, by a golab built without cgo."""

import os
import pathlib
import shutil
import subprocess

import time

import psutil
import pytest

from kernel_helpers import collect, execute, kernel, of_type, stream_text

ROOT = pathlib.Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(shutil.which("go") is None or shutil.which("gcc") is None, reason="needs the go command and gcc"),
    pytest.mark.timeout(400),
    pytest.mark.bound(400),
]

FIB = """%compile
func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}
"""


def cache_kernel(cache, name="golab"):
    env = dict(os.environ, GOLAB_COMPILE_CACHE=str(cache))
    return kernel(name, env=env)


def error_text(msgs):
    return "\n".join("\n".join(m["content"]["traceback"]) for m in of_type(msgs, "error"))


def displays(msgs):
    return [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] in ("display_data", "update_display_data")]


def plugins(cache):
    """The plugin files in the cache, with their modification times."""
    return {p: p.stat().st_mtime_ns for p in pathlib.Path(cache).glob("*/cell.so")}


def worker_pid(km):
    return [p.pid for p in psutil.Process(km.provisioner.process.pid).children()]


def interrupted(km, kc, code):
    """Run code, interrupt it 1 s in, and return the cell's messages."""
    msg_id = kc.execute(code)
    time.sleep(1.0)
    km.interrupt_kernel()
    msgs, _ = collect(kc, msg_id, timeout=20)
    return msgs


def test_compile_redefine_and_restart_from_cache(tmp_path):
    cache = tmp_path / "cache"
    with cache_kernel(cache) as (km, kc):
        reply, _ = execute(kc, 'import ("fmt"; "os")\nfunc fib(n int) int { return -7 }\nfunc useFib(n int) int { return fib(n) + 1 }\nx := 42')
        assert reply["status"] == "ok"
        reply, msgs = execute(kc, FIB, timeout=180)
        assert reply["status"] == "ok", error_text(msgs)
        assert any("compiled by go build" in d for d in displays(msgs)), displays(msgs)
        # Later cells, and useFib, declared before, call the compiled fib.
        reply, msgs = execute(kc, "fmt.Println(fib(20), useFib(20), x)")
        assert stream_text(msgs) == "6765 6766 42\n", (stream_text(msgs), error_text(msgs))
        built = plugins(cache)
        assert len(built) == 1

        # A worker restart (os.Exit ends the worker): fib comes back
        # compiled, from the cache, not built again.
        reply, msgs = execute(kc, "os.Exit(1)", timeout=60)
        assert "func fib (compiled)" in error_text(msgs)
        reply, msgs = execute(kc, "fmt.Println(fib(20), useFib(20))")
        assert stream_text(msgs) == "6765 6766\n", error_text(msgs)
        assert plugins(cache) == built, "the restart built the plugin again"
        assert not list(cache.glob("build-*")), "a build folder was left behind"

        # Redefined interpreted, then compiled again: useFib follows each.
        execute(kc, "func fib(n int) int { return n }")
        reply, msgs = execute(kc, "fmt.Println(useFib(20))")
        assert stream_text(msgs) == "21\n"
        reply, msgs = execute(kc, "%compile\nfunc fib(n int) int { return n * n }", timeout=180)
        assert reply["status"] == "ok", error_text(msgs)
        reply, msgs = execute(kc, "fmt.Println(fib(20), useFib(20))")
        assert stream_text(msgs) == "400 401\n"
        # The same cell again: from the cache, and it says so.
        reply, msgs = execute(kc, FIB, timeout=60)
        assert any("from golab's plugin cache" in d for d in displays(msgs)), displays(msgs)
        reply, msgs = execute(kc, "fmt.Println(useFib(20))")
        assert stream_text(msgs) == "6766\n"


REFUSED = [
    ("goroutine", "%compile\nfunc f(n int) int {\n\tgo f(n)\n\treturn n\n}", 3, "go statement"),
    ("channel", "%compile\nfunc f(c chan int) int { return <-c }", 2, "chan int"),
    ("printing", '%compile\nimport "fmt"\nfunc f() {\n\tfmt.Println("hi")\n}', 4, "prints"),
    ("earlier function", "%compile\nfunc f(n int) int {\n\treturn helper(n)\n}", 3, "helper is not declared in this cell"),
    ("state", "%compile\nvar total int\nfunc add(n int) { total += n }", 2, "package variable"),
    ("os", '%compile\nimport "os"\nfunc f() string { return os.Getenv("HOME") }', 2, 'import "os"'),
    ("an error argument", "%compile\nfunc f(err error) string { return err.Error() }", 2, "an error made by interpreted code"),
]


def test_compile_refuses_with_the_reason(tmp_path):
    with cache_kernel(tmp_path / "cache") as (km, kc):
        execute(kc, "func helper(n int) int { return n }")
        for name, src, line, reason in REFUSED:
            reply, msgs = execute(kc, src)
            text = error_text(msgs)
            assert reply["status"] == "error", name
            assert f"cell line {line}" in text and reason in text, (name, text)
        # A compile error names the learner's line and column.
        reply, msgs = execute(kc, "%compile\nfunc f(n int) string {\n\treturn n\n}", timeout=180)
        assert "at cell line 3, column 9" in error_text(msgs), error_text(msgs)
        reply, msgs = execute(kc, "helper(2) + 1")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "3"


def test_interrupt_stops_compiled_code_and_keeps_the_worker(tmp_path):
    with cache_kernel(tmp_path / "cache") as (km, kc):
        execute(kc, 'import "fmt"\nkept := "still here"')
        reply, msgs = execute(kc, "%compile\nfunc spin(n int) int {\n\tfor {\n\t\tn++\n\t}\n}\n\nfunc jump(n int) int {\nagain:\n\tn++\n\tgoto again\n}", timeout=180)
        assert reply["status"] == "ok", error_text(msgs)
        before = worker_pid(km)
        msgs = interrupted(km, kc, "spin(0)")
        assert of_type(msgs, "error")[0]["content"]["ename"] == "interrupted", error_text(msgs)
        assert worker_pid(km) == before, "the interrupt restarted the worker"
        reply, msgs = execute(kc, "fmt.Println(kept)")
        assert stream_text(msgs) == "still here\n"
        # A loop made with goto stops too.
        msgs = interrupted(km, kc, "jump(0)")
        assert of_type(msgs, "error")[0]["content"]["ename"] == "interrupted", error_text(msgs)
        assert worker_pid(km) == before


def test_panics_constants_and_compiler_messages_at_the_learners_lines(tmp_path):
    with cache_kernel(tmp_path / "cache") as (km, kc):
        execute(kc, 'import "fmt"')
        src = ('%compile\nimport "strings"\n\nconst (\n\tN = iota + 2\n\tM\n)\n\n'
               'func idx(s []int, i int) int {\n\tx := s[i]\n\treturn x\n}\n\n'
               'func boom(n int) string {\n\tif n > 3 {\n\t\tpanic("too big: " + strings.Repeat("!", n))\n\t}\n\treturn boom(n + 1)\n}\n\n'
               'func first(a [N]int) int { return a[0] + M }\n')
        reply, msgs = execute(kc, src, timeout=180)
        assert reply["status"] == "ok", error_text(msgs)
        # The panic names the line of the %compile cell where it happened.
        reply, msgs = execute(kc, 'fmt.Println("before")\nidx([]int{1, 2, 3}, 5)')
        text = error_text(msgs)
        assert "index out of range [5] with length 3" in text and "at line 10 of the %compile cell that declares idx" in text, text
        assert "x := s[i]" in text, text
        reply, msgs = execute(kc, "boom(0)")
        assert "at line 16 of the %compile cell" in error_text(msgs) and "4 calls deep" in error_text(msgs), error_text(msgs)
        # An interpreted recover takes the compiled panic's value, as in Go.
        reply, msgs = execute(kc, "func safe() (r any) { defer func() { r = recover() }(); boom(1); return nil }\nsafe()")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == '"too big: !!!!"'
        # The cell's constants are the notebook's too, also in a signature.
        reply, msgs = execute(kc, "first([2]int{5, 6}) + N")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "10", error_text(msgs)
        # Every compiler message, each at its line and column.
        reply, msgs = execute(kc, '%compile\nimport "strings"\nfunc f(n int) int {\n\tz := 3\n\treturn n\n}', timeout=180)
        text = error_text(msgs)
        assert "at cell line 4, column 2: declared and not used: z" in text, text
        assert 'at cell line 2, column 8: "strings" imported and not used' in text, text
        assert "golab" not in text.lower().replace("golab:", ""), text


def test_interrupt_during_the_build_keeps_the_worker(tmp_path):
    """A cold Go build cache makes the plugin build take seconds (the
    standard library is compiled for plugins: 5 to 6 s here); an interrupt
    1 s in stops go build, not the worker."""
    env = dict(os.environ, GOLAB_COMPILE_CACHE=str(tmp_path / "cache"), GOCACHE=str(tmp_path / "gocache"))
    with kernel(env=env) as (km, kc):
        execute(kc, 'import "fmt"\nkept := 7')
        before = worker_pid(km)
        msgs = interrupted(km, kc, FIB)
        assert of_type(msgs, "error")[0]["content"]["ename"] == "interrupted", error_text(msgs)
        assert any("was interrupted" in d for d in displays(msgs)), displays(msgs)
        assert worker_pid(km) == before
        reply, msgs = execute(kc, "fmt.Println(kept)")
        assert stream_text(msgs) == "7\n"
        assert not list((tmp_path / "cache").glob("build-*")), "the interrupted build left its folder"


def test_a_damaged_cached_plugin_is_built_again(tmp_path):
    cache = tmp_path / "cache"
    with cache_kernel(cache) as (km, kc):
        reply, msgs = execute(kc, FIB, timeout=180)
        assert reply["status"] == "ok", error_text(msgs)
    (so,) = plugins(cache)
    so.write_bytes(so.read_bytes()[: so.stat().st_size // 2])  # cut short, as a full disk would
    with cache_kernel(cache) as (km, kc):
        reply, msgs = execute(kc, FIB, timeout=180)
        assert reply["status"] == "ok", error_text(msgs)
        assert any("compiled by go build" in d for d in displays(msgs)), displays(msgs)
        reply, msgs = execute(kc, "fib(20)")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "6765"


def test_slow_cell_offers_compile(tmp_path):
    with cache_kernel(tmp_path / "cache") as (km, kc):
        execute(kc, 'import "fmt"\nfunc slowFib(n int) int { if n < 2 { return n }; return slowFib(n-1) + slowFib(n-2) }')
        reply, msgs = execute(kc, "fmt.Println(slowFib(32))", timeout=120)
        assert "%compile" in stream_text(msgs, "stderr") and "slowFib" in stream_text(msgs, "stderr"), stream_text(msgs, "stderr")
        # A quick cell calling it says nothing.
        reply, msgs = execute(kc, "fmt.Println(slowFib(10))")
        assert stream_text(msgs, "stderr") == ""


def test_golab_without_cgo_interprets_and_says_why(tmp_path, monkeypatch):
    binary = tmp_path / "golab-nocgo"
    subprocess.run(["go", "build", "-o", str(binary), "."], cwd=ROOT, check=True,
                   env=dict(os.environ, CGO_ENABLED="0"))
    prefix = tmp_path / "prefix"
    subprocess.run([str(binary), "install", "--prefix", str(prefix), "--name", "golab-nocgo"], check=True, capture_output=True)
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", ""))
    with cache_kernel(tmp_path / "cache", name="golab-nocgo") as (km, kc):
        reply, msgs = execute(kc, FIB, timeout=60)
        assert reply["status"] == "ok", error_text(msgs)
        note = stream_text(msgs, "stderr")
        assert "without cgo" in note and "%go run" in note and note.count("\n") == 1, note
        reply, msgs = execute(kc, "fib(20)")
        assert of_type(msgs, "execute_result")[0]["content"]["data"]["text/plain"] == "6765"
    assert not (tmp_path / "cache").exists()
