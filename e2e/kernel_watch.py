"""A pytest plugin that keeps the end-to-end suite from hanging on a dead or
wedged kernel, and keeps every kernel's stderr for the tests that fail.

- Every kernel jupyter_client starts in this process (jupyter_kernel_test's,
  nbclient's, kernel_helpers') has its stderr written to a log file of its own.
- A watcher thread looks at them every 0.2 s. When one exits while its
  manager is not shutting it down, the test that is running fails at once
  with the kernel's exit status and the end of its stderr: a KernelDied
  exception is raised in the main thread (a signal interrupts whatever
  blocking wait it is in), and raised again every second while the dead
  kernel's manager is still in use, so that each following subtest of a
  unittest class (jupyter_kernel_test waits on some replies with no time
  limit, and a failure inside a subTest does not end the test) fails too
  instead of waiting for good.
- The same mechanism bounds every test: past GOLAB_TEST_BOUND seconds
  (default 300) a TestOverran exception is raised, again every 5 s until
  the test ends (pytest-timeout fires once, and inside a subTest that is
  recorded and the next subtest waits unbounded).
- A failed test's report carries the stderr of every kernel it used.

Tests that kill their own kernel on purpose are marked kernel_dies.
"""

import atexit
import os
import pathlib
import signal
import tempfile
import threading
import time

import pytest
from jupyter_client.provisioning import local_provisioner

TEST_BOUND = float(os.environ.get("GOLAB_TEST_BOUND", "300"))
LOG_DIR = pathlib.Path(os.environ.get("GOLAB_KERNEL_LOGS") or tempfile.mkdtemp(prefix="golab-kernel-logs-"))
LOG_DIR.mkdir(parents=True, exist_ok=True)


class KernelDied(Exception):
    """A kernel the test uses exited while nobody was shutting it down."""


class TestOverran(Exception):
    """The test ran past its bound."""


class _Watched:
    def __init__(self, provisioner, process, log):
        self.provisioner = provisioner
        self.process = process
        self.log = log
        self.done = False  # ended as expected, or reported
        self.death = None  # the words of its unexpected end

    @property
    def manager(self):
        return getattr(self.provisioner, "parent", None)

    def expected_end(self):
        km = self.manager
        return (km is None or getattr(km, "shutting_down", False)
                or self.provisioner.process is not self.process  # replaced by a restart
                or self.process.returncode == 0)  # a shutdown request

    def tail(self, lines=60):
        try:
            text = self.log.read_text(errors="replace")
        except OSError as e:
            return f"(its stderr could not be read: {e})"
        return "\n".join(text.splitlines()[-lines:]) or "(it wrote nothing to stderr)"


_lock = threading.Lock()
_kernels = []
_state = {"test": None, "started": 0.0, "kernel_dies": False, "last_fire": 0.0, "pending": None}
_main_thread = threading.main_thread()


def _launch_with_log(original):
    async def launch_kernel(self, cmd, **kwargs):
        with _lock:
            n = len(_kernels) + 1
        log_path = LOG_DIR / f"kernel-{n}.log"
        log = None
        if kwargs.get("stderr") is None:
            log = open(log_path, "ab")
            kwargs["stderr"] = log
        try:
            info = await original(self, cmd, **kwargs)
        finally:
            if log is not None:
                log.close()  # the kernel has its own copy of the descriptor
        with _lock:
            _kernels.append(_Watched(self, self.process, log_path))
        return info

    return launch_kernel


local_provisioner.LocalProvisioner.launch_kernel = _launch_with_log(local_provisioner.LocalProvisioner.launch_kernel)


def _raise_pending(signum, frame):
    exc = _state["pending"]
    if exc is not None:
        raise exc


def _fire(exc, every):
    """Raise exc in the main thread, at most once per `every` seconds."""
    now = time.time()
    if now - _state["last_fire"] < every:
        return
    _state["last_fire"] = now
    _state["pending"] = exc
    signal.pthread_kill(_main_thread.ident, signal.SIGUSR1)


def _watch():
    while True:
        time.sleep(0.2)
        with _lock:
            kernels = list(_kernels)
            test = _state["test"]
        for k in kernels:
            if k.done:
                continue
            if k.process.poll() is None:
                continue
            if k.expected_end() or _state["kernel_dies"]:
                k.done = True
                continue
            if k.death is None:
                k.death = (f"the kernel (pid {k.process.pid}) exited with status {k.process.returncode} while the test "
                           f"used it; its stderr ({k.log}) ends:\n{k.tail()}")
        if test is None:
            continue
        dead = [k for k in kernels if k.death and not k.done]
        for k in dead:
            if k.expected_end():  # its manager was shut down since: no longer in use
                k.done = True
        dead = [k for k in dead if not k.done]
        if dead:
            _fire(KernelDied(dead[0].death), 1.0)
        elif time.time() - _state["started"] > _state.get("bound", TEST_BOUND):
            _fire(TestOverran(f"{test} ran past its bound of {_state.get('bound', TEST_BOUND):.0f} s (GOLAB_TEST_BOUND, or its bound marker)"), 5.0)


def pytest_configure(config):
    config.addinivalue_line("markers", "kernel_dies: the test kills its own kernel on purpose")
    config.addinivalue_line("markers", "bound(seconds): the test's bound, in place of GOLAB_TEST_BOUND (a class's worth of servers)")
    signal.signal(signal.SIGUSR1, _raise_pending)
    threading.Thread(target=_watch, name="kernel-watch", daemon=True).start()
    atexit.register(_kill_leftovers)


def _kill_leftovers():
    """Kill every kernel still running when pytest exits: one whose shutdown
    was cut short (a TestOverran raised inside tearDownClass's
    shutdown_kernel, which waits on a stopped kernel) would be left behind."""
    with _lock:
        kernels = list(_kernels)
    for k in kernels:
        if k.process.poll() is None:
            k.process.kill()  # SIGKILL ends a stopped process too
            k.process.wait()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    with _lock:
        first = len(_kernels)
        in_use = [k for k in _kernels if k.process.poll() is None]
        bound = item.get_closest_marker("bound")
        _state.update(test=item.nodeid, started=time.time(), kernel_dies=item.get_closest_marker("kernel_dies") is not None,
                      last_fire=0.0, pending=None, bound=bound.args[0] if bound else TEST_BOUND)
    item._golab_kernels = (in_use, first)
    try:
        yield
    finally:
        with _lock:
            _state.update(test=None, pending=None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    in_use, first = getattr(item, "_golab_kernels", ([], 0))
    with _lock:
        used = in_use + _kernels[first:]
    for k in used:
        report.sections.append((f"kernel stderr (pid {k.process.pid}, {k.log})", k.tail(200)))
