"""The CNN-N family of Koo & Eddy (2019, seed 002), whose max-pool size sets how whole the
first-layer motifs come out.

conv1 (30 filters, k19) BN ReLU (or exp, ``activation``) max-pool p1 dropout 0.1; conv2 (128 filters, k5) BN ReLU
max-pool p2 dropout 0.1; flatten; dense 512 BN ReLU dropout 0.5; output logits. 'Same' padding
everywhere (TensorFlow semantics, as in the paper's code), He initialisation. The dense layer's
batch normalisation is in the paper's published model definitions though not in its text;
without it the network learns several times slower under dropout 0.5 (``dense_batchnorm``).
"""

from __future__ import annotations

from torch import Tensor, nn

from ..errors import InputError
from .base import MotifModel
from .catalog import KooCNNSpec
from .layers import ConvUnit, SamePool1d


class KooCNN(MotifModel):
    """Koo & Eddy CNN (:class:`~.catalog.KooCNNSpec`: the variants and their sizes)."""

    spec = KooCNNSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        self.conv1 = ConvUnit(4, hp["filters1"], hp["kernel1"], hp["activation"])
        self.pool1 = SamePool1d(hp["pool1"], hp["pool1_stride"])
        self.conv2 = ConvUnit(hp["filters1"], hp["filters2"], hp["kernel2"])
        self.pool2 = SamePool1d(hp["pool2"], hp["pool2_stride"])
        self.drop = nn.Dropout(hp["dropout_conv"])
        _, after2 = self.spec.positions(hp, length)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(hp["filters2"] * after2, hp["dense_units"]),
            nn.BatchNorm1d(hp["dense_units"]) if hp["dense_batchnorm"] else nn.Identity(),
            nn.ReLU(),
            nn.Dropout(hp["dropout_dense"]),
            nn.Linear(hp["dense_units"], n_outputs),
        )
        for module in self.modules():
            if isinstance(module, (nn.Conv1d, nn.Linear)):
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
                nn.init.zeros_(module.bias)

    def forward(self, x: Tensor) -> Tensor:
        if x.shape[-1] != self.length:
            raise InputError(
                f"koo_cnn was built for sequences of length {self.length}, got {x.shape[-1]}",
                hint="rebuild the model for this length (its dense layer depends on it)",
            )
        h = self.drop(self.pool1(self.conv1(x)))
        h = self.drop(self.pool2(self.conv2(h)))
        return self.head(h)

    def _activations(self, x: Tensor, layer: str) -> Tensor:
        h = self.conv1(x)
        return h if layer == "conv1" else self.conv2(self.drop(self.pool1(h)))
