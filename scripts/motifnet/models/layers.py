"""Building blocks shared by the model families."""

from __future__ import annotations

from functools import partial

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .spec import pooled_length, same_offset


class Exp(nn.Module):
    """Exponential activation (Koo & Ploenzke 2021): first-layer filters that fire only on
    strong matches, after batch normalisation."""

    def forward(self, x: Tensor) -> Tensor:
        return torch.exp(x)


ACTIVATIONS = {
    "relu": nn.ReLU,
    "elu": nn.ELU,
    "exp": Exp,
    # Genetic Architect's (seed 004, Table 2) leaky ReLUs: Maas et al. 2013, Graham 2014
    "leaky_relu": partial(nn.LeakyReLU, 0.01),
    "very_leaky_relu": partial(nn.LeakyReLU, 1 / 3),
}


class SameConv1d(nn.Conv1d):
    """Stride-1 Conv1d with 'same' zero padding, (k - 1) // 2 positions on the left.

    Same result as ``padding="same"``, without PyTorch's warning and copy for even kernels.
    """

    def __init__(self, c_in: int, c_out: int, kernel: int):
        super().__init__(c_in, c_out, kernel)
        self.pads = (same_offset(kernel), kernel - 1 - same_offset(kernel))

    def forward(self, x: Tensor) -> Tensor:
        return super().forward(F.pad(x, self.pads))


class ConvUnit(nn.Module):
    """Conv1d (stride 1) -> BatchNorm (unless ``batchnorm`` is false) -> activation; "same"
    padding keeps the length."""

    def __init__(
        self, c_in: int, c_out: int, kernel: int, act: str = "relu", padding: str = "same",
        batchnorm: bool = True,
    ):
        super().__init__()
        self.conv = (
            SameConv1d(c_in, c_out, kernel) if padding == "same" else nn.Conv1d(c_in, c_out, kernel)
        )
        self.bn = nn.BatchNorm1d(c_out) if batchnorm else nn.Identity()
        self.act = ACTIVATIONS[act]()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(self.bn(self.conv(x)))


class SamePool1d(nn.Module):
    """Max-pool with TensorFlow 'same' padding: ceil(L / stride) outputs, no input position dropped.

    Padding is -inf, split as TensorFlow does (the extra position on the right). The pooling
    itself is an ``nn.MaxPool1d``, so attribution rules for max-pooling apply to it.
    """

    def __init__(self, size: int, stride: int):
        super().__init__()
        self.size = size
        self.stride = stride
        self.pool = nn.MaxPool1d(size, stride)

    def forward(self, x: Tensor) -> Tensor:
        length = x.shape[-1]
        out = pooled_length(length, self.stride)
        total = max((out - 1) * self.stride + self.size - length, 0)
        if total:
            x = F.pad(x, (total // 2, total - total // 2), value=float("-inf"))
        return self.pool(x)

    def extra_repr(self) -> str:
        return f"size={self.size}, stride={self.stride}"


class GlobalMaxPool1d(nn.MaxPool1d):
    """Maximum over all positions, (N, C, L) -> (N, C, 1): an ``nn.MaxPool1d`` whose window is
    the whole input, so attribution rules for max-pooling apply to it."""

    def __init__(self) -> None:
        super().__init__(kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        self.kernel_size = self.stride = x.shape[-1]
        return super().forward(x)


class ResidualBlock(nn.Module):
    """act(x + BN(conv(act(BN(conv(x)))))) with 'same' convolutions (He et al. 2016); without
    ``batchnorm`` the BNs are left out."""

    def __init__(self, channels: int, kernel: int, act: str, batchnorm: bool = True):
        super().__init__()
        self.body = nn.Sequential(
            ConvUnit(channels, channels, kernel, act, batchnorm=batchnorm),
            SameConv1d(channels, channels, kernel),
            nn.BatchNorm1d(channels) if batchnorm else nn.Identity(),
        )
        self.act = ACTIVATIONS[act]()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.body(x))


class ConvAttentionPool(nn.Module):
    """Soft attention over positions: scores from conv -> BN -> tanh -> conv(1) -> BN, softmax.

    Returns the attention-weighted sum of the input features, (N, C, P) -> (N, C).
    """

    def __init__(self, channels: int, hidden: int, kernel: int):
        super().__init__()
        self.score = nn.Sequential(
            SameConv1d(channels, hidden, kernel),
            nn.BatchNorm1d(hidden),
            nn.Tanh(),
            SameConv1d(hidden, 1, kernel),
            nn.BatchNorm1d(1),
        )

    def weights(self, h: Tensor) -> Tensor:
        """(N, 1, P) attention weights summing to 1 over positions."""
        return self.score(h).softmax(dim=-1)

    def forward(self, h: Tensor) -> Tensor:
        return (h * self.weights(h)).sum(dim=-1)


class SameMeanPool1d(nn.AvgPool1d):
    """Mean over windows of ``stride`` positions: ceil(L / stride) outputs, the last window
    averaging the positions it has."""

    def __init__(self, stride: int):
        super().__init__(stride, stride, ceil_mode=True)


class StridedConv1d(nn.Conv1d):
    """Conv1d with kernel = stride: ceil(L / stride) outputs, zeros padded on the right."""

    def __init__(self, channels: int, stride: int):
        super().__init__(channels, channels, stride, stride=stride)

    def forward(self, x: Tensor) -> Tensor:
        stride = self.stride[0]
        return super().forward(F.pad(x, (0, -x.shape[-1] % stride)))


def dense_stack(
    n_in: int, units: int, layers: int, act: str, p_drop: float, batchnorm: bool = False
) -> tuple[nn.Sequential, int]:
    """``layers`` x (Linear -> [BatchNorm] -> activation -> Dropout); returns the stack and its
    output width."""
    blocks: list[nn.Module] = []
    for _ in range(layers):
        norm = [nn.BatchNorm1d(units)] if batchnorm else []
        blocks += [nn.Linear(n_in, units), *norm, ACTIVATIONS[act](), nn.Dropout(p_drop)]
        n_in = units
    return nn.Sequential(*blocks), n_in
