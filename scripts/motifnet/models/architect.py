"""The ``architect`` model: Genetic Architect's search family (seed 004, Table 2) as layers.

The hyperparameters and shape arithmetic live in :mod:`.architect_spec` (no torch); this
module only builds and runs the layers. AttentionNet and PromoterNet are two of its points
(:data:`ATTENTION_NET`, :data:`PROMOTER_NET`).
"""

from __future__ import annotations

from torch import Tensor, nn

from ..errors import InputError
from .architect_spec import ArchitectSpec
from .base import MotifModel
from .layers import (
    ConvAttentionPool,
    ConvUnit,
    GlobalMaxPool1d,
    ResidualBlock,
    SameMeanPool1d,
    SamePool1d,
    StridedConv1d,
    dense_stack,
)

# Seed 004's Tables 3 and 4 as architect parameters (the zoo's attention_net, promoter_net).
ATTENTION_NET: dict = {}
PROMOTER_NET = {
    "filters": 8, "kernel": 5, "convs_before": 4, "residual_before": 0, "reduction": "max",
    "reduction_stride": 4, "residual_after": 3, "rnn_layers": 1, "rnn_units": 16,
    "rnn_type": "lstm", "dropout": 0.3,
}


class Architect(MotifModel):
    """One point of Genetic Architect's search space (see :mod:`.architect_spec`)."""

    spec = ArchitectSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        f, k, act, bn = hp["filters"], hp["kernel"], hp["nonlinearity"], hp["conv_batchnorm"]
        self.stem = nn.ModuleList(
            [ConvUnit(4, f, hp["kernel1"], hp["activation"], batchnorm=bn)]
            + [ConvUnit(f, f, k, act, batchnorm=bn) for _ in range(hp["convs_before"] - 1)]
        )
        self.pool1 = SamePool1d(hp["pool1"], hp["pool1"]) if hp["pool1"] > 1 else None
        self.before = nn.Sequential(
            *(ResidualBlock(f, k, act, bn) for _ in range(hp["residual_before"])))
        self.reduction = self._reduction(hp)
        self.after = nn.Sequential(
            *(ConvUnit(f, f, k, act, batchnorm=bn) for _ in range(hp["convs_after"])),
            *(ResidualBlock(f, k, act, bn) for _ in range(hp["residual_after"])),
        )
        self.rnn = None
        if hp["rnn_layers"]:
            rnn = nn.LSTM if hp["rnn_type"] == "lstm" else nn.RNN
            self.rnn = rnn(f, hp["rnn_units"], num_layers=hp["rnn_layers"], batch_first=True,
                           bidirectional=hp["bidirectional"])
        self.pool = self._global(hp)
        self.fc, width = dense_stack(ArchitectSpec.reduced_width(hp, length), hp["fc_units"],
                                     hp["fc_layers"], act, hp["dropout"], hp["fc_batchnorm"])
        self.out = nn.Linear(width, n_outputs)

    @staticmethod
    def _reduction(hp: dict) -> nn.Module | None:
        stride = hp["reduction_stride"]
        return {
            "none": lambda: None,
            "max": lambda: SamePool1d(stride, stride),
            "mean": lambda: SameMeanPool1d(stride),
            "strided": lambda: StridedConv1d(hp["filters"], stride),
        }[hp["reduction"]]()

    @staticmethod
    def _global(hp: dict) -> nn.Module:
        channels = ArchitectSpec.channels(hp)
        return {
            "none": nn.Flatten,
            "attention": lambda: ConvAttentionPool(channels, hp["filters"], hp["kernel"]),
            "max": lambda: nn.Sequential(GlobalMaxPool1d(), nn.Flatten()),
            "mean": lambda: nn.Sequential(nn.AdaptiveAvgPool1d(1), nn.Flatten()),
        }[hp["global_reduction"]]()

    def forward(self, x: Tensor) -> Tensor:
        if self.hparams["global_reduction"] == "none" and x.shape[-1] != self.length:
            raise InputError(
                f"architect was built for sequences of length {self.length}, got {x.shape[-1]}",
                hint="rebuild the model for this length (flattening makes its FC depend on it)",
            )
        for conv in self.stem[:1]:
            x = conv(x)
        if self.pool1 is not None:
            x = self.pool1(x)
        for conv in self.stem[1:]:
            x = conv(x)
        h = self.after(self._reduce(self.before(x)))
        if self.rnn is not None:
            h = self.rnn(h.transpose(1, 2))[0].transpose(1, 2)
        return self.out(self.fc(self.pool(h)))

    def _reduce(self, h: Tensor) -> Tensor:
        return h if self.reduction is None else self.reduction(h)

    def _activations(self, x: Tensor, layer: str) -> Tensor:
        for conv in self.stem[: int(layer.removeprefix("conv"))]:
            x = conv(x)
        return x
