"""The suite cannot hang on a dead kernel: a kernel killed in the middle of
jupyter_kernel_test's run (whose is_complete check waits with no time limit)
fails the run within 2 minutes, with that kernel's stderr."""

import os
import pathlib
import subprocess
import sys
import textwrap
import time

E2E = pathlib.Path(__file__).resolve().parent

CONFTEST = textwrap.dedent('''
    import sys
    sys.path.insert(0, {e2e!r})
    from kernel_watch import pytest_configure, pytest_runtest_makereport, pytest_runtest_protocol  # noqa: F401
''')

MIDWAY = textwrap.dedent('''
    import os, signal, threading
    from test_kernel_spec import GolabKernelTests


    class Midway(GolabKernelTests):
        @classmethod
        def setUpClass(cls):
            super().setUpClass()
            pid = cls.km.provisioner.process.pid
            threading.Timer(3.0, os.kill, (pid, signal.{signal})).start()

        def test_is_complete(self):  # runs (in name order) after the kill
            import time
            time.sleep(4)
            super().test_is_complete()

    del GolabKernelTests
''')


def run_midway(tmp_path, sig, **env):
    (tmp_path / "conftest.py").write_text(CONFTEST.format(e2e=str(E2E)))
    (tmp_path / "test_midway.py").write_text(MIDWAY.format(signal=sig))
    start = time.time()
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path / "test_midway.py")],
                         capture_output=True, text=True, timeout=170, cwd=tmp_path, env=dict(os.environ, **env))
    return run, run.stdout + run.stderr, time.time() - start


def test_a_kernel_killed_midway_fails_the_suite_quickly_with_its_stderr(tmp_path):
    run, out, took = run_midway(tmp_path, "SIGKILL")
    assert run.returncode == 1, out[-3000:]
    assert took < 120, f"the run took {took:.0f} s"
    assert "KernelDied" in out and "exited with status -9" in out, out[-3000:]
    # The kernel's own stderr is in the report.
    assert "kernel stderr (pid" in out and "kernel ready on" in out, out[-3000:]


def test_a_wedged_kernel_fails_each_waiting_test_at_its_bound(tmp_path):
    """A kernel that is alive but answers nothing (stopped) does not hang
    the suite either: each test that waits fails at the per-test bound,
    also inside jupyter_kernel_test's subtests."""
    run, out, took = run_midway(tmp_path, "SIGSTOP", GOLAB_TEST_BOUND="6")
    assert run.returncode == 1, out[-3000:]
    assert took < 120, f"the run took {took:.0f} s"
    assert "TestOverran" in out and "bound of 6 s" in out, out[-3000:]
