"""Custom networks (POST /architectures): a cold summary of a VGG16-sized custom spec over
HTTP beside the zoo's VGG16.

Zoo cold: the first request for a parameter set of `vgg16` (a fresh batch size). Custom cold:
the first request for a network the server has never seen (VGG16's cfg with a fresh class
count, so a fresh name: the name is parsed and validated, the network built on `meta`, then
summarised). Editor: what the page does on each edit, POST /architectures then the summary of
the new name. The three take turns, round by round, so drifting load hits them alike.
"""

import itertools

import httpx

from backend.architectures.specs import VGG16_CFG
from bench.stats import median, percentile, table, time_calls

_fresh = itertools.count(2)


def run(base_url: str, quick: bool = False) -> tuple[str, dict]:
    rounds, per_round = (3, 2) if quick else (8, 3)
    cfg = "-".join(str(v) for v in VGG16_CFG)
    samples: dict[str, list[float]] = {"zoo": [], "custom": [], "editor": []}
    with httpx.Client(base_url=base_url, timeout=120) as client:

        def zoo() -> None:
            params = {"batch_size": next(_fresh)}
            client.get("/models/vgg16/summary", params=params).raise_for_status()

        def custom() -> None:
            name = f"vgg.{cfg}~c{1000 + next(_fresh)}"
            client.get(f"/models/{name}/summary").raise_for_status()

        def editor() -> None:
            spec = {"family": "vgg", "cfg": VGG16_CFG, "num_classes": 1000 + next(_fresh)}
            answer = client.post("/architectures", json=spec)
            answer.raise_for_status()
            client.get(answer.json()["links"]["summary"]).raise_for_status()

        zoo(), custom(), editor()  # the server's first custom name pays one-off imports
        for _ in range(rounds):
            for key, fn in (("zoo", zoo), ("custom", custom), ("editor", editor)):
                samples[key] += time_calls(fn, per_round)
    zoo_p50 = median(samples["zoo"])
    rows = [
        (
            label,
            len(samples[key]),
            median(samples[key]),
            percentile(samples[key], 90),
            median(samples[key]) / zoo_p50,
        )
        for key, label in (
            ("zoo", "vgg16, fresh batch size"),
            ("custom", "custom VGG16-sized, fresh name"),
            ("editor", "POST /architectures + its summary"),
        )
    ]
    data = {key: {"p50_ms": median(v), "all_ms": v} for key, v in samples.items()}
    data["ratio"] = median(samples["custom"]) / zoo_p50
    return table(["cold summary (HTTP)", "n", "p50 ms", "p90 ms", "÷ zoo p50"], rows), data


if __name__ == "__main__":
    from bench.server import running_server

    with running_server() as server:
        text, _ = run(server.base_url)
    print(text)
