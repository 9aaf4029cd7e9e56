"""The training loop shared by every recipe: seeding, AdamW with a one-cycle schedule, a tqdm
progress bar, and held-out accuracy."""

import random
from collections.abc import Callable, Iterator

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
) -> float:
    """Trains in place; returns the last epoch's mean training loss."""
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, total_steps=epochs * steps_per_epoch
    )
    bar = tqdm(total=epochs * steps_per_epoch, unit="batch", disable=not progress)
    mean_loss = float("nan")
    for epoch in range(epochs):
        total, count = 0.0, 0
        for inputs, labels in batches(epoch):
            inputs, labels = inputs.to(device), labels.to(device)
            loss = F.cross_entropy(model(inputs), labels, label_smoothing=label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(labels)
            count += len(labels)
            bar.update()
        mean_loss = total / max(count, 1)
        bar.set_postfix(epoch=f"{epoch + 1}/{epochs}", loss=f"{mean_loss:.4f}")
    bar.close()
    return mean_loss


@torch.inference_mode()
def accuracy(model: nn.Module, inputs: Tensor, labels: Tensor, device: torch.device) -> float:
    """Fraction of `inputs` (N, C, H, W), already preprocessed, classified as `labels`."""
    model.to(device).eval()
    correct = 0
    for start in range(0, len(inputs), 256):
        logits = model(inputs[start : start + 256].to(device))
        correct += int((logits.argmax(dim=1).cpu() == labels[start : start + 256]).sum())
    return correct / max(len(inputs), 1)
