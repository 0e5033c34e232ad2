# golab on Binder (repo2docker) and JupyterHub: JupyterLab with the golab
# kernel installed system-wide and the lesson notebooks in the home folder.

# --- build golab -----------------------------------------------------------
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# With cgo: %compile opens the plugins it builds with plugin.Open, which
# only a program built with cgo can (the official golang image has gcc; a
# base without it gets it from Debian).
RUN command -v gcc >/dev/null || (apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*)
RUN CGO_ENABLED=1 go build -trimpath -o /out/golab .

# --- the notebook image ----------------------------------------------------
# Debian bookworm with Debian's Python 3.11 rather than the python image
# (which builds CPython from source): every layer then comes from Debian's
# packages and PyPI, so the project's CI rebuilds this same Dockerfile with
# no registry at all (scripts/build-image synthesizes both bases).
FROM debian:12.11-slim

ARG NB_USER=jovyan
ARG NB_UID=1000
ENV USER=${NB_USER} \
    NB_UID=${NB_UID} \
    HOME=/home/${NB_USER} \
    PATH=/usr/local/go/bin:/home/${NB_USER}/go/bin:${PATH} \
    GOPATH=/home/${NB_USER}/go \
    GOCACHE=/home/${NB_USER}/.cache/go-build

# Python for JupyterLab (in a venv, as Debian wants); gcc: `%race` cells
# build with -race, which needs cgo.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/jupyter
ENV PATH=/opt/jupyter/bin:${PATH}

# The Go toolchain stays in the image: `go doc` answers Shift+Tab, and the
# race detector lessons compile cells with it.
COPY --from=build /usr/local/go /usr/local/go
COPY --from=build /out/golab /usr/local/bin/golab

# The same script CI runs on the host (e2e/test_dockerfile.py).
COPY scripts/setup-jupyter.sh scripts/jupyter-requirements.txt /tmp/golab-setup/
RUN PIP=/opt/jupyter/bin/pip /tmp/golab-setup/setup-jupyter.sh /opt/jupyter \
 && rm -rf /tmp/golab-setup /root/.cache \
 && useradd --create-home --comment "golab learner" --uid ${NB_UID} --shell /bin/bash ${NB_USER}

COPY --chown=${NB_UID}:${NB_UID} notebooks ${HOME}/notebooks
USER ${NB_USER}
WORKDIR ${HOME}
# The module cache's downloads of golab's dependencies (gonum/plot for the
# charts): whole programs that import golab's helpers build against them
# with no network.
COPY --from=build --chown=${NB_UID}:${NB_UID} /go/pkg/mod/cache/download ${GOPATH}/pkg/mod/cache/download
# The Go build cache with the standard library and golab's helpers (and
# gonum/plot) compiled, and the standard library built for plugins: a
# learner's first whole-program, %race or %compile cell then builds in under
# a second, not 5 to 17 s. golab runs the notebook as it would a learner's
# (the plugin it builds is not kept).
COPY --chown=${NB_UID}:${NB_UID} scripts/warm-build-cache.ipynb /tmp/warm.ipynb
RUN golab run /tmp/warm.ipynb -o /tmp/warm.out.ipynb && rm -r /tmp/warm.ipynb /tmp/warm.out.ipynb ${HOME}/.cache/golab
EXPOSE 8888
# No ENTRYPOINT: Binder and JupyterHub pass their own command.
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--notebook-dir=/home/jovyan"]
