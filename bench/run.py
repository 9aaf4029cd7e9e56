"""Run the benchmarks side by side and write bench/RESULTS.md.

    python -m bench.run            # full run (about 5 minutes on 2 cores)
    python -m bench.run --quick    # fewer repetitions, to check the harness (~2 minutes)

Everything is measured in this one run, on this machine, with the same load around it:
compare the ratios, not the absolute numbers, between runs or machines.
"""

import argparse
import datetime
import os
import time
from pathlib import Path

import torch

from backend.config import Settings
from bench import (
    bench_choices,
    bench_config,
    bench_custom,
    bench_engines,
    bench_forward_parts,
    bench_gpu,
    bench_load,
    bench_memory,
    bench_page,
    bench_policies,
    bench_predict,
    bench_summary,
    bench_training,
)
from bench.images import test_jpegs
from bench.server import running_server
from bench.stats import machine, median, percentile, table

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
LOAD_MODEL = "resnet18"  # the load tests' model: a real CNN whose forward dominates (~20 ms)


def _section(title: str, intro: str, body: str) -> str:
    print(f"\n## {title}\n\n{body}\n", flush=True)
    return f"## {title}\n\n{intro}\n\n{body}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    quick = args.quick
    began = time.perf_counter()
    load_before = os.getloadavg()[0]
    settings = Settings()
    cores = len(os.sched_getaffinity(0))
    default_threads = torch.get_num_threads()
    jpegs = test_jpegs()
    small = jpegs["224×224 JPEG"]
    sections: list[str] = []

    # ---- in-process A/B measurements (no server running) ----
    print("in-process choices...", flush=True)
    rounds = 2 if quick else 6
    draft_text, _ = bench_choices.draft_decoding(settings, 2 if quick else 4)
    calls = {"simplecnn": 50, "alexnet": 4, "vgg16": 1, "resnet18": 8}
    cl_text, cl_data = bench_choices.channels_last(
        bench_predict.MODELS, settings.torch_threads or default_threads, rounds, calls
    )
    batch_text, batch_data = bench_choices.batching(
        ("simplecnn", "alexnet", "resnet18"), settings.inference_concurrency, 4,
        2, 1.0 if quick else 2.0,
    )  # fmt: skip

    print("functional rows A/B...", flush=True)
    functional_text, functional = bench_summary.functional_ab(rounds=6 if quick else 30)

    with running_server() as server:
        startup_s = server.startup_s
        print(f"server up in {startup_s:.1f} s; memory...", flush=True)
        memory_text, memory = bench_memory.run(server, bench_predict.MODELS)
        print("summaries...", flush=True)
        summary_text, summary = bench_summary.run(server.base_url, quick=quick)
        print("custom networks...", flush=True)
        custom_text, custom = bench_custom.run(server.base_url, quick=quick)
        print("predictions...", flush=True)
        predict_text, predict_cases = bench_predict.run(
            server.base_url, settings, default_threads, quick=quick
        )
        print("load...", flush=True)
        level_rounds, max_requests, max_seconds = (1, 60, 2.0) if quick else (3, 150, 3.0)
        levels = bench_load.levels(
            server.base_url, LOAD_MODEL, small, rounds=level_rounds,
            max_requests=max_requests, max_seconds=max_seconds,
        )  # fmt: skip
        saturation_text, _ = bench_load.saturation(
            server.base_url, LOAD_MODEL, small, seconds=4.0 if quick else 8.0
        )
        crowd_size = settings.inference_concurrency + settings.inference_queue_limit + 14
        crowd_text, crowd = bench_load.crowd(server.base_url, LOAD_MODEL, small, crowd_size)
    print("server configurations...", flush=True)
    config_text, config_results = bench_config.run(cores, LOAD_MODEL, small, quick=quick)
    stacks_text, stacks = ("", {})
    if bench_config.fast_http_available():
        print("HTTP stacks...", flush=True)
        stacks_text, stacks = bench_config.http_stacks(small, 4 if quick else 10, 25)

    print("engines (issue 18)...", flush=True)
    engines_text, engine_targets = bench_engines.run(quick=quick)
    print("forward pass by part (issue 18)...", flush=True)
    parts_text = bench_forward_parts.run(rounds=10 if quick else 30)
    print("GPU rows (issue 18)...", flush=True)
    gpu_text, gpu_targets = bench_gpu.run(quick=quick)
    print("thread policies and micro-batching (issue 18)...", flush=True)
    policies_text, policy_targets = bench_policies.run(("resnet18", "vgg16"), quick=quick)
    page_text, page_targets = ("", [])
    if bench_page.CHROMIUM.exists():
        print("page...", flush=True)
        page_text, page_targets = bench_page.run(rounds=3 if quick else 5)

    # ---- targets ----
    vgg = summary["vgg16@224"]
    speedup = vgg["anchor_ms"] / vgg["cold_ms"]
    by_model = {c.model: c for c in predict_cases if c.image == "224×224 JPEG"}

    def overhead(name: str) -> tuple[float, float]:
        """Against model(x) at the server's thread count: what serving adds around it."""
        c = by_model[name]
        raw = median(c.raw_server_threads_ms)
        return median(c.http_ms) / raw, median(c.http_ms) - raw

    def vs_default(name: str) -> float:
        c = by_model[name]
        return median(c.http_ms) / median(c.raw_default_threads_ms)

    crowd16, single = levels[-1].result, levels[0].result
    # The queue's bound: a request waits at most for everyone admitted ahead of it, served one
    # after the other (no credit taken for running two at once, which a shared machine may not
    # give), each as slow as the single-client p99.
    admitted = min(16, settings.inference_concurrency + settings.inference_queue_limit)
    p99_bound = admitted * percentile(single.ok_ms, 99)
    crowd16_p99 = percentile(crowd16.ok_ms, 99)
    floor, idle = memory["floor_mb"], memory["idle_mb"]
    rows = [
        ("cold vgg16 summary vs torchinfo on CPU", "≥ 50× faster", f"{speedup:.0f}×",
         speedup >= 50),
        ("cold summary of a custom VGG16-sized network vs the zoo's vgg16 (HTTP p50)",
         "≤ 1.5×", f"{custom['ratio']:.2f}× ({custom['custom']['p50_ms']:.0f} vs "
         f"{custom['zoo']['p50_ms']:.0f} ms)", custom["ratio"] <= 1.5),
        *[
            (f"predict overhead {n} (HTTP p50 ÷ raw forward p50, same thread count)", "≤ 1.10",
             f"{overhead(n)[0]:.2f} ({overhead(n)[1]:+.1f} ms); ÷ raw at PyTorch's default "
             f"threads: {vs_default(n):.2f}", overhead(n)[0] <= 1.10)
            for n in ("alexnet", "vgg16", "resnet18")
        ],
        ("predict overhead simplecnn (HTTP p50 − raw forward p50)", "≤ 3 ms",
         f"{overhead('simplecnn')[1]:.1f} ms", overhead("simplecnn")[1] <= 3.0),
        (f"throughput at 16 clients vs a single client ({LOAD_MODEL}, same server, "
         "interleaved)", "≥ 1.0×", f"{crowd16.ok_per_s:.1f} vs {single.ok_per_s:.1f} req/s "
         f"({crowd16.ok_per_s / single.ok_per_s:.2f}×)", crowd16.ok_per_s >= single.ok_per_s),
        ("p99 at 16 clients, bounded by the queue", f"≤ {p99_bound:.0f} ms "
         f"({admitted} admitted × 1-client p99)",
         f"{crowd16_p99:.0f} ms, {sum(crowd16.statuses.values()) - len(crowd16.ok_ms)} non-200",
         crowd16_p99 <= p99_bound),
        *[
            (f"cold {n} summary with ÷ without functional rows (in-process CPU, median of "
             "pairs)", "≤ 1.10", f"{d['ratios']['cold_cpu_paired']:.2f} (warm "
             f"{d['ratios']['warm_wall_median']:.2f})", d["ratios"]["cold_cpu_paired"] <= 1.10)
            for n, d in functional.items()
        ],
        ("idle RSS above the bare import floor", "≤ 100 MB",
         f"{idle - floor:.0f} MB ({idle:.0f} vs {floor:.0f})", idle - floor <= 100),
    ]  # fmt: skip
    targets = table(
        ["target", "goal", "measured", "met"],
        [(a, b, c, "yes" if ok else "**no**") for a, b, c, ok in rows]
        + engine_targets
        + gpu_targets
        + policy_targets
        + page_targets,
    )

    took = time.perf_counter() - began
    header = (
        f"# Benchmark results\n\n{datetime.date.today()} · {machine()} · "
        f"{'quick run' if quick else 'full run'} in {took / 60:.1f} min · load average before "
        f"the run: {load_before:.1f} (the machine is shared: compare ratios)\n\n"
        f"Server settings: TORCH_THREADS={settings.torch_threads}, "
        f"INFERENCE_CONCURRENCY={settings.inference_concurrency}, "
        f"INFERENCE_QUEUE_LIMIT={settings.inference_queue_limit}, "
        f"MAX_LOADED_MODELS={settings.max_loaded_models}, "
        f"CHANNELS_LAST_MODELS={','.join(settings.channels_last_models) or '(none)'}; HTTP "
        f"stack: {'uvloop + httptools' if bench_config.fast_http_available() else 'asyncio + h11'}"
        f". Start-up to the first healthy /health: {startup_s:.1f} s (bare "
        f"`import torch, torchvision, fastapi`: {memory['floor_import_s']:.1f} s).\n"
    )
    sections.append(header)
    sections.append("## Targets\n\n" + targets + "\n")
    print(targets)
    sections.append(_section(
        "Summaries",
        "Cold: the first request for a parameter set (a fresh batch size each time), over HTTP. "
        "Anchor: `torchinfo.summary` of a real model on the CPU with a real forward pass.",
        summary_text,
    ))  # fmt: skip
    sections.append(_section(
        "What the functional rows cost a summary (issue 16)",
        "In-process, no server: the cold summary (`summarize`, a meta pass under torchinfo) "
        "with the functional rows' recording and without (`functional_rows=False`, torchinfo's "
        "rows alone), taking turns call by call; CPU time of the calling thread beside wall "
        "time. Warm: the cached JSON answer of a SummaryService filled by either variant.",
        functional_text,
    ))  # fmt: skip
    sections.append(_section(
        "Custom networks",
        "A cold summary of VGG16's cfg as a custom network (a fresh name each time: parsed, "
        "validated, built on `meta`, summarised) beside the zoo's vgg16 at a fresh batch size, "
        "and the page's round trip per edit (POST /architectures, then the summary); taking "
        "turns round by round.",
        custom_text,
    ))  # fmt: skip
    sections.append(_section(
        "Predictions, one client",
        "Multipart upload over HTTP as the frontend sends it, one client, against `model(x)` "
        "in-process on the tensor the server makes from the same JPEG (the plain model as "
        "built, contiguous). Overhead ratio: HTTP p50 ÷ raw p50 at the server's thread count "
        "(TORCH_THREADS), i.e. what serving adds; the next columns compare with PyTorch's "
        "default thread count, what a lone request gives up for throughput under load (see "
        "the configurations). Server columns: medians of the server's own `timings_ms`. The "
        "12 MP rows include uploading ~2.5 MB.",
        predict_text,
    ))  # fmt: skip
    level_rows = [lv.row for lv in levels]
    sections.append(_section(
        f"Throughput on loopback ({LOAD_MODEL}, 224×224 JPEG)",
        "Clients send back to back on keep-alive connections; each level runs "
        f"{level_rounds} time(s), bounded by {max_requests} requests or {max_seconds:g} s a "
        "run, the levels taking turns.",
        table(bench_load.LEVEL_HEADERS, level_rows),
    ))  # fmt: skip
    sections.append(_section(
        "Staying responsive while inference is saturated",
        "Probes every 20 ms, first with the server idle, then while 16 clients saturate "
        "inference.",
        saturation_text,
    ))  # fmt: skip
    sections.append(_section(
        "A crowd larger than the queue",
        f"Concurrency {settings.inference_concurrency} + queue "
        f"{settings.inference_queue_limit}: the rest must be refused at once with 503 and a "
        "Retry-After header, not queued without bound.",
        crowd_text,
    ))  # fmt: skip
    sections.append(_section(
        "Memory",
        "Resident set size of the server process (VmRSS), and of a bare import measured in the "
        f"same run. MAX_LOADED_MODELS={settings.max_loaded_models}: loading a third model "
        "drops the least recently used.",
        memory_text,
    ))  # fmt: skip
    sections.append(_section(
        "Server configurations side by side",
        f"{LOAD_MODEL}, 224×224 JPEG; a fresh server per row. Thread count and predictions at "
        "once are the TORCH_THREADS and INFERENCE_CONCURRENCY settings; Python's default "
        f"executor runs at most {min(32, cores + 4)} worker threads, so 16 at once is at most "
        "that many. Two passes (the second in reverse order), each configuration started once "
        "with WARM_MODELS and once without.",
        config_text,
    ))  # fmt: skip
    if stacks_text:
        sections.append(_section(
            "HTTP stack",
            "Two servers with the default settings up at once, one with uvicorn's pure-Python "
            "`--loop asyncio --http h11`; one client alternates between them every 25 requests.",
            stacks_text,
        ))  # fmt: skip
    sections.append(_section(
        "Reduced-size JPEG decoding (Pillow draft)",
        "In-process, alternating rounds. The server decodes JPEGs at the smallest DCT scale "
        "that still covers the model's preprocessing (shorter side ≥ 256 px for ImageNet "
        "models and MNIST's working size, ≥ 64 px for CIFAR-10).",
        draft_text,
    ))  # fmt: skip
    sections.append(_section(
        "channels_last per model",
        "In-process forward at the server's thread count, contiguous vs NHWC weights and "
        "input, alternating rounds; kept (CHANNELS_LAST_MODELS) only where it wins.",
        cl_text,
    ))  # fmt: skip
    sections.append(_section(
        "Micro-batching",
        f"Upper bound of what batching could give: images/s of {settings.inference_concurrency}"
        " worker threads (1 torch thread each) running batch-4 forwards against batch-1 "
        "forwards, in-process.",
        batch_text,
    ))  # fmt: skip
    sections.append(_section(
        "Engines: ONNX Runtime against eager PyTorch (issue 18)",
        "Two servers up at once, today's configuration (INFERENCE_ENGINE=eager, no weight "
        "cache) and the new defaults (onnxruntime, CACHE_DIR), MAX_LOADED_MODELS=3 for both, "
        "each model's ONNX Runtime session ready before timing; `model(x)` in this process "
        "takes turns with them. First requests: a fresh server per cell. GPU rows: eager "
        "PyTorch against ONNX Runtime's CUDA provider, in-process (bench/bench_gpu.py).",
        f"{engines_text}\n\n### Where the forward pass goes (bench/bench_forward_parts.py)\n\n"
        "In-process, at the server's thread count: eager `model(x)` as built and channels_last,"
        " the classifier alone, and the server's ONNX Runtime session; its profiler's kernel "
        "times by kind. FC GB/s: the fully connected weights' bytes ÷ their time (each image "
        f"reads them once: memory bandwidth, the same for both engines).\n\n{parts_text}"
        f"\n\n### GPU rows\n\n{gpu_text}",
    ))  # fmt: skip
    sections.append(_section(
        "Thread policies and micro-batching (issue 18)",
        "One server per policy, all on ONNX Runtime with their sessions ready, taking turns "
        "round by round: a lone client (p50 of sequential requests) and 16 clients at once. "
        "`model(x)` in eager PyTorch at PyTorch's default thread count takes its turn too.",
        policies_text,
    ))  # fmt: skip
    if page_text:
        sections.append(_section(
            "The page in Chromium",
            "Time from navigation to the first diagram block drawn, on localhost, with the "
            "static files gzipped or not (COMPRESS_STATIC) and the modules in one bundle or one "
            "by one (BUNDLE_STATIC), the servers up at once and taking turns; a fresh browser "
            "context is a first visit, a second navigation "
            "in it a return visit (versioned scripts and stylesheets from the browser's cache; "
            "index.html revalidated, the API asked again).",
            page_text,
        ))  # fmt: skip
    print("training lab...", flush=True)
    sections.append(_section(
        "Training lab",
        "A SimpleCNN run of 3 epochs on mnist-5k (no augmentation) started over HTTP, against "
        "a bare PyTorch loop in this process on the same model, data, optimiser and thread "
        "count; prediction p50 of a digit over HTTP while that run trains, with the run in a "
        "child process (the default) and in a server thread (bench/bench_training.py).",
        bench_training.measure(),
    ))  # fmt: skip
    sections.insert(2, _decisions(settings, config_results, cl_data, batch_data, crowd, stacks))
    RESULTS.write_text("\n".join(sections))
    print(f"wrote {RESULTS} in {took / 60:.1f} min")


def _decisions(
    settings: Settings,
    configs: list[bench_config.ConfigResult],
    cl_data: dict,
    batch_data: dict,
    crowd: bench_load.LoadResult,
    stacks: dict,
) -> str:
    """The serving choices and the measurement of this run behind each, as ratios."""
    default = next(r for r in configs if "(default)" in r.config.label)
    best = max(configs, key=lambda r: r.crowd.ok_per_s)
    pytorch = configs[0]
    ours, theirs = default.crowd, pytorch.crowd
    lines = [
        f"- **Threads × predictions at once**: the default ({default.config.label}) served "
        f"16 clients at {ours.ok_per_s:.1f} "
        f"req/s, p99 {percentile(ours.ok_ms, 99):.0f} ms; PyTorch's defaults (all cores per "
        f"forward, no gate) {theirs.ok_per_s:.1f} req/s, p99 {percentile(theirs.ok_ms, 99):.0f}"
        f" ms (default ÷ PyTorch's: {ours.ok_per_s / theirs.ok_per_s:.2f}× the throughput, "
        f"{percentile(ours.ok_ms, 99) / percentile(theirs.ok_ms, 99):.2f}× the p99); best "
        f"16-client throughput of this run: {best.config.label}.",
    ]
    if stacks:
        ratios = ", ".join(
            f"{name} {median(d['fast_ms']):.2f} vs {median(d['plain_ms']):.2f} ms"
            for name, d in stacks.items()
        )
        lines.append(
            "- **HTTP stack** (uvloop + httptools, pinned, vs uvicorn's pure-Python asyncio + "
            f"h11; both servers up, one client alternating): {ratios}."
        )
    refused = crowd.statuses.get(503, 0)
    lines.append(
        f"- **Bounded queue**: of {crowd.clients} simultaneous requests, {len(crowd.ok_ms)} were "
        f"served and {refused} refused with 503 in a median {median(crowd.refused_ms):.0f} ms, "
        f"Retry-After sent on {sum(v for k, v in crowd.retry_after.items() if k != 'missing')} "
        f"of {refused}."
    )
    kept = ", ".join(settings.channels_last_models) or "none"
    ratios = ", ".join(f"{n} {d['ratio']:.2f}" for n, d in cl_data.items())
    lines.append(
        f"- **channels_last** (time ÷ contiguous, this run): {ratios}; kept for {kept} "
        "(CHANNELS_LAST_MODELS), chosen from repeated runs where those were the clear wins."
    )
    warm = [ms for r in configs for ms in r.first_warm_ms]
    cold = [ms for r in configs for ms in r.first_cold_ms]
    lines.append(
        f"- **Warm-up** (WARM_MODELS): first request after start {median(warm):.0f} ms warmed "
        f"vs {median(cold):.0f} ms not (medians over every server start); off by default so "
        "start-up stays short and memory low."
    )
    gains = ", ".join(
        f"{n} {median(d['batch4_per_s']) / median(d['batch1_per_s']):.2f}×"
        for n, d in batch_data.items()
    )
    lines.append(
        f"- **Micro-batching**: batch-4 forwards give {gains} the images/s of batch-1 forwards "
        "with the same worker threads (in-process, an upper bound). Served, requests that meet "
        "while a forward runs share the next one (serving/batching.py; INFERENCE_BATCH_MAX, "
        "INFERENCE_BATCH_WINDOW_MS): what that gives over HTTP is in the thread-policy tables."
    )
    return "## Choices and the measurements behind them\n\n" + "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
