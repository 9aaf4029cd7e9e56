"""What a run is asked to do: its settings, bounded where a type can bound them; the caps that
depend on the server's settings (epochs, images, time) are checked by the lab (service.py)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DatasetName = Literal["mnist-5k", "mnist", "cifar10"]
Optimizer = Literal["adamw", "adam", "sgd"]
Schedule = Literal["onecycle", "constant"]
RunStatus = Literal["queued", "running", "done", "failed", "cancelled", "interrupted"]
TERMINAL: frozenset[str] = frozenset({"done", "failed", "cancelled", "interrupted"})


class RunSettings(BaseModel):
    """POST /training/runs. Every field has a default: `{}` trains SimpleCNN on mnist-5k."""

    # strict: a string is not a number and 0 is not false (the schema says what each field is)
    model_config = ConfigDict(extra="forbid", strict=True)

    model: str = Field(
        "simplecnn",
        min_length=1,
        max_length=100,
        description="Architecture to train from scratch: a classifier whose input fits the "
        "data set (simplecnn for MNIST; resnet18/34, plain18/34 for CIFAR-10; the lab's "
        "stack8-sigmoid / stack8-relu for MNIST).",
    )
    dataset: DatasetName = Field(
        "mnist-5k",
        description="mnist-5k: the offline 5,000-digit MNIST sample (4,000 train, 1,000 "
        "held out); mnist, cifar10: read from DATA_DIR, never downloaded by the server.",
    )
    epochs: int = Field(2, ge=1, description="Passes over the training images (≤ the cap).")
    batch_size: int = Field(64, ge=1, le=1024)
    lr: float = Field(
        3e-3, gt=0, le=10, allow_inf_nan=False, description="Learning rate (peak of one-cycle)."
    )
    optimizer: Optimizer = "adamw"
    schedule: Schedule = Field("onecycle", description="onecycle (warm-up, then down) or constant.")
    weight_decay: float = Field(1e-4, ge=0, le=1, allow_inf_nan=False)
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Same seed, same settings: same curves.")
    augmentation: bool = Field(
        True,
        description="MNIST: random slant, rotation and stroke width before the server's "
        "preprocessing; CIFAR-10: padded random crops and flips.",
    )
    train_images: int | None = Field(
        None, ge=1, description="Use only this many training images (a fixed, balanced subset)."
    )
    validation_images: int | None = Field(
        None, ge=1, description="Judge on only this many held-out images (a fixed subset)."
    )
