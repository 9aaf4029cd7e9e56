"""Settings: the only reader of the environment. Every knob, with its default and a reason."""

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    # Where models run: "auto" (CUDA when available), "cpu", "cuda" or "cuda:N".
    device: str = "auto"
    # User checkpoints, <WEIGHTS_DIR>/<model>.pt (state dicts): the only place they load from.
    weights_dir: Path = PROJECT_ROOT / "checkpoints"
    # Caps that keep any single request cheap (summaries run on the meta device, so the cap on
    # size is about the length of the answer and the valid-range search, not memory).
    max_input_size: Annotated[int, Field(ge=8)] = 4096  # px, each side
    max_batch_size: Annotated[int, Field(ge=1)] = 1024
    max_num_classes: Annotated[int, Field(ge=2)] = 100_000
    summary_cache_size: Annotated[int, Field(ge=0)] = 256  # parameter sets kept
    # Summarise one model at start so the first request skips torchinfo's one-off meta warm-up.
    warm_summaries: bool = True
    log_level: str = "info"
    # Origins allowed to call the API from other sites (CORS); empty: same origin only.
    cors_origins: list[str] = []
    # A request that has not started answering by then gets 504 (inference, exports...).
    request_timeout_s: Annotated[float, Field(gt=0)] = 60.0

    @field_validator("device")
    @classmethod
    def _device_is_known(cls, value: str) -> str:
        v = value.strip().lower()
        if v in ("auto", "cpu", "cuda") or (v.startswith("cuda:") and v[5:].isdigit()):
            return v
        raise ValueError("DEVICE must be auto, cpu, cuda or cuda:N")


@cache
def get_settings() -> Settings:
    return Settings()
