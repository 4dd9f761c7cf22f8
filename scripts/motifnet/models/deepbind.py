"""DeepBind-style model (Alipanahi et al. 2015): one motif-scanning conv layer, global pooling.

Conv1d(4 -> 16, k24, 'same') -> ReLU (``activation: exp``: batch norm, then exp); global max (and average, ``pooling: maxavg``) per filter,
concatenated; Dropout; Linear -> 32 ReLU; Dropout; Linear -> logits. No batch normalisation
with ReLU, as in DeepBind.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .base import MotifModel
from .catalog import DeepBindSpec
from .layers import Exp, GlobalMaxPool1d, SameConv1d


class DeepBind(MotifModel):
    """Single conv layer of motif detectors with global pooling and a small dense head."""

    spec = DeepBindSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        conv = SameConv1d(4, hp["filters"], hp["kernel"])
        if hp["activation"] == "exp":
            self.conv1 = nn.Sequential(conv, nn.BatchNorm1d(hp["filters"]), Exp())
        else:
            self.conv1 = nn.Sequential(conv, nn.ReLU() if hp["activation"] == "relu" else nn.ELU())
        self.global_pool = GlobalMaxPool1d()
        pooled = hp["filters"] * (2 if hp["pooling"] == "maxavg" else 1)
        self.head = nn.Sequential(
            nn.Dropout(hp["dropout"]),
            nn.Linear(pooled, hp["dense_units"]),
            nn.ReLU(),
            nn.Dropout(hp["dropout"]),
            nn.Linear(hp["dense_units"], n_outputs),
        )

    def forward(self, x: Tensor) -> Tensor:
        h = self.conv1(x)
        pooled = self.global_pool(h).flatten(1)
        if self.hparams["pooling"] == "maxavg":
            pooled = torch.cat([pooled, h.mean(dim=-1)], dim=1)
        return self.head(pooled)

    def _activations(self, x: Tensor, layer: str) -> Tensor:
        return self.conv1(x)
