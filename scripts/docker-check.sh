#!/usr/bin/env bash
# The Docker check behind `make docker-test` (slow, so not part of `make test`): builds the
# image, starts it with docker compose, waits until it is healthy, then checks through the
# published port /health, /, /models/vgg16/summary, a PNG prediction with the shipped weights,
# a refused text upload, the container's user, and a prediction with a user checkpoint put in
# the mounted WEIGHTS_DIR. Tears everything down on exit; any failure exits non-zero with a
# line saying what failed.
#
# Environment (all optional):
#   IMAGE              tag to build and run (cnn-explorer:latest, the one compose uses)
#   CHECK_PORT         host port to publish on (18000, so a `docker compose up` on 8000 or a
#                      `make run` is left alone)
#   DOCKER_BUILD_FLAGS extra words for `docker build`, e.g. "--network host" or "--no-cache"
#   TORCH_VARIANT TORCH_INDEX PYTORCH_INDEX_URL PIP_INDEX_URL PIP_EXTRA_INDEX_URL
#                      build arguments (see Dockerfile), passed on when set, as compose does
#   SKIP_BUILD=1       reuse an IMAGE built before
#   HEALTH_TIMEOUT     seconds to wait for "healthy" (300)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-cnn-explorer:latest}
PORT=${CHECK_PORT:-18000}
PROJECT=cnn-explorer-check
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-300}
BASE="http://127.0.0.1:$PORT"

say() { echo "docker-check: $*"; }
fail() {
  echo "docker-check: FAIL: $*" >&2
  if [ -n "${cid:-}" ]; then
    echo "docker-check: last container logs:" >&2
    docker logs --tail 40 "$cid" >&2 2>&1 || true
  fi
  exit 1
}

for tool in docker curl python3; do
  command -v "$tool" >/dev/null || fail "'$tool' is not installed"
done
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else
  fail "neither 'docker compose' nor 'docker-compose' is available"
fi
docker info >/dev/null 2>&1 || fail "cannot reach the Docker daemon (is it running? may you use it?)"

work=$(mktemp -d)
chmod 755 "$work"  # the container's unprivileged user must be able to read the mount
cid=""
cleanup() {
  status=$?
  say "tearing down"
  "${compose[@]}" -p "$PROJECT" down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 \
    || echo "docker-check: WARNING: '${compose[*]} -p $PROJECT down' failed" >&2
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Build.
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build_args=()
  for name in TORCH_VARIANT TORCH_INDEX PYTORCH_INDEX_URL PIP_INDEX_URL PIP_EXTRA_INDEX_URL; do
    if [ -n "${!name+set}" ]; then build_args+=(--build-arg "$name=${!name}"); fi
  done
  say "building $IMAGE"
  start=$(date +%s)
  # shellcheck disable=SC2086  # DOCKER_BUILD_FLAGS is a list of words on purpose
  docker build ${DOCKER_BUILD_FLAGS:-} "${build_args[@]}" -t "$IMAGE" . \
    || fail "docker build failed (see the output above)"
  say "built $IMAGE in $(($(date +%s) - start)) s"
fi
docker image inspect "$IMAGE" >/dev/null 2>&1 || fail "image $IMAGE does not exist"
say "image size: $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.2f GB", $1/1e9}')"

# 2. Start with compose, a scratch checkpoints folder mounted at WEIGHTS_DIR.
export IMAGE HOST_PORT="$PORT" CHECKPOINTS_DIR="$work"
say "starting compose project $PROJECT on port $PORT"
"${compose[@]}" -p "$PROJECT" up -d --no-build || fail "compose up failed"
cid=$("${compose[@]}" -p "$PROJECT" ps -q explorer)
[ -n "$cid" ] || fail "compose started no 'explorer' container"

# 3. Wait for Docker's healthcheck (the HEALTHCHECK on /health) to say healthy.
wait_healthy() {
  local start deadline state
  start=$(date +%s)
  deadline=$((start + HEALTH_TIMEOUT))
  while :; do
    state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$cid")
    case "$state" in
      "running healthy") break ;;
      "running unhealthy") fail "the container's healthcheck reports unhealthy" ;;
      running*) ;;
      *) fail "the container is '$state' instead of running" ;;
    esac
    [ "$(date +%s)" -lt "$deadline" ] || fail "not healthy after ${HEALTH_TIMEOUT}s (state: $state)"
    sleep 2
  done
  say "container healthy after $(($(date +%s) - start)) s"
}
wait_healthy

# 4. Checks through the published port. `request` leaves the body in $work/body and prints the
# status; `expect_json` runs Python assertions on that body (as `j`), printing a summary line.
request() {  # prints the HTTP status, 000 when nothing answered (curl's error in $work/err)
  rm -f "$work/body"
  curl -sS -o "$work/body" -w '%{http_code}' "$@" 2>"$work/err" || true
}
answer() { if [ -s "$work/body" ]; then head -c 300 "$work/body"; else cat "$work/err"; fi; }
expect_json() {  # name, python code that asserts and prints
  python3 - "$work/body" "$1" "$2" <<'PY' || exit 1
import json, sys
path, name, code = sys.argv[1:]
try:
    j = json.load(open(path))
except ValueError:
    sys.exit(f"docker-check: FAIL: {name}: the answer is not JSON: {open(path).read()[:300]!r}")
try:
    exec(code, {"j": j})
except AssertionError as e:
    sys.exit(f"docker-check: FAIL: {name}: {e}; answer: {json.dumps(j)[:400]}")
PY
}

code=$(request "$BASE/health")
[ "$code" = 200 ] || fail "GET /health answered $code: $(answer)"
expect_json "GET /health" '
assert j.get("status") == "ok", "status is not ok"
assert isinstance(j.get("device"), str) and j["device"], "no device"
print("docker-check: ok: GET /health -> status ok, device", j["device"], "torch", j.get("torch"))'

code=$(request "$BASE/")
[ "$code" = 200 ] || fail "GET / (the frontend) answered $code: $(answer)"
grep -qi '<html' "$work/body" || fail "GET / did not answer an HTML page"
say "ok: GET / -> 200, HTML ($(wc -c <"$work/body") bytes)"

code=$(request "$BASE/models/vgg16/summary")
[ "$code" = 200 ] || fail "GET /models/vgg16/summary answered $code: $(answer)"
expect_json "GET /models/vgg16/summary" '
p = j["totals"]["params"]
assert p == 138357544, f"totals.params is {p}, expected 138357544"
out, rows = j["output_shape"], len(j["layers"])
assert out == [1, 1000], f"output_shape is {out}, expected [1, 1000]"
print(f"docker-check: ok: GET /models/vgg16/summary -> params {p}, output {out}, {rows} rows")'

# A digit "1" as a person draws it (dark stroke on a light 112x112 canvas), drawn with the
# image's own Pillow so the host needs no Python packages.
"${compose[@]}" -p "$PROJECT" exec -T explorer python -c '
import base64, io, sys
from PIL import Image, ImageDraw
img = Image.new("L", (112, 112), 255)
ImageDraw.Draw(img).line([(56, 16), (56, 96)], fill=0, width=10)
buf = io.BytesIO()
img.save(buf, format="PNG")
sys.stdout.write(base64.b64encode(buf.getvalue()).decode())
' >"$work/digit.b64" || fail "could not draw the test PNG inside the container"
python3 -c 'import base64, sys; open(sys.argv[2], "wb").write(base64.b64decode(open(sys.argv[1]).read()))' \
  "$work/digit.b64" "$work/digit.png"

# predict WEIGHTS: the digit must be read as 1 by trained weights from the named source.
predict() {
  code=$(request -F "file=@$work/digit.png;type=image/png" "$BASE/models/simplecnn/predict?top_k=3")
  [ "$code" = 200 ] || fail "POST /models/simplecnn/predict answered $code: $(answer)"
  expect_json "POST /models/simplecnn/predict" "want = '$1'"'
preds = j["predictions"]
assert j["model"] == "simplecnn", "model is " + repr(j["model"])
assert j["trained"] is True, "trained is not true: no SimpleCNN weights were loaded"
source = j.get("weights")
assert source == want, f"weights came from {source!r}, expected {want!r}"
assert len(preds) == 3, f"{len(preds)} predictions for top_k=3"
probs = [p["probability"] for p in preds]
assert probs == sorted(probs, reverse=True), f"probabilities not sorted: {probs}"
assert all(0 <= q <= 1 for q in probs) and sum(probs) <= 1 + 1e-6, f"bad probabilities {probs}"
top = preds[0]["label"]
assert top == "1", f"the drawn 1 was read as {top!r}"
print(f"docker-check: ok: POST /models/simplecnn/predict (PNG) -> top label {top}"
      f" p={probs[0]:.3f}, {want} weights, device", j.get("device"))'
}
predict shipped

printf 'not an image\n' >"$work/notes.txt"
code=$(request -F "file=@$work/notes.txt;type=text/plain" "$BASE/models/simplecnn/predict")
case "$code" in 4??) ;; *) fail "uploading a text file answered $code, expected a 4xx: $(answer)" ;; esac
expect_json "POST predict with a text file" '
assert isinstance(j.get("detail"), str) and j["detail"], "no detail sentence"'
say "ok: POST /models/simplecnn/predict with a text file -> $code"

# 5. The server is not root.
uid=$("${compose[@]}" -p "$PROJECT" exec -T explorer id -u) || fail "could not run 'id' inside"
[ "$uid" != 0 ] || fail "the server runs as root"
say "ok: the server runs as uid $uid"

# 6. A user checkpoint in the mounted folder (WEIGHTS_DIR) wins over the shipped one after a
# restart: the shipped file itself, copied there.
cp backend/weights/simplecnn.pt "$work/simplecnn.pt"
chmod 644 "$work/simplecnn.pt"
"${compose[@]}" -p "$PROJECT" restart explorer >/dev/null 2>&1 || fail "compose restart failed"
wait_healthy
predict user

say "PASS"
