# CNN Explorer: the FastAPI backend and the static frontend in one image.
#
#   docker build -t cnn-explorer .                                   # CPU PyTorch (small image)
#   docker build --build-arg TORCH_VARIANT=cu130 -t cnn-explorer:cuda .   # CUDA build of PyTorch
#   docker build --build-arg TORCH_INDEX=default -t cnn-explorer .   # torch from the default index
#
# Build arguments (all optional):
#   TORCH_VARIANT      cpu (default) or a CUDA tag of the PyTorch wheel index: cu126, cu128, cu130...
#   TORCH_INDEX        pytorch (default): torch/torchvision from PYTORCH_INDEX_URL/TORCH_VARIANT,
#                      pinned to the exact local build (torch==2.14.1+cpu), so a missing wheel
#                      fails the build instead of silently pulling another build;
#                      default: the plain pins (torch==2.14.1) from the default package index.
#                      From PyPI on Linux x86_64 that is the CUDA build (several GB), whatever
#                      TORCH_VARIANT says.
#   PYTORCH_INDEX_URL  base URL of the PyTorch wheel index (or a mirror of it).
#   PIP_INDEX_URL      the default package index (empty: pip's default, PyPI).
#   PIP_EXTRA_INDEX_URL  more indexes, separated by spaces, searched after PIP_INDEX_URL.

# Stage 1: only the dependency list of pyproject.toml (not the dev extra). The install layer
# below depends on this file's content alone, so editing pyproject.toml's tool settings or the
# code does not reinstall PyTorch.
FROM python:3.11-slim AS requirements
COPY pyproject.toml /src/pyproject.toml
RUN python -c "import tomllib; \
deps = tomllib.load(open('/src/pyproject.toml', 'rb'))['project']['dependencies']; \
open('/requirements.txt', 'w').write('\n'.join(deps) + '\n')"

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# The server runs as this unprivileged user; the code and the venv stay owned by root, so the
# process cannot modify them. /checkpoints (WEIGHTS_DIR) is the one place it writes: compose
# mounts a volume there, which Docker fills with this folder's owner the first time, so
# `python -m backend.weights fetch` (and downloads from the page, if allowed) can install there.
# /var/lib/cnn-explorer holds what the server makes itself: training runs (RUNS_DIR) and files
# made once and reused (CACHE_DIR: seeded random weights, the parsed MNIST sample); the app's
# own defaults (./runs, ./.cache under /app) would not be writable by this user.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin explorer \
    && python -m venv /opt/venv \
    && mkdir /checkpoints /var/lib/cnn-explorer \
    && chown explorer:explorer /checkpoints /var/lib/cnn-explorer

# Runtime settings before the big layer: with the classic builder every step starts a container
# from the image so far, and on slow storage drivers that costs a copy of the whole image.
WORKDIR /app
ENV WEIGHTS_DIR=/checkpoints \
    RUNS_DIR=/var/lib/cnn-explorer/runs \
    CACHE_DIR=/var/lib/cnn-explorer/cache
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import json, sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4); sys.exit(0 if json.load(r).get('status') == 'ok' else 1)"]
CMD ["python", "-m", "backend.server", "--host", "0.0.0.0", "--port", "8000"]

ARG TORCH_VARIANT=cpu
ARG TORCH_INDEX=pytorch
ARG PYTORCH_INDEX_URL=https://download.pytorch.org/whl
ARG PIP_INDEX_URL=
ARG PIP_EXTRA_INDEX_URL=
COPY --from=requirements /requirements.txt /opt/requirements.txt
# Index options are passed on the command line (and unset from the environment, where these
# build arguments also appear) because an empty PIP_INDEX_URL would confuse pip.
RUN set -eu; \
    reqs=/opt/requirements.txt; \
    set --; \
    if [ -n "$PIP_INDEX_URL" ]; then set -- "$@" --index-url "$PIP_INDEX_URL"; fi; \
    for url in $PIP_EXTRA_INDEX_URL; do set -- "$@" --extra-index-url "$url"; done; \
    case "$TORCH_INDEX" in \
      pytorch) \
        set -- "$@" --extra-index-url "$PYTORCH_INDEX_URL/$TORCH_VARIANT"; \
        sed -i -E "s/^(torch|torchvision)==([0-9][0-9.]*)\$/\\1==\\2+$TORCH_VARIANT/" "$reqs"; \
        [ "$(grep -cE "^(torch|torchvision)==[0-9.]+\\+$TORCH_VARIANT\$" "$reqs")" = 2 ] \
          || { echo "pyproject.toml must pin torch and torchvision as NAME==X.Y.Z" >&2; exit 1; } ;; \
      default) ;; \
      *) echo "TORCH_INDEX must be 'pytorch' or 'default', not '$TORCH_INDEX'" >&2; exit 2 ;; \
    esac; \
    echo "installing:"; sed 's/^/  /' "$reqs"; \
    env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL pip install --no-cache-dir "$@" -r "$reqs"; \
    python -c "import torch, torchvision; \
print('installed torch', torch.__version__, '(CUDA', torch.version.cuda, ') torchvision', \
torchvision.__version__)"

USER explorer

# The code last, in one layer: a code change rebuilds only this one. What goes in is what
# .dockerignore lets through (backend/ with the shipped weights in backend/weights/, frontend/,
# pyproject.toml).
COPY . /app/
