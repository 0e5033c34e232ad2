#!/bin/sh
# Installs JupyterLab (pinned in scripts/jupyter-requirements.txt) and the
# golab kernelspec under PREFIX. The Dockerfile runs this step; CI runs the
# same script on the host (e2e/test_dockerfile.py), so the image's recipe
# is exercised, not just written.
#
# usage: setup-jupyter.sh PREFIX [GOLAB_BINARY]    (PIP selects the pip to use)
set -eu
prefix=${1:?usage: setup-jupyter.sh PREFIX [GOLAB_BINARY]}
golab=${2:-golab}
here=$(dirname "$0")
${PIP:-pip} install --no-cache-dir --quiet -r "$here/jupyter-requirements.txt"
"$golab" install --prefix "$prefix"
spec="$prefix/share/jupyter/kernels/golab/kernel.json"
if [ ! -f "$spec" ]; then
	echo "setup-jupyter.sh: $spec was not written" >&2
	exit 1
fi
echo "golab kernel installed: $spec"
