# golab on Binder (repo2docker) and JupyterHub: JupyterLab with the golab
# kernel installed system-wide and the lesson notebooks in the home folder.

# --- build golab -----------------------------------------------------------
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/golab .

# --- the notebook image ----------------------------------------------------
FROM python:3.11.11-slim-bookworm

ARG NB_USER=jovyan
ARG NB_UID=1000
ENV USER=${NB_USER} \
    NB_UID=${NB_UID} \
    HOME=/home/${NB_USER} \
    PATH=/usr/local/go/bin:/home/${NB_USER}/go/bin:${PATH} \
    GOPATH=/home/${NB_USER}/go \
    GOCACHE=/home/${NB_USER}/.cache/go-build

# gcc: `%race` cells build with -race, which needs cgo.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

# The Go toolchain stays in the image: `go doc` answers Shift+Tab, and the
# race detector lessons compile cells with it.
COPY --from=build /usr/local/go /usr/local/go
COPY --from=build /out/golab /usr/local/bin/golab

# The same script CI runs on the host (e2e/test_dockerfile.py).
COPY scripts/setup-jupyter.sh scripts/jupyter-requirements.txt /tmp/golab-setup/
RUN /tmp/golab-setup/setup-jupyter.sh /usr/local \
 && rm -rf /tmp/golab-setup \
 && adduser --disabled-password --gecos "golab learner" --uid ${NB_UID} ${NB_USER}

COPY --chown=${NB_UID}:${NB_UID} notebooks ${HOME}/notebooks
USER ${NB_USER}
WORKDIR ${HOME}
EXPOSE 8888
# No ENTRYPOINT: Binder and JupyterHub pass their own command.
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--port=8888", "--no-browser", "--notebook-dir=/home/jovyan"]
