"""Planted-motif data for the training tests: a 6-mer planted in half of random sequences."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from motifnet.data.encoded import EncodedSplit
from motifnet.data.onehot import encode
from motifnet.train.settings import resolve_training

MOTIF = "GATTCA"
CPU = torch.device("cpu")


def planted(n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random sequences; half get MOTIF planted; label = MOTIF present (either way it got there)."""
    rng = np.random.default_rng(seed)
    seqs = ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
    for i in range(0, n, 2):
        at = int(rng.integers(0, length - len(MOTIF)))
        seqs[i] = seqs[i][:at] + MOTIF + seqs[i][at + len(MOTIF):]
    y = np.array([[MOTIF in s] for s in seqs], dtype=np.uint8)
    return encode(seqs), y


def splits(n: int = 600, length: int = 60, multiclass: bool = False) -> dict[str, EncodedSplit]:
    x, y = planted(n, length, seed=1)
    if multiclass:
        y = np.concatenate([1 - y, y], axis=1)
    ids = np.array([f"seq{i}" for i in range(n)])
    cut = [int(n * 0.7), int(n * 0.85)]
    return {name: EncodedSplit(x[rows], y[rows], ids[rows])
            for name, rows in zip(("train", "val", "test"), np.split(np.arange(n), cut))}


class Tiny(nn.Module):
    """One conv layer and global max-pool: enough to find a 6-mer."""

    def __init__(self, n_outputs: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv1d(4, 16, 6)
        self.head = nn.Linear(16, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.conv(x).relu().amax(dim=2))


def settings(**given) -> dict:
    base = {"epochs": 6, "batch_size": 32, "lr": 1e-2, "seed": 0, "rc_augment": False,
            "patience": 5}  # the motif is planted on one strand
    return resolve_training(base, given)
