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
from .base import (
    MotifModel,
    Param,
    activation,
    count,
    dropout,
    kernel_problem,
    pool_problem,
    pooled_length,
    same_offset,
    size,
)
from .layers import ConvUnit, SamePool1d

# The paper's named architectures: kernel sizes and pool sizes (p1 * p2 = 100).
VARIANTS: dict[str, dict[str, int]] = {
    "cnn-1": {"kernel1": 19, "kernel2": 5, "pool1": 1, "pool2": 100},
    "cnn-2": {"kernel1": 19, "kernel2": 5, "pool1": 2, "pool2": 50},
    "cnn-4": {"kernel1": 19, "kernel2": 5, "pool1": 4, "pool2": 25},
    "cnn-10": {"kernel1": 19, "kernel2": 5, "pool1": 10, "pool2": 10},
    "cnn-25": {"kernel1": 19, "kernel2": 5, "pool1": 25, "pool2": 4},
    "cnn-50": {"kernel1": 19, "kernel2": 5, "pool1": 50, "pool2": 2},
    "cnn-100": {"kernel1": 19, "kernel2": 5, "pool1": 100, "pool2": 1},
    "cnn9-4": {"kernel1": 9, "kernel2": 5, "pool1": 4, "pool2": 25},
    "cnn9-25": {"kernel1": 9, "kernel2": 5, "pool1": 25, "pool2": 4},
    "cnn3-2": {"kernel1": 3, "kernel2": 5, "pool1": 2, "pool2": 50},
    "cnn3-50": {"kernel1": 3, "kernel2": 5, "pool1": 50, "pool2": 2},
    "cnn-50-2": {"kernel1": 19, "kernel2": 5, "pool1": 50, "pool1_stride": 2, "pool2": 50},
    "cnn19-1-2": {"kernel1": 19, "kernel2": 1, "pool1": 2, "pool2": 50},
}


class KooCNN(MotifModel):
    """Koo & Eddy CNN; ``variant`` picks the paper's kernel and pool sizes, explicit values win.

    Pool strides default to the pool size (cnn-50-2: first stride 2).
    """

    name = "koo_cnn"
    params = {
        "variant": Param(str, "cnn-25", choices=tuple(VARIANTS)),
        "filters1": size(30),
        "activation": activation(),
        "kernel1": count(),
        "pool1": count(),
        "pool1_stride": count(),
        "filters2": size(128),
        "kernel2": count(),
        "pool2": count(),
        "pool2_stride": count(),
        "dense_units": size(512),
        "dense_batchnorm": Param(bool, True),
        "dropout_conv": dropout(0.1),
        "dropout_dense": dropout(0.5),
    }

    @classmethod
    def resolve(cls, given: dict, key: str | None) -> dict:
        hp = super().resolve(given, key)
        for name, value in VARIANTS[hp["variant"]].items():
            if hp[name] is None:
                hp[name] = value
        for pool in ("pool1", "pool2"):
            if hp[f"{pool}_stride"] is None:
                hp[f"{pool}_stride"] = hp[pool]
            if hp[f"{pool}_stride"] > hp[pool]:
                raise InputError(
                    f"model 'koo_cnn' parameter '{pool}_stride' ({hp[f'{pool}_stride']}) is larger "
                    f"than '{pool}' ({hp[pool]}): positions would be skipped",
                    key=None if key is None else f"{key}.params.{pool}_stride",
                )
        return hp

    @classmethod
    def positions(cls, hp: dict, length: int) -> tuple[int, int]:
        """Positions after the first and the second max-pool."""
        after1 = pooled_length(length, hp["pool1_stride"])
        return after1, pooled_length(after1, hp["pool2_stride"])

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        after1, _ = cls.positions(hparams, length)
        return kernel_problem("conv1 (kernel1)", hparams["kernel1"], length) or pool_problem("the first max-pool", length, hparams["pool1"]) or pool_problem(
            "the second max-pool", after1, hparams["pool2"]
        )

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        self.conv1 = ConvUnit(4, hp["filters1"], hp["kernel1"], hp["activation"])
        self.pool1 = SamePool1d(hp["pool1"], hp["pool1_stride"])
        self.conv2 = ConvUnit(hp["filters1"], hp["filters2"], hp["kernel2"])
        self.pool2 = SamePool1d(hp["pool2"], hp["pool2_stride"])
        self.drop = nn.Dropout(hp["dropout_conv"])
        _, after2 = self.positions(hp, length)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(hp["filters2"] * after2, hp["dense_units"]),
            nn.BatchNorm1d(hp["dense_units"]) if hp["dense_batchnorm"] else nn.Identity(),
            nn.ReLU(),
            nn.Dropout(hp["dropout_dense"]),
            nn.Linear(hp["dense_units"], n_outputs),
        )
        self.windows["conv1"] = (hp["kernel1"], same_offset(hp["kernel1"]))
        if hp["pool1"] == 1 and hp["pool1_stride"] == 1:
            width = hp["kernel1"] + hp["kernel2"] - 1
            self.windows["conv2"] = (width, same_offset(hp["kernel1"]) + same_offset(hp["kernel2"]))
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
