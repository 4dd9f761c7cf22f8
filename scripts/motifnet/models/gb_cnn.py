"""The Genomic Benchmarks baseline CNNs (seed 003), ported from Keras / PyTorch.

Both stack three units of Conv1d (k8, no padding) -> BN -> ReLU -> MaxPool(2) (the first unit's
activation may be exp, ``activation``) (floor, as Keras
and PyTorch do by default). The seed's Keras code applies ReLU before BN; we apply it after BN
as the Genomic Benchmarks PyTorch model does and the seed recommends, so that first-layer
activations are non-negative motif scores.

- gb_basic (Keras ``basic_cnn_model_v0``): filters 32, 16, 4; Dropout(0.3); global average
  pooling; Dense -> logits.
- gb_final (PyTorch ``CNN``): filters 16, 8, 4; flatten; Dense 512 + ReLU (the seed's text; the
  PyTorch source has no activation there); Dense -> logits.
"""

from __future__ import annotations

from torch import Tensor, nn

from ..errors import InputError
from .base import MotifModel
from .catalog import GB_UNITS, GBBasicSpec, GBFinalSpec, gb_unit_lengths
from .layers import ConvUnit


class _GBCNN(MotifModel):
    """Shared trunk: three conv units; subclasses add the head."""

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        widths = [4, hp["filters1"], hp["filters2"], hp["filters3"]]
        self.convs = nn.ModuleList(
            ConvUnit(widths[i], widths[i + 1], hp["kernel"],
                     hp["activation"] if i == 0 else "relu", padding="valid")
            for i in range(GB_UNITS)
        )
        self.pool = nn.MaxPool1d(hp["pool"])

    def trunk(self, x: Tensor) -> Tensor:
        for conv in self.convs:
            x = self.pool(conv(x))
        return x

    def _activations(self, x: Tensor, layer: str) -> Tensor:
        return self.convs[0](x)


class GBBasic(_GBCNN):
    """Genomic Benchmarks Keras baseline: three conv units, dropout, global average pooling."""

    spec = GBBasicSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        self.drop = nn.Dropout(self.hparams["dropout"])
        self.out = nn.Linear(self.hparams["filters3"], n_outputs)

    def forward(self, x: Tensor) -> Tensor:
        return self.out(self.drop(self.trunk(x)).mean(dim=-1))


class GBFinal(_GBCNN):
    """Genomic Benchmarks PyTorch baseline: three conv units, flatten, dense 512."""

    spec = GBFinalSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        flat = hp["filters3"] * gb_unit_lengths(length, hp["kernel"], hp["pool"])[-1]
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(flat, hp["dense_units"]),
            nn.ReLU(),
            nn.Linear(hp["dense_units"], n_outputs),
        )

    def forward(self, x: Tensor) -> Tensor:
        if x.shape[-1] != self.length:
            raise InputError(
                f"gb_final was built for sequences of length {self.length}, got {x.shape[-1]}",
                hint="rebuild the model for this length (its dense layer depends on it)",
            )
        return self.head(self.trunk(x))
