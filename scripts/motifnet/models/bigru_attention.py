"""PromoterRNN (seed 001): per-position embedding, bidirectional GRU, additive attention pooling.

E = Dropout(LayerNorm(GELU(W_e x_t))); h_t = [GRU_fwd; GRU_bwd]; u_t = tanh(W_a h_t + b_a);
alpha = softmax_t(w_s . u_t); c = sum_t alpha_t h_t; logits = FC(c). The seed gives neither
dropout probabilities nor the head's widths ("3-layer FC with decreasing sizes"): we use
dropout 0.3 and 2*hidden -> 256 -> 128 -> outputs with GELU.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .base import MotifModel
from .catalog import BiGRUAttentionSpec


class BiGRUAttention(MotifModel):
    """Bidirectional GRU with additive attention; no convolution, so no interpretable layer."""

    spec = BiGRUAttentionSpec

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__(n_outputs, length, hparams)
        hp = self.hparams
        self.embed = nn.Sequential(
            nn.Linear(4, hp["embed_dim"]),
            nn.GELU(),
            nn.LayerNorm(hp["embed_dim"]),
            nn.Dropout(hp["dropout"]),
        )
        self.gru = nn.GRU(
            hp["embed_dim"],
            hp["hidden"],
            num_layers=hp["gru_layers"],
            batch_first=True,
            bidirectional=True,
            dropout=hp["dropout"] if hp["gru_layers"] > 1 else 0.0,
        )
        states = 2 * hp["hidden"]
        self.attend = nn.Sequential(nn.Linear(states, hp["attention_dim"]), nn.Tanh())
        self.score = nn.Linear(hp["attention_dim"], 1, bias=False)
        self.head = nn.Sequential(
            nn.Linear(states, hp["fc1_units"]),
            nn.GELU(),
            nn.Dropout(hp["dropout"]),
            nn.Linear(hp["fc1_units"], hp["fc2_units"]),
            nn.GELU(),
            nn.Dropout(hp["dropout"]),
            nn.Linear(hp["fc2_units"], n_outputs),
        )

    def attention(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """GRU states (N, L, 2H) and attention weights (N, L)."""
        states, _ = self.gru(self.embed(x.transpose(1, 2)))
        alpha = self.score(self.attend(states)).squeeze(-1).softmax(dim=-1)
        return states, alpha

    def forward(self, x: Tensor) -> Tensor:
        states, alpha = self.attention(x)
        return self.head(torch.einsum("nl,nlh->nh", alpha, states))
