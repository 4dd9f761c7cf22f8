"""AttentionNet and PromoterNet of Genetic Architect (seed 004, tables 3 and 4).

Where the tables leave a choice open, we chose:
- all convolutions use 'same' padding (the residual additions need equal lengths);
- a residual block is act(x + BN(conv(act(BN(conv(x)))))): ELU after the addition, as in He et
  al.'s residual networks (the tables list only the block's inner layers);
- attention scores come from the features they pool (table rows: conv + BN + tanh + conv(1) +
  BN + softmax over positions); the pooled vector is the attention-weighted sum of those features;
- PromoterNet's LSTM is unidirectional (the paper found bidirectional RNNs did not help attention
  models) and attention pools its outputs; its 4x1 max-pool uses 'same' padding;
- the final "FC 1 unit + sigmoid" becomes a linear layer with ``n_outputs`` logits.
The stem convolutions before any pooling map to input windows at stride 1, so all are
interpretable: conv1 (width k), conv2 (2k - 1), ...
"""

from __future__ import annotations

from torch import Tensor, nn

from .base import MotifModel
from .catalog import AttentionNetSpec, PromoterNetSpec
from .layers import ConvAttentionPool, ConvUnit, ResidualBlock, SamePool1d, dense_stack


class _StemModel(MotifModel):
    """Stem of ``stem_convs`` ConvUnits (ELU; the first one's ``activation`` may differ) named
    conv1..convK, all interpretable."""

    def build_stem(self, filters: int, kernel: int, n_convs: int) -> None:
        first = self.hparams["activation"]
        self.stem = nn.ModuleList(
            ConvUnit(4 if i == 0 else filters, filters, kernel, act=first if i == 0 else "elu")
            for i in range(n_convs)
        )
    def _activations(self, x: Tensor, layer: str) -> Tensor:
        for conv in self.stem[: int(layer.removeprefix("conv"))]:
            x = conv(x)
        return x

    def head_and_output(self, n_in: int, n_outputs: int) -> None:
        hp = self.hparams
        self.fc, width = dense_stack(n_in, hp["fc_units"], hp["fc_layers"], "elu", hp["dropout"])
        self.out = nn.Linear(width, n_outputs)


class AttentionNet(_StemModel):
    """Table 3: 2 x conv3(64) BN ELU; 5 residual blocks; conv attention;
    3 x FC 256 ELU dropout 0.2."""

    spec = AttentionNetSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        self.build_stem(hp["filters"], hp["kernel"], hp["stem_convs"])
        self.blocks = nn.Sequential(
            *(
                ResidualBlock(hp["filters"], hp["kernel"], "elu")
                for _ in range(hp["residual_blocks"])
            )
        )
        self.attention = ConvAttentionPool(hp["filters"], hp["filters"], hp["kernel"])
        self.head_and_output(hp["filters"], n_outputs)

    def forward(self, x: Tensor) -> Tensor:
        for conv in self.stem:
            x = conv(x)
        return self.out(self.fc(self.attention(self.blocks(x))))


class PromoterNet(_StemModel):
    """Table 4: 4 x conv5(8) BN ELU; max-pool 4; 3 residual blocks; LSTM 16; conv attention;
    3 x FC 256 ELU dropout 0.3."""

    spec = PromoterNetSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        self.build_stem(hp["filters"], hp["kernel"], hp["stem_convs"])
        self.pool = SamePool1d(hp["pool"], hp["pool"])
        self.blocks = nn.Sequential(
            *(
                ResidualBlock(hp["filters"], hp["kernel"], "elu")
                for _ in range(hp["residual_blocks"])
            )
        )
        self.lstm = nn.LSTM(hp["filters"], hp["lstm_units"], batch_first=True)
        self.attention = ConvAttentionPool(hp["lstm_units"], hp["filters"], hp["kernel"])
        self.head_and_output(hp["lstm_units"], n_outputs)

    def forward(self, x: Tensor) -> Tensor:
        for conv in self.stem:
            x = conv(x)
        h = self.blocks(self.pool(x))
        states, _ = self.lstm(h.transpose(1, 2))
        return self.out(self.fc(self.attention(states.transpose(1, 2))))
