"""What an architecture is before it is built, without torch: its hyperparameters, the sequence
lengths it takes, the input windows of its motif layers and whether DeepLIFT has a rule for every
layer. The config check asks these of every architecture while the workflow is parsed, so this
module and :mod:`.catalog` import nothing heavy; :class:`~.base.MotifModel` builds the layers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from ..errors import InputError
from ..params import Param

RC_AVERAGE = Param(bool, False)


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


class ArchitectureSpec:
    """An architecture's declaration: ``name``, ``params`` and the shape arithmetic below.

    ``motif_windows`` gives, per convolution layer whose positions map back to the input at
    stride 1, (width, offset): position p of the layer sees input [p - offset, p - offset +
    width). ``recurrent_layer`` names a recurrent layer (DeepLIFT has no rule for it).
    """

    name: ClassVar[str]
    params: ClassVar[dict[str, Param]]

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
                key=param_key(key, unknown[0]),
            )
        resolved = {}
        for name, spec in specs.items():
            value = given.get(name)
            if value is None:
                resolved[name] = spec.default
            else:
                resolved[name] = spec.check(name, value, f"{where} parameter",
                                            param_key(key, name))
        return resolved

    @classmethod
    def length_problem(cls, hparams: dict, length: int) -> str | None:
        """Why this architecture cannot take sequences of ``length``, or None when it can."""
        return None

    @classmethod
    def motif_windows(cls, hparams: dict) -> dict[str, tuple[int, int]]:
        """Layer -> (width, offset) of the layers whose filters map back to input windows."""
        return {}

    @classmethod
    def recurrent_layer(cls, hparams: dict) -> tuple[str, str] | None:
        """(type, attribute) of a recurrent layer, e.g. ("LSTM", "lstm"), or None."""
        return None

    @classmethod
    def deeplift_problem(cls, hparams: dict) -> str | None:
        """Why DeepLIFT cannot attribute this model (a layer without a DeepLIFT rule), or None."""
        layer = cls.recurrent_layer(hparams)
        if layer is None:
            return None
        return f"its {layer[0]} layer '{layer[1]}' has no DeepLIFT rule"


def param_key(key: str | None, name: str) -> str | None:
    """The config path of hyperparameter ``name`` of the architecture entry at ``key``."""
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
