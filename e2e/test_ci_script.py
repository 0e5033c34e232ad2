"""CI's own script on a fresh machine: .ci/run waits for another apt or
dpkg (an unattended upgrade) to let go of the lock, instead of failing at
once with "Could not get lock /var/lib/dpkg/lock-frontend"."""

import fcntl
import os
import shutil
import subprocess
import threading
import time

import pytest

from conftest import ROOT

LOCK = "/var/lib/dpkg/lock-frontend"
HELD = 2.0


def hold_lock(seconds):
    """Holds dpkg's frontend lock as apt does (a POSIX record lock) for a while."""
    fd = os.open(LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.lockf(fd, fcntl.LOCK_EX)

    def release():
        time.sleep(seconds)
        fcntl.lockf(fd, fcntl.LOCK_UN)
        os.close(fd)

    t = threading.Thread(target=release)
    t.start()
    return t


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("apt-get"), reason="needs root and apt-get")
def test_ci_run_waits_for_apts_lock():
    # apt-get check takes the lock and changes nothing.
    holder = hold_lock(HELD)
    plain = subprocess.run(["apt-get", "check"], capture_output=True, text=True, timeout=60)
    holder.join()
    assert plain.returncode != 0 and "Could not get lock" in plain.stderr, "the lock was not held: the test proves nothing"

    script = (ROOT / ".ci" / "run").read_text()
    helper = next(line for line in script.splitlines() if line.startswith("apt_get()"))
    holder = hold_lock(HELD)
    start = time.monotonic()
    ours = subprocess.run(["bash", "-c", helper + "\napt_get check"], capture_output=True, text=True, timeout=120)
    waited = time.monotonic() - start
    holder.join()
    assert ours.returncode == 0, ours.stderr
    assert waited >= HELD * 0.8, f"apt_get returned after {waited:.1f} s, while the lock was held for {HELD} s"
