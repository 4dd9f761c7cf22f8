"""Where each attention position of a model looks in its input: torch-free arithmetic on the
model's hyperparameters, so the config can be checked without torch.

A layer with kernel ``k``, stride ``s`` and ``pad`` positions of left padding maps its output
position ``q`` to positions ``[q*s - pad, q*s - pad + k)`` of its input. Composed from the input
up, position ``p`` of a layer covers the input bases ``[p*stride - offset, p*stride - offset +
width)`` (its *window*), and each layer updates the window as::

    width  += (k - 1) * stride
    offset += pad * stride
    stride *= s

A 'same' convolution (stride 1, pad ``(k - 1) // 2``) widens the window by ``(k - 1) * stride``;
a 'same' max-pool (TensorFlow padding, :class:`motifnet.models.layers.SamePool1d`) multiplies
the stride. Recurrent layers keep positions: state ``t`` stays at the window of its input ``t``,
although it carries the sequence before it (unidirectional) or all of it (bidirectional). The
window of an attention position is thus the window of the features its weight multiplies; the
attention scores' own convolutions, which widen what decides the weight, are not added.

The maps place each weight at its window's centre base, and the attention recipe cuts its
``width`` bases around that centre (:meth:`AttentionGeometry.cut`). Each architecture with an
attention pooling declares its geometry on its hyperparameters
(:meth:`~.spec.ArchitectureSpec.attention_geometry` in :mod:`.catalog`); with the defaults:

- ``attention_net``: 2 stem + 2 x 5 residual convolutions of width 3: 25-nt windows, stride 1;
- ``promoter_net``: 4 stem convolutions of width 5 (17 nt), max-pool 4 (stride 4), 3 residual
  blocks (6 convolutions of width 5 at stride 4) and a forward LSTM: 116-nt windows, stride 4;
- ``bigru_attention``: a per-base embedding, then the bidirectional GRU: 1-nt windows, stride 1
  (every state has read the whole sequence).

Every model has one attention pooling shared by all its outputs, so a sequence has one map,
whatever the task (binary, multi-label, regression); the per-class figures and motifs group
sequences by class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Window:
    """Position ``p`` of a layer covers input ``[p*stride - offset, p*stride - offset + width)``."""

    width: int = 1
    stride: int = 1
    offset: int = 0

    def then(self, kernel: int, stride: int = 1, pad: int = 0) -> Window:
        """The window after a layer of ``kernel``, ``stride`` and ``pad`` left padding."""
        return Window(self.width + (kernel - 1) * self.stride, self.stride * stride,
                      self.offset + pad * self.stride)

    def same_convs(self, kernel: int, n: int = 1) -> Window:
        """After ``n`` stride-1 'same' convolutions of ``kernel``."""
        window = self
        for _ in range(n):
            window = window.then(kernel, 1, (kernel - 1) // 2)
        return window


def same_pool(window: Window, length: int, size: int, stride: int) -> tuple[Window, int]:
    """The window and number of positions after a TensorFlow-'same' max-pool of ``length``
    positions: ``ceil(length / stride)`` outputs, the padding split with the extra one right."""
    out = -(-length // stride)
    total = max((out - 1) * stride + size - length, 0)
    return window.then(size, stride, total // 2), out


@dataclass(frozen=True)
class AttentionGeometry:
    """The ``positions`` attention positions of a model on sequences of ``length`` bases."""

    window: Window
    positions: int
    length: int

    def starts(self) -> np.ndarray:
        """(P,) first input base of each position's window (may be < 0 at the edges)."""
        import numpy as np  # here: the config reads this module, without numpy

        return np.arange(self.positions) * self.window.stride - self.window.offset

    def bounds(self) -> np.ndarray:
        """(P, 2) each window ``[start, end)``, clipped to the sequence."""
        return (self.starts()[:, None] + [0, self.window.width]).clip(0, self.length)

    def centres(self) -> np.ndarray:
        """(P,) the base each position is drawn at: its window's centre, within the sequence."""
        return (self.starts() + (self.window.width - 1) // 2).clip(0, self.length - 1)

    def cut(self, position: int | np.ndarray, width: int) -> np.ndarray:
        """First base of the ``width`` bases centred on ``position``'s centre (the left one of
        the two middle bases for even widths), moved inside the sequence at its edges."""
        start = self.centres()[position] - (width - 1) // 2
        return start.clip(0, max(self.length - width, 0))

    def as_dict(self) -> dict:
        return {"width": self.window.width, "stride": self.window.stride,
                "offset": self.window.offset, "positions": self.positions,
                "length": self.length}
