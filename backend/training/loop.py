"""The training loop shared by every recipe: seeding, AdamW with a one-cycle schedule, a tqdm
progress bar, and held-out accuracy."""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm import tqdm

Batches = Callable[[int], Iterator[tuple[Tensor, Tensor]]]  # epoch -> (inputs, labels) batches


def seed_everything(seed: int) -> torch.Generator:
    """Seeds Python, NumPy and torch; returns a generator for the recipe's own randomness."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


@dataclass(frozen=True)
class StepReport:
    """One optimisation step, as the training lab streams it."""

    epoch: int  # 0-based
    step: int  # 1-based, counted over the whole run
    loss: float
    correct: int  # of this batch's images, classified right before the update
    images: int


@dataclass(frozen=True)
class EpochReport:
    epoch: int  # 0-based
    train_loss: float  # mean over the epoch's images, measured while training
    train_accuracy: float


class Stopped(Exception):
    """Raised out of `fit` when `should_stop()` said so between two steps."""


def make_optimizer(name: str, params, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    """ "adamw" (the recipes'), "adam", or "sgd" (momentum 0.9, the papers' choice)."""
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}")


def fit(
    model: nn.Module,
    batches: Batches,
    *,
    epochs: int,
    steps_per_epoch: int,
    lr: float,
    weight_decay: float,
    device: torch.device,
    label_smoothing: float = 0.0,
    progress: bool = True,
    optimizer: str = "adamw",
    schedule: str = "onecycle",
    on_step: Callable[[StepReport], None] | None = None,
    on_epoch: Callable[[EpochReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> float:
    """Trains in place; returns the last epoch's mean training loss.

    `schedule` is "onecycle" (peak `lr`) or "constant". The hooks are how the training lab
    watches the same loop the command line runs: `on_step` after every step, `on_epoch` after
    every epoch (before the next one starts), `should_stop` before every step (raises Stopped).
    """
    model.to(device).train()
    opt = make_optimizer(optimizer, model.parameters(), lr, weight_decay)
    scheduler = (
        torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps_per_epoch)
        if schedule == "onecycle"
        else None
    )
    bar = tqdm(total=epochs * steps_per_epoch, unit="batch", disable=not progress)
    mean_loss = float("nan")
    step = 0
    for epoch in range(epochs):
        model.train()
        total, count, right = 0.0, 0, 0
        for inputs, labels in batches(epoch):
            if should_stop is not None and should_stop():
                bar.close()
                raise Stopped
            inputs, labels = inputs.to(device), labels.to(device)
            logits = model(inputs)
            loss = F.cross_entropy(logits, labels, label_smoothing=label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if scheduler is not None:
                scheduler.step()
            step += 1
            batch_loss = loss.item()
            batch_right = int((logits.detach().argmax(dim=1) == labels).sum())
            total += batch_loss * len(labels)
            count += len(labels)
            right += batch_right
            bar.update()
            if on_step is not None:
                on_step(StepReport(epoch, step, batch_loss, batch_right, len(labels)))
        mean_loss = total / max(count, 1)
        bar.set_postfix(epoch=f"{epoch + 1}/{epochs}", loss=f"{mean_loss:.4f}")
        if on_epoch is not None:
            on_epoch(EpochReport(epoch, mean_loss, right / max(count, 1)))
    bar.close()
    return mean_loss


@torch.inference_mode()
def evaluate(
    model: nn.Module, inputs: Tensor, labels: Tensor, device: torch.device
) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of `inputs` (N, C, H, W), already preprocessed."""
    was_training = model.training
    model.to(device).eval()
    correct, loss_sum = 0, 0.0
    for start in range(0, len(inputs), 256):
        logits = model(inputs[start : start + 256].to(device))
        target = labels[start : start + 256].to(device)
        loss_sum += float(F.cross_entropy(logits, target, reduction="sum"))
        correct += int((logits.argmax(dim=1) == target).sum())
    model.train(was_training)
    n = max(len(inputs), 1)
    return loss_sum / n, correct / n


@torch.inference_mode()
def accuracy(model: nn.Module, inputs: Tensor, labels: Tensor, device: torch.device) -> float:
    """Fraction of `inputs` (N, C, H, W), already preprocessed, classified as `labels`."""
    model.to(device).eval()
    correct = 0
    for start in range(0, len(inputs), 256):
        logits = model(inputs[start : start + 256].to(device))
        correct += int((logits.argmax(dim=1).cpu() == labels[start : start + 256]).sum())
    return correct / max(len(inputs), 1)
