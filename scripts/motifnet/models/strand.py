"""Strand symmetry: average a model's logits over a sequence and its reverse complement."""

from __future__ import annotations

import torch
from torch import Tensor

from .base import MotifModel


def revcomp(x: Tensor) -> Tensor:
    """Reverse complement of one-hot (N, 4, L) in A, C, G, T order: flip channels and positions."""
    return x.flip(1, 2)


class ReverseComplementAverage(MotifModel):
    """logits(x) = (f(x) + f(revcomp(x))) / 2: identical for a sequence and its reverse complement.

    Both strands go through the inner model as one batch of 2N (one pass; batch-norm statistics
    shared). Interpretation methods delegate to the inner model on the given strand.
    """

    def __init__(self, inner: MotifModel) -> None:
        self.spec = inner.spec
        super().__init__(inner.n_outputs, inner.length, inner.hparams)
        self.inner = inner

    def forward(self, x: Tensor) -> Tensor:
        both = self.inner(torch.cat([x, revcomp(x)], dim=0))
        forward, reverse = both.chunk(2, dim=0)
        return (forward + reverse) / 2

    def interpretable_layers(self) -> list[str]:
        return self.inner.interpretable_layers()

    def layer_window(self, layer: str) -> tuple[int, int]:
        return self.inner.layer_window(layer)

    def layer_activations(self, x: Tensor, layer: str) -> Tensor:
        return self.inner.layer_activations(x, layer)
