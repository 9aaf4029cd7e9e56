"""Run the benchmarks side by side and write bench/RESULTS.md.

    python -m bench.run            # full run (several minutes on 2 cores)
    python -m bench.run --quick    # fewer repetitions, to check the harness
"""

import argparse
import datetime
from pathlib import Path

from bench import bench_summary
from bench.server import running_server
from bench.stats import machine

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    sections = [f"# Benchmark results\n\n{datetime.date.today()} · {machine()}\n"]
    with running_server() as server:
        sections.append(f"Start-up to first healthy /health: {server.startup_s:.2f} s\n")
        text, _ = bench_summary.run(server.base_url, quick=args.quick)
        sections.append("## Summaries\n\n" + text + "\n")
        print(text)
    RESULTS.write_text("\n".join(sections))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
