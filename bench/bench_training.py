"""The training lab's two targets, measured side by side:

- training images/s of a run started over HTTP (its own process, TRAINING_THREADS=1) against a
  bare PyTorch loop in this process on the same model, data, optimiser and thread count
  (target ≥ 0.9×);
- SimpleCNN prediction p50 over HTTP while a run trains against idle (target ≤ 1.5×), with the
  run in a child process (the default) and in a thread of the server (TRAINING_ISOLATION=thread),
  which is the measurement behind the default.

    python -m bench.bench_training
"""

import statistics
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import torch
import torch.nn.functional as F

from bench.server import running_server
from bench.stats import percentile

RUN = {"model": "simplecnn", "dataset": "mnist-5k", "epochs": 3, "batch_size": 64,
       "augmentation": False, "seed": 0}  # fmt: skip
PREDICTIONS = 80


def _digit_png() -> bytes:
    from tests import helpers_images as h

    return h.png(h.digit(7))


def predict_p50(client: httpx.Client, png: bytes, n: int = PREDICTIONS) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = client.post("/models/simplecnn/predict", files={"file": ("d.png", png, "image/png")})
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, r.text
    return percentile(times, 50)


def _wait(client: httpx.Client, run_id: str, until) -> dict:
    while True:
        run = client.get(f"/training/runs/{run_id}").json()
        if until(run):
            return run
        time.sleep(0.1)


def over_http(isolation: str) -> dict:
    png = _digit_png()
    env = {"RUNS_DIR": tempfile.mkdtemp(prefix="bench-runs-"), "TRAINING_ISOLATION": isolation}
    with running_server(env=env) as server, httpx.Client(base_url=server.base_url, timeout=60) as c:
        predict_p50(c, png, 10)  # warm
        idle = predict_p50(c, png)
        run_id = c.post("/training/runs", json=RUN).json()["id"]
        _wait(c, run_id, lambda r: r["step"] >= 3)
        busy = predict_p50(c, png)
        still = c.get(f"/training/runs/{run_id}").json()["status"] == "running"
        run = _wait(c, run_id, lambda r: r["status"] in ("done", "failed"))
        idle_after = predict_p50(c, png)
    return {"idle_ms": statistics.mean([idle, idle_after]), "busy_ms": busy,
            "busy_while_running": still, "images_per_s": run["images_per_s"]}  # fmt: skip


def bare_loop() -> float:
    """The same training in this process: SimpleCNN, the same preprocessed digits, AdamW with
    the one-cycle schedule, batch 64, 1 thread; images/s over the steps alone."""
    from backend.lab.datasets import load_split
    from backend.training.loop import make_optimizer, seed_everything
    from backend.training.recipes import server_view
    from backend.zoo import get_spec

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        split = load_split("mnist-5k", Path(tempfile.gettempdir()), Path(tempfile.mkdtemp()))
        x = server_view(split.train_images, "mnist")
        y = split.train_labels
        generator = seed_everything(0)
        model = get_spec("simplecnn").build(10).train()
        steps = -(-len(x) // 64) * RUN["epochs"]
        opt = make_optimizer("adamw", model.parameters(), 3e-3, 1e-4)
        schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
        seen, spent = 0, 0.0
        for _ in range(RUN["epochs"]):
            order = torch.randperm(len(x), generator=generator)
            start = time.perf_counter()
            for i in range(0, len(x), 64):
                idx = order[i : i + 64]
                loss = F.cross_entropy(model(x[idx]), y[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                schedule.step()
                loss.item()
                seen += len(idx)
            spent += time.perf_counter() - start
        return seen / spent
    finally:
        torch.set_num_threads(threads)


def measure() -> str:
    bare = bare_loop()
    process = over_http("process")
    thread = over_http("thread")
    bare_again = bare_loop()
    bare_mean = float(np.mean([bare, bare_again]))
    rows = [
        "| what | measured | target |",
        "|---|---|---|",
        f"| training images/s, SimpleCNN on mnist-5k, run over HTTP (child process, 1 thread) "
        f"| {process['images_per_s']:.0f} = {process['images_per_s'] / bare_mean:.2f}× a bare "
        f"loop in-process ({bare:.0f} and {bare_again:.0f} images/s, before and after) | ≥ 0.9× |",
        f"| prediction p50 while a run trains, run in a child process (default) | "
        f"{process['busy_ms']:.1f} ms vs {process['idle_ms']:.1f} ms idle = "
        f"{process['busy_ms'] / process['idle_ms']:.2f}× | ≤ 1.5× |",
        f"| prediction p50 while a run trains, run in a server thread (TRAINING_ISOLATION=thread) "
        f"| {thread['busy_ms']:.1f} ms vs {thread['idle_ms']:.1f} ms idle = "
        f"{thread['busy_ms'] / thread['idle_ms']:.2f}× (training {thread['images_per_s']:.0f} "
        f"images/s) | ≤ 1.5× |",
    ]
    return "\n".join(rows)


if __name__ == "__main__":
    print(measure())
