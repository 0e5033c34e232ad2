"""Shared fixtures: the golab binary, built once, and its kernelspec installed
into a temporary prefix put on JUPYTER_PATH, so nothing global is touched."""

import os
import pathlib
import subprocess
import sys

import pytest


ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "bin" / "golab"
sys.path.insert(0, str(pathlib.Path(__file__).parent))

# The kernel watch: no test waits on a dead or wedged kernel for good, and a
# failed test's report carries its kernels' stderr (see kernel_watch.py).
from kernel_watch import pytest_configure, pytest_runtest_makereport, pytest_runtest_protocol  # noqa: F401


def _build():
    subprocess.run(["go", "build", "-o", str(BIN), "."], cwd=ROOT, check=True)


def _install(prefix, *extra):
    subprocess.run([str(BIN), "install", "--prefix", str(prefix), *extra], check=True, capture_output=True)


# Install before any test module imports jupyter_kernel_test (which starts
# kernels by name): at collection time, with a process-wide JUPYTER_PATH.
_PREFIX = pathlib.Path(os.environ.get("GOLAB_TEST_PREFIX", ROOT / ".pytest_cache" / "prefix"))
if os.environ.get("GOLAB_SKIP_BUILD") != "1":
    _build()
_install(_PREFIX)
_install(_PREFIX, "--name", "golab-message", "--display-name", "Go (golab, message interrupts)", "--interrupt-mode", "message")
os.environ["JUPYTER_PATH"] = str(_PREFIX / "share" / "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")


@pytest.fixture(scope="session")
def golab_bin():
    return BIN
