"""A class of 30 on one JupyterHub (issue 30): the real JupyterHub (PyPI) and
configurable-http-proxy (npm), the dummy authenticator and a local spawner
(SimpleLocalProcessSpawner: every student's server a process of its own,
with a home folder of its own). Everything goes through the hub's REST API
and each server's kernel websocket, as JupyterLab's would.

- 30 students' servers started at once; each runs lesson 04's notebook, its
  %check cells included, through its own golab kernel, all at the same time;
- MEM_LIMIT=256M on one student (what the hub's local spawners export for
  mem_limit; they enforce nothing): a cell allocating 400 MB gets golab's
  message, and the server lives;
- jupyterhub-idle-culler stops idle servers within its timeout, one of them
  with a goroutine left printing every second (golab holds idle output after
  GOLAB_IDLE_OUTPUT_HOLD, so the server goes idle);
- nbgrader's release, fetch, submit, collect and autograde across an
  instructor and two students, through the exchange they share;
- no process is left when the hub stops.

Runs when .venv-hub and e2e/hub/node_modules exist (scripts/test makes
them), or fails when GOLAB_REQUIRE_HUB=1 says they must."""

import asyncio
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import psutil
import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from conftest import BIN, ROOT

HUB_VENV = os.path.abspath(os.environ.get("GOLAB_HUB_VENV", str(ROOT / ".venv-hub")))
PROXY = ROOT / "e2e" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
# A class of 30 (GOLAB_HUB_STUDENTS sets fewer, to try the test quickly).
STUDENTS = [f"student{i:02d}" for i in range(1, int(os.environ.get("GOLAB_HUB_STUDENTS", "30")) + 1)]
LIMITED = "student07"

pytestmark = [pytest.mark.skipif(
    not (os.path.exists(os.path.join(HUB_VENV, "bin", "jupyterhub")) and PROXY.exists()) and os.environ.get("GOLAB_REQUIRE_HUB") != "1",
    reason=f"JupyterHub is not installed in {HUB_VENV} or configurable-http-proxy in {PROXY.parent} (scripts/test installs them)",
), pytest.mark.timeout(900), pytest.mark.bound(900)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """
import os
c = get_config()
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.JupyterHub.db_url = "sqlite:///{dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{dir}/jupyterhub_cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{dir}/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
if os.geteuid() == 0:  # a CI machine or container that runs the test as root
    c.Spawner.args = ["--allow-root"]
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {{
    "JUPYTER_PATH": {jupyter_path!r},
    "PATH": {path!r},
    "JUPYTERHUB_ACTIVITY_INTERVAL": "5",
    "GOLAB_IDLE_OUTPUT_HOLD": "5s",
    "GOLAB_HUB_TEST": {marker!r},
}}
c.JupyterHub.concurrent_spawn_limit = 40
c.JupyterHub.active_server_limit = 0
c.JupyterHub.services = [{{"name": "tester", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "tester",
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "read:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["tester"],
}}]


def limit_one(spawner):
    # What a class's hub config does per group; the local spawner only
    # exports it (MEM_LIMIT), and golab takes its cap from it.
    if spawner.user.name == {limited!r}:
        spawner.mem_limit = "256M"


c.Spawner.pre_spawn_hook = limit_one
"""


class Hub:
    def __init__(self, url, token, process, folder, marker):
        self.url, self.token, self.process, self.folder, self.marker = url, token, process, folder, marker

    def api(self, method, path, body=None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + "/hub/api" + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read()
        return json.loads(text) if text else None

    def server(self, user, method, path, body=None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}/user/{user}{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read()
        return json.loads(text) if text else None

    def start_servers(self, users, timeout=300):
        for u in users:
            try:
                self.api("POST", f"/users/{u}/server")
            except urllib.error.HTTPError as e:
                if e.code != 400:  # 400: already running
                    raise
        deadline = time.time() + timeout
        waiting = set(users)
        while waiting and time.time() < deadline:
            for u in list(waiting):
                server = self.api("GET", f"/users/{u}").get("servers", {}).get("")
                if server and server.get("ready"):
                    waiting.discard(u)
            time.sleep(1)
        assert not waiting, f"servers not ready within {timeout} s: {sorted(waiting)}"

    def processes(self):
        """The processes the hub started for the test (they carry its marker)."""
        out = []
        for p in psutil.process_iter():
            try:
                if p.environ().get("GOLAB_HUB_TEST") == self.marker:
                    out.append(p)
            except psutil.Error:
                pass
        return out


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hub")
    (folder / "home").mkdir()
    port = free_port()
    token = secrets.token_hex(16)
    marker = uuid.uuid4().hex
    config = CONFIG.format(port=port, hub_port=free_port(), proxy_api_port=free_port(), proxy=str(PROXY), dir=folder,
                           singleuser=os.path.join(HUB_VENV, "bin", "jupyterhub-singleuser"),
                           jupyter_path=os.environ["JUPYTER_PATH"], path=f"{BIN.parent}:{HUB_VENV}/bin:{os.environ['PATH']}",
                           marker=marker, token=token, limited=LIMITED)
    (folder / "jupyterhub_config.py").write_text(config)
    log = open(folder / "hub.log", "w")
    env = {**os.environ, "PATH": f"{HUB_VENV}/bin:{os.environ['PATH']}", "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16)}
    process = subprocess.Popen([os.path.join(HUB_VENV, "bin", "jupyterhub"), "-f", str(folder / "jupyterhub_config.py")],
                               cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    h = Hub(f"http://127.0.0.1:{port}", token, process, folder, marker)
    deadline = time.time() + 120
    while True:
        try:
            h.api("GET", "/")
            break
        except (urllib.error.URLError, ConnectionError):
            assert process.poll() is None and time.time() < deadline, (folder / "hub.log").read_text()[-3000:]
            time.sleep(0.5)
    h.api("POST", "/users", {"usernames": sorted(set(STUDENTS + [LIMITED, "instructor", "student01", "student02", "quiet", "printing"]))})
    yield h
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    log.close()


def message(msg_type, content):
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "test", "session": uuid.uuid4().hex, "msg_type": msg_type,
                       "version": "5.3", "date": ""}, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}


async def run_cells(hub, user, cells, timeout=300):
    """Run cells in a new kernel of the user's server over its websocket;
    return, per cell, (reply content, iopub messages)."""
    kernel = hub.server(user, "POST", "/api/kernels", {"name": "golab"})
    req = HTTPRequest(f"{hub.url.replace('http', 'ws')}/user/{user}/api/kernels/{kernel['id']}/channels",
                      headers={"Authorization": f"token {hub.token}"})
    ws = await websocket_connect(req)
    results = []
    try:
        for code in cells:
            msg = message("execute_request", {"code": code, "silent": False, "store_history": True,
                                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": False})
            await ws.write_message(json.dumps(msg))
            reply, iopub, idle = None, [], False
            deadline = time.time() + timeout
            while reply is None or not idle:
                raw = await asyncio.wait_for(ws.read_message(), max(1, deadline - time.time()))
                assert raw is not None, f"{user}: the kernel websocket closed"
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg["header"]["msg_id"]:
                    continue
                if m["channel"] == "shell":
                    reply = m["content"]
                elif m["channel"] == "iopub":
                    iopub.append(m)
                    if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                        idle = True
            results.append((reply, iopub))
    finally:
        ws.close()
    return kernel["id"], results


def lesson_cells():
    nb = json.loads((ROOT / "notebooks" / "solutions" / "04-shared-state.ipynb").read_text())
    return [("".join(c["source"]), "raises-exception" in c["metadata"].get("tags", []))
            for c in nb["cells"] if c["cell_type"] == "code"]


def test_thirty_students_run_lesson_04_at_once(hub, capsys):
    start = time.time()
    hub.start_servers(STUDENTS)
    started = time.time() - start
    cells = lesson_cells()

    async def everyone():
        return await asyncio.gather(*(run_cells(hub, u, [code for code, _ in cells]) for u in STUDENTS))

    start = time.time()
    runs = asyncio.run(everyone())
    took = time.time() - start
    for user, (_, results) in zip(STUDENTS, runs):
        for (code, may_fail), (reply, iopub) in zip(cells, results):
            assert reply["status"] == "ok" or may_fail, f"{user}: {code[:60]!r}: {reply}"
            boxes = " ".join(m["content"]["data"].get("text/plain", "") for m in iopub if m["msg_type"] == "display_data")
            if code.lstrip().startswith("%check"):
                assert "PASS" in boxes and "FAIL" not in boxes, f"{user}: {code.splitlines()[0]}: {boxes}"
    # What a student costs a node: the resident memory (PSS: shared pages
    # split between sharers) of their server, kernel and worker.
    per_student = {}
    for p in hub.processes():
        try:
            user = p.environ().get("JUPYTERHUB_USER")
            mem = p.memory_full_info()
        except psutil.Error:
            continue
        per_student[user] = per_student.get(user, 0) + getattr(mem, "pss", mem.rss)
    mib = sorted(v / 2**20 for u, v in per_student.items() if u in STUDENTS)
    with capsys.disabled():  # the README quotes these figures: print them in the test command's output
        print(f"\n{len(STUDENTS)} servers ready in {started:.1f} s; lesson 04 ({len(cells)} cells, its checks included) in all {len(STUDENTS)} at once: "
              f"{took:.1f} s; memory per student (server, kernel and worker, PSS): median {mib[len(mib) // 2]:.0f} MiB, most {mib[-1]:.0f} MiB")


def test_a_students_mem_limit_is_golabs_cap(hub):
    hub.start_servers([LIMITED])
    _, results = asyncio.run(run_cells(hub, LIMITED, [
        'import "os"\nos.Getenv("MEM_LIMIT")',
        "b := make([]byte, 400<<20)\nfor i := range b {\n\tb[i] = 1\n}",
        "1 + 1",
    ]))
    (env_reply, env_io), (alloc_reply, alloc_io), (next_reply, next_io) = results
    assert "268435456" in json.dumps([m["content"] for m in env_io]), env_io  # 256M, as the spawner exports it
    assert alloc_reply["status"] == "error", alloc_reply
    text = alloc_reply["evalue"] + " ".join(alloc_reply["traceback"])
    assert "MiB" in text and "MEM_LIMIT" in text, text
    assert next_reply["status"] == "ok"
    assert hub.api("GET", f"/users/{LIMITED}")["servers"][""]["ready"]


def test_idle_servers_are_culled_also_one_with_a_printing_goroutine(hub):
    quiet, printing = "quiet", "printing"
    hub.start_servers([quiet, printing])
    asyncio.run(run_cells(hub, printing, ['import ("fmt"; "time")\ngo func() {\n\tfor i := 0; ; i++ {\n\t\tfmt.Println("tick", i)\n\t\ttime.Sleep(time.Second)\n\t}\n}()']))
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": hub.token, "JUPYTERHUB_API_URL": hub.url + "/hub/api"}
    culler = subprocess.Popen([os.path.join(HUB_VENV, "bin", "python"), "-m", "jupyterhub_idle_culler", "--timeout=30", "--cull-every=5",
                               f"--url={hub.url}/hub/api"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 120
        culled = set()
        while time.time() < deadline and culled != {quiet, printing}:
            for u in (quiet, printing):
                if not hub.api("GET", f"/users/{u}").get("servers"):
                    culled.add(u)
            time.sleep(2)
    finally:
        culler.terminate()
        out, _ = culler.communicate(timeout=30)
    assert culled == {quiet, printing}, f"not culled within 120 s: {sorted({quiet, printing} - culled)}\n{out}"


def test_nbgrader_exchange_between_an_instructor_and_two_students(hub):
    """release → fetch → submit → collect → autograde through one exchange
    folder, each user in its own home, with golab notebooks."""
    exchange = hub.folder / "exchange"
    exchange.mkdir(mode=0o777, exist_ok=True)
    course = hub.folder / "home" / "instructor" / "course"
    subprocess.run([str(BIN), "lesson", "build", "-nbgrader", str(course), "-lessons", str(ROOT / "lessons")], check=True, capture_output=True)
    lesson = "02-goroutines"
    shared = f"c.Exchange.root = {str(exchange)!r}\nc.CourseDirectory.course_id = 'go101'\n"
    with open(course / "nbgrader_config.py", "a") as f:
        f.write(shared)

    def nbgrader(user, *args, cwd):
        home = hub.folder / "home" / user
        home.mkdir(parents=True, exist_ok=True)
        (home / ".jupyter").mkdir(exist_ok=True)
        (home / ".jupyter" / "nbgrader_config.py").write_text("c = get_config()\n" + shared)
        # nbgrader names a student by the OS user, or, when that is jovyan,
        # by JUPYTERHUB_USER: each server of Zero to JupyterHub runs as jovyan
        # in a container of its own. Here every server is one OS user, so
        # nbgrader runs as it would in such a container.
        env = {**os.environ, "HOME": str(home), "PATH": f"{HUB_VENV}/bin:{BIN.parent}:{os.environ['PATH']}", "JUPYTERHUB_USER": user}
        as_jovyan = ("import sys, nbgrader.utils as u; u.get_osusername = lambda: 'jovyan'; "
                     "from nbgrader.apps.nbgraderapp import main; sys.argv[0] = 'nbgrader'; sys.exit(main())")
        p = subprocess.run([os.path.join(HUB_VENV, "bin", "python"), "-c", as_jovyan, *args], cwd=cwd, env=env,
                           capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, f"{user}: nbgrader {' '.join(args)}:\n{p.stdout}\n{p.stderr}"
        return p.stdout + p.stderr

    nbgrader("instructor", "generate_assignment", lesson, "--force", cwd=course)
    nbgrader("instructor", "release_assignment", lesson, "--force", cwd=course)
    solved = json.loads((ROOT / "notebooks" / "solutions" / f"{lesson}.ipynb").read_text())
    right = {c["metadata"]["golab"]["exercise"]: "".join(c["source"]) for c in solved["cells"] if "solution" in c["metadata"].get("tags", [])}
    for student, exercises in (("student01", right), ("student02", {})):
        home = hub.folder / "home" / student
        nbgrader(student, "fetch_assignment", lesson, cwd=home)
        path = home / lesson / f"{lesson}.ipynb"
        nb = json.loads(path.read_text())
        for c in nb["cells"]:
            gid = c["metadata"].get("nbgrader", {}).get("grade_id", "")
            if gid.endswith("-answer") and gid[: -len("-answer")] in exercises:
                c["source"] = exercises[gid[: -len("-answer")]]
        path.write_text(json.dumps(nb))
        nbgrader(student, "submit", lesson, cwd=home)
    nbgrader("instructor", "collect", lesson, cwd=course)
    nbgrader("instructor", "autograde", lesson, "--create", "--force", cwd=course)
    nbgrader("instructor", "export", cwd=course)
    with open(course / "grades.csv") as f:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert scores == {"student01": 3.0, "student02": 0.0}, scores


def test_no_process_is_left_when_the_hub_stops(hub):
    # Servers with golab kernels, one running a goroutine, when the hub stops
    # (the culler of the test above stopped the earlier ones).
    hub.start_servers(["student01", "student02"])
    asyncio.run(run_cells(hub, "student01", ['import "time"\ngo func() {\n\tfor {\n\t\ttime.Sleep(time.Second)\n\t}\n}()']))
    asyncio.run(run_cells(hub, "student02", ["1 + 1"]))
    names = [" ".join(p.cmdline()[:2]) for p in hub.processes()]
    assert len([n for n in names if "golab" in n and "worker" in n]) >= 2, names  # the check below is not vacuous
    hub.process.send_signal(signal.SIGTERM)
    hub.process.wait(timeout=120)
    deadline = time.time() + 30
    while hub.processes() and time.time() < deadline:
        time.sleep(1)
    left = [(p.pid, " ".join(p.cmdline()[:3])) for p in hub.processes()]
    assert not left, left
    shutil.rmtree(hub.folder / "home", ignore_errors=True)
