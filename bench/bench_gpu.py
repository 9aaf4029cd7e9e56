"""Issue 18's GPU rows: eager PyTorch against ONNX Runtime's CUDA provider on one device, at
batch 1 and batch 8, and the check that both answer like eager PyTorch on the CPU.

    python -m bench.bench_gpu            # on a machine with a CUDA device
    python -m bench.bench_gpu --quick    # the device check for a lent GPU machine: must
                                         # finish in under 3 minutes there (three exports in
                                         # the worker process, VGG16's the longest, only with
                                         # onnxruntime-gpu; 12 forwards per engine and batch).
                                         # Not yet run on a GPU: that bound is an estimate.

Without a CUDA device `run()` returns NO_CUDA and no targets: nothing here needs a GPU. The
measuring function, `measure_device`, takes the device as a parameter, and the tests run it on
the CPU: the same code, only the device differs.

Per model, with the weights the server's runtime uses (a checkpoint, or the seeded random
weights saved to a file, made on the CPU and mapped by the device's runtime: the same tensors):
- eager: `model(x)` with `x` already on the device, fp32, `torch.cuda.synchronize()` before
  and after each timed call;
- onnxruntime: a session made by the server's own `make_session(path, device, threads)` over
  the file the export worker writes (`ExportPool.onnx_file`: dynamic batch axis), called
  through the server's `OnnxSession`, as a prediction calls it: the input goes from host
  memory and the logits come back to it, so its rows include those copies.
Checked against eager PyTorch on the CPU at batch 1 on the bench's 224×224 test JPEG: top-5
classes equal and every probability within TOLERANCE (1e-4), for every image of each batch.
TF32 is switched off in PyTorch while measuring (`torch.backends.cudnn.allow_tf32` and
`torch.backends.cuda.matmul.allow_tf32` False): with it, GPU convolutions round their inputs to
10 bits of mantissa. ONNX Runtime's CUDA provider has its own `use_tf32` option, which
`make_session` sets to 0; the note under the table says what the session reported.
"""

import argparse
import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import onnxruntime as ort
import torch
from torch import Tensor

from backend.config import Settings
from backend.exports.service import ExportPool
from backend.serving.engines import OnnxSession, make_session
from backend.serving.runtime import LoadedModel, ModelRuntime
from backend.serving.weights import WeightStore
from backend.zoo import all_specs
from bench.bench_predict import input_tensor
from bench.images import test_jpegs
from bench.stats import machine, median, table

MODELS = ("alexnet", "vgg16", "resnet18")
BATCHES = (1, 8)
TOLERANCE = 1e-4  # on each probability, against eager PyTorch on the CPU
TOP_K = 5
NO_CUDA = "no CUDA device: GPU rows not run"
# The execution provider ONNX Runtime must run on for each device type.
PROVIDER = {"cuda": "CUDAExecutionProvider", "cpu": "CPUExecutionProvider"}
NO_CUDA_PROVIDER = "onnxruntime has no CUDA provider (install onnxruntime-gpu)"

Target = tuple[str, str, str, str]  # target, goal, measured, "yes" / "**no**"


@dataclass
class Row:
    model: str
    engine: str  # "eager" or "onnxruntime (<the provider its session runs on>)"
    batch: int
    ms: list[float]
    top5_equal: bool  # every image of the batch: the CPU's top-5, in the same order
    max_dp: float  # largest |probability − the CPU's| over all classes and images

    @property
    def p50(self) -> float:
        return median(self.ms)

    @property
    def images_per_s(self) -> float:
        return self.batch * 1e3 / self.p50

    @property
    def equal(self) -> bool:
        return self.top5_equal and self.max_dp <= TOLERANCE


@dataclass
class DeviceResult:
    device: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def missing_provider(device: torch.device) -> str | None:
    """Why ONNX Runtime cannot run on `device` with this onnxruntime build, or None."""
    wanted = PROVIDER.get(device.type)
    if wanted is not None and wanted in ort.get_available_providers():
        return None
    if device.type == "cuda":
        return NO_CUDA_PROVIDER
    return f"onnxruntime has no {wanted or device.type + ' provider'}"


@contextlib.contextmanager
def full_fp32() -> Iterator[None]:
    """TF32 off in PyTorch (GPU convolutions and matmuls in full fp32), restored after."""
    before = (torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32)
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = before


def timed(device: torch.device, fn: Callable[[], Tensor], n: int) -> tuple[list[float], Tensor]:
    """Milliseconds of `n` calls after two untimed ones (cuDNN picks its kernels, the caching
    allocator fills), the device synchronised around each; and the last call's result."""

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    with torch.inference_mode():
        out = fn()
        out = fn()
        ms = []
        for _ in range(n):
            sync()
            start = time.perf_counter()
            out = fn()
            sync()
            ms.append((time.perf_counter() - start) * 1e3)
    return ms, out


def compare(logits: Tensor, reference: Tensor) -> tuple[bool, float]:
    """(top-5 equal for every row, max |Δp|) of (N, classes) logits against the CPU's
    probabilities (classes,)."""
    p = logits.detach().cpu().double().softmax(dim=1)
    k = min(TOP_K, reference.numel())
    want = reference.topk(k).indices.tolist()
    equal = all(row.topk(k).indices.tolist() == want for row in p)
    return equal, float((p - reference).abs().max())


def measure_device(
    device: torch.device,
    exports: ExportPool,
    work_dir: Path,
    models: Sequence[str] = MODELS,
    calls: int = 20,
) -> DeviceResult:
    """The rows of each model on `device` (see the module's docstring), `calls` timed calls
    per engine and batch size."""
    settings = Settings()
    jpeg = test_jpegs()["224×224 JPEG"]
    weights = WeightStore(settings.weights_dir)
    weights.scan(all_specs())
    random_dir = work_dir / "random-weights"
    # The CPU's runtime makes and saves the random weights; the device's maps the same file.
    cpu = ModelRuntime(weights, torch.device("cpu"), 1, random_weights_dir=random_dir)
    on_device = ModelRuntime(weights, device, 1, random_weights_dir=random_dir)
    result = DeviceResult(str(device))
    no_provider = missing_provider(device)
    if no_provider:
        result.notes.append(f"{no_provider}: eager rows only.")
    with full_fp32():
        for name in models:
            x = input_tensor(name, jpeg, settings)
            with torch.inference_mode():
                reference = cpu.get(name).module(x)[0].double().softmax(dim=0)
            loaded = on_device.get(name)
            for batch in BATCHES:
                xb = x.expand(batch, *x.shape[1:]).contiguous()
                on = xb.to(device)
                ms, logits = timed(device, lambda m=loaded.module, t=on: m(t), calls)
                result.rows.append(Row(name, "eager", batch, ms, *compare(logits, reference)))
            if no_provider:
                continue
            shape = tuple(x.shape[1:])
            threads = settings.torch_threads
            session = onnx_session(on_device, loaded, shape, device, exports, threads, result.notes)
            if session is None:
                continue
            for batch in BATCHES:
                xb = x.expand(batch, *x.shape[1:]).contiguous()
                ms, logits = timed(device, lambda s=session, t=xb: s(t), calls)
                engine = f"onnxruntime ({session.provider})"
                result.rows.append(Row(name, engine, batch, ms, *compare(logits, reference)))
    return result


def onnx_session(
    runtime: ModelRuntime,
    loaded: LoadedModel,
    shape: tuple[int, ...],
    device: torch.device,
    exports: ExportPool,
    threads: int,
    notes: list[str],
) -> OnnxSession | None:
    """The server's session for `loaded` at input `shape` (C, H, W) on `device`, made as
    OnnxSessions._make makes it; None (and a note) without a weights file to export from."""
    name = loaded.spec.name
    source = runtime.weights_file(loaded)
    if source is None:
        notes.append(f"{name}: no weights file to export from: eager rows only.")
        return None
    path, version = source
    onnx_path = exports.onnx_file(name, (1, *shape), path, version)
    session = make_session(onnx_path, device, threads)
    provider = session.get_providers()[0]
    wanted = PROVIDER.get(device.type)
    if provider != wanted:  # e.g. onnxruntime-gpu without the CUDA libraries it loads
        notes.append(f"{name}: ONNX Runtime fell back to {provider} (not {wanted}).")
    options = session.get_provider_options().get(provider, {})
    if "use_tf32" in options:
        notes.append(f"{name}: {provider} use_tf32={options['use_tf32']}.")
    graph_input = session.get_inputs()[0]
    dynamic = not isinstance(graph_input.shape[0], int)
    return OnnxSession(session, graph_input.name, provider, dynamic_batch=dynamic)


def report(result: DeviceResult) -> str:
    rows = [
        (r.model, r.engine, r.batch, len(r.ms), r.p50, r.images_per_s,
         "yes" if r.top5_equal else "**no**", f"{r.max_dp:.1e}")
        for r in result.rows
    ]  # fmt: skip
    headers = ["model", "engine", "batch", "n", "p50 ms", "images/s", "top-5 = CPU's",
               f"largest Δp vs CPU (≤ {TOLERANCE:g})"]  # fmt: skip
    parts = [
        f"{machine()} · measured on {result.device} · TF32 off in PyTorch",
        table(headers, rows),
    ]
    parts += result.notes
    return "\n\n".join(parts)


def targets(result: DeviceResult) -> list[Target]:
    out: list[Target] = []
    for name in dict.fromkeys(r.model for r in result.rows):
        mine = [r for r in result.rows if r.model == name]
        engines = ", ".join(dict.fromkeys(r.engine for r in mine))
        worst = max(r.max_dp for r in mine)
        ok = all(r.equal for r in mine)
        out.append((
            f"{name} on {result.device} ({engines}; batch "
            f"{', '.join(str(b) for b in BATCHES)}) answers like eager on the CPU",
            f"top-5 equal, Δp ≤ {TOLERANCE:g}",
            f"top-5 {'equal' if all(r.top5_equal for r in mine) else 'differ'}, "
            f"largest Δp {worst:.1e}",
            "yes" if ok else "**no**",
        ))  # fmt: skip
    return out


def measure(device: torch.device, models: Sequence[str] = MODELS, calls: int = 20) -> DeviceResult:
    """`measure_device` with its own export worker and files, in a temporary folder (nothing
    downloads, nothing stays)."""
    with tempfile.TemporaryDirectory(prefix="bench-gpu-") as tmp:
        exports = ExportPool(Path(tmp) / "exports", timeout_s=600.0)
        try:
            return measure_device(device, exports, Path(tmp), models, calls)
        finally:
            exports.close()


def run(quick: bool = False) -> tuple[str, list[Target]]:
    """The GPU rows' text for RESULTS.md and their targets; NO_CUDA and none without CUDA."""
    if not torch.cuda.is_available():
        return NO_CUDA, []
    result = measure(torch.device("cuda"), calls=10 if quick else 50)
    return report(result), targets(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer calls (the device check)")
    args = parser.parse_args()
    began = time.perf_counter()
    text, rows = run(args.quick)
    print(text)
    if rows:
        print(table(["target", "goal", "measured", "met"], rows))
    print(f"{time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
