"""The base class of every model: layers built from a torch-free declaration (:mod:`.spec`)."""

from __future__ import annotations

from typing import ClassVar

from torch import Tensor, nn

from .spec import ArchitectureSpec


class MotifModel(nn.Module):
    """Maps one-hot DNA (N, 4, L) to logits (N, n_outputs).

    Subclasses name their declaration ``spec`` (hyperparameters, windows of the interpretable
    layers), build their layers in ``__init__`` from the resolved ``hparams`` and implement
    ``_activations``.
    """

    spec: ClassVar[type[ArchitectureSpec]]

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__()
        self.name = self.spec.name
        self.n_outputs = n_outputs
        self.length = length
        self.hparams = dict(hparams)
        self.windows = self.spec.motif_windows(self.hparams)

    def forward(self, x: Tensor) -> Tensor:
        """Logits (N, n_outputs) for float one-hot input (N, 4, L)."""
        raise NotImplementedError

    def interpretable_layers(self) -> list[str]:
        """Conv layers whose positions map back to input windows at stride 1."""
        return list(self.windows)

    def layer_window(self, layer: str) -> tuple[int, int]:
        """(width, offset): position p of ``layer`` sees input [p - offset, p - offset + width)."""
        self._check_layer(layer)
        return self.windows[layer]

    def layer_activations(self, x: Tensor, layer: str) -> Tensor:
        """(N, F, P) activations of ``layer`` after normalisation and activation, before pooling."""
        self._check_layer(layer)
        return self._activations(x, layer)

    def _activations(self, x: Tensor, layer: str) -> Tensor:
        raise NotImplementedError

    def deeplift_problem(self) -> str | None:
        """Why DeepLIFT cannot attribute this model, or None when it can (its declaration's)."""
        return self.spec.deeplift_problem(self.hparams)

    def _check_layer(self, layer: str) -> None:
        if layer not in self.windows:
            known = ", ".join(self.windows) or "none"
            raise ValueError(
                f"model '{self.name}' has no interpretable layer {layer!r}; it has: {known}"
            )
