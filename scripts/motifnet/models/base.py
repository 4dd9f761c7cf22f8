"""The base class of every model, and the kinds of hyperparameter models declare."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from torch import Tensor, nn

from ..errors import InputError
from ..params import Param


def count(low: int = 1) -> Param:
    """A positive integer hyperparameter filled in by the model (sizes, widths, counts)."""
    return Param(int, None, low=low)


def size(default: int, low: int = 1) -> Param:
    """An integer hyperparameter with a default."""
    return Param(int, default, low=low)


def dropout(default: float) -> Param:
    """A dropout probability in [0, 1)."""
    return Param(float, default, low=0.0, high=1.0)


def activation(default: str = "relu") -> Param:
    """The first convolution layer's activation; ``exp`` is Koo & Ploenzke's (2021) exponential
    activation, applied after batch normalisation."""
    return Param(str, default, choices=("relu", "elu", "exp"))


RC_AVERAGE = Param(bool, False)


class MotifModel(nn.Module):
    """Maps one-hot DNA (N, 4, L) to logits (N, n_outputs).

    Subclasses declare ``name`` and ``params``, build their layers in ``__init__`` from the
    resolved ``hparams``, record the windows of their interpretable layers in ``windows`` and
    implement ``_activations``.
    """

    name: ClassVar[str]
    params: ClassVar[dict[str, Param]]

    def __init__(self, n_outputs: int, length: int, hparams: dict) -> None:
        super().__init__()
        self.n_outputs = n_outputs
        self.length = length
        self.hparams = dict(hparams)
        self.windows: dict[str, tuple[int, int]] = {}

    @classmethod
    def resolve(cls, given: dict, key: str | None) -> dict:
        """Defaults updated by ``given``, every value type-checked; no None left where required."""
        where = f"model '{cls.name}'"
        specs = {**cls.params, "rc_average": RC_AVERAGE}
        unknown = sorted(set(given) - set(specs))
        if unknown:
            raise InputError(
                f"{where} has no parameter(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(sorted(specs))}",
                key=_param_key(key, unknown[0]),
            )
        resolved = {}
        for name, spec in specs.items():
            value = given.get(name)
            if value is None:
                resolved[name] = spec.default
            else:
                resolved[name] = spec.check(name, value, f"{where} parameter",
                                            _param_key(key, name))
        return resolved

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        """Why this architecture cannot take sequences of ``length``, or None when it can."""
        return None

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
        """Why DeepLIFT cannot attribute this model (a layer without a DeepLIFT rule: recurrent
        layers), or None when it can."""
        for name, module in self.named_modules():
            if isinstance(module, nn.RNNBase):
                return f"its {type(module).__name__} layer '{name}' has no DeepLIFT rule"
        return None

    def _check_layer(self, layer: str) -> None:
        if layer not in self.windows:
            known = ", ".join(self.windows) or "none"
            raise ValueError(
                f"model '{self.name}' has no interpretable layer {layer!r}; it has: {known}"
            )


def _param_key(key: str | None, name: str) -> str | None:
    return None if key is None else f"{key}.params.{name}"


def same_offset(kernel: int) -> int:
    """Left padding of a stride-1 'same' convolution (PyTorch and TensorFlow agree)."""
    return (kernel - 1) // 2


def pooled_length(length: int, stride: int) -> int:
    """Positions after a 'same'-padded max-pool (TensorFlow semantics): ceil(length / stride)."""
    return -(-length // stride)


def pool_problem(layer: str, length: int, window: int) -> str | None:
    """A max-pool window wider than the positions it pools is refused."""
    if length < window:
        return f"{layer} (size {window}) would pool only {length} position(s)"
    return None


def kernel_problem(layer: str, kernel: int, length: int) -> str | None:
    """A filter wider than the sequence it scans is refused: no window of it lies inside the
    sequence, so it yields no motif."""
    if kernel > length:
        return (f"the {layer} filters are {kernel} nt wide, wider than the {length} nt "
                "sequences (no window lies inside a sequence, so no motif can come out)")
    return None


def shortest_length(fits: Callable[[int], bool]) -> int:
    """Smallest sequence length for which ``fits(length)`` holds (fits is monotone)."""
    high = 1
    while not fits(high):
        high *= 2
        if high > 1 << 30:
            raise ValueError("no sequence length fits this architecture")
    low = high // 2 + 1 if high > 1 else 1
    while low < high:
        mid = (low + high) // 2
        if fits(mid):
            high = mid
        else:
            low = mid + 1
    return high
