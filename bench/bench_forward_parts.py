"""Where a lone request's forward pass goes: the convolutions against the fully connected layers,
eager PyTorch against ONNX Runtime, at the server's thread count (issue 18's lone-request
target: AlexNet's misses it, VGG16's and ResNet-18's meet it).

    python -m bench.bench_forward_parts [--models alexnet,vgg16] [--rounds 30]

Eager: `model(x)` as built (contiguous) and with channels_last (CHANNELS_LAST_MODELS), and the
classifier alone on its flattened input. ONNX Runtime: the session the server makes
(`make_session`, the export worker's file with the dynamic batch axis), with its profiler on in
a second session, whose per-node kernel times are summed by kind (convolution, fully connected,
the rest). The fully connected layers' weights are read from memory once per image: their bytes
÷ their time is the memory bandwidth they reach, which bounds what any engine can do at batch 1.
"""

import argparse
import copy
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import onnxruntime as ort
import torch
from torch import nn

from backend.config import Settings
from backend.exports.service import ExportPool
from backend.serving.engines import make_session
from bench.bench_predict import reference
from bench.images import test_jpegs
from bench.stats import machine, median, table, time_calls

FULLY_CONNECTED = ("Gemm", "FusedGemm", "MatMul", "FusedMatMul")
CONVOLUTION = ("Conv", "FusedConv", "NchwcConv")


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    call()  # set-up on the first call: not counted
    return time_calls(call, rounds)


def classifier_input(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The flattened input of `model.classifier`, from the model's own layers before it."""
    with torch.inference_mode():
        h = model.features(x)
        if hasattr(model, "avgpool"):
            h = model.avgpool(h)
        return torch.flatten(h, 1)


def onnx_parts(path: Path, x: torch.Tensor, threads: int, rounds: int) -> dict[str, float]:
    """Per-run kernel ms by kind, from ONNX Runtime's profiler (a session of its own)."""
    options = ort.SessionOptions()
    options.enable_profiling = True
    options.profile_file_prefix = str(Path(tempfile.gettempdir()) / "forward-parts")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: x.numpy()}
    for _ in range(rounds):
        session.run(None, feed)
    profile = Path(session.end_profiling())
    events = json.loads(profile.read_text())
    profile.unlink(missing_ok=True)
    parts = {"convolution": 0.0, "fully connected": 0.0, "the rest": 0.0}
    for event in events:
        if event.get("cat") != "Node" or not event["name"].endswith("_kernel_time"):
            continue
        op = event.get("args", {}).get("op_name", "")
        kind = (
            "fully connected"
            if op in FULLY_CONNECTED
            else "convolution"
            if op in CONVOLUTION
            else "the rest"
        )
        parts[kind] += event["dur"] / 1e3 / rounds
    return parts


def measure(name: str, rounds: int, settings: Settings, exports: ExportPool, folder: Path) -> dict:
    jpeg = test_jpegs()["224×224 JPEG"]
    model, x = reference(name, jpeg, settings)
    threads = settings.torch_threads or torch.get_num_threads()
    torch.set_num_threads(threads)
    weights = folder / f"{name}.pt"
    torch.save(model.state_dict(), weights)
    onnx = exports.onnx_file(name, (1, *x.shape[1:]), weights, (1,))
    session = make_session(onnx, torch.device("cpu"), settings.torch_threads)
    feed = {session.get_inputs()[0].name: x.numpy()}
    flat = classifier_input(model, x)
    fc_bytes = sum(
        p.numel() * p.element_size()
        for m in model.classifier.modules()
        if isinstance(m, nn.Linear)
        for p in m.parameters()
    )
    rows: dict[str, list[float]] = {"eager": [], "eager channels_last": [], "onnxruntime": []}
    classifier: list[float] = []
    with torch.inference_mode():
        model_cl = _channels_last_copy(model)
        x_cl = x.contiguous(memory_format=torch.channels_last)
        for _ in range(rounds // 5 or 1):  # in turns, five calls each
            rows["eager"] += timed(lambda: model(x), 5)
            rows["eager channels_last"] += timed(lambda: model_cl(x_cl), 5)
            rows["onnxruntime"] += timed(lambda: session.run(None, feed), 5)
            classifier += timed(lambda: model.classifier(flat), 5)
    parts = onnx_parts(onnx, x, settings.torch_threads, rounds)
    return {
        "name": name,
        "threads": threads,
        "totals": {k: median(v) for k, v in rows.items()},
        "eager classifier": median(classifier),
        "onnx parts": parts,
        "fc bytes": fc_bytes,
    }


def _channels_last_copy(model: nn.Module) -> nn.Module:
    return copy.deepcopy(model).to(memory_format=torch.channels_last)


def report(results: list[dict]) -> str:
    rows = []
    for r in results:
        parts, totals = r["onnx parts"], r["totals"]
        fc_gb = r["fc bytes"] / 1e9
        rows.append((
            r["name"], r["threads"], totals["eager"], totals["eager channels_last"],
            totals["onnxruntime"], r["eager classifier"], parts["fully connected"],
            parts["convolution"], parts["the rest"], r["fc bytes"] / 1e6,
            fc_gb / (r["eager classifier"] / 1e3), fc_gb / (parts["fully connected"] / 1e3),
        ))  # fmt: skip
    return "\n\n".join([
        machine(),
        table(
            ["model", "threads", "eager ms", "eager channels_last ms", "onnxruntime ms",
             "eager classifier ms", "onnxruntime FC ms", "onnxruntime conv ms",
             "onnxruntime rest ms", "FC weights MB", "eager FC GB/s", "onnxruntime FC GB/s"],
            rows,
        ),
    ])  # fmt: skip


def run(models: tuple[str, ...] = ("alexnet", "vgg16"), rounds: int = 30) -> str:
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="forward-parts-") as tmp:
        folder = Path(tmp)
        exports = ExportPool(folder / "exports", engine_dir=folder / "onnx")
        try:
            return report([measure(name, rounds, settings, exports, folder) for name in models])
        finally:
            exports.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="alexnet,vgg16")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(run(tuple(args.models.split(",")), args.rounds))


if __name__ == "__main__":
    main()
