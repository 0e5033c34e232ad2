"""The Dockerfile's requirements for Binder (repo2docker) and JupyterHub,
checked by reading it, and its install step run on the host: the same
script, then a lesson executed with the kernel it installed."""

import os
import pathlib
import re
import subprocess
import sys

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
LINES = [line.strip() for line in DOCKERFILE.splitlines() if line.strip() and not line.strip().startswith("#")]


def instructions(name):
    return [line for line in LINES if line.split()[0].upper() == name]


def test_base_images_are_pinned():
    froms = instructions("FROM")
    assert len(froms) >= 2, "a multi-stage build: one stage builds golab, one runs JupyterLab"
    for line in froms:
        image = line.split()[1]
        assert ":" in image and "latest" not in image, line
        assert re.search(r":\d+\.\d+", image), f"{line}: pin a version, not a moving tag"
    assert "go build" in DOCKERFILE and "COPY --from=" in DOCKERFILE


def test_user_jovyan_with_uid_1000_and_a_writable_home():
    assert "ARG NB_USER=jovyan" in DOCKERFILE and "ARG NB_UID=1000" in DOCKERFILE
    assert "--uid ${NB_UID}" in DOCKERFILE
    users = instructions("USER")
    assert users and users[-1] in ("USER ${NB_USER}", "USER jovyan", "USER 1000"), users
    assert "HOME=/home/${NB_USER}" in DOCKERFILE
    # The Go toolchain for %race writes its caches under HOME.
    assert "GOPATH=/home/${NB_USER}/go" in DOCKERFILE and "GOCACHE=/home/${NB_USER}/" in DOCKERFILE


def test_binder_can_pass_its_own_command():
    assert not instructions("ENTRYPOINT"), "an ENTRYPOINT would swallow the command Binder passes"
    assert "EXPOSE 8888" in LINES
    assert any("notebooks" in line for line in instructions("COPY")), "the notebooks are copied into the image"


def test_kernel_is_installed_by_the_shared_script_with_pinned_jupyterlab():
    # The kernelspec goes into the image's Jupyter environment (a venv of Debian's Python).
    assert any("setup-jupyter.sh /opt/jupyter" in line for line in instructions("RUN")), "the kernelspec in the Jupyter environment"
    assert "ENV PATH=/opt/jupyter/bin" in DOCKERFILE, "jupyter on PATH, as repo2docker and JupyterHub expect"
    image_pins = (ROOT / "scripts" / "jupyter-requirements.txt").read_text()
    test_pins = (ROOT / "e2e" / "requirements.txt").read_text()
    lab = re.search(r"^jupyterlab==(\S+)$", image_pins, re.M)
    assert lab, "JupyterLab is pinned for the image"
    assert f"jupyterlab=={lab.group(1)}" in test_pins, "CI tests the JupyterLab the image ships"


def test_the_install_script_works_on_the_host(golab_bin, tmp_path, monkeypatch):
    prefix = tmp_path / "prefix"
    env = {**os.environ, "PIP": f"{sys.executable} -m pip"}
    out = subprocess.run([str(ROOT / "scripts" / "setup-jupyter.sh"), str(prefix), str(golab_bin)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    spec = prefix / "share" / "jupyter" / "kernels" / "golab" / "kernel.json"
    assert spec.exists()
    # Only the kernel the script installed is found now.
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    assert KernelSpecManager().find_kernel_specs()["golab"] == str(spec.parent)
    nb = nbformat.read(ROOT / "notebooks" / "02-goroutines.ipynb", as_version=4)
    NotebookClient(nb, kernel_name="golab", timeout=120).execute()
    text = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "hello from goroutine" in text
