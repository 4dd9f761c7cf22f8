"""PromoterCNN (seed 000): a DeepBind/Basset-style two-layer CNN with global max pooling."""

from __future__ import annotations

from torch import Tensor, nn

from .base import MotifModel
from .catalog import PromoterCNNSpec
from .layers import ConvUnit, GlobalMaxPool1d, SamePool1d


class PromoterCNN(MotifModel):
    """Conv(4->128, k19) BN ReLU (or exp, ``activation``) MaxPool4; Conv(128->64, k11) BN ReLU; global max; dense head.

    The seed leaves the dropout probability open; 0.3 is our choice. With the defaults and one
    output the model has 108,865 parameters.
    """

    spec = PromoterCNNSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        self.conv1 = ConvUnit(4, hp["filters1"], hp["kernel1"], hp["activation"])
        self.pool1 = SamePool1d(hp["pool1"], hp["pool1"])
        self.conv2 = ConvUnit(hp["filters1"], hp["filters2"], hp["kernel2"])
        self.global_pool = GlobalMaxPool1d()
        self.head = nn.Sequential(
            nn.Dropout(hp["dropout"]),
            nn.Linear(hp["filters2"], hp["dense_units"]),
            nn.ReLU(),
            nn.Dropout(hp["dropout"]),
            nn.Linear(hp["dense_units"], n_outputs),
        )
    def forward(self, x: Tensor) -> Tensor:
        h = self.conv2(self.pool1(self.conv1(x)))
        return self.head(self.global_pool(h).flatten(1))

    def _activations(self, x: Tensor, layer: str) -> Tensor:
        h = self.conv1(x)
        return h if layer == "conv1" else self.conv2(self.pool1(h))
